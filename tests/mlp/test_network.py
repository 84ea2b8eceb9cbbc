"""mlp.MLP: structure, caches, the four backprop equations, and the whole-network gradient check
over a grid (issue item 2)."""
from __future__ import annotations

import zlib

import numpy as np
import pytest
from helpers import KINK_MARGIN, targets_for

import mlp
from mlp.activations import ACTIVATIONS
from mlp.gradcheck import check_gradients, min_abs_preactivation

# (output activation, loss, one-hot labels?, number of output units K)
PAIRINGS = {
    "identity+SquaredError": ("identity", "SquaredError", False, 2),
    "identity+MSE": ("identity", "MSE", False, 2),
    "identity+MAE": ("identity", "MAE", False, 2),
    "identity+Hinge": ("identity", "Hinge", False, 1),
    "sigmoid+SquaredError": ("sigmoid", "SquaredError", False, 2),
    "sigmoid+BCE": ("sigmoid", "BCE", False, 1),
    "identity+BCEWithLogits": ("identity", "BCEWithLogits", False, 1),
    "identity+SoftmaxCE(int)": ("identity", "SoftmaxCrossEntropy", False, 3),
    "identity+SoftmaxCE(one-hot)": ("identity", "SoftmaxCrossEntropy", True, 3),
}
KINKED = {"relu", "leaky_relu", "elu", "step"}   # elu's second derivative jumps at 0


def _grid_case(activation, pairing, n_hidden, N, l2, seed):
    """A tiny network and a batch on which every function involved is differentiable."""
    output, loss_name, one_hot, K = PAIRINGS[pairing]
    loss = mlp.losses.LOSSES[loss_name]()
    rng = np.random.default_rng(seed)
    sizes = [2] + [2] * n_hidden + [K]
    net = mlp.MLP(sizes, activation=activation, output=output, rng=rng, l2=l2)
    for p in net.parameters():          # nonzero biases, so z = 0 is not special for any unit
        p.data[...] = rng.normal(scale=0.8, size=p.shape)
    y = targets_for(loss_name, N, K, rng, one_hot=one_hot)
    for _ in range(100):                # resample the inputs until no kink is within reach
        X = rng.normal(size=(N, 2))
        out = net.predict(X)
        ok = activation not in KINKED or min_abs_preactivation(net, X) > KINK_MARGIN
        if loss_name == "MAE":
            ok &= np.min(np.abs(out - y)) > KINK_MARGIN
        if loss_name == "Hinge":
            ok &= np.min(np.abs(1 - y * out)) > KINK_MARGIN
        if ok:
            return net, loss, X, y
    raise AssertionError("could not draw a batch away from every kink")


@pytest.mark.parametrize("l2", [0.0, 0.05], ids=["l2_off", "l2_on"])
@pytest.mark.parametrize("N", [1, 7])
@pytest.mark.parametrize("n_hidden", [1, 2, 3])
@pytest.mark.parametrize("pairing", sorted(PAIRINGS))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_whole_network_gradient_check(activation, pairing, n_hidden, N, l2):
    seed = zlib.crc32(f"{activation}|{pairing}|{n_hidden}|{N}|{l2}".encode())  # same in every run
    net, loss, X, y = _grid_case(activation, pairing, n_hidden, N, l2, seed)
    # eps = 1e-5 (not the default 1e-6): the finite-difference noise, ~1e-16 |C| / eps per entry,
    # then stays far below even the small first-layer gradients of a deep sigmoid net, while
    # the truncation error (~eps^2) is still negligible and z moves by far less than 1e-4.
    report = check_gradients(net, loss, X, y, eps=1e-5)
    names = report.names
    analytic = np.concatenate([report.analytic[n].ravel() for n in names])
    numerical = np.concatenate([report.numerical[n].ravel() for n in names])
    # the criterion: the whole network's gradient vector, relative error below 1e-7
    assert mlp.relative_error(analytic, numerical) < 1e-7, report
    # and parameter by parameter, three orders of magnitude below what a real bug scores (1e-2)
    for name, error in zip(names, report.errors):
        if np.linalg.norm(report.analytic[name]) < 1e-12:
            # The exact gradient is 0 (below a step unit; or MAE/Hinge, whose +-1/N per-example
            # gradients can cancel exactly). A relative error would be noise / noise there, so
            # the finite difference must simply vanish up to its noise.
            assert np.max(np.abs(report.numerical[name])) < 1e-9, report
        else:
            assert error < 1e-5, report


