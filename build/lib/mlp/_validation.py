"""Checks run at the public boundary of `mlp`, so that bad input fails early and clearly.

Every message says where the problem is, what was expected, what was received and how to
fix it. Inner loops never call these: a check costs time, and internal data is already valid.
"""
from __future__ import annotations

import inspect
import numbers

import numpy as np


def as_rng(rng, where: str = "rng") -> np.random.Generator:
    """Turn `rng` (None, an int seed or a Generator) into a numpy Generator."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        if rng is not None and rng < 0:
            raise ValueError(f"{where}: a seed must be >= 0; got {rng}. Use e.g. rng=0.")
        return np.random.default_rng(rng)
    raise TypeError(
        f"{where}: rng must be None, an int seed or a numpy Generator; got {type(rng).__name__}. "
        "Use e.g. rng=0 or rng=np.random.default_rng(0)."
    )


def as_float_array(x, name: str, where: str, dtype=None) -> np.ndarray:
    """Convert to a floating array (float64 unless `dtype` or x's own float type says otherwise)."""
    if isinstance(x, np.ndarray) and x.dtype.kind == "f" and dtype is None:
        arr = x
    else:
        if np.iscomplexobj(x):  # numpy would drop the imaginary parts with only a warning
            raise TypeError(
                f"{where}: {name} must hold real numbers; got complex values "
                f"(dtype {np.asarray(x).dtype}). Pass {name}.real if the imaginary parts are 0."
            )
        try:
            arr = np.asarray(x, dtype=dtype if dtype is not None else np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{where}: {name} must be an array of numbers; got {type(x).__name__} "
                f"that numpy cannot convert ({exc})."
            ) from None
    if dtype is not None and arr.dtype != dtype:
        arr = arr.astype(dtype)
    return arr


def check_finite(arr: np.ndarray, name: str, where: str) -> None:
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(
            f"{where}: {name} contains NaN or infinity "
            f"(first at index {tuple(int(i) for i in bad)}, value {arr[tuple(bad)]}). "
            "Remove or impute those entries before calling."
        )


def as_2d(x, name: str, where: str, n_features: int | None = None, dtype=None) -> np.ndarray:
    """A finite 2-D float array of shape (N, n_features); no reshaping is done for the caller."""
    arr = as_float_array(x, name, where, dtype)
    if arr.ndim != 2:
        hint = (
            f" For a single example use {name}.reshape(1, -1); for N scalar inputs use "
            f"{name}.reshape(-1, 1)." if arr.ndim == 1 else ""
        )
        expected = f"(N, {n_features})" if n_features is not None else "(N, n_features)"
        raise ValueError(
            f"{where}: {name} must be 2-D with shape {expected} (one example per row); "
            f"got {arr.ndim}-D shape {arr.shape}.{hint}"
        )
    if arr.shape[0] == 0:
        expected = f"(N, {n_features})" if n_features is not None else "(N, n_features)"
        raise ValueError(f"{where}: {name} has no rows (shape {arr.shape}); it must have shape "
                         f"{expected} with N >= 1 examples. Is a slice or a filter empty?")
    if n_features is not None and arr.shape[1] != n_features:
        raise ValueError(
            f"{where}: {name} must have {n_features} columns (features); got shape {arr.shape}. "
            f"Check the network's input size n_0 = {n_features} against your data."
        )
    check_finite(arr, name, where)
    return arr


def check_number(value, name: str, where: str, *, low=None, high=None,
                 low_open=False, high_open=False, integer=False) -> float:
    """Check that a scalar hyperparameter lies in [low, high] (or the open version)."""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(
            f"{where}: {name} must be {'an integer' if integer else 'a number'}; "
            f"got {value!r} of type {type(value).__name__}."
        )
    if not np.isfinite(value):
        raise ValueError(f"{where}: {name} must be finite; got {value}.")
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"{where}: {name} must be {'>' if low_open else '>='} {low}; "
                         f"got {value}.")
    if high is not None and (value > high or (high_open and value == high)):
        raise ValueError(f"{where}: {name} must be {'<' if high_open else '<='} {high}; "
                         f"got {value}.")
    return value


def check_choice(value, choices, name: str, where: str):
    if value not in choices:
        raise ValueError(
            f"{where}: unknown {name} {value!r}; choose one of {sorted(choices)}."
        )
    return value


def required_args(f) -> int | None:
    """How many positional arguments f requires (None if Python cannot tell, as for some
    built-ins)."""
    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return None
    return sum(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
               for p in params)
