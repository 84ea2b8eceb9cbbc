"""Diagnose a student's answer and say what is wrong with it.

The graded exercises call these functions from their tests, and they work just as well in any
notebook: each one returns quietly when the answer is right and raises ``AssertionError`` with a
message naming the problem otherwise (wrong shape and the expected one, a transposed matrix, a
sign error, an answer off by a constant factor such as N, NaN/inf, an overflow at large inputs,
a missing f'(z) factor, which parameter's gradient is off and by how much).

A diagnosed mistake is a ``Mistake``, an AssertionError with two more attributes: ``hint``, one
sentence naming the kind of mistake without any number from the answer or the test's inputs (it
can be shown even where the inputs are secret, and counted over a class), and ``topic``, the
page and section of the book that teaches it. ``str(mistake)`` is the full message, values
included. A plain AssertionError means a wrong result that no diagnosis recognised.

Known mistakes are passed as ``mistakes={"hint": value_the_mistake_produces}``: when the answer
matches one of them, the hint is the message. That is how the exercises recognise, e.g., backprop
without f'(z) (compute the reference without it) or momentum with the wrong sign. A hint made
with ``hint(text, topic)`` also names the section that teaches it.

Reasonable forms of a right answer pass: a list where a tuple is expected, a loss as a 0-d or
a one-element array, a whole number stored as a float, float32 where the precision is not the
point (a looser tolerance then applies). Complex numbers are refused with a clear message, never
silently cut to their real part.

    >>> import numpy as np
    >>> check_array(np.ones((2, 3)), np.ones((3, 2)), "W1")
    Traceback (most recent call last):
    mlp.checks.Mistake: W1 is transposed: it has shape (2, 3), expected (3, 2).
"""
from __future__ import annotations

import copy

import numpy as np

from .gradcheck import relative_error
from .network import MLP

__all__ = ["NOT_ANSWERED", "Mistake", "hint", "TOPICS", "check_answered", "check_array",
           "check_shape", "check_scalar", "check_count", "check_gradient", "check_update_rule",
           "check_function", "check_stable", "check_truth_table", "check_split",
           "check_least_squares"]

NOT_ANSWERED = "not answered yet"

# The book's sections that teach what a diagnosis is about (pages of the published site).
TOPICS = {
    "shapes": "chapters/02-structure.html#many-layers-many-examples-the-shapes",
    "sign": "chapters/05-optimizers.html#gradient-descent-and-the-learning-rate",
    "mean": "chapters/03-loss.html#squared-error-mse-and-mae",
    "stability": "chapters/03-loss.html#numerical-stability-the-log-sum-exp-trick",
    "fprime": "chapters/04-backprop.html#backprop-in-one-neuron-then-through-a-layer",
    "paths": "chapters/04-backprop.html#the-multivariate-chain-rule-gradients-of-all-paths-add-up",
    "gradcheck": "chapters/04-backprop.html#gradient-checking-as-a-habit",
    "split": "chapters/06-double-descent.html#three-data-sets-three-jobs",
    "double-descent": "chapters/06-double-descent.html#model-wise-double-descent",
    "ridge": "chapters/06-double-descent.html#a-ridge-penalty-removes-the-peak",
}


class Mistake(AssertionError):
    """A wrong answer whose kind is known.

    ``str(exc)`` is the full message for the student working on the public checks (it may quote
    values); ``hint`` names the kind of mistake in one sentence with no value from the answer or
    the inputs; ``topic`` (or None) is the book's section that teaches it, as a site path such as
    "chapters/03-loss.html#squared-error-mse-and-mae".
    """

    def __init__(self, message: str, hint: str, topic: str | None = None):
        super().__init__(message)
        self.hint, self.topic = str(hint), TOPICS.get(topic, topic)


class Hint(str):
    """A known mistake's hint text that also names the section that teaches it."""

    topic: str | None = None


def hint(text: str, topic: str | None = None) -> Hint:
    """A hint for ``mistakes=``, with the book's section that teaches it (a key of TOPICS or a
    site path)."""
    h = Hint(text)
    h.topic = TOPICS.get(topic, topic)
    return h


def _mistake(message: str, hint: str, topic: str | None = None) -> Mistake:
    return Mistake(message, hint, getattr(hint, "topic", None) or TOPICS.get(topic, topic))


def _is_blank(value) -> bool:
    return value is None or value is Ellipsis


