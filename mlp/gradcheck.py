"""Gradient checking: compare backprop's gradients with finite differences.

The central difference (C(w + eps) - C(w - eps)) / (2 eps) approximates dC/dw with error
O(eps^2), but needs two forward passes *per weight*, so checking a network with P weights
costs 2P forward passes against backprop's one forward and one backward pass. That is why it
is a test, not a training method. Use float64: in float32 the rounding error swamps the signal.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np


def numerical_gradient(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar function f() with respect to every entry of array x.

    x is perturbed in place (f must read it) and restored afterwards, even if f raises.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(
            "numerical_gradient: x must be a float64 numpy array (float32 rounding error is larger "
            f"than the differences being measured); got {getattr(x, 'dtype', type(x).__name__)}."
        )
    grad = np.zeros_like(x)
    # index x itself: x.reshape(-1) of a non-contiguous view (e.g. a transpose) is a copy,
    # and perturbing a copy would leave f's input unchanged and the gradient silently 0
    for i in np.ndindex(x.shape):
        old = x[i]
        try:
            x[i] = old + eps
            plus = f()
            x[i] = old - eps
            minus = f()
        finally:
            x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a, b) -> float:
    """||a - b|| / (||a|| + ||b||): 0 when equal, 1 when opposite; defined as 0 when both are 0."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


@dataclass
class GradientCheck:
    """Result of `check_gradients`: one row per parameter."""

    names: list
    errors: list                 # relative error per parameter
    max_abs_diffs: list
    tol: float
    n_forward: int               # forward passes the finite differences needed
    seconds_numerical: float
    seconds_backprop: float
    analytic: dict = field(repr=False, default_factory=dict)
    numerical: dict = field(repr=False, default_factory=dict)

    @property
    def max_error(self) -> float:
        return max(self.errors)

    @property
    def passed(self) -> bool:
        return self.max_error < self.tol

    @property
    def worst(self) -> str:
        return self.names[int(np.argmax(self.errors))]

    def __float__(self) -> float:
        return self.max_error

    def __repr__(self) -> str:
        lines = [f"GradientCheck({'passed' if self.passed else 'FAILED'}: max relative error "
                 f"{self.max_error:.2e} vs tol {self.tol:.0e}; {self.n_forward} forward passes)"]
        for n, e, d in zip(self.names, self.errors, self.max_abs_diffs):
            flag = "" if e < self.tol else "   <-- off"
            lines.append(f"  {n:<8} relative error {e:.2e}   max |diff| {d:.2e}{flag}")
        return "\n".join(lines)


def check_gradients(net, loss, X, y, eps: float = 1e-6, tol: float = 1e-7) -> GradientCheck:
    """Compare net.loss_and_grads's gradients with central differences, parameter by parameter.

    The network must be float64. Returns a GradientCheck report; `report.passed` is True when
    every relative error is below `tol` (1e-7 leaves three orders of margin over the ~1e-10
    noise of eps = 1e-6, and a real bug scores around 1e-2 or more).
    """
    if net.dtype != np.float64:
        raise TypeError("check_gradients: the network must be float64 (build it with dtype=np.float64); "
                        f"got {net.dtype}. In float32 the finite differences are mostly rounding error.")
    t0 = time.perf_counter()
    net.loss_and_grads(X, y, loss)
    seconds_backprop = time.perf_counter() - t0
    params = net.parameters()
    analytic = {p.name: p.grad.copy() for p in params}
    n_forward = 0

    def objective():
        nonlocal n_forward
        n_forward += 1
        return loss(net.forward(X), y) + net.penalty()

    t0 = time.perf_counter()
    numerical = {p.name: numerical_gradient(objective, p.data, eps) for p in params}
    seconds_numerical = time.perf_counter() - t0
    names = [p.name for p in params]
    errors = [relative_error(analytic[n], numerical[n]) for n in names]
    diffs = [float(np.max(np.abs(analytic[n] - numerical[n]))) for n in names]
    net.loss_and_grads(X, y, loss)  # leave caches and grads as backprop computed them
    return GradientCheck(names, errors, diffs, tol, n_forward, seconds_numerical,
                         seconds_backprop, analytic, numerical)


def min_abs_preactivation(net, X) -> float:
    """The smallest |z^(l)| over all hidden and output units: near 0, a ReLU kink is straddled."""
    net.forward(X)
    return float(min(np.min(np.abs(z)) for z in net.z.values()))
