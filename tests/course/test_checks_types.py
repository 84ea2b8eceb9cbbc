"""mlp.checks takes reasonable forms of a right answer, refuses what only looks right, never gets a
point from a test's own objects, and gives every known mistake a hint that quotes no value.

Reasonable forms: a list where a tuple is expected, a loss as a 0-d or one-element array, a count
stored as a float (12.0), float32 where float64 is not the point. Refused: complex numbers (their
imaginary part would be dropped), np.longdouble in the stability checks. The "constant factor"
diagnosis never fires for a ratio of about 1. References are computed before the student's function
runs, and it gets deep copies, so it cannot change what it is compared with.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from mlp import checks

ROOT = Path(__file__).resolve().parents[2]


def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def cross_entropy(Z, y):
    m = Z.max(axis=1)
    return float(np.mean(m + np.log(np.exp(Z - m[:, None]).sum(axis=1)) - Z[np.arange(len(y)), y]))


Z = np.array([[-5.0, -1.0, 1.0, 5.0], [2.0, 0.5, 0.5, -1.0], [0.0, 0.0, 0.0, 0.0]])
LABELS = np.array([3, 0, 2])


def message(call) -> checks.Mistake | AssertionError:
    with pytest.raises(AssertionError) as info:
        call()
    return info.value


# -- reasonable forms pass ----------------------------------------------------------------------
def test_a_list_where_a_tuple_is_expected():
    def momentum(w, v, g, lr, alpha):
        v = alpha * v + (1 - alpha) * g
        return [w - lr * v, v]                      # a list, not a tuple

    def reference(w, v, g, lr, alpha):
        v = alpha * v + (1 - alpha) * g
        return w - lr * v, v

    checks.check_update_rule(momentum, reference,
                             [(np.ones(2), np.zeros(2), np.ones(2), 0.1, 0.9)], "step")


@pytest.mark.parametrize("form", [lambda x: np.float64(x), lambda x: np.array(x),
                                  lambda x: np.array([x]), lambda x: np.array([[x]]), lambda x: x])
def test_a_loss_as_a_0d_or_one_element_array(form):
    checks.check_function(lambda Z, y: form(cross_entropy(Z, y)), cross_entropy, [(Z, LABELS)],
                          "cross_entropy")
    checks.check_scalar(form(0.25), 0.25, "loss")
    checks.check_array(form(0.25), 0.25, "loss")


def test_a_count_as_an_integral_float():
    for value in (17, np.int64(17), 17.0, np.float64(17.0), np.array(17.0), np.array([17])):
        checks.check_count(value, 17, "n_params")
    assert "should be a whole number" in str(
        message(lambda: checks.check_count(17.5, 17, "n_params")))
    assert "is wrong" in str(message(lambda: checks.check_count(16.0, 17, "n_params")))


def test_float32_where_float64_is_not_the_point():
    def softmax32(Z):
        return softmax(np.asarray(Z, dtype=np.float32))

    assert softmax32(Z).dtype == np.float32
    checks.check_function(softmax32, softmax,
                          [(Z,), (np.random.default_rng(0).normal(size=(5, 3)),)], "softmax")
    checks.check_array(np.float32(1 / 3), 1 / 3, "a third", rtol=1e-9)
    # float32 is not a licence for a wrong answer
    assert "wrong sign" in str(
        message(lambda: checks.check_array(-softmax32(Z), softmax(Z), "softmax")))


def test_a_ratio_of_about_1_is_never_a_constant_factor():
    for ratio in (1 + 1e-5, 1 - 3e-4, 1.0009):
        msg = str(message(lambda: checks.check_array(softmax(Z) * ratio, softmax(Z), "softmax",
                                                     rtol=1e-7)))
        assert "constant factor" not in msg and "largest error" in msg, msg
    msg = str(message(lambda: checks.check_array(softmax(Z) * 3, softmax(Z), "softmax",
                                                 factors={"N": 3})))
    assert "is off by a constant factor: it is 3 times the expected value (a factor of N" in msg
    msg = str(message(lambda: checks.check_array(np.zeros(3), [0, 0, 1], "errors")))
    assert "is all zeros" in msg and "0 times" not in msg


# -- what only looks right is refused --------------------------------------------------------------
def test_complex_values_are_refused_not_cut_to_their_real_part():
    for call in (lambda: checks.check_array(softmax(Z) + 0j, softmax(Z), "softmax"),
                 lambda: checks.check_scalar(0.5 + 1e-3j, 0.5, "loss"),
                 lambda: checks.check_function(lambda Z: softmax(Z) + 1e-9j, softmax, [(Z,)],
                                               "softmax"),
                 lambda: checks.check_update_rule(lambda w: (w + 0j,), lambda w: (w,),
                                                  [(np.ones(2),)], "step")):
        err = message(call)
        assert "contains complex numbers" in str(err), str(err)
        assert isinstance(err, checks.Mistake) and err.hint.endswith("contains complex numbers")


def test_a_naive_formula_in_longdouble_does_not_pass_the_stability_checks():
    def naive(Z):  # exp(1000) is finite in np.longdouble on x86, so logits of 1000 do not catch it
        E = np.exp(np.asarray(Z, dtype=np.longdouble))
        return E / E.sum(axis=1, keepdims=True)

    def naive_cast(Z):
        return naive(Z).astype(float)

    hint = "subtract each row's maximum"
    big = np.array([[1000.0, 999.0, 0.0]])
    if np.finfo(np.longdouble).max > np.finfo(np.float64).max:
        assert "returns np.longdouble" in str(message(
            lambda: checks.check_stable(naive, (big,), softmax(big), "softmax", hint=hint)))
        # passes at 1000 ...
        checks.check_stable(naive_cast, (big,), softmax(big), "softmax", hint=hint)
    huge = np.array([[2e4, 2e4 - 1.0, 0.0]])                    # ... not at 2e4
    for f in (naive, naive_cast):
        msg = str(message(
            lambda: checks.check_stable(f, (huge,), softmax(huge), "softmax", hint=hint)))
        assert "softmax overflows at large inputs" in msg, msg
    checks.check_stable(softmax, (huge,), softmax(huge), "softmax", hint=hint)


def test_math_overflow_is_named_too():
    import math
    msg = str(message(
        lambda: checks.check_stable(lambda z: math.exp(z), (1000.0,), 1.0, "f", hint="h")))
    assert "f overflows at large inputs" in msg


# -- no points for work not done ------------------------------------------------------------------
def test_references_come_first_and_the_answer_gets_copies():
    order = []

    def reference(params, grads, lr):
        order.append("reference")
        return {k: p - lr * grads["d" + k] for k, p in params.items()}

    def zeroes_the_gradients(params, grads, lr):      # the gradient is zeroed in place, params kept
        order.append("answer")
        for g in grads.values():
            g[...] = 0.0
        return {k: p.copy() for k, p in params.items()}

    params, grads = {"W": np.ones((2, 2))}, {"dW": np.full((2, 2), 3.0)}
    with pytest.raises(AssertionError):
        checks.check_function(lambda *a: zeroes_the_gradients(*a)["W"],
                              lambda *a: reference(*a)["W"], [(params, grads, 0.1)], "gd_step")
    assert order == ["reference", "answer"]
    np.testing.assert_array_equal(grads["dW"], 3.0)     # the test's own objects are untouched

    def update_in_place(w, g):
        w -= g
        g[...] = 0.0
        return (w,)

    w, g = np.ones(2), np.full(2, 0.5)
    checks.check_update_rule(update_in_place, lambda w, g: (w - g,), [(w, g)], "step")
    np.testing.assert_array_equal(w, 1.0)
    np.testing.assert_array_equal(g, 0.5)


# -- every diagnosis is a Mistake with a hint that quotes no value ---------------------------------
DIAGNOSES = [
    (lambda: checks.check_array(np.ones((2, 3)), np.ones((3, 2)), "W1"),
     "W1 is transposed (rows and columns swapped)"),
    (lambda: checks.check_array(np.ones(3), np.ones(4), "b"), "b has the wrong shape"),
    (lambda: checks.check_array(-np.arange(1.0, 4.0), np.arange(1.0, 4.0), "g"),
     "g has the wrong sign"),
    (lambda: checks.check_array(4 * np.arange(1.0, 4.0), np.arange(1.0, 4.0), "g",
                                factors={"N": 4}),
     "g is off by a factor of N (missing a division)"),
    (lambda: checks.check_array([np.nan, 1.0], [1.0, 1.0], "a"), "a contains NaN or inf"),
    (lambda: checks.check_array([1.0, 2.0], [1.0, 1.0], "a",
                                mistakes={"forgot the 1/N": [1.0, 2.0]}),
     "a: forgot the 1/N"),
    (lambda: checks.check_function(lambda x: 2 * x, lambda x: x, [(np.arange(1.0, 3.0),)], "f",
                                   mistakes={"doubled": lambda x: 2 * x}), "f: doubled"),
    (lambda: checks.check_scalar(np.ones(3), 1.0, "loss"),
     "loss should be a single number, not an array"),
    (lambda: checks.check_answered(None, "softmax"), "softmax: not answered yet"),
    (lambda: checks.check_gradient({"dW": np.ones(2)}, {"dW": np.full(2, 2.0)},
                                   without_fprime={"dW": np.ones(2)}),
     "dW: missing the f'(z) factor: the error signal delta = (...) * f'(z) must be multiplied by "
     "the derivative of the activation at z."),
    (lambda: checks.check_stable(lambda z: np.exp(z) / np.exp(z).sum(), (np.array([1000.0, 1.0]),),
                                 0.0, "softmax", hint="shift by the maximum"),
     "softmax overflows at large inputs: shift by the maximum"),
    (lambda: checks.check_truth_table(lambda X: np.zeros(4), np.eye(4, 2), [0, 1, 1, 0], "xor"),
     "xor gives the wrong output on some inputs"),
    (lambda: checks.check_split({"training": (np.arange(8.0).reshape(4, 2), np.arange(4)),
                                 "validation": (np.arange(6.0, 10.0).reshape(2, 2),
                                                np.arange(3, 5))},
                                np.arange(10.0).reshape(5, 2), np.arange(5)),
     "the training and validation sets overlap (an off-by-one in the slices)"),
    (lambda: checks.check_least_squares(lambda Phi, y: np.zeros(3), [(np.eye(3)[:2], np.ones(2))],
                                        "fit"),
     "fit does not fit the training data exactly although an exact fit exists (a ridge penalty, "
     "or the normal equations with a singular Phi^T Phi)"),
    (lambda: checks.check_weights([(np.ones((64, 10)), np.ones(10))], "relu", np.zeros(64),
                                  np.ones(64)),
     "a weight matrix is transposed (W^(l) has shape (n_l, n_(l-1)))"),
]


@pytest.mark.parametrize("call,hint", DIAGNOSES)
def test_every_diagnosis_is_a_mistake_with_a_value_free_hint(call, hint):
    err = message(call)
    assert isinstance(err, checks.Mistake), f"{err} is a plain AssertionError"
    assert err.hint == hint
    assert not re.search(r"\d\.\d|\(\d+, \d+\)|\b(1000|4|64)\b", err.hint), err.hint
    assert (err.topic is None or err.topic in checks.TOPICS.values()
            or err.topic.startswith("chapters/"))


def test_an_unknown_wrong_result_is_a_plain_assertion_error():
    err = message(lambda: checks.check_array([1.0, 2.5], [1.0, 2.0], "a"))
    assert type(err) is AssertionError and "largest error 0.5" in str(err)


# -- every topic is a section of the book ---------------------------------------------------------
def _sections() -> dict[str, set[str]]:
    """chapters/<name>.html -> the ids of its sections (as Sphinx makes them from the headings),
    and the explicit targets (label)=."""
    from docutils.nodes import make_id

    out = {}
    for path in sorted((ROOT / "chapters").glob("0*.ipynb")):
        ids = set()
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            for line in "".join(cell["source"]).splitlines():
                heading = re.match(r"^#{1,6}\s+(.*)$", line)
                if heading:
                    ids.add(make_id(heading.group(1)))
                label = re.match(r"^\((.+)\)=\s*$", line)
                if label:
                    ids.add(label.group(1))
        out[f"chapters/{path.stem}.html"] = ids
    return out


def test_every_topic_names_a_section_of_the_book():
    sections = _sections()
    topics = set(checks.TOPICS.values())
    for master in sorted((ROOT / "exercises").glob("*/*.ipynb")):
        topics |= set(re.findall(r"chapters/0\d-[\w-]+\.html#[\w-]+", master.read_text()))
    assert len(topics) > 20
    missing = [t for t in sorted(topics)
               if t.split("#")[1] not in sections.get(t.split("#")[0], set())]
    assert not missing, f"topics that are no section of the book: {missing}"
    built = ROOT / "_build" / "html"
    if built.is_dir():  # the built site too, when it is there
        for t in topics:
            page, anchor = t.split("#")
            assert f'id="{anchor}"' in (built / page).read_text(), t