def check_answered(value, name: str, *, label: str | None = None) -> None:
    """Raise "<name>: not answered yet" when value is still the stub (``...``) or ``None``."""
    label = label or name
    if _is_blank(value):
        raise _mistake(f"{name}: {NOT_ANSWERED} (it is still `...`, or your function returned "
                       f"None: did you forget `return`?).", f"{label}: {NOT_ANSWERED}")
    if isinstance(value, (tuple, list)) and value and any(_is_blank(v) for v in value):
        raise _mistake(f"{name}: {NOT_ANSWERED} (some parts are still `...` or None).",
                       f"{label}: {NOT_ANSWERED}")


# float32 (and float16) answers are compared with a tolerance their precision can meet: rounding
# inputs of size 1000 to float32 alone moves a softmax by some 1e-5 of its value
_LOW_PRECISION = {np.dtype(np.float32): (1e-4, 1e-7), np.dtype(np.float16): (1e-2, 1e-4)}


def _dtype(answer):
    """The dtype of an array or numpy number, or the one dtype of a list of them (else None)."""
    if isinstance(answer, (np.ndarray, np.generic)):
        return answer.dtype
    if isinstance(answer, (list, tuple)) and answer:
        kinds = {_dtype(a) for a in answer}
        return kinds.pop() if len(kinds) == 1 else None
    return None


def _tolerance(answer, rtol: float, atol: float) -> tuple[float, float]:
    """rtol and atol for this answer: looser for float32 and float16."""
    low = _LOW_PRECISION.get(_dtype(answer))
    return (max(rtol, low[0]), max(atol, low[1])) if low else (rtol, atol)


def _real(answer):
    """answer as a float array, or None when it is not (only) real numbers."""
    try:
        if np.iscomplexobj(answer):
            return None
        return np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return None


def _close(a, b, rtol, atol) -> bool:
    """a equals b within tolerance (a one-element a matches a number b)."""
    rtol, atol = _tolerance(a, rtol, atol)
    a, b = _real(a), _real(b)
    if a is None or b is None:
        return False
    if b.ndim == 0 and a.size == 1:
        a = a.reshape(())
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _as_array(answer, name: str, label: str | None = None) -> np.ndarray:
    label = label or name
    check_answered(answer, name, label=label)
    try:
        complex_ = np.iscomplexobj(answer)
    except Exception:
        complex_ = False
    if complex_:
        raise _mistake(f"{name} contains complex numbers: the answer is real, and its imaginary "
                       "part would be thrown away without a word. Look for a square root or a log "
                       "of a negative number, or a complex dtype in an array you created.",
                       f"{label} contains complex numbers")
    try:
        arr = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise _mistake(f"{name} should be a number or a numpy array of numbers, "
                       f"got {type(answer).__name__}: {answer!r:.80}",
                       f"{label} is not a number or an array of numbers") from None
    return arr


