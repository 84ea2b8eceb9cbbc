"""Diagnose a student's answer and say what is wrong with it.

The graded exercises call these functions from their tests, and they work just as well in any
notebook: each one returns quietly when the answer is right and raises ``AssertionError`` with a
message naming the problem otherwise (wrong shape and the expected one, a transposed matrix, a
sign error, an answer off by a constant factor such as N, NaN/inf, an overflow at large inputs,
a missing f'(z) factor, which parameter's gradient is off and by how much).

Known mistakes are passed as ``mistakes={"hint": value_the_mistake_produces}``: when the answer
matches one of them, the hint is the message. That is how the exercises recognise, e.g., backprop
without f'(z) (compute the reference without it) or momentum with the wrong sign.

    >>> import numpy as np
    >>> check_array(np.ones((2, 3)), np.ones((3, 2)), "W1")
    Traceback (most recent call last):
    AssertionError: W1 is transposed: it has shape (2, 3), expected (3, 2).
"""
from __future__ import annotations

import numpy as np

__all__ = ["NOT_ANSWERED", "check_answered", "check_array", "check_shape", "check_scalar", "check_gradient",
           "check_update_rule", "check_function", "check_stable", "check_truth_table",
           "check_split", "check_least_squares", "relative_difference"]

NOT_ANSWERED = "not answered yet"


def _is_blank(value) -> bool:
    return value is None or value is Ellipsis


def check_answered(value, name: str) -> None:
    """Raise "<name>: not answered yet" when value is still the stub (``...``) or ``None``."""
    if _is_blank(value):
        raise AssertionError(f"{name}: {NOT_ANSWERED} (it is still `...`, or your function "
                             f"returned None: did you forget `return`?).")
    if isinstance(value, (tuple, list)) and value and any(_is_blank(v) for v in value):
        raise AssertionError(f"{name}: {NOT_ANSWERED} (some parts are still `...` or None).")


