"""mlp.numerics: known values, identities, and stability at |z| = 1000 (issue item 7,
primitives)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from mlp import numerics

# Overflow, division by zero and invalid operations raise; underflow to 0 is harmless and allowed.
STRICT = dict(over="raise", divide="raise", invalid="raise")
BIG = np.array([-1000.0, -50.0, -1.0, 0.0, 1.0, 50.0, 1000.0])


def test_sigmoid_known_values_and_symmetry(rng):
    z = rng.normal(scale=5, size=50)
    s = numerics.sigmoid(z)
    # the textbook formula is fine for moderate z, so it is an independent reference there
    np.testing.assert_allclose(s, 1 / (1 + np.exp(-z)), rtol=1e-15, atol=0)
    np.testing.assert_allclose(numerics.sigmoid(-z), 1 - s, rtol=1e-14, atol=1e-16)
    assert numerics.sigmoid(0.0) == 0.5
    assert math.isclose(float(numerics.sigmoid(np.log(3.0))), 0.75, rel_tol=1e-15)


def test_softplus_and_logsumexp_against_direct_formulas(rng):
    z = rng.normal(scale=5, size=50)
    np.testing.assert_allclose(numerics.softplus(z), np.log1p(np.exp(z)), rtol=1e-13)
    Z = rng.normal(scale=5, size=(6, 4))
    direct = np.log(np.sum(np.exp(Z), axis=1))
    np.testing.assert_allclose(numerics.logsumexp(Z, axis=1), direct, rtol=1e-14)
    np.testing.assert_allclose(numerics.logsumexp(Z, axis=0), np.log(np.exp(Z).sum(0)), rtol=1e-14)
    assert numerics.logsumexp(Z, axis=1, keepdims=True).shape == (6, 1)
    assert np.all(numerics.logsumexp(Z, axis=1) >= Z.max(axis=1))


def test_softmax_rows_are_distributions_and_shift_invariant(rng):
    Z = rng.normal(scale=3, size=(5, 4))
    S = numerics.softmax(Z)
    np.testing.assert_allclose(S.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(S, np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True), rtol=1e-14)
    np.testing.assert_allclose(numerics.softmax(Z + 123.0), S, rtol=1e-13)
    np.testing.assert_allclose(numerics.log_softmax(Z), np.log(S), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(numerics.softmax(Z, axis=0).sum(axis=0), 1.0, rtol=1e-15)


def test_one_hot():
    Y = numerics.one_hot(np.array([2, 0, 1]), 4)
    np.testing.assert_array_equal(Y, np.eye(4)[[2, 0, 1]])
    assert Y.dtype == np.float64
    assert numerics.one_hot(np.array([1.0, 0.0])).shape == (2, 2)  # integral floats accepted
    with pytest.raises(ValueError, match=r"in \[0, 2\)"):
        numerics.one_hot(np.array([0, 2]), 2)
    with pytest.raises(ValueError, match="integer class labels"):
        numerics.one_hot(np.array([0.5, 1.0]))


# ---- item 7: stability at +-1000 -----------------------------------------------------------
def test_sigmoid_and_softplus_stable_at_1000():
    with np.errstate(**STRICT):
        s = numerics.sigmoid(BIG)
        sp = numerics.softplus(BIG)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(sp))
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    assert sp[0] == 0.0 and sp[-1] == 1000.0
    np.testing.assert_allclose(sp[1:-1], np.log1p(np.exp(BIG[1:-1])), rtol=1e-14)


def test_softmax_and_log_softmax_stable_at_1000():
    Z = np.array([[-1000.0, 0.0, 1000.0], [1000.0, 1000.0, -1000.0], [-1000.0, -1000.0, -1000.0]])
    with np.errstate(**STRICT):
        S = numerics.softmax(Z)
        LS = numerics.log_softmax(Z)
        lse = numerics.logsumexp(Z)
    assert np.all(np.isfinite(S)) and np.all(np.isfinite(LS))
    np.testing.assert_allclose(S, [[0, 0, 1], [0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3]], atol=1e-300)
    # (1000 + log 2) - 1000 keeps only the ~13 digits that survive next to 1000: atol 1e-12
    np.testing.assert_allclose(LS, [[-2000, -1000, 0], [-np.log(2), -np.log(2), -2000 - np.log(2)],
                                    [-np.log(3)] * 3], rtol=0, atol=1e-12)
    np.testing.assert_allclose(lse, [1000, 1000 + np.log(2), -1000 + np.log(3)], rtol=1e-15)