def check_array(answer, expected, name: str, *, rtol: float = 1e-6, atol: float = 1e-9,
                mistakes: dict | None = None, factors=None, label: str | None = None,
                topic: str | None = None) -> None:
    """Compare answer with expected and raise an AssertionError naming what is wrong.

    Diagnoses, in this order: not answered; not numeric; complex; NaN/inf; a known mistake
    (``mistakes`` maps a hint to the value that mistake produces); transposed; wrong shape (with
    the expected one); sign flip; all zeros; off by a constant factor (``factors``, e.g.
    {"N": 32}, names likely ones); otherwise the largest error and where it is (a plain
    AssertionError: no known kind). ``label`` is the name used in the Mistake's value-free hint
    (default: name); ``topic`` is the section that teaches the ``mistakes`` whose hint names
    none. A float32 answer is compared with float32's precision; an expected number accepts a
    one-element array.
    """
    label = label or name
    rtol, atol = _tolerance(answer, rtol, atol)
    arr = _as_array(answer, name, label)
    exp = np.asarray(expected, dtype=float)
    if exp.ndim == 0 and arr.size == 1:
        arr = arr.reshape(())
    if not np.all(np.isfinite(arr)):
        bad = "NaN" if np.isnan(arr).any() else "inf"
        raise _mistake(f"{name} contains {bad}: look for an overflow (exp of a large number), a "
                       f"log of 0, or a division by 0.",
                       f"{label} contains NaN or inf", "stability")
    if arr.shape == exp.shape and np.allclose(arr, exp, rtol=rtol, atol=atol):
        return
    for text, wrong in (mistakes or {}).items():
        if _close(arr, wrong, rtol, atol):
            raise _mistake(f"{name}: {text}", f"{label}: {text}",
                           getattr(text, "topic", None) or topic)
    if arr.shape != exp.shape:
        if arr.ndim == 2 and arr.T.shape == exp.shape:
            raise _mistake(f"{name} is transposed: it has shape {arr.shape}, expected {exp.shape}.",
                           f"{label} is transposed (rows and columns swapped)", "shapes")
        if exp.ndim == 0:
            raise _mistake(f"{name} should be a single number, got an array of shape {arr.shape}.",
                           f"{label} should be a single number, not an array", "shapes")
        raise _mistake(f"{name} has shape {arr.shape}, expected {exp.shape}.",
                       f"{label} has the wrong shape", "shapes")
    if np.allclose(arr, -exp, rtol=rtol, atol=atol):
        raise _mistake(f"{name} has the wrong sign: it is exactly -1 times the expected value "
                       f"(check the order of a subtraction, or + versus -).",
                       f"{label} has the wrong sign", "sign")
    nz = np.abs(exp) > atol
    if nz.any() and np.all(arr == 0):
        raise _mistake(f"{name} is all zeros, but the expected value is not: was it computed at "
                       f"all, or from an array that was reset or never filled in?",
                       f"{label} is all zeros")
    if nz.any():
        ratio = arr[nz] / exp[nz]
        r = float(ratio.flat[0])
        if (np.allclose(ratio, r, rtol=1e-6) and np.allclose(arr[~nz], 0, atol=atol)
                and abs(r - 1) > 1e-3 and r != 0):
            named = [k for k, v in (factors or {}).items()
                     if np.isclose(r, v) or np.isclose(r, 1 / v)]
            if named:
                fix = "missing a division" if r > 1 else "an extra division"
                raise _mistake(f"{name} is off by a constant factor: it is {r:.4g} times the "
                               f"expected value (a factor of {named[0]}: {fix} by {named[0]}?).",
                               f"{label} is off by a factor of {named[0]} ({fix})", "mean")
            if nz.sum() > 1:      # for one number every wrong value is "a constant factor" off
                raise _mistake(f"{name} is off by a constant factor: it is {r:.4g} times the "
                               f"expected value.", f"{label} is off by a constant factor")
    err = np.abs(arr - exp)
    where = np.unravel_index(np.argmax(err), err.shape) if err.ndim else ()
    at = f" at index {tuple(int(i) for i in where)}" if where else ""
    raise AssertionError(f"{name} is wrong: largest error {err.max():.3g}{at} (got "
                         f"{arr[where]:.6g}, expected {exp[where]:.6g}); relative error "
                         f"{relative_error(arr, exp):.2g}.")


def check_shape(answer, shape: tuple, name: str, *, label: str | None = None) -> np.ndarray:
    """Check only the shape of an answer (and that it is numeric and finite); return it as an
    array."""
    label = label or name
    arr = _as_array(answer, name, label)
    shape = tuple(shape)
    if arr.shape != shape:
        if shape == () and arr.size == 1:
            return arr.reshape(())
        if arr.ndim == 2 and arr.T.shape == shape:
            raise _mistake(f"{name} is transposed: it has shape {arr.shape}, expected {shape}.",
                           f"{label} is transposed (rows and columns swapped)", "shapes")
        if shape == ():
            raise _mistake(f"{name} should be a single number, got an array of shape {arr.shape}.",
                           f"{label} should be a single number, not an array", "shapes")
        raise _mistake(f"{name} has shape {arr.shape}, expected {shape}.",
                       f"{label} has the wrong shape", "shapes")
    if not np.all(np.isfinite(arr)):
        raise _mistake(f"{name} contains NaN or inf.", f"{label} contains NaN or inf", "stability")
    return arr


def check_scalar(answer, expected, name: str, **kw) -> None:
    """check_array for one number; a 1-element array or a numpy scalar is accepted."""
    label = kw.get("label") or name
    arr = _as_array(answer, name, label)
    if arr.size != 1:
        raise _mistake(f"{name} should be a single number, got an array of shape {arr.shape}.",
                       f"{label} should be a single number, not an array", "shapes")
    check_array(arr.reshape(()), np.asarray(expected, dtype=float).reshape(()), name, **kw)


def check_count(answer, expected, name: str, *, label: str | None = None) -> None:
    """A whole number: an int, a numpy integer or a float with no fractional part (12.0) pass."""
    label = label or name
    check_answered(answer, name, label=label)
    if isinstance(answer, bool) or not isinstance(answer, (int, float, np.integer, np.floating)):
        arr = _as_array(answer, name, label)
        if arr.size != 1:
            raise _mistake(f"{name} should be one whole number, got an array of shape {arr.shape}.",
                           f"{label} should be one whole number, not an array")
        answer = arr.reshape(()).item()
    if not float(answer).is_integer():
        raise _mistake(f"{name} should be a whole number (a count), got {float(answer):g}.",
                       f"{label} should be a whole number")
    check_array(float(answer), float(expected), name, label=label, rtol=0, atol=0)


