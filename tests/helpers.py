"""Small, independent reference helpers for the tests of `mlp` (fixtures are in conftest.py).

The helpers here are deliberately written without calling the code they help to check: the
finite differences below perturb a *copy* of their input and never use mlp.gradcheck.
"""
from __future__ import annotations

import numpy as np

import mlp

# The 4 XOR points, written out so that the core tests do not depend on mlp.datasets.
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])

# Units of the ReLU family have a kink at z = 0 (step: a jump); finite differences straddling
# it measure nothing useful, so samples are kept at least this far from any kink.
KINK_MARGIN = 1e-4


def central_difference(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """d f(x) / d x for a scalar function f of an array, one entry at a time, on copies of x."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        grad[idx] = (f(xp) - f(xm)) / (2 * h)
    return grad


def elementwise_difference(f, z: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """f'(z) for an elementwise f: all entries can be perturbed at once."""
    z = np.asarray(z, dtype=np.float64)
    return (f(z + h) - f(z - h)) / (2 * h)


def away_from(values: np.ndarray, kinks=(0.0,), margin: float = 1e-3) -> np.ndarray:
    """Push every entry at least `margin` away from each kink (keeping its side)."""
    out = np.array(values, dtype=np.float64)
    for k in kinks:
        d = out - k
        close = np.abs(d) < margin
        out[close] = k + np.where(d[close] >= 0, margin, -margin) * 2
    return out


def targets_for(loss_name: str, N: int, K: int, rng: np.random.Generator, one_hot: bool = False):
    """Valid targets y for the loss `loss_name` and an output of shape (N, K)."""
    if loss_name in ("SquaredError", "MSE", "MAE"):
        return rng.normal(size=(N, K))
    if loss_name in ("BCE", "BCEWithLogits"):
        return rng.integers(0, 2, size=(N, K)).astype(float)
    if loss_name == "Hinge":
        return rng.choice([-1.0, 1.0], size=(N, K))
    if loss_name == "SoftmaxCrossEntropy":
        labels = rng.integers(0, K, size=N)
        return np.eye(K)[labels] if one_hot else labels
    raise KeyError(loss_name)


def outputs_for(loss_name: str, y, N: int, K: int, rng: np.random.Generator) -> np.ndarray:
    """Network outputs at which `loss_name` is differentiable (away from |a-y| = 0 for MAE,
    y z = 1 for Hinge; probabilities inside (0, 1) for BCE)."""
    if loss_name == "BCE":
        return rng.uniform(0.05, 0.95, size=(N, K))
    out = rng.normal(size=(N, K))
    if loss_name == "MAE":
        out = y + away_from(out - y)
    if loss_name == "Hinge":
        out = y * away_from(y * out, kinks=(1.0,))
    return out


def xor_accuracy(net) -> float:
    """Fraction of the 4 XOR points classified correctly by a one-output network."""
    out = net.predict(XOR_X)[:, 0]
    threshold = 0.5 if net.layer(net.L).f.name == "sigmoid" else 0.0
    return float(np.mean((out >= threshold).astype(int) == XOR_Y))


def lecture_net() -> mlp.MLP:
    """The 2-2-2 sigmoid network of the backprop lecture, wired as its forward slides compute it.

    Hidden unit 1 ("A") has weights (0.15, 0.2) and bias 0.1, hidden unit 2 ("B") has weights
    (0.2, 0.3) and bias 0.2. Output 1 = 0.5 a_A + 0.40 a_B + 0.2 and output 2 = 0.55 a_A +
    0.45 a_B + 0.1. In mlp, row i of W^(l) holds the incoming weights of unit i of layer l.
    """
    net = mlp.MLP([2, 2, 2], activation="sigmoid", output="sigmoid", rng=0)
    net.layer(1).W.data[...] = [[0.15, 0.2], [0.2, 0.3]]
    net.layer(1).b.data[...] = [0.1, 0.2]
    net.layer(2).W.data[...] = [[0.5, 0.4], [0.55, 0.45]]
    net.layer(2).b.data[...] = [0.2, 0.1]
    return net