def relative_difference(a, b) -> float:
    """max |a - b| / max(|b|, tiny): the size of an error relative to the expected values."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)) if b.size else 0.0


def _close(a, b, rtol, atol) -> bool:
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _as_array(answer, name: str) -> np.ndarray:
    check_answered(answer, name)
    try:
        arr = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(f"{name} should be a number or a numpy array of numbers, "
                             f"got {type(answer).__name__}: {answer!r:.80}") from None
    return arr


def check_array(answer, expected, name: str, *, rtol: float = 1e-6, atol: float = 1e-9,
                mistakes: dict | None = None, factors=None) -> None:
    """Compare answer with expected and raise an AssertionError naming what is wrong.

    Diagnoses, in this order: not answered; not numeric; NaN/inf; a known mistake (``mistakes``
    maps a hint to the value that mistake produces); transposed; wrong shape (with the expected
    one); sign flip; off by a constant factor (``factors``, e.g. {"N": 32}, names likely ones);
    otherwise the largest error and where it is.
    """
    arr = _as_array(answer, name)
    exp = np.asarray(expected, dtype=float)
    if not np.all(np.isfinite(arr)):
        bad = "NaN" if np.isnan(arr).any() else "inf"
        raise AssertionError(f"{name} contains {bad}: look for an overflow (exp of a large "
                             f"number), a log of 0, or a division by 0.")
    if arr.shape == exp.shape and np.allclose(arr, exp, rtol=rtol, atol=atol):
        return
    for hint, wrong in (mistakes or {}).items():
        if _close(arr, wrong, rtol, atol):
            raise AssertionError(f"{name}: {hint}")
    if arr.shape != exp.shape:
        if arr.ndim == 2 and arr.T.shape == exp.shape:
            raise AssertionError(f"{name} is transposed: it has shape {arr.shape}, "
                                 f"expected {exp.shape}.")
        raise AssertionError(f"{name} has shape {arr.shape}, expected {exp.shape}.")
    if np.allclose(arr, -exp, rtol=rtol, atol=atol):
        raise AssertionError(f"{name} has the wrong sign: it is exactly -1 times the expected "
                             f"value (check the order of a subtraction, or + versus -).")
    nz = np.abs(exp) > atol
    if nz.any():
        ratio = arr[nz] / exp[nz]
        if np.allclose(ratio, ratio.flat[0], rtol=1e-6) and np.allclose(arr[~nz], 0, atol=atol):
            r = float(ratio.flat[0])
            named = [k for k, v in (factors or {}).items() if np.isclose(r, v) or np.isclose(r, 1 / v)]
            extra = f" (a factor of {named[0]}: {'missing a division' if r > 1 else 'an extra division'} by {named[0]}?)" if named else ""
            raise AssertionError(f"{name} is off by a constant factor: it is {r:.4g} times the "
                                 f"expected value{extra}.")
    err = np.abs(arr - exp)
    where = np.unravel_index(np.argmax(err), err.shape) if err.ndim else ()
    at = f" at index {tuple(int(i) for i in where)}" if where else ""
    raise AssertionError(f"{name} is wrong: largest error {err.max():.3g}{at} (got "
                         f"{arr[where]:.6g}, expected {exp[where]:.6g}); relative error "
                         f"{relative_difference(arr, exp):.2g}.")


def check_shape(answer, shape: tuple, name: str) -> np.ndarray:
    """Check only the shape of an answer (and that it is numeric and finite); return it as an array."""
    arr = _as_array(answer, name)
    shape = tuple(shape)
    if arr.shape != shape:
        if arr.ndim == 2 and arr.T.shape == shape:
            raise AssertionError(f"{name} is transposed: it has shape {arr.shape}, expected {shape}.")
        raise AssertionError(f"{name} has shape {arr.shape}, expected {shape}.")
    if not np.all(np.isfinite(arr)):
        raise AssertionError(f"{name} contains NaN or inf.")
    return arr


def check_scalar(answer, expected, name: str, **kw) -> None:
    """check_array for one number; a 1-element array or a numpy scalar is accepted."""
    arr = _as_array(answer, name)
    if arr.size != 1:
        raise AssertionError(f"{name} should be a single number, got an array of shape {arr.shape}.")
    check_array(arr.reshape(()), np.asarray(expected, dtype=float).reshape(()), name, **kw)


def check_gradient(answer: dict, expected: dict, *, rtol: float = 1e-5, atol: float = 1e-8,
                   without_fprime: dict | None = None, factors=None) -> None:
    """Check a dict of gradients {"dW1": array, ...} parameter by parameter.

    Says which parameter's gradient is off and by how much; when ``without_fprime`` (the same
    gradients computed with the f'(z) factor left out) matches, says that f'(z) is missing.
    """
    check_answered(answer, "the gradients")
    if not isinstance(answer, dict):
        raise AssertionError(f"return a dict with keys {sorted(expected)}, got {type(answer).__name__}.")
    missing = [k for k in expected if k not in answer]
    if missing:
        raise AssertionError(f"the gradients dict has no entry for {missing} "
                             f"(expected keys {sorted(expected)}).")
    for key, exp in expected.items():
        mistakes = {}
        if without_fprime is not None and not _close(without_fprime[key], exp, rtol, atol):
            mistakes["missing the f'(z) factor: the error signal delta = (...) * f'(z) must be "
                     "multiplied by the derivative of the activation at z."] = without_fprime[key]
        check_array(answer[key], exp, key, rtol=rtol, atol=atol, mistakes=mistakes, factors=factors)


def check_update_rule(step, reference, inputs: list, name: str, *, rtol: float = 1e-7,
                      atol: float = 1e-10, mistakes: dict | None = None) -> None:
    """Run an optimizer step function next to a reference on several inputs.

    ``step(*args)`` and ``reference(*args)`` return a tuple (new parameters, new state...).
    ``inputs`` is a list of argument tuples (e.g. a first step from zero state and a later step
    with a non-zero state). ``mistakes`` maps a hint to a buggy reference function: if the
    student's step matches it (e.g. the update with the wrong sign), the hint is the message.
    The student's function gets copies, so updating arrays in place is allowed.
    """
    for k, args in enumerate(inputs, start=1):
        copies = [np.array(a, dtype=float) if isinstance(a, np.ndarray) else a for a in args]
        try:
            out = step(*copies)
        except Exception as exc:  # a crash in the student's code: say on which input and why
            raise AssertionError(f"{name} raised {type(exc).__name__} on test input {k}: {exc}") from exc
        ref_out = reference(*args)
        check_answered(out, name)
        out = out if isinstance(out, tuple) else (out,)
        if len(out) != len(ref_out):
            raise AssertionError(f"{name} should return {len(ref_out)} values, returned {len(out)}.")
        if all(_close(o, r, rtol, atol) for o, r in zip(out, ref_out)):
            continue
        for hint, buggy in (mistakes or {}).items():
            if all(_close(o, b, rtol, atol) for o, b in zip(out, buggy(*args))):
                raise AssertionError(f"{name}: {hint}")
        for i, (o, r) in enumerate(zip(out, ref_out)):
            check_array(o, r, f"{name}: returned value #{i + 1} on test input {k}", rtol=rtol, atol=atol)


def check_function(fn, reference, inputs: list, name: str, *, rtol: float = 1e-7,
                   atol: float = 1e-10, mistakes: dict | None = None, factors=None) -> None:
    """Call a student's function on several inputs and compare each result with a reference.

    For functions that return one number or one array (``check_update_rule`` handles tuples of
    parameters and state). ``inputs`` is a list of argument tuples; ``reference(*args)`` gives
    the right result. The student's function gets copies of array arguments (dtypes kept, so
    integer labels stay integers). A crash is reported with the input number and the argument
    shapes; a wrong result is diagnosed by ``check_array`` (shape, transposed, sign, factor).
    ``mistakes`` maps a hint to a buggy version of the reference (e.g. softmax minus one-hot
    without the 1/N): when the answer matches it on an input where it differs from the right
    result, the hint is the message; a list of buggy versions stands for several ways to make the
    same mistake. A buggy version that cannot run on an input (a transposed matrix that does not
    fit, say) is skipped for that input.
    """
    for k, args in enumerate(inputs, start=1):
        copies = [np.array(a) if isinstance(a, np.ndarray) else a for a in args]
        shapes = ", ".join(str(a.shape) if isinstance(a, np.ndarray) else type(a).__name__
                           for a in args)
        where = f"on test input {k} (arguments: {shapes})"
        try:
            out = fn(*copies)
        except Exception as exc:  # a crash in the student's code: say on which input and why
            raise AssertionError(f"{name} raised {type(exc).__name__} {where}: {exc}") from exc
        check_answered(out, name)
        expected = reference(*args)
        if _close(out, expected, rtol, atol):
            continue
        for hint, buggies in (mistakes or {}).items():
            for buggy in (buggies if isinstance(buggies, (list, tuple)) else (buggies,)):
                try:
                    with np.errstate(all="ignore"):
                        wrong = buggy(*args)
                except Exception:
                    continue
                if not _close(wrong, expected, rtol, atol) and _close(out, wrong, rtol, atol):
                    raise AssertionError(f"{name}: {hint}")
        check_array(out, expected, f"{name} {where}", rtol=rtol, atol=atol, factors=factors)


def check_stable(fn, args: tuple, expected, name: str, *, rtol: float = 1e-7, atol: float = 1e-12,
                 hint: str = "subtract the maximum before exponentiating") -> None:
    """Call fn(*args) with overflow turned into an error; say so if it overflows or gives NaN/inf.

    Use it with large inputs (e.g. logits around 1000), where exp overflows unless the
    computation is rearranged.
    """
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            out = fn(*args)
    except FloatingPointError as exc:
        raise AssertionError(f"{name} {_numerical_failure(str(exc))} at large inputs ({exc}): {hint}.") from None
    check_answered(out, name)
    arr = _as_array(out, name)
    if not np.all(np.isfinite(arr)):
        raise AssertionError(f"{name} gives NaN/inf at large inputs: {hint}.")
    check_array(arr, expected, f"{name} at large inputs", rtol=rtol, atol=atol)


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
        raise AssertionError(f"{name} gives {arr.size} outputs for {y.size} inputs.")
    wrong = [f"{tuple(int(v) for v in x)} -> {arr[i]:g} (expected {y[i]:g})"
             for i, x in enumerate(np.asarray(X)) if arr[i] != y[i]]
    if wrong:
        raise AssertionError(f"{name} is wrong on {len(wrong)} of {y.size} inputs: " + "; ".join(wrong))


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
            raise AssertionError(f"the {part} set should be a pair (X_{part[:2]}, y_{part[:2]}).")
        Xp = _as_array(pair[0], f"X of the {part} set")
        yp = np.asarray(pair[1])
        if Xp.ndim != 2 or Xp.shape[1] != X.shape[1]:
            raise AssertionError(f"X of the {part} set has shape {Xp.shape}, expected (rows, "
                                 f"{X.shape[1]}): keep whole rows of X, X[indices].")
        if yp.shape[:1] != (len(Xp),) or yp.shape[1:] != y.shape[1:]:
            raise AssertionError(f"the {part} set has {len(Xp)} rows of X but labels of shape "
                                 f"{yp.shape}, expected {(len(Xp),) + y.shape[1:]}.")
        idx = [index.get(row.tobytes()) for row in np.ascontiguousarray(Xp)]
        unknown = sum(i is None for i in idx)
        if unknown:
            raise AssertionError(f"the {part} set contains {unknown} row(s) that are not rows of X: "
                                 "split the rows as they are (X[indices]), do not change them.")
        idx = np.array(idx, dtype=int)
        if len(np.unique(idx)) != len(idx):
            raise AssertionError(f"the {part} set contains {len(idx) - len(np.unique(idx))} row(s) "
                                 "more than once: draw the indices without replacement, e.g. "
                                 "rng.permutation(n).")
        if len(idx) and not np.array_equal(y[idx], yp):
            wrong = int(np.sum(np.any((y[idx] != yp).reshape(len(idx), -1), axis=1)))
            raise AssertionError(f"in the {part} set, {wrong} of {len(idx)} labels do not belong "
                                 "to their rows: index X and y with the same permutation, "
                                 "X[order] and y[order].")
        rows[part] = idx
    names = list(rows)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            shared = len(np.intersect1d(rows[a], rows[b]))
            if shared:
                raise AssertionError(f"the {a} and {b} sets overlap: {shared} row(s) are in both. "
                                     "Every row must go to exactly one set (an off-by-one in the "
                                     "slices? order[:k] and order[k:] share nothing).")
    missing = len(X) - sum(len(r) for r in rows.values())
    if missing:
        raise AssertionError(f"{missing} row(s) of X are in no set: the sets together must hold "
                             "all the data (an off-by-one in the slices? order[:k] and order[k:] "
                             "together are all of order).")
    for part, expected in (sizes or {}).items():
        if len(rows[part]) != expected:
            raise AssertionError(f"the {part} set has {len(rows[part])} rows, expected {expected}.")


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
            raise AssertionError(f"{name} raised {type(exc).__name__} {where}: {exc}"
                                 + (f". Note: {singular}." if singular else "")) from exc
        check_answered(a, name)
        a = check_shape(a, (p,) + y.shape[1:], f"{name} {where}")
        best = np.linalg.lstsq(Phi, y, rcond=None)[0]
        if np.allclose(a, best, rtol=rtol, atol=rtol * max(np.abs(best).max(), 1e-300)):
            continue
        scale = max(float(np.linalg.norm(y)), 1e-300)
        residual = float(np.linalg.norm(Phi @ a - y)) / scale
        if p >= n and residual > 1e-6:
            raise AssertionError(
                f"{name} does not fit the training data exactly {where} (relative residual "
                f"{residual:.2g}), although with p >= n an exact fit exists: "
                + (singular if singular else "solve the square system, e.g. with np.linalg.lstsq")
                + ". A ridge penalty (Phi^T Phi + lambda I) changes the answer; here lambda = 0.")
        if p > n:
            raise AssertionError(
                f"{name} fits the data exactly {where} but is not the minimum-norm solution: "
                f"||a|| = {np.linalg.norm(a):.4g}, the smallest possible is "
                f"{np.linalg.norm(best):.4g}; {singular}.")
        normal = float(np.linalg.norm(Phi.T @ (Phi @ a - y))) / max(
            float(np.linalg.norm(Phi.T @ y)), 1e-300)
        if normal > 1e-6:
            raise AssertionError(
                f"{name} is not the least-squares solution {where}: the residual Phi a - y should "
                f"be orthogonal to the columns of Phi (Phi^T (Phi a - y) = 0), but it is off by "
                f"{normal:.2g} (relative); use np.linalg.lstsq(Phi, y, rcond=None)[0].")
        check_array(a, best, f"{name} {where}", rtol=rtol, atol=rtol * np.abs(best).max())


def graph_node(mul_backward, tanh_backward):
    """The class ``Node`` of exercise 4 (a scalar in a computation graph, like
    ``mlp.autograd.Value``), with the backward steps of ``*`` and ``tanh`` supplied by the caller.

    The exercise's tests build graphs with it and compare the leaves' ``.grad`` after
    ``backward()`` with ``mlp.autograd.Value``. ``mul_backward(a, b, out)`` must add
    d(out)/da * out.grad to a.grad (and the same for b); ``tanh_backward(a, out)`` adds
    tanh'(a) * out.grad to a.grad. Only ``.data`` and ``.grad`` are public attributes.
    """
    import math

    class Node:
        def __init__(self, data, parents=()):
            self.data, self.grad = float(data), 0.0
            self._parents, self._backward = parents, lambda: None

        def _wrap(self, other):
            return other if isinstance(other, Node) else Node(other)

        def __add__(self, other):
            other = self._wrap(other)
            out = Node(self.data + other.data, (self, other))

            def add_backward():
                self.grad += out.grad
                other.grad += out.grad
            out._backward = add_backward
            return out

        def __mul__(self, other):
            other = self._wrap(other)
            out = Node(self.data * other.data, (self, other))
            out._backward = lambda: mul_backward(self, other, out)
            return out

        def tanh(self):
            out = Node(math.tanh(self.data), (self,))
            out._backward = lambda: tanh_backward(self, out)
            return out

        __radd__, __rmul__ = __add__, __mul__

        def backward(self):
            order, seen = [], set()

            def visit(node):
                if id(node) not in seen:
                    seen.add(id(node))
                    for parent in node._parents:
                        visit(parent)
                    order.append(node)
            visit(self)
            for node in order:
                node.grad = 0.0
            self.grad = 1.0
            for node in reversed(order):
                node._backward()

    return Node


HIDDEN_ACTIVATIONS = ("relu", "leaky_relu", "elu", "tanh", "sigmoid", "softplus", "identity")


def check_weights(weights, activation, mean, std, n_in: int = 64, n_out: int = 10) -> None:
    """Check a handed-in network: ``weights = [(W1, b1), ..., (WL, bL)]`` with W^(l) of shape
    (n_l, n_{l-1}) from n_in inputs to n_out outputs, a hidden `activation` by name, and the
    standardization `mean`, `std` (shape (n_in,), std > 0) that a new input goes through first."""
    for value, name in ((weights, "weights"), (activation, "activation"), (mean, "mean"), (std, "std")):
        check_answered(value, name)
    if activation not in HIDDEN_ACTIVATIONS:
        raise AssertionError(f"activation should name the hidden layers' activation, one of "
                             f"{', '.join(HIDDEN_ACTIVATIONS)}; got {activation!r:.60}.")
    check_shape(mean, (n_in,), "mean")
    std = check_shape(std, (n_in,), "std")
    if np.any(std <= 0):
        raise AssertionError(f"std has {int(np.sum(std <= 0))} entries <= 0: a pixel that is constant "
                             "in the training rows has std 0; divide it by 1 instead (np.where(std == 0, "
                             "1.0, std)), or the network sees NaN.")
    if not isinstance(weights, (list, tuple)) or not weights or \
            any(not isinstance(p, (list, tuple)) or len(p) != 2 for p in weights):
        raise AssertionError("weights should be a list of pairs [(W1, b1), (W2, b2), ...], one per layer.")
    n_prev = n_in
    for l, (W, b) in enumerate(weights, start=1):
        W = _as_array(W, f"W{l}")
        if W.ndim != 2 or W.shape[1] != n_prev:
            raise AssertionError(f"W{l} has shape {W.shape}: it should have {n_prev} columns (one per "
                                 f"unit of layer {l - 1}), shape (n_{l}, {n_prev}) in the course's notation.")
        check_shape(b, (W.shape[0],), f"b{l}")
        if not np.all(np.isfinite(W)):
            raise AssertionError(f"W{l} contains NaN or inf: did training diverge?")
        n_prev = W.shape[0]
    if n_prev != n_out:
        raise AssertionError(f"the last layer has {n_prev} units; it needs {n_out}, one score per digit.")


def classify(weights, activation, mean, std, X) -> np.ndarray:
    """The label a handed-in network gives each row of X: the index of its largest output, after
    x' = (x - mean) / std and a^(l) = f(W^(l) a^(l-1) + b^(l)) (the last layer without f)."""
    from ..activations import get_activation

    f = get_activation(activation).f
    A = (np.asarray(X, dtype=float) - np.asarray(mean, dtype=float)) / np.asarray(std, dtype=float)
    for l, (W, b) in enumerate(weights, start=1):
        Z = A @ np.asarray(W, dtype=float).T + np.asarray(b, dtype=float)
        A = Z if l == len(weights) else f(Z)
    return np.argmax(A, axis=1)