def check_gradient(answer: dict, expected: dict, *, rtol: float = 1e-5, atol: float = 1e-8,
                   without_fprime: dict | None = None, factors=None,
                   mistakes: dict | None = None) -> None:
    """Check a dict of gradients {"dW1": array, ...} parameter by parameter.

    Says which parameter's gradient is off and by how much; when ``without_fprime`` (the same
    gradients computed with the f'(z) factor left out) matches, says that f'(z) is missing.
    ``mistakes`` maps a hint to a whole dict of gradients that a known mistake produces; it is
    named when the answer matches it on every parameter where it differs from the right one.
    """
    check_answered(answer, "the gradients")
    if not isinstance(answer, dict):
        raise _mistake(f"return a dict with keys {sorted(expected)}, got {type(answer).__name__}.",
                       "the gradients should be returned as a dict")
    missing = [k for k in expected if k not in answer]
    if missing:
        raise _mistake(f"the gradients dict has no entry for {missing} (expected keys "
                       f"{sorted(expected)}).", "the gradients dict is missing some keys")
    for text, wrong in (mistakes or {}).items():
        differs = [k for k in expected if not _close(wrong[k], expected[k], rtol, atol)]
        if differs and all(_close(answer[k], wrong[k], rtol, atol) for k in differs) \
                and not all(_close(answer[k], expected[k], rtol, atol) for k in expected):
            raise _mistake(f"{', '.join(differs)}: {text}", text, getattr(text, "topic", None))
    for key, exp in expected.items():
        known = {}
        if without_fprime is not None and not _close(without_fprime[key], exp, rtol, atol):
            missing_fprime = hint("missing the f'(z) factor: the error signal "
                                  "delta = (...) * f'(z) must be multiplied by the derivative of "
                                  "the activation at z.", "fprime")
            known[missing_fprime] = without_fprime[key]
        check_array(answer[key], exp, key, rtol=rtol, atol=atol, mistakes=known, factors=factors)


def _copy(value):
    """A deep copy of an argument, so that nothing a student's function does to it reaches the
    test's own objects (functions and other non-data are passed as they are)."""
    if callable(value) and not isinstance(value, (np.ndarray, list, tuple, dict)):
        return value
    try:
        return copy.deepcopy(value)
    except Exception:
        return value


def _results(out, n: int):
    """A function's result as a tuple of n values: a list of n values is a tuple too."""
    if isinstance(out, list) and n > 1 and len(out) == n:
        return tuple(out)
    return out if isinstance(out, tuple) else (out,)


def _crash(name: str, exc: Exception, where: str) -> AssertionError:
    if type(exc).__name__ == "NotAvailable":     # mlp.answers: the answer called mlp's own
        return _mistake(f"{name} raised NotAvailable {where}: {exc}",
                        f"{name} calls mlp's own answer, which is not available in this exercise")
    return AssertionError(f"{name} raised {type(exc).__name__} {where}: {exc}")


def check_update_rule(step, reference, inputs: list, name: str, *, rtol: float = 1e-7,
                      atol: float = 1e-10, mistakes: dict | None = None,
                      topic: str | None = None) -> None:
    """Run an optimizer step function next to a reference on several inputs.

    ``step(*args)`` and ``reference(*args)`` return a tuple (new parameters, new state...); a
    list of the same length is accepted too. ``inputs`` is a list of argument tuples (e.g. a
    first step from zero state and a later step with a non-zero state). ``mistakes`` maps a hint
    to a buggy reference function: if the student's step matches it (e.g. the update with the
    wrong sign), the hint is the message (``topic``: the section that teaches them). Every expected
    value is computed before the student's
    function runs, and the student's function gets copies, so updating arrays in place is allowed.
    """
    for k, args in enumerate(inputs, start=1):
        args = tuple(_copy(a) for a in args)
        ref_out = tuple(reference(*_copy(args)))
        buggy_outs = {}
        for text, buggy in (mistakes or {}).items():
            try:
                with np.errstate(all="ignore"):
                    buggy_outs[text] = tuple(buggy(*_copy(args)))
            except Exception:
                continue
        copies = [np.array(a, dtype=float) if isinstance(a, np.ndarray) else _copy(a) for a in args]
        try:
            out = step(*copies)
        except Exception as exc:  # a crash in the student's code: say on which input and why
            raise _crash(name, exc, f"on test input {k}") from exc
        check_answered(out, name)
        out = _results(out, len(ref_out))
        if len(out) != len(ref_out):
            raise _mistake(f"{name} should return {len(ref_out)} values, returned {len(out)}.",
                           f"{name} returns the wrong number of values")
        if all(_close(o, r, rtol, atol) for o, r in zip(out, ref_out)):
            continue
        for text, wrong in buggy_outs.items():
            if all(_close(o, b, rtol, atol) for o, b in zip(out, wrong)):
                raise _mistake(f"{name}: {text}", f"{name}: {text}",
                               getattr(text, "topic", None) or topic)
        for i, (o, r) in enumerate(zip(out, ref_out)):
            check_array(o, r, f"{name}: returned value #{i + 1} on test input {k}", rtol=rtol,
                        atol=atol, label=f"{name}: returned value #{i + 1}")


