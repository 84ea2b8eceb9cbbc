"""mlp.init: variances within 5% of the formulas on 1000x1000 draws (issue item 10), defaults."""
from __future__ import annotations

import numpy as np
import pytest

import mlp
from mlp import init

# initializer -> its variance formula in n_out, n_in
FORMULAS = {
    "xavier_normal": lambda o, i: 2 / (i + o),
    "he_normal": lambda o, i: 2 / i,
}


@pytest.mark.parametrize("name", sorted(FORMULAS))
@pytest.mark.parametrize("shape", [(1000, 1000), (1000, 250)], ids=["square", "fan_in_250"])
def test_variance_within_5_percent(name, shape):
    n_out, n_in = shape
    variance = FORMULAS[name]
    W = init.INITIALIZERS[name](n_out, n_in, rng=1)
    assert W.shape == (n_out, n_in) and W.dtype == np.float64
    assert abs(W.mean()) < 0.01 * np.sqrt(variance(n_out, n_in))
    assert W.var() == pytest.approx(variance(n_out, n_in), rel=0.05)


def test_normal_std_zeros_and_dtype():
    W = init.normal(0.1)(1000, 1000, rng=2)
    assert W.var() == pytest.approx(0.01, rel=0.05)
    assert init.normal(0.1).__name__ == "normal(0.1)"
    assert not np.any(init.zeros(3, 4))
    assert init.he_normal(3, 4, rng=0, dtype=np.float32).dtype == np.float32


@pytest.mark.parametrize("name", sorted(init.INITIALIZERS))
def test_same_seed_same_weights(name):
    f = init.INITIALIZERS[name]
    np.testing.assert_array_equal(f(5, 4, rng=7), f(5, 4, rng=np.random.default_rng(7)))
    if name != "zeros":
        assert not np.array_equal(f(5, 4, rng=7), f(5, 4, rng=8))


@pytest.mark.parametrize("activation, expected", [
    ("relu", "he_normal"), ("leaky_relu", "he_normal"), ("elu", "he_normal"),
    ("softplus", "he_normal"), ("tanh", "xavier_normal"), ("sigmoid", "xavier_normal"),
    ("identity", "xavier_normal")])
def test_default_follows_the_activation_and_shows_in_repr(activation, expected):
    net = mlp.MLP([3, 4, 2], activation=activation, output="identity", rng=0)
    assert net.layer(1).init_name == expected
    assert f"init={expected}" in repr(net.layer(1))
    assert expected in repr(net)
    assert not np.any(net.layer(1).b.data)  # biases start at 0


def test_explicit_and_custom_initializers():
    net = mlp.MLP([3, 4, 2], activation="relu", init="xavier_normal", rng=0)
    assert "init=xavier_normal" in repr(net)
    net = mlp.MLP([3, 4, 2], init=init.normal(0.5), rng=0)
    assert "normal(0.5)" in repr(net)
    net = mlp.MLP([3, 4, 2], init=lambda o, i, rng, dtype: np.full((o, i), 0.25), rng=0)
    assert np.all(net.layer(2).W.data == 0.25)
