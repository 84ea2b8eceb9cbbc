"""mlp.checks.check_split and check_least_squares (exercise 06-double-descent), and
check_update_rule on optimizer steps (exercise 05-optimizers): right answers pass, planted bugs
are named."""
from __future__ import annotations

import numpy as np
import pytest

import mlp
from mlp import checks

# ----------------------------------------------------------------------------------------------
# check_split
X = np.arange(20.0).reshape(10, 2)        # distinct rows
Y = np.arange(10) % 3


def split(X, y, n_val, rng=0, *, train_from=None, labels=None):
    order = np.random.default_rng(rng).permutation(len(X))
    val = order[:n_val]
    train = order[n_val if train_from is None else train_from:]
    y_train = y[train] if labels is None else labels(y, train)
    return {"training": (X[train], y_train), "validation": (X[val], y[val])}


def test_split_right_answer_passes():
    checks.check_split(split(X, Y, 3), X, Y, sizes={"training": 7, "validation": 3})


def test_split_off_by_one_overlap_is_named():
    with pytest.raises(AssertionError,
                       match=r"the training and validation sets overlap: 1 row\(s\) "
                             r"are in both.*off-by-one"):
        checks.check_split(split(X, Y, 3, train_from=2), X, Y)


def test_split_lost_row_is_named():
    with pytest.raises(AssertionError, match=r"1 row\(s\) of X are in no set"):
        checks.check_split(split(X, Y, 3, train_from=4), X, Y)


def test_split_labels_shuffled_separately_are_named():
    with pytest.raises(AssertionError, match="labels do not belong to their rows"):
        checks.check_split(split(X, Y, 3, labels=lambda y, idx: y[np.sort(idx)]), X, Y)


def test_split_wrong_size_changed_rows_and_repeats():
    with pytest.raises(AssertionError, match="the validation set has 3 rows, expected 4"):
        checks.check_split(split(X, Y, 3), X, Y, sizes={"validation": 4})
    parts = split(X, Y, 3)
    parts["validation"] = (parts["validation"][0] + 0.5, parts["validation"][1])
    with pytest.raises(AssertionError, match=r"contains 3 row\(s\) that are not rows of X"):
        checks.check_split(parts, X, Y)
    parts = {"training": (X[[0, 0, 1]], Y[[0, 0, 1]]), "validation": (X[2:], Y[2:])}
    with pytest.raises(AssertionError, match="more than once"):
        checks.check_split(parts, X, Y)
    with pytest.raises(AssertionError, match="not answered yet"):
        checks.check_split({"training": (None, None)}, X, Y)
    with pytest.raises(ValueError, match="distinct rows"):
        checks.check_split(split(X, Y, 3), np.zeros((10, 2)), Y)


# ----------------------------------------------------------------------------------------------
# check_least_squares
RNG = np.random.default_rng(3)
PHIS = [RNG.normal(size=(12, 5)), RNG.normal(size=(12, 12)), RNG.normal(size=(12, 30))]
LS_INPUTS = [(Phi, RNG.normal(size=12)) for Phi in PHIS]


def pinv_fit(Phi, y):
    return np.linalg.pinv(Phi) @ y


def test_least_squares_right_answers_pass():
    checks.check_least_squares(pinv_fit, LS_INPUTS, "fit")
    checks.check_least_squares(lambda Phi, y: np.linalg.lstsq(Phi, y, rcond=None)[0], LS_INPUTS,
                               "fit")


def test_least_squares_ridge_in_the_overparameterised_regime_is_named():
    def ridge(Phi, y):
        return np.linalg.solve(Phi.T @ Phi + 1e-2 * np.eye(Phi.shape[1]), Phi.T @ y)

    with pytest.raises(AssertionError,
                       match="fit is not the least-squares solution on test input 1"):
        checks.check_least_squares(ridge, LS_INPUTS, "fit")          # p < n: not least squares
    with pytest.raises(AssertionError, match=r"fit does not fit the training data exactly on test "
                                             r"input 1 .*p = 12 features.*A ridge penalty"):
        checks.check_least_squares(ridge, LS_INPUTS[1:], "fit")      # p = n
    with pytest.raises(AssertionError,
                       match=r"on test input 1 .*p = 30 features.*Phi\^T Phi has rank "
                             r"n.*np\.linalg\.lstsq.*A ridge penalty"):
        checks.check_least_squares(ridge, LS_INPUTS[2:], "fit")      # p > n


def test_least_squares_interpolant_that_is_not_minimal_is_named():
    def plus_null_space(Phi, y):      # an exact fit plus a vector that Phi maps to 0, if any
        a = pinv_fit(Phi, y)
        n, p = Phi.shape
        return a + 3.0 * np.linalg.svd(Phi)[2][-1] if p > n else a

    checks.check_least_squares(plus_null_space, LS_INPUTS[:2], "fit")   # no null space there
    with pytest.raises(AssertionError,
                       match="fits the data exactly .* not the minimum-norm solution"):
        checks.check_least_squares(plus_null_space, LS_INPUTS, "fit")


def test_least_squares_crash_and_wrong_solution_are_named():
    def normal_inv(Phi, y):
        raise np.linalg.LinAlgError("Singular matrix")

    with pytest.raises(AssertionError, match=r"fit raised LinAlgError on test input 1 .*Singular "
                                             r"matrix. Note: with p = 30 > n = 12"):
        checks.check_least_squares(normal_inv, LS_INPUTS[2:], "fit")
    with pytest.raises(AssertionError, match="is not the least-squares solution"):
        checks.check_least_squares(lambda Phi, y: 0.5 * pinv_fit(Phi, y), LS_INPUTS, "fit")
    with pytest.raises(AssertionError, match=r"has shape \(12,\), expected \(5,\)"):
        checks.check_least_squares(lambda Phi, y: y, LS_INPUTS, "fit")
    with pytest.raises(AssertionError, match="not answered yet"):
        checks.check_least_squares(lambda Phi, y: None, LS_INPUTS, "fit")


# ----------------------------------------------------------------------------------------------
# check_update_rule with the mlp.optim reference (how exercise 05 uses it)
def momentum_reference(w, v, g, lr, alpha):
    p = mlp.Parameter(np.array(w, dtype=float))
    opt = mlp.optim.Momentum([p], lr=lr, alpha=alpha)
    opt.state[0]["v"] = np.array(v, dtype=float)
    p.grad = np.array(g, dtype=float)
    opt.step()
    return p.data, opt.state[0]["v"]


STEPS = [(np.array([1.0, -2.0]), np.zeros(2), np.array([0.5, 4.0]), 0.1, 0.9),
         (np.array([0.3, 0.2]), np.array([-0.4, 1.0]), np.array([1.0, -2.0]), 0.05, 0.8)]


def test_update_rule_momentum_sign_error_is_named():
    def right(w, v, g, lr, alpha):
        v = alpha * v + (1 - alpha) * g
        return w - lr * v, v

    def wrong_sign(w, v, g, lr, alpha):
        v = alpha * v + (1 - alpha) * g
        return w + lr * v, v

    checks.check_update_rule(right, momentum_reference, STEPS, "momentum_step")
    with pytest.raises(AssertionError, match="momentum_step: sign error"):
        checks.check_update_rule(wrong_sign, momentum_reference, STEPS, "momentum_step",
                                 mistakes={"sign error": wrong_sign})