def check_function(fn, reference, inputs: list, name: str, *, rtol: float = 1e-7,
                   atol: float = 1e-10, mistakes: dict | None = None, factors=None,
                   topic: str | None = None) -> None:
    """Call a student's function on several inputs and compare each result with a reference.

    For functions that return one number or one array (``check_update_rule`` handles tuples of
    parameters and state). ``inputs`` is a list of argument tuples; ``reference(*args)`` gives
    the right result. Every expected value is computed before the student's function runs, and
    the student's function gets deep copies of the arguments (dtypes kept, so integer labels stay
    integers). A crash is reported with the input number and the argument shapes; a wrong result
    is diagnosed by ``check_array`` (shape, transposed, sign, factor).
    ``mistakes`` maps a hint to a buggy version of the reference (e.g. softmax minus one-hot
    without the 1/N): when the answer matches it on an input where it differs from the right
    result, the hint is the message; a list of buggy versions stands for several ways to make the
    same mistake; ``topic`` names the section that teaches them. A buggy version that cannot run
    on an input (a transposed matrix that does not fit, say) is skipped for that input.
    """
    for k, args in enumerate(inputs, start=1):
        args = tuple(_copy(a) for a in args)
        shapes = ", ".join(str(a.shape) if isinstance(a, np.ndarray) else type(a).__name__
                           for a in args)
        where = f"on test input {k} (arguments: {shapes})"
        expected = reference(*_copy(args))
        wrongs = []
        for text, buggies in (mistakes or {}).items():
            for buggy in (buggies if isinstance(buggies, (list, tuple)) else (buggies,)):
                try:
                    with np.errstate(all="ignore"):
                        wrongs.append((text, buggy(*_copy(args))))
                except Exception:
                    continue
        try:
            out = fn(*_copy(args))
        except Exception as exc:  # a crash in the student's code: say on which input and why
            raise _crash(name, exc, where) from exc
        check_answered(out, name)
        if _close(out, expected, rtol, atol):
            continue
        for text, wrong in wrongs:
            if not _close(wrong, expected, rtol, atol) and _close(out, wrong, rtol, atol):
                raise _mistake(f"{name}: {text}", f"{name}: {text}",
                               getattr(text, "topic", None) or topic)
        check_array(out, expected, f"{name} {where}", rtol=rtol, atol=atol, factors=factors,
                    label=name)


def check_stable(fn, args: tuple, expected, name: str, *, rtol: float = 1e-7, atol: float = 1e-12,
                 hint: str = "subtract the maximum before exponentiating") -> None:
    """Call fn(*args) with overflow turned into an error; say so if it overflows or gives NaN/inf.

    Use it with large inputs (e.g. logits around 1000, and some beyond 12000, where even
    np.longdouble overflows), where exp overflows unless the computation is rearranged. An
    answer computed in np.longdouble is refused: a longer float only moves the overflow further
    out, it does not remove it.
    """
    what = getattr(hint, "topic", None) or "stability"
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            out = fn(*_copy(args))
    except (FloatingPointError, OverflowError) as exc:
        failure = (_numerical_failure(str(exc)) if isinstance(exc, FloatingPointError)
                   else "overflows")
        raise _mistake(f"{name} {failure} at large inputs ({exc}): {hint}.",
                       f"{name} {failure} at large inputs: {hint}", what) from None
    except Exception as exc:
        raise _crash(name, exc, "at large inputs") from exc
    check_answered(out, name)
    if np.asarray(out).dtype == np.longdouble and np.dtype(np.longdouble) != np.dtype(np.float64):
        raise _mistake(f"{name} returns np.longdouble: compute in float64 and rearrange the "
                       f"formula ({hint}); a longer float only moves the overflow further out.",
                       f"{name} computes in np.longdouble instead of a stable formula: {hint}",
                       what)
    arr = _as_array(out, name)
    if not np.all(np.isfinite(arr)):
        raise _mistake(f"{name} gives NaN/inf at large inputs: {hint}.",
                       f"{name} gives NaN/inf at large inputs: {hint}", what)
    check_array(arr, expected, f"{name} at large inputs", rtol=rtol, atol=atol,
                label=f"{name} at large inputs")


