"""Gradient checking: compare backprop's gradients with two independent computations.

The central difference (C(w + eps) - C(w - eps)) / (2 eps) approximates dC/dw with error
O(eps^2), but needs two forward passes *per weight*, so checking a network with P weights
costs 2P forward passes against backprop's one forward and one backward pass. That is why it
is a test, not a training method. Use float64: in float32 the rounding error swamps the signal.
`ScalarMLP` unrolls a network into scalar `Value`s (mlp.autograd) and gets exact gradients by
the chain rule on that graph, one multiplication at a time.
"""
from __future__ import annotations

import functools
import operator
import time
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from ._validation import as_float_array, check_number, required_args
from .autograd import Value


def numerical_gradient(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for every entry i of x.

    f takes no argument and returns one number: it reads x itself, which is perturbed in place
    and restored afterwards (even if f raises). For weights: x = net.layer(1).W.data and
    f = lambda: loss(net.forward(X), y).
    """
    where = "numerical_gradient"
    if not callable(f) or required_args(f):
        raise TypeError(f"{where} calls f() with no arguments: f must read the array x, which is "
                        "perturbed in place, e.g. f = lambda: loss(net.forward(X), y) "
                        f"(not lambda x: ...); got {getattr(f, '__name__', type(f).__name__)}.")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(
            f"{where}: x must be a float64 numpy array (float32 rounding error is larger "
            f"than the differences being measured); got {getattr(x, 'dtype', type(x).__name__)}.")
    check_number(eps, "eps", where, low=0, low_open=True)
    grad = np.zeros_like(x)
    # index x itself: x.reshape(-1) of a non-contiguous view (e.g. a transpose) is a copy,
    # and perturbing a copy would leave f's input unchanged and the gradient silently 0
    for i in np.ndindex(x.shape):
        old = x[i]
        try:
            x[i] = old + eps
            plus = _number(f())
            x[i] = old - eps
            minus = _number(f())
        finally:
            x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def _number(value) -> float:
    if np.size(value) != 1 or np.iscomplexobj(value):
        raise TypeError(f"numerical_gradient: f() must return one real number (a loss); got "
                        f"{type(value).__name__} of shape {np.shape(value)}. "
                        "Reduce it, e.g. with np.mean.")
    return float(np.asarray(value).reshape(()))


def relative_error(a, b) -> float:
    """||a - b|| / (||a|| + ||b||): 0 when equal, 1 when opposite; defined as 0 when both are 0."""
    a, b = as_float_array(a, "a", "relative_error"), as_float_array(b, "b", "relative_error")
    if a.shape != b.shape:
        raise ValueError(f"relative_error: a and b must have the same shape; got {a.shape} and "
                         f"{b.shape}. "
                         "Compare like with like (b.reshape(a.shape) if that is meant).")
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
    check_number(eps, "eps", "check_gradients", low=0, low_open=True)
    check_number(tol, "tol", "check_gradients", low=0, low_open=True)
    if net.dtype != np.float64:
        raise TypeError("check_gradients: the network must be float64 (build it with "
                        f"dtype=np.float64); got {net.dtype}. "
                        "In float32 the finite differences are mostly rounding error.")
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


# -- the same gradients from the scalar graph of mlp.autograd: no finite-difference error ------
_SCALAR_ACTIVATIONS = {"identity": lambda v: v, "sigmoid": Value.sigmoid,
                       "tanh": Value.tanh, "relu": Value.relu}


class ScalarMLP:
    """An mlp.MLP unrolled into Values: z_i^(l) = sum_j W_ij^(l) a_j^(l-1) + b_i^(l), a = f(z).

    W[l][i][j] and b[l][i] are Values, l = 1..L as in the lectures. Build one with
    ScalarMLP.from_mlp(net); gradients() returns numpy arrays shaped like net's.
    """

    def __init__(self, W: dict, b: dict, activations: dict):
        self.W, self.b, self.activations, self.L = W, b, activations, len(W)
        self.sizes = [len(W[1][0])] + [len(b[l]) for l in range(1, self.L + 1)]

    @classmethod
    def from_mlp(cls, net) -> ScalarMLP:
        """Copy the weights of `net` (an mlp.MLP) into Values labelled like W1[i,j] and b1[i]."""
        from .network import MLP
        if not isinstance(net, MLP):
            raise TypeError("ScalarMLP.from_mlp: net must be an mlp.MLP; "
                            f"got {type(net).__name__}.")
        W, b, acts = {}, {}, {}
        for l in range(1, net.L + 1):
            layer = net.layer(l)
            if layer.f.name not in _SCALAR_ACTIVATIONS:
                raise ValueError(f"ScalarMLP: layer {l} uses activation {layer.f.name!r}; only "
                                 f"{sorted(_SCALAR_ACTIVATIONS)} are available as "
                                 "Value operations.")
            W[l] = [[Value(float(w), label=f"W{l}[{i},{j}]") for j, w in enumerate(row)]
                    for i, row in enumerate(layer.W.data)]
            b[l] = [Value(float(v), label=f"b{l}[{i}]") for i, v in enumerate(layer.b.data)]
            acts[l] = layer.f.name
        return cls(W, b, acts)

    def __call__(self, x: Sequence[float]) -> list[Value]:
        """The outputs a^(L) for ONE example x (a 1-D sequence of n_0 numbers or Values)."""
        if np.ndim(x) != 1 or len(x) != self.sizes[0]:
            raise ValueError(f"ScalarMLP: x must be ONE example, a 1-D sequence of n_0 = "
                             f"{self.sizes[0]} numbers; got {np.shape(x)}. Loop over the rows "
                             "of a batch, or use mean_loss(net, X, Y).")
        a = [v if isinstance(v, Value) else Value(float(v), label=f"x[{j}]")
             for j, v in enumerate(x)]
        for l in range(1, self.L + 1):
            f = _SCALAR_ACTIVATIONS[self.activations[l]]
            W, b = self.W[l], self.b[l]
            z = [sum((w * aj for w, aj in zip(row, a)), bi) for row, bi in zip(W, b)]
            a = [f(zi) for zi in z]
            for i, (zi, ai) in enumerate(zip(z, a)):
                zi.label = f"z{l}[{i}]"
                if ai is not zi:
                    ai.label = f"a{l}[{i}]"
        return a

    def parameters(self) -> list[Value]:
        """[all W^(1) entries, b^(1) entries, ..., W^(L), b^(L)] as Values."""
        return [v for l in range(1, self.L + 1)
                for v in [w for row in self.W[l] for w in row] + self.b[l]]

    def gradients(self) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """{l: (dW, db)} with dW of shape (n_l, n_{l-1}) and db of shape (n_l,), like mlp.MLP."""
        return {l: (np.array([[w.grad for w in row] for row in self.W[l]]),
                    np.array([v.grad for v in self.b[l]])) for l in range(1, self.L + 1)}

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0

    def __repr__(self) -> str:
        acts = [self.activations[l] for l in range(1, self.L + 1)]
        return f"ScalarMLP(sizes={self.sizes}, activations={acts}, params={len(self.parameters())})"


def _total(values) -> Value:
    """v_1 + v_2 + ... without the extra 0 node that the built-in sum() would start from."""
    return functools.reduce(operator.add, values)


def squared_error(outputs: Sequence[Value], targets) -> Value:
    """The lectures' per-example loss E = 1/2 sum_k (a_k - y_k)^2 (targets: numbers)."""
    targets = np.ravel(np.asarray(targets, dtype=float))
    if len(targets) != len(outputs):
        raise ValueError(f"squared_error: {len(outputs)} outputs but {len(targets)} targets; "
                         "pass one target per output unit.")
    return 0.5 * _total((a - float(y)) ** 2 for a, y in zip(outputs, targets))


def mean_loss(scalar_net: ScalarMLP, X, Y, per_example_loss: Callable = squared_error) -> Value:
    """C = (1/N) sum_n loss(net(x_n), y_n): the batch mean, like mlp's losses (rows of X)."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) != len(Y):
        raise ValueError(f"mean_loss: X must be 2-D (N, n_0) with one target row per example; "
                         f"got X {X.shape} and {len(Y)} targets.")
    return _total(per_example_loss(scalar_net(x), y) for x, y in zip(X, Y)) / len(X)
