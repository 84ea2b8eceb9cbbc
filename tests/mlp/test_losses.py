"""mlp.losses: every gradient against central differences (issue item 1), values, stability
(item 7)."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import central_difference, outputs_for, targets_for

from mlp.losses import (
    BCE,
    LOSSES,
    MAE,
    MSE,
    BCEWithLogits,
    Hinge,
    SoftmaxCrossEntropy,
    SquaredError,
    accuracy,
)

STRICT = dict(over="raise", divide="raise", invalid="raise")
CASES = [(name, False) for name in sorted(LOSSES)] + [("SoftmaxCrossEntropy", True)]


@pytest.mark.parametrize("name, one_hot", CASES, ids=lambda v: str(v))
@pytest.mark.parametrize("N", [1, 5])
@pytest.mark.parametrize("K", [1, 2, 4])
def test_gradient_matches_central_differences(name, one_hot, N, K, rng):
    loss = LOSSES[name]()
    if name == "SoftmaxCrossEntropy" and K == 1:
        with pytest.raises(ValueError, match="K >= 2"):
            loss(np.zeros((N, 1)), np.zeros(N, dtype=int))
        return
    y = targets_for(name, N, K, rng, one_hot=one_hot)
    out = outputs_for(name, y, N, K, rng)
    grad = loss.grad(out, y)
    assert grad.shape == out.shape
    # the gradient of the *batch mean*: the 1/N is inside grad
    np.testing.assert_allclose(grad, central_difference(lambda o: loss(o, y), out),
                               rtol=1e-6, atol=1e-9)
    if K == 1 and name != "SoftmaxCrossEntropy":  # y of shape (N,) for a single output unit
        assert loss(out, y[:, 0]) == loss(out, y)
        np.testing.assert_array_equal(loss.grad(out, y[:, 0]), grad)


def test_values_against_hand_formulas():
    a = np.array([[1.0, 2.0], [0.0, -1.0]])
    y = np.array([[0.0, 2.0], [1.0, 1.0]])
    # squared errors per entry: 1, 0, 1, 4
    assert SquaredError()(a, y) == pytest.approx((0.5 * 1 + 0.5 * 5) / 2)
    assert MSE()(a, y) == pytest.approx(6 / 4)
    assert MAE()(a, y) == pytest.approx((1 + 0 + 1 + 2) / 4)
    p = np.array([[0.9], [0.2]])
    t = np.array([1, 0])
    assert BCE()(p, t) == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2)
    z = np.log(p / (1 - p))  # the logits of those probabilities give the same loss
    assert BCEWithLogits()(z, t) == pytest.approx(BCE()(p, t), rel=1e-12)
    Z = np.array([[1.0, 2.0, 3.0]])
    assert SoftmaxCrossEntropy()(Z, np.array([0])) == pytest.approx(
        -np.log(np.exp(1) / np.exp(Z).sum()), rel=1e-14)
    assert Hinge()(np.array([[0.5], [2.0], [-1.0]]), np.array([1, 1, 1])) == pytest.approx(
        (0.5 + 0 + 2) / 3)


def test_softmax_cross_entropy_integer_and_one_hot_labels_agree(rng):
    Z = rng.normal(size=(6, 3))
    labels = np.array([0, 2, 1, 1, 0, 2])
    loss = SoftmaxCrossEntropy()
    assert loss(Z, labels) == pytest.approx(loss(Z, np.eye(3)[labels]), rel=1e-15)
    np.testing.assert_array_equal(loss.grad(Z, labels), loss.grad(Z, np.eye(3)[labels]))
    np.testing.assert_allclose(loss.grad(Z, labels).sum(axis=1), 0, atol=1e-16)


def test_accuracy_and_predicted_labels():
    assert accuracy(SquaredError(), np.zeros((2, 1)), np.zeros(2)) is None
    assert accuracy(BCE(), np.array([[0.7], [0.4], [0.5]]), np.array([1, 1, 1])) == pytest.approx(
        2 / 3)
    assert accuracy(BCEWithLogits(), np.array([[2.0], [-1.0]]), np.array([1, 0])) == 1.0
    assert accuracy(Hinge(), np.array([[2.0], [-1.0]]), np.array([1, 1])) == 0.5
    Z = np.array([[0.1, 2.0, 0.0], [3.0, 0.0, 0.0]])
    assert accuracy(SoftmaxCrossEntropy(), Z, np.array([1, 1])) == 0.5
    assert accuracy(SoftmaxCrossEntropy(), Z, np.eye(3)[[1, 0]]) == 1.0


# ---- item 7: stability of the logits losses at |z| = 1000 -----------------------------------
def test_bce_with_logits_stable_and_correct_at_1000():
    z = np.array([[1000.0], [-1000.0], [1000.0], [-1000.0]])
    y = np.array([1, 0, 0, 1])
    loss = BCEWithLogits()
    with np.errstate(**STRICT):
        per_example = [loss(z[i:i + 1], y[i:i + 1]) for i in range(4)]
        grad = loss.grad(z, y)
    # confident and right: 0; confident and wrong: -log(sigma(-1000)) = 1000 exactly
    assert per_example == [0.0, 0.0, 1000.0, 1000.0]
    np.testing.assert_array_equal(grad, np.array([[0.0], [0.0], [1.0], [-1.0]]) / 4)


def test_softmax_cross_entropy_stable_and_correct_at_1000():
    Z = np.array([[1000.0, -1000.0, 0.0], [1000.0, -1000.0, 0.0], [1000.0, 1000.0, 1000.0]])
    labels = np.array([0, 1, 2])
    loss = SoftmaxCrossEntropy()
    with np.errstate(**STRICT):
        value = loss(Z, labels)
        grad = loss.grad(Z, labels)
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    # per example: 0, 2000, log 3
    assert value == pytest.approx((0 + 2000 + np.log(3)) / 3, rel=1e-15)
    expected = np.array([[0, 0, 0], [1, -1, 0], [1 / 3, 1 / 3, -2 / 3]]) / 3
    np.testing.assert_allclose(grad, expected, atol=1e-16)


def test_losses_accept_float32_and_keep_it(rng):
    out = rng.normal(size=(3, 2)).astype(np.float32)
    y = rng.normal(size=(3, 2)).astype(np.float32)
    assert SquaredError().grad(out, y).dtype == np.float32
    assert SoftmaxCrossEntropy().grad(out, np.array([0, 1, 1])).dtype == np.float32