def _numerical_failure(message: str) -> str:
    """What numpy's FloatingPointError says went wrong, in words (log(0) is not an overflow)."""
    if "overflow" in message:
        return "overflows"
    if "divide by zero" in message and "log" in message:
        return "takes the log of 0 (a value underflowed to 0 before the log)"
    if "divide by zero" in message:
        return "divides by zero"
    if "underflow" in message:
        return "underflows"
    if "invalid value" in message:
        return "computes an invalid value (such as inf - inf or 0 / 0)"
    return "fails numerically"


def check_truth_table(predict, X, y, name: str) -> None:
    """predict(X) must equal the 0/1 targets y on every row; name the rows that are wrong."""
    out = predict(X)
    arr = _as_array(out, name).reshape(-1)
    y = np.asarray(y).reshape(-1)
    if arr.shape != y.shape:
        raise _mistake(f"{name} gives {arr.size} outputs for {y.size} inputs.",
                       f"{name} gives the wrong number of outputs", "shapes")
    wrong = [f"{tuple(int(v) for v in x)} -> {arr[i]:g} (expected {y[i]:g})"
             for i, x in enumerate(np.asarray(X)) if arr[i] != y[i]]
    if wrong:
        raise _mistake(f"{name} is wrong on {len(wrong)} of {y.size} inputs: " + "; ".join(wrong),
                       f"{name} gives the wrong output on some inputs")


