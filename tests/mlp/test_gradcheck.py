"""mlp.gradcheck: the checker is correct, and it has power: planted backprop bugs fail it
(issue item 4)."""
from __future__ import annotations

import numpy as np
import pytest

import mlp
from mlp.activations import Activation, identity_prime
from mlp.gradcheck import check_gradients, min_abs_preactivation, numerical_gradient, relative_error
from mlp.network import MLP


def test_numerical_gradient_of_a_known_function(rng):
    x = rng.normal(size=(3, 4))
    f = lambda: float(np.sum(np.sin(x) * x ** 2))  # noqa: E731  (reads x, which is perturbed)
    g = numerical_gradient(f, x)
    np.testing.assert_allclose(g, np.cos(x) * x ** 2 + 2 * x * np.sin(x), rtol=1e-8, atol=1e-10)


def test_numerical_gradient_restores_x_even_when_f_raises(rng):
    x = rng.normal(size=5)
    before = x.copy()
    numerical_gradient(lambda: float(np.sum(x ** 3)), x)
    np.testing.assert_array_equal(x, before)
    calls = []

    def boom():
        calls.append(1)
        raise KeyError("f failed")

    with pytest.raises(KeyError):
        numerical_gradient(boom, x)
    np.testing.assert_array_equal(x, before)
    assert calls == [1]


def test_numerical_gradient_on_a_non_contiguous_array(rng):
    # A transposed view cannot be flattened without a copy; perturbing a copy would leave x
    # untouched and give a gradient of zeros.
    x = rng.normal(size=(4, 3)).T
    assert not x.flags.c_contiguous
    g = numerical_gradient(lambda: float(np.sum(x ** 2)), x)
    np.testing.assert_allclose(g, 2 * x, rtol=1e-8)


def test_numerical_gradient_refuses_float32():
    x = np.ones(3, dtype=np.float32)
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda: float(np.sum(x)), x)


def test_relative_error():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([1.0, -2.0], [-1.0, 2.0]) == 1.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([3.0], [1.0]) == pytest.approx(0.5)


def test_report_counts_forward_passes_and_leaves_the_network_alone(rng):
    net = mlp.MLP([3, 4, 2], activation="tanh", rng=0)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    loss = mlp.losses.SquaredError()
    weights = [p.data.copy() for p in net.parameters()]
    report = check_gradients(net, loss, X, y)
    assert report.passed and report.max_error < 1e-7
    # finite differences: two forward passes per weight; backprop: one forward, one backward
    assert report.n_forward == 2 * net.n_params == 2 * (4 * 3 + 4 + 2 * 4 + 2)
    assert report.seconds_numerical > 0 and report.seconds_backprop > 0
    assert report.names == ["W^(1)", "b^(1)", "W^(2)", "b^(2)"]
    for p, w in zip(net.parameters(), weights):
        np.testing.assert_array_equal(p.data, w)
        np.testing.assert_array_equal(p.grad, report.analytic[p.name])
    text = repr(report)
    assert "passed" in text and "W^(2)" in text and str(report.n_forward) in text
    assert float(report) == report.max_error


def test_refuses_float32_networks(rng):
    net = mlp.MLP([2, 2, 1], dtype=np.float32, rng=0)
    with pytest.raises(TypeError, match="float64"):
        check_gradients(net, mlp.losses.MSE(), rng.normal(size=(3, 2)), rng.normal(size=3))


def test_min_abs_preactivation(rng):
    net = mlp.MLP([2, 3, 1], rng=0)
    X = rng.normal(size=(4, 2))
    net.forward(X)
    expected = min(np.abs(net.z[1]).min(), np.abs(net.z[2]).min())
    assert min_abs_preactivation(net, X) == expected


# ---- item 4: the checker has power ------------------------------------------------------------
def _buggy_backward(bug):
    """MLP.backward with one planted bug (the correct lines are in mlp/network.py)."""

    def backward(self, dC_da):
        for l in range(self.L, 0, -1):
            layer = self.layer(l)
            fprime = layer.f.fprime(self.z[l], self.a[l])
            if ((bug == "output f' dropped" and l == self.L)
                    or (bug == "hidden f' dropped" and l < self.L)):
                fprime = 1.0
            delta = fprime * dC_da
            self.delta[l] = delta
            layer.W.grad = delta.T @ (self.a[l] if bug == "a[l] for a[l-1]" else self.a[l - 1])
            layer.b.grad = delta.sum(axis=0)
            dC_da = delta @ (layer.W.data.T if bug == "W for W^T" else layer.W.data)
        return self.delta

    return backward


@pytest.fixture
def square_problem():
    """A 3-3-3-3 tanh network with sigmoid outputs: square layers, so that W and W^T (and a[l]
    and a[l-1]) have the same shapes and a swapped one computes something instead of crashing."""
    rng = np.random.default_rng(3)
    net = MLP([3, 3, 3, 3], activation="tanh", output="sigmoid", rng=rng)
    for p in net.parameters():
        p.data[...] = rng.normal(size=p.shape)
    return net, mlp.losses.SquaredError(), rng.normal(size=(7, 3)), rng.uniform(size=(7, 3))


def test_the_unmodified_network_passes(square_problem):
    assert check_gradients(*square_problem).passed


@pytest.mark.parametrize("bug", ["hidden f' dropped", "output f' dropped", "W for W^T",
                                 "a[l] for a[l-1]"])
def test_planted_backprop_bugs_fail(bug, square_problem, monkeypatch):
    monkeypatch.setattr(MLP, "backward", _buggy_backward(bug))
    report = check_gradients(*square_problem)
    assert not report.passed
    assert report.max_error > 1e-2, report


def test_a_derivative_replaced_by_1_fails(square_problem):
    net = square_problem[0]
    # f'(z) dropped by the activation itself: tanh whose "derivative" is 1
    net.layer(1).f = Activation("tanh", np.tanh, identity_prime)
    report = check_gradients(*square_problem)
    assert report.max_error > 1e-2 and report.worst in ("W^(1)", "b^(1)")


def test_forgetting_the_1_over_N_fails(square_problem, monkeypatch):
    # the per-example gradient a - y instead of the batch mean's (a - y) / N, with N = 7
    monkeypatch.setattr(mlp.losses.SquaredError, "dC_da", lambda self, a, y: a - y)
    report = check_gradients(*square_problem)
    assert report.max_error == pytest.approx((7 - 1) / (7 + 1), rel=1e-6)  # ||6g|| / ||8g||


def test_forgetting_the_l2_gradient_fails(rng, monkeypatch):
    net = mlp.MLP([3, 3, 2], activation="tanh", rng=0, l2=0.1)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    assert check_gradients(net, mlp.losses.MSE(), X, y).passed
    monkeypatch.setattr(MLP, "penalty", lambda self: 0.0)  # the value forgets what the grads add
    assert check_gradients(net, mlp.losses.MSE(), X, y).max_error > 1e-2


def test_a_coarse_eps_is_not_accurate_to_1e_7(square_problem):
    # truncation error grows like eps^2: eps = 0.1 cannot certify a gradient at 1e-7
    assert not check_gradients(*square_problem, eps=0.1).passed