# ---- structure and caches ------------------------------------------------------------------
def test_shapes_caches_and_1_based_layers(rng):
    net = mlp.MLP([3, 5, 4, 2], activation="tanh", output="sigmoid", rng=0)
    assert net.L == 3 and net.sizes == [3, 5, 4, 2]
    assert [net.layer(l).W.shape for l in (1, 2, 3)] == [(5, 3), (4, 5), (2, 4)]
    assert [net.layer(l).b.shape for l in (1, 2, 3)] == [(5,), (4,), (2,)]
    assert [p.name for p in net.parameters()] == ["W^(1)", "b^(1)", "W^(2)", "b^(2)", "W^(3)",
                                                  "b^(3)"]
    assert net.n_params == 5 * 3 + 5 + 4 * 5 + 4 + 2 * 4 + 2
    X = rng.normal(size=(6, 3))
    A = net.forward(X)
    assert A.shape == (6, 2)
    np.testing.assert_array_equal(net.a[0], X)
    a = X
    for l in (1, 2, 3):  # z^(l) = W^(l) a^(l-1) + b^(l) per example, a^(l) = f(z^(l))
        layer = net.layer(l)
        z = np.stack([layer.W.data @ a[n] + layer.b.data for n in range(6)])
        np.testing.assert_allclose(net.z[l], z, rtol=1e-12, atol=1e-15)
        a = np.tanh(z) if l < 3 else 1 / (1 + np.exp(-z))
        np.testing.assert_allclose(net.a[l], a, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(net.predict(X), A)
    np.testing.assert_array_equal(net(X), A)
    assert "sizes=[3, 5, 4, 2]" in repr(net) and "activation='tanh'" in repr(net)


def test_backward_follows_the_four_equations_per_example(rng):
    """BP1-BP4 written per example with column vectors, as on the slides, against MLP.backward."""
    net = mlp.MLP([3, 4, 3, 2], activation="tanh", output="sigmoid", rng=1)
    X, Y = rng.normal(size=(5, 3)), rng.uniform(size=(5, 2))
    loss = mlp.losses.SquaredError()
    net.loss_and_grads(X, Y, loss)
    L = net.L
    dW = {l: np.zeros_like(net.layer(l).W.data) for l in range(1, L + 1)}
    db = {l: np.zeros_like(net.layer(l).b.data) for l in range(1, L + 1)}
    for n in range(5):
        z = {l: net.z[l][n] for l in range(1, L + 1)}
        a = {l: net.a[l][n] for l in range(0, L + 1)}
        s = 1 / (1 + np.exp(-z[L]))
        delta = {L: s * (1 - s) * (a[L] - Y[n]) / 5}                       # BP1 (1/N of the mean)
        for l in range(L - 1, 0, -1):                                      # BP2
            delta[l] = (1 - np.tanh(z[l]) ** 2) * (net.layer(l + 1).W.data.T @ delta[l + 1])
        for l in range(1, L + 1):
            db[l] += delta[l]                                              # BP3
            dW[l] += np.outer(delta[l], a[l - 1])                          # BP4
            np.testing.assert_allclose(net.delta[l][n], delta[l], rtol=1e-13)
    for l in range(1, L + 1):
        np.testing.assert_allclose(net.layer(l).W.grad, dW[l], rtol=1e-13)
        np.testing.assert_allclose(net.layer(l).b.grad, db[l], rtol=1e-13)


def test_l2_penalty_and_its_gradient(rng):
    net = mlp.MLP([2, 3, 1], activation="tanh", rng=0, l2=0.1)
    X, y = rng.normal(size=(4, 2)), rng.normal(size=4)
    expected_penalty = 0.1 * sum(np.sum(net.layer(l).W.data ** 2) for l in (1, 2))
    assert net.penalty() == pytest.approx(expected_penalty, rel=1e-14)
    value = net.loss_and_grads(X, y, mlp.losses.MSE())
    grads = [net.layer(l).W.grad.copy() for l in (1, 2)]
    plain = mlp.MLP([2, 3, 1], activation="tanh", rng=0)
    assert value == pytest.approx(plain.loss_and_grads(X, y, mlp.losses.MSE()) + expected_penalty)
    for l in (1, 2):  # d/dW of lambda ||W||^2 is 2 lambda W; biases are not penalised
        np.testing.assert_allclose(grads[l - 1], plain.layer(l).W.grad + 0.2 * net.layer(l).W.data)
        np.testing.assert_allclose(net.layer(l).b.grad, plain.layer(l).b.grad)


def test_backward_overwrites_and_zero_grad(rng):
    net = mlp.MLP([2, 3, 1], activation="tanh", rng=0)
    X, y = rng.normal(size=(4, 2)), rng.normal(size=4)
    loss = mlp.losses.SquaredError()
    net.loss_and_grads(X, y, loss)
    first = [p.grad.copy() for p in net.parameters()]
    net.loss_and_grads(X, y, loss)  # the same batch twice: the same gradient, not the double
    for g, p in zip(first, net.parameters()):
        np.testing.assert_array_equal(p.grad, g)
    net.zero_grad()
    assert all(not np.any(p.grad) for p in net.parameters())


def test_float32_network_stays_float32(rng):
    net = mlp.MLP([2, 4, 3], activation="relu", dtype=np.float32, rng=0)
    X = rng.normal(size=(5, 2))  # float64 input is converted
    net.loss_and_grads(X, np.array([0, 1, 2, 1, 0]), mlp.losses.SoftmaxCrossEntropy())
    assert net.a[2].dtype == np.float32
    assert all(p.data.dtype == np.float32 and p.grad.dtype == np.float32 for p in net.parameters())
    assert "dtype=float32" in repr(net)


def test_same_rng_same_network():
    a = mlp.MLP([3, 4, 2], rng=5)
    b = mlp.MLP([3, 4, 2], rng=np.random.default_rng(5))
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.data, q.data)
    c = mlp.MLP([3, 4, 2], rng=6)
    assert not np.array_equal(a.layer(1).W.data, c.layer(1).W.data)


