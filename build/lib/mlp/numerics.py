"""Numerically stable building blocks: sigmoid, softplus, log-sum-exp, softmax.

The naive formulas overflow: exp(1000) is inf in float64. Each function here is rewritten so
that exp only ever sees numbers <= 0, which keeps every result finite for any finite input.
Activations and losses call these; the chapters show what the naive versions do wrong.
"""
from __future__ import annotations

import numpy as np


def sigmoid(z):
    """sigma(z) = 1 / (1 + exp(-z)), computed without overflow.

    With e = exp(-|z|) (always <= 1): sigma(z) = 1/(1+e) for z >= 0 and e/(1+e) for z < 0.
    Array code computes both cases for every z, so the trick must be inside e (exp never sees a
    positive number), not in a choice between exp(-z) and exp(z). The numerator, 1 or e, is
    max(e, [z >= 0]) because e lies in [0, 1]: the same numbers as np.where(z >= 0, 1.0, e),
    without a branch per element, which makes large arrays faster.
    """
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.maximum(e, z >= 0) / (1.0 + e)


def softplus(z):
    """softplus(z) = log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|)), never overflowing.

    np.logaddexp(0, z) = log(e^0 + e^z) computes exactly that rearranged form, in one call.
    """
    return np.logaddexp(0, z)


def logsumexp(z, axis: int = -1, keepdims: bool = False):
    """log sum_k exp(z_k) = m + log sum_k exp(z_k - m) with m = max_k z_k (the shift keeps
    exp <= 1)."""
    z = np.asarray(z)
    m = z.max(axis=axis, keepdims=True)
    out = m + np.log(np.exp(z - m).sum(axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def log_softmax(z, axis: int = -1):
    """log softmax(z)_k = z_k - logsumexp(z)."""
    z = np.asarray(z)
    return z - logsumexp(z, axis=axis, keepdims=True)


def softmax(z, axis: int = -1):
    """softmax(z)_k = exp(z_k - m) / sum_j exp(z_j - m), m = max_j z_j (shift-invariant, so
    exact)."""
    z = np.asarray(z)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def one_hot(y, n_classes: int | None = None, dtype=np.float64):
    """Rows of the K x K identity picked by integer labels y in {0, ..., K-1}: shape (N, K)."""
    y = np.asarray(y)
    if y.ndim != 1 or (y.size and not np.issubdtype(y.dtype, np.integer)):
        if y.ndim == 1 and y.size and np.all(np.mod(y, 1) == 0):
            y = y.astype(np.int64)
        else:
            raise ValueError(
                f"one_hot: y must be a 1-D array of integer class labels; got dtype {y.dtype}, "
                f"shape {y.shape}."
            )
    if n_classes is None:
        n_classes = int(y.max()) + 1 if y.size else 0
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(
            f"one_hot: labels must be integers in [0, {n_classes}); "
            f"got min {y.min()}, max {y.max()}."
        )
    out = np.zeros((y.shape[0], n_classes), dtype=dtype)
    out[np.arange(y.shape[0]), y] = 1
    return out