def check_split(parts: dict, X, y, sizes: dict | None = None) -> None:
    """Check that the rows of (X, y) were split into parts that hold every row exactly once.

    ``parts`` maps a part's name to its pair ``(X_part, y_part)``, e.g.
    ``{"training": (X_tr, y_tr), "validation": (X_va, y_va)}``; ``sizes`` (optional) maps names
    to the expected numbers of rows. The rows of X must be distinct: they identify the examples.
    Says which part has the wrong shape or size, rows that are not in X, a row twice, rows shared
    with another part (an off-by-one in the slices), labels that no longer belong to their rows
    (X and y shuffled differently), and how many rows are in no part.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    index = {row.tobytes(): i for i, row in enumerate(X)}
    if X.ndim != 2 or len(index) != len(X):
        raise ValueError("check_split: X must be 2-D with distinct rows (they identify the "
                         "examples); add an id column if some rows repeat.")
    rows = {}
    for part, pair in parts.items():
        check_answered(pair, f"the {part} set")
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise _mistake(f"the {part} set should be a pair (X_{part[:2]}, y_{part[:2]}).",
                           f"the {part} set should be a pair of X and y")
        Xp = _as_array(pair[0], f"X of the {part} set")
        yp = np.asarray(pair[1])
        if Xp.ndim != 2 or Xp.shape[1] != X.shape[1]:
            raise _mistake(f"X of the {part} set has shape {Xp.shape}, expected (rows, "
                           f"{X.shape[1]}): keep whole rows of X, X[indices].",
                           f"X of the {part} set does not hold whole rows of X", "split")
        if yp.shape[:1] != (len(Xp),) or yp.shape[1:] != y.shape[1:]:
            raise _mistake(f"the {part} set has {len(Xp)} rows of X but labels of shape "
                           f"{yp.shape}, expected {(len(Xp),) + y.shape[1:]}.",
                           f"the {part} set has a different number of rows and labels", "split")
        idx = [index.get(row.tobytes()) for row in np.ascontiguousarray(Xp)]
        unknown = sum(i is None for i in idx)
        if unknown:
            raise _mistake(f"the {part} set contains {unknown} row(s) that are not rows of X: "
                           "split the rows as they are (X[indices]), do not change them.",
                           f"the {part} set contains rows that are not rows of X", "split")
        idx = np.array(idx, dtype=int)
        if len(np.unique(idx)) != len(idx):
            raise _mistake(f"the {part} set contains {len(idx) - len(np.unique(idx))} row(s) "
                           "more than once: draw the indices without replacement, e.g. "
                           "rng.permutation(n).", f"the {part} set contains a row more than once",
                           "split")
        if len(idx) and not np.array_equal(y[idx], yp):
            wrong = int(np.sum(np.any((y[idx] != yp).reshape(len(idx), -1), axis=1)))
            raise _mistake(f"in the {part} set, {wrong} of {len(idx)} labels do not belong "
                           "to their rows: index X and y with the same permutation, "
                           "X[order] and y[order].",
                           f"in the {part} set, labels do not belong to their rows (X and y "
                           "shuffled differently)", "split")
        rows[part] = idx
    names = list(rows)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            shared = len(np.intersect1d(rows[a], rows[b]))
            if shared:
                raise _mistake(f"the {a} and {b} sets overlap: {shared} row(s) are in both. "
                               "Every row must go to exactly one set (an off-by-one in the "
                               "slices? order[:k] and order[k:] share nothing).",
                               f"the {a} and {b} sets overlap (an off-by-one in the slices)",
                               "split")
    missing = len(X) - sum(len(r) for r in rows.values())
    if missing:
        raise _mistake(f"{missing} row(s) of X are in no set: the sets together must hold "
                       "all the data (an off-by-one in the slices? order[:k] and order[k:] "
                       "together are all of order).",
                       "some rows of X are in no set (an off-by-one in the slices)", "split")
    for part, expected in (sizes or {}).items():
        if len(rows[part]) != expected:
            raise _mistake(f"the {part} set has {len(rows[part])} rows, expected {expected}.",
                           f"the {part} set has the wrong number of rows", "split")


def check_least_squares(fit, inputs: list, name: str, *, rtol: float = 1e-6) -> None:
    """Check a least-squares solver fit(Phi, y) -> a against the minimum-norm solution pinv(Phi) y.

    ``inputs`` is a list of (Phi, y) pairs, Phi of shape (n, p). When p <= n (and Phi has full
    column rank) the answer must solve the normal equations; when p >= n (full row rank) there are
    exact fits, and the answer must be the one of smallest norm. Says when the answer is not a
    least-squares solution, does not interpolate although it could (a ridge penalty, or normal
    equations with the singular p x p matrix Phi^T Phi), or interpolates with more than the
    minimum norm; a crash is reported with the shapes.
    """
    for k, (Phi, y) in enumerate(inputs, start=1):
        Phi, y = np.asarray(Phi, dtype=float), np.asarray(y, dtype=float)
        n, p = Phi.shape
        where = f"on test input {k} (Phi of shape {Phi.shape}, n = {n} points, p = {p} features)"
        singular = (f"with p = {p} > n = {n} the p x p matrix Phi^T Phi has rank n, so it is "
                    "singular and the normal equations (Phi^T Phi) a = Phi^T y do not pick the "
                    "minimum-norm solution; use np.linalg.lstsq(Phi, y, rcond=None)[0] or "
                    "np.linalg.pinv(Phi) @ y") if p > n else ""
        try:
            a = fit(np.array(Phi), np.array(y))
        except Exception as exc:
            crash = _crash(name, exc, where)
            if singular:
                crash.args = (f"{crash}. Note: {singular}.",)
            raise crash from exc
        check_answered(a, name)
        a = check_shape(a, (p,) + y.shape[1:], f"{name} {where}", label=name)
        best = np.linalg.lstsq(Phi, y, rcond=None)[0]
        if np.allclose(a, best, rtol=rtol, atol=rtol * max(np.abs(best).max(), 1e-300)):
            continue
        scale = max(float(np.linalg.norm(y)), 1e-300)
        residual = float(np.linalg.norm(Phi @ a - y)) / scale
        if p >= n and residual > 1e-6:
            raise _mistake(
                f"{name} does not fit the training data exactly {where} (relative residual "
                f"{residual:.2g}), although with p >= n an exact fit exists: "
                + (singular if singular else "solve the square system, e.g. with np.linalg.lstsq")
                + ". A ridge penalty (Phi^T Phi + lambda I) changes the answer; here lambda = 0.",
                f"{name} does not fit the training data exactly although an exact fit exists (a "
                "ridge penalty, or the normal equations with a singular Phi^T Phi)", "ridge")
        if p > n:
            raise _mistake(
                f"{name} fits the data exactly {where} but is not the minimum-norm solution: "
                f"||a|| = {np.linalg.norm(a):.4g}, the smallest possible is "
                f"{np.linalg.norm(best):.4g}; {singular}.",
                f"{name} fits the data exactly but is not the minimum-norm solution",
                "double-descent")
        normal = float(np.linalg.norm(Phi.T @ (Phi @ a - y))) / max(
            float(np.linalg.norm(Phi.T @ y)), 1e-300)
        if normal > 1e-6:
            raise _mistake(
                f"{name} is not the least-squares solution {where}: the residual Phi a - y should "
                f"be orthogonal to the columns of Phi (Phi^T (Phi a - y) = 0), but it is off by "
                f"{normal:.2g} (relative); use np.linalg.lstsq(Phi, y, rcond=None)[0].",
                f"{name} is not the least-squares solution (its residual is not orthogonal to the "
                "columns of Phi)")
        check_array(a, best, f"{name} {where}", rtol=rtol, atol=rtol * np.abs(best).max(),
                    label=name)


def graph_node(mul_backward, tanh_backward):
    """The class ``Node`` of exercise 4: ``mlp.autograd.Value`` whose ``*`` and ``tanh`` send the
    gradient on with the caller's backward steps. ``mul_backward(a, b, out)`` must add
    d(out)/da * out.grad to a.grad (and the same for b); ``tanh_backward(a, out)`` adds
    tanh'(a) * out.grad to a.grad. The exercise's tests build graphs with it and compare the
    leaves' ``.grad`` after ``backward()`` with ``Value``'s own."""
    from .autograd import Value

    class Node(Value):
        __slots__ = ()

        def __mul__(self, other):
            out = Value.__mul__(self, other)
            a, b = out.parents
            out._backward = lambda: mul_backward(a, b, out)
            return out

        __rmul__ = __mul__

        def tanh(self):
            out = Value.tanh(self)
            out._backward = lambda: tanh_backward(self, out)
            return out

    return Node


HIDDEN_ACTIVATIONS = ("relu", "leaky_relu", "elu", "tanh", "sigmoid", "softplus", "identity")


def check_weights(weights, activation, mean, std, n_in: int = 64, n_out: int = 10) -> None:
    """Check a handed-in network: ``weights = [(W1, b1), ..., (WL, bL)]`` with W^(l) of shape
    (n_l, n_{l-1}) from n_in inputs to n_out outputs, a hidden `activation` by name, and the
    standardization `mean`, `std` (shape (n_in,), std > 0) that a new input goes through first."""
    for value, name in ((weights, "weights"), (activation, "activation"), (mean, "mean"),
                        (std, "std")):
        check_answered(value, name)
    if activation not in HIDDEN_ACTIVATIONS:
        raise _mistake(f"activation should name the hidden layers' activation, one of "
                       f"{', '.join(HIDDEN_ACTIVATIONS)}; got {activation!r:.60}.",
                       "activation is not the name of one of mlp's activations")
    check_shape(mean, (n_in,), "mean")
    std = check_shape(std, (n_in,), "std")
    if np.any(std <= 0):
        raise _mistake(f"std has {int(np.sum(std <= 0))} entries <= 0: a pixel that is constant "
                       "in the training rows has std 0; divide it by 1 instead (np.where(std == 0, "
                       "1.0, std)), or the network sees NaN.",
                       "std has zeros: a pixel blank in every training scan must be divided by 1")
    if not isinstance(weights, (list, tuple)) or not weights or \
            any(not isinstance(p, (list, tuple)) or len(p) != 2 for p in weights):
        raise _mistake("weights should be a list of pairs [(W1, b1), (W2, b2), ...], "
                       "one per layer.",
                       "weights is not a list of (W, b) pairs, one per layer")
    n_prev = n_in
    for l, (W, b) in enumerate(weights, start=1):
        W = _as_array(W, f"W{l}")
        if W.ndim != 2 or W.shape[1] != n_prev:
            transposed = W.ndim == 2 and W.shape[0] == n_prev
            raise _mistake(f"W{l} has shape {W.shape}: it should have {n_prev} columns (one per "
                           f"unit of layer {l - 1}), "
                           f"shape (n_{l}, {n_prev}) in the course's notation"
                           + (" (it is transposed: mlp's W^(l) has one ROW per unit of layer l)."
                              if transposed else "."),
                           "a weight matrix is transposed (W^(l) has shape (n_l, n_(l-1)))"
                           if transposed else "a weight matrix has the wrong shape", "shapes")
        check_shape(b, (W.shape[0],), f"b{l}")
        if not np.all(np.isfinite(W)):
            raise _mistake(f"W{l} contains NaN or inf: did training diverge?",
                           "a weight matrix contains NaN or inf (training diverged)")
        n_prev = W.shape[0]
    if n_prev != n_out:
        raise _mistake(f"the last layer has {n_prev} units; it needs {n_out}, one score per digit.",
                       "the last layer needs one unit per class")
    try:
        MLP.from_weights(weights, activation=activation)
    except (TypeError, ValueError) as exc:       # anything the diagnoses above did not name
        raise _mistake(f"weights cannot make a network: {exc}", "the weights do not make a network",
                       "shapes") from None


def classify(weights, activation, mean, std, X) -> np.ndarray:
    """The label a handed-in network gives each row of X: the index of its largest output a^(L),
    after x' = (x - mean) / std (the last layer without f)."""
    net = MLP.from_weights(weights, activation=activation, output="identity")
    return np.argmax(net.predict((np.asarray(X, dtype=float) - mean) / std), axis=1)
