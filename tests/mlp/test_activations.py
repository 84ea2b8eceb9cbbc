"""mlp.activations: every derivative against central differences (issue item 1), values,
registry."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import away_from, elementwise_difference

import mlp
from mlp.activations import ACTIVATIONS, Activation, elu, get_activation, leaky_relu

ALL = sorted(ACTIVATIONS) + ["leaky_relu(0.2)", "elu(0.5)"]


def _get(name):
    if name == "leaky_relu(0.2)":
        return leaky_relu(0.2)
    if name == "elu(0.5)":
        return elu(0.5)
    return ACTIVATIONS[name]


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("N", [1, 5])
@pytest.mark.parametrize("K", [1, 2, 4])
def test_derivative_matches_central_differences(name, N, K, rng):
    act = _get(name)
    # z spans both sides of 0 and the saturated tails, but keeps clear of the kink at 0
    z = away_from(rng.normal(scale=3.0, size=(N, K)), margin=1e-3)
    df = act.fprime(z)
    assert df.shape == z.shape and df.dtype == np.float64
    np.testing.assert_allclose(df, elementwise_difference(act.f, z), rtol=1e-7, atol=1e-9)


# Values read off the lectures' activation table, at z = -2, -0.5, 0, 0.5, 2.
Z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
EXPECTED = {
    "identity": (Z, np.ones(5)),
    "step": (np.array([0, 0, 1, 1, 1.0]), np.zeros(5)),
    "sigmoid": (1 / (1 + np.exp(-Z)), np.exp(-Z) / (1 + np.exp(-Z)) ** 2),
    "tanh": (np.tanh(Z), 1 / np.cosh(Z) ** 2),
    "relu": (np.array([0, 0, 0, 0.5, 2]), np.array([0, 0, 1, 1, 1.0])),  # f'(0) = 1 (x >= 0)
    "leaky_relu": (np.array([-0.02, -0.005, 0, 0.5, 2]), np.array([0.01, 0.01, 1, 1, 1])),
    "elu": (np.array([np.exp(-2) - 1, np.exp(-0.5) - 1, 0, 0.5, 2]),
            np.array([np.exp(-2), np.exp(-0.5), 1, 1, 1])),
    "softplus": (np.log(1 + np.exp(Z)), 1 / (1 + np.exp(-Z))),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_values_from_the_activation_table(name):
    assert name in EXPECTED, f"add expected values for the new activation {name!r}"
    f_expected, df_expected = EXPECTED[name]
    act = ACTIVATIONS[name]
    np.testing.assert_allclose(act.f(Z), f_expected, rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(act.fprime(Z), df_expected, rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(act(Z), act.f(Z))


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_stable_at_1000_and_float32_is_kept(name):
    act = ACTIVATIONS[name]
    z = np.array([-1000.0, 1000.0])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        assert np.all(np.isfinite(act.f(z))) and np.all(np.isfinite(act.fprime(z)))
    z32 = np.linspace(-3, 3, 7, dtype=np.float32)
    assert act.f(z32).dtype == np.float32 and act.fprime(z32).dtype == np.float32


def test_parametrised_activations_and_registry():
    assert leaky_relu(0.2).f(np.array([-1.0]))[0] == -0.2
    assert elu(0.5).f(np.array([-np.inf]))[0] == -0.5
    assert "alpha=0.2" in repr(leaky_relu(0.2))
    assert get_activation("tanh") is ACTIVATIONS["tanh"]
    custom = leaky_relu(0.3)
    assert get_activation(custom) is custom
    net = mlp.MLP([2, 3, 1], activation=custom, rng=0)
    assert net.layer(1).f is custom
    assert set(ACTIVATIONS) == {"identity", "step", "sigmoid", "tanh", "relu", "leaky_relu",
                                "elu", "softplus"}
    with pytest.raises(ValueError) as err:
        get_activation("tahn")
    for valid in ACTIVATIONS:
        assert repr(valid) in str(err.value)


# ---- one derivative per activation: fprime(z, a), with a = f(z) from the forward pass ----------
@pytest.mark.parametrize("name", ALL)
def test_fprime_is_the_derivative_given_z_and_a(name, rng):
    act = _get(name)
    z = away_from(rng.normal(scale=3.0, size=(4, 3)), margin=1e-3)
    np.testing.assert_allclose(act.fprime(z, act.f(z)), elementwise_difference(act.f, z),
                               rtol=1e-7, atol=1e-9)
    np.testing.assert_array_equal(act.fprime(z), act.fprime(z, act.f(z)))


def test_relu_derivative_is_the_step_function():
    z = np.array([-2.0, -1e-12, 0.0, 3.0])
    relu = ACTIVATIONS["relu"]
    np.testing.assert_array_equal(relu.fprime(z, relu.f(z)), ACTIVATIONS["step"].f(z))


def test_activations_built_as_the_exercises_build_them():
    # exercise 4's public test: a sigmoid whose derivative is taken as 1, given as a function of z
    act = ACTIVATIONS["sigmoid"]
    no_fprime = Activation("sigmoid", act.f, np.ones_like)
    z = np.array([[-1.0, 2.0]])
    np.testing.assert_array_equal(no_fprime.fprime(z, act.f(z)), np.ones((1, 2)))
    net = mlp.MLP([2, 3, 2], activation=no_fprime, output="sigmoid", rng=0)
    X, T = np.array([[0.5, -1.0]]), np.array([[0.0, 1.0]])
    net.loss_and_grads(X, T, mlp.SquaredError())
    delta2 = net.delta[2]                       # BP2 without f'(z): (W^(2))^T delta^(2) only
    np.testing.assert_allclose(net.delta[1], delta2 @ net.layer(2).W.data)
    # exercise 2's tests read f from the registry, and plot f and f' as chapter 2 does
    assert mlp.get_activation("tanh").f is mlp.activations.tanh
    zz = np.linspace(-3, 3, 7)
    assert mlp.get_activation("tanh").fprime(zz).shape == zz.shape
    custom = Activation("cube", lambda z: z ** 3, lambda z, a: 3 * z ** 2)
    assert custom(2.0) == 8.0 and custom.fprime(2.0) == 12.0 and repr(custom) == "Activation(cube)"


def test_one_name_for_the_derivative():
    """f'(z) is `fprime`, as the lectures write it: with the stored a = f(z) (backprop) or
    without."""
    act = _get("sigmoid")
    z = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(act.fprime(z), act.fprime(z, act.f(z)))
    assert [n for n in ("df", "derivative", "df_from_a") if hasattr(act, n)] == []
