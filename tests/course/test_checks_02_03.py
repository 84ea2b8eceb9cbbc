"""mlp.checks.check_function, the check behind exercises 02-structure and 03-loss: it passes right
answers, names planted bugs, reports crashes with the input that caused them, and keeps dtypes."""
from __future__ import annotations

import numpy as np
import pytest

from mlp import checks


def softmax_ce_grad(Z, y):
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    P[np.arange(len(y)), y] -= 1
    return P / len(y)


INPUTS = [(np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]), np.array([2, 0])),
          (np.random.default_rng(0).normal(size=(5, 4)), np.array([0, 3, 1, 1, 2]))]
MISSING_N = "missing the 1/N"


def test_right_answer_passes():
    checks.check_function(softmax_ce_grad, softmax_ce_grad, INPUTS, "grad",
                          mistakes={MISSING_N: lambda Z, y: softmax_ce_grad(Z, y) * len(y)})


def test_planted_bug_gets_its_hint():
    def buggy(Z, y):  # forgot the 1/N
        return softmax_ce_grad(Z, y) * len(y)

    with pytest.raises(AssertionError, match="grad: missing the 1/N"):
        checks.check_function(buggy, softmax_ce_grad, INPUTS, "grad",
                              mistakes={MISSING_N: lambda Z, y: softmax_ce_grad(Z, y) * len(y)})


def test_unknown_bug_is_diagnosed_by_check_array():
    with pytest.raises(AssertionError, match=r"grad on test input 1 .* wrong sign"):
        checks.check_function(lambda Z, y: -softmax_ce_grad(Z, y), softmax_ce_grad, INPUTS, "grad")
    with pytest.raises(AssertionError,
                       match=r"is transposed: it has shape \(3, 2\), expected \(2, 3\)"):
        checks.check_function(lambda Z, y: softmax_ce_grad(Z, y).T, softmax_ce_grad, INPUTS, "grad")


def test_a_mistake_only_counts_where_it_differs_and_runs():
    # the "mistake" equals the right answer on input 1 and cannot run on input 2: never blamed
    same_then_crash = {"bogus hint": lambda Z, y: softmax_ce_grad(Z, y) if len(y) == 2 else 1 / 0}
    checks.check_function(softmax_ce_grad, softmax_ce_grad, INPUTS, "grad",
                          mistakes=same_then_crash)
    with pytest.raises(AssertionError) as info:
        checks.check_function(lambda Z, y: 2 * softmax_ce_grad(Z, y), softmax_ce_grad, INPUTS,
                              "grad", mistakes=same_then_crash)
    assert "bogus" not in str(info.value) and "constant factor" in str(info.value)


def test_crash_names_the_input_and_shapes():
    def crashes(Z, y):
        return Z @ Z  # (2, 3) @ (2, 3): a shape error

    with pytest.raises(AssertionError, match=r"grad raised ValueError on test input 1 "
                                             r"\(arguments: \(2, 3\), \(2,\)\)"):
        checks.check_function(crashes, softmax_ce_grad, INPUTS, "grad")


def test_not_answered_and_none():
    with pytest.raises(AssertionError, match="not answered yet"):
        checks.check_function(lambda Z, y: None, softmax_ce_grad, INPUTS, "grad")


def test_arguments_are_copies_with_their_dtype():
    seen = []

    def spy(Z, y):
        seen.append(y.dtype)
        Z[:] = 0.0  # modifying the copy must not change what the reference sees
        return softmax_ce_grad(np.asarray(INPUTS[len(seen) - 1][0]), y)

    checks.check_function(spy, softmax_ce_grad, INPUTS, "grad")
    assert all(np.issubdtype(d, np.integer) for d in seen)
    assert INPUTS[0][0][0, 1] == 2.0


def test_scalar_results():
    checks.check_function(lambda a: float(np.sum(a)), np.sum, [(np.arange(4.0),)], "total")
    with pytest.raises(AssertionError, match="total: forgot an element"):
        checks.check_function(lambda a: float(np.sum(a[1:])), np.sum, [(np.arange(1.0, 5.0),)],
                              "total", mistakes={"forgot an element": lambda a: np.sum(a[1:])})


def test_several_ways_to_make_one_mistake():
    def rows_over_total(Z):  # softmax normalized by the sum of the whole array, with a row shift
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        return E / E.sum()

    ways = [lambda Z: np.exp(Z) / np.exp(Z).sum(), rows_over_total]

    def right(Z):
        return np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)

    Z = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 4.0]])
    with pytest.raises(AssertionError, match="softmax: each row must sum to 1"):
        checks.check_function(rows_over_total, right, [(Z,)], "softmax",
                              mistakes={"each row must sum to 1": ways})