def test_dense_takes_its_sizes_in_the_order_of_W():
    layer = mlp.Dense(3, 2, activation="tanh", rng=0)        # W^(l) has shape (n_out, n_in)
    assert layer.W.shape == (3, 2) and layer.b.shape == (3,)
    assert (layer.n_out, layer.n_in) == (3, 2)
    by_name = mlp.Dense(n_in=2, n_out=3, activation="tanh", rng=0)
    np.testing.assert_array_equal(by_name.W.data, layer.W.data)
    assert repr(layer) == "Dense(l=1: 2 -> 3, f=tanh, init=xavier_normal)"
    with pytest.raises(TypeError, match="n_in must be an integer"):
        mlp.Dense(3, 2.5)


def test_one_forward_loop_for_forward_predict_and_training(rng):
    net = mlp.MLP([3, 4, 2], activation="tanh", rng=0)
    X = rng.normal(size=(5, 3))
    out = net.forward(X)
    cached = dict(net.a)
    np.testing.assert_array_equal(net.predict(X[:2]), out[:2])
    assert net.a.keys() == cached.keys() and all(net.a[k] is cached[k] for k in cached)
    np.testing.assert_array_equal(net.propagate(X, cache=False), out)


def test_from_weights_and_weights_round_trip(rng):
    """A network handed around as [(W, b), ...]: MLP.from_weights builds it, net.weights() gives it
    back (copies), and the forward pass is the lecture's a^(l) = f(W^(l) a^(l-1) + b^(l))."""
    pairs = [(rng.normal(size=(4, 3)), rng.normal(size=4)),
             (rng.normal(size=(2, 4)), rng.normal(size=2))]
    net = mlp.MLP.from_weights(pairs, activation="tanh", output="sigmoid")
    assert net.sizes == [3, 4, 2]
    X = rng.normal(size=(5, 3))
    by_hand = 1 / (1 + np.exp(-(np.tanh(X @ pairs[0][0].T + pairs[0][1]) @ pairs[1][0].T
                                + pairs[1][1])))
    np.testing.assert_allclose(net.forward(X), by_hand, rtol=1e-12)
    back = net.weights()
    for (W, b), (W2, b2) in zip(pairs, back):
        assert np.array_equal(W, W2) and np.array_equal(b, b2)
    back[0][0][0, 0] += 1.0
    assert net.layer(1).W.data[0, 0] == pairs[0][0][0, 0], "weights() hands out copies"
    pairs[0][0][0, 0] += 1.0
    assert net.layer(1).W.data[0, 0] != pairs[0][0][0, 0], "from_weights copies its input"


@pytest.mark.parametrize("weights,message", [
    ([], r"non-empty list of \(W, b\) pairs"),
    ([np.ones((2, 2))], "layer 1 must be a pair"),
    ([(np.ones((2, 3)), np.ones(3))], r"b\^\(1\) has shape \(3,\); expected \(2,\)"),
    ([(np.ones((2, 3)), np.ones(2)), (np.ones((2, 3)), np.ones(2))],
     r"W\^\(2\) has shape \(2, 3\); expected \(n_2, n_1\) with n_1 = 2"),
    ([(np.ones(3), np.ones(1))], r"W\^\(1\) has shape \(3,\)"),
    ([(np.ones((2, 3)) * 1j, np.ones(2))], "complex"),
])
def test_from_weights_names_what_is_wrong(weights, message):
    with pytest.raises((TypeError, ValueError), match=message):
        mlp.MLP.from_weights(weights)
