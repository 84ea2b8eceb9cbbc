"""Scalar reverse-mode automatic differentiation: the gradient over a graph of arithmetic operations.

Every arithmetic result is a `Value` that remembers its inputs (parents) and how to send a
gradient back to them. `backward()` visits the graph once from the output to the inputs and
applies the chain rule at every node, which is backpropagation with the matrices taken apart.
`ScalarMLP` unrolls an `mlp.MLP` into such a graph: it is slow, but it is an independent check of
the vectorised delta recursion in `mlp.network`, with no finite-difference error.
"""
from __future__ import annotations

import functools
import math
import numbers
import operator
from typing import Callable, Sequence

import numpy as np

from . import numerics


class Value:
    """A scalar node in a computation graph: `.data` (its value) and `.grad` (dOutput/dthis).

    Operations: + - * / with Values or numbers (either side), unary -, ``** k`` for a number k,
    exp(), log(), tanh(), sigmoid(), relu(). Each operation creates a new Value and one closure
    that ADDS (local derivative) * out.grad into each parent's .grad.

    >>> x = Value(3.0, label="x")
    >>> y = x ** 3 + 2 * x
    >>> y.backward(); x.grad          # d(x^3 + 2x)/dx = 3x^2 + 2 = 29 at x = 3
    29.0
    """

    __slots__ = ("data", "grad", "label", "_parents", "_op", "_backward")  # lean: graphs get big

    def __init__(self, data: float, _parents: tuple = (), _op: str = "", label: str = ""):
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise TypeError(f"Value: data must be a real number; got {data!r} of type "
                            f"{type(data).__name__}. Use Value(float(x)) for a 1-element array.")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self._parents = tuple(_parents)
        self._op = _op
        self._backward: Callable[[], None] = lambda: None

    @staticmethod
    def _lift(other) -> Value:
        return other if isinstance(other, Value) else Value(other)

    def _name(self) -> str:
        return f"{self.label!r} " if self.label else ""

    # -- binary operations: d(a+b) = da + db, d(a*b) = b da + a db ----------------------------
    def __add__(self, other) -> Value:
        other = self._lift(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other) -> Value:
        other = self._lift(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k) -> Value:
        """x ** k for a fixed number k:  d(x^k)/dx = k x^(k-1)."""
        if isinstance(k, Value):
            raise TypeError("Value ** Value is not supported: the exponent must be a plain number "
                            "(int or float). For a variable exponent write (b * a.log()).exp().")
        if isinstance(k, bool) or not isinstance(k, numbers.Real):
            raise TypeError(f"Value ** k: k must be an int or float; got {type(k).__name__}.")
        if self.data == 0 and k < 0:
            raise ZeroDivisionError(f"Value {self._name()}is 0 and cannot be raised to the "
                                    f"negative power {k} (this includes dividing by it).")
        if self.data < 0 and k != int(k):
            raise ValueError(f"Value {self._name()}is {self.data} < 0 and cannot be raised to the "
                             f"non-integer power {k} (the result is not real).")
        out = Value(self.data ** k, (self,), f"**{k:g}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad
        out._backward = _backward
        return out

    def __neg__(self) -> Value:
        return self * -1

    def __sub__(self, other) -> Value:
        return self + (-self._lift(other))

    def __rsub__(self, other) -> Value:             # other - self
        return self._lift(other) + (-self)

    def __truediv__(self, other) -> Value:
        return self * self._lift(other) ** -1

    def __rtruediv__(self, other) -> Value:         # other / self
        return self._lift(other) * self ** -1

    __radd__ = __add__
    __rmul__ = __mul__

    # -- functions of one Value ---------------------------------------------------------------
    def _unary(self, value: float, local_derivative: float, op: str) -> Value:
        """out = g(self) with the local derivative g'(self) known at this point."""
        out = Value(value, (self,), op)

        def _backward():
            self.grad += local_derivative * out.grad
        out._backward = _backward
        return out

    def exp(self) -> Value:
        """e^x;  d/dx = e^x."""
        e = math.exp(self.data)
        return self._unary(e, e, "exp")

    def log(self) -> Value:
        """Natural log ln x for x > 0;  d/dx = 1/x."""
        if self.data <= 0:
            raise ValueError(f"Value.log: {self._name()}has data {self.data} <= 0; the logarithm "
                             "is only defined for positive numbers.")
        return self._unary(math.log(self.data), 1.0 / self.data, "log")

    def tanh(self) -> Value:
        """tanh x;  d/dx = 1 - tanh(x)^2."""
        t = math.tanh(self.data)
        return self._unary(t, 1.0 - t * t, "tanh")

    def sigmoid(self) -> Value:
        """sigma(x) = 1 / (1 + e^-x) (overflow-free, mlp.numerics);  d/dx = sigma (1 - sigma)."""
        s = float(numerics.sigmoid(self.data))
        return self._unary(s, s * (1.0 - s), "sigmoid")

    def relu(self) -> Value:
        """max(0, x);  d/dx = 1 for x >= 0 else 0 (the same convention at 0 as mlp.activations)."""
        return self._unary(max(self.data, 0.0), float(self.data >= 0), "relu")

    # -- gradients ----------------------------------------------------------------------------
    def backward(self) -> None:
        """Fill .grad of every node below self with d(self)/d(node), by the chain rule.

        Nodes are visited in reverse topological order (self first, then any node only after
        every node that uses it), so when a node's closure runs its .grad is complete. A node
        used twice, e.g. b = a + a, influences the output along two paths, and the multivariate
        chain rule SUMS the paths (db/da = 1 + 1 = 2): that is why closures add with +=, and why
        the order matters (micrograd issue #64: a + a then b + b gives 4 only this way).
        The order is built with an explicit stack, so a 100,000-deep chain works (no recursion).

        Leaf gradients ACCUMULATE across calls, as in PyTorch: calling backward() on two losses
        that share weights leaves the sum of their gradients in the weights (handy for summing
        per-example losses); call zero_grad() before the next step. Intermediate nodes are reset
        at the start of each call. (mlp.MLP.backward instead overwrites: one call already sums
        the whole batch.)
        """
        order = topological_order(self)
        for node in order:
            if node._parents:
                node.grad = 0.0
        self.grad += 1.0                                # seed: d(self)/d(self) = 1
        for node in reversed(order):
            node._backward()

    def zero_grad(self) -> None:
        """Set .grad = 0 for self and every node it depends on."""
        for node in topological_order(self):
            node.grad = 0.0

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{label})"


def topological_order(root: Value) -> list[Value]:
    """All nodes that `root` depends on, each listed after all of its parents; root is last.

    Iterative depth-first search with a stack of (node, expanded) pairs: a node is pushed
    once to expand its parents, and emitted when it comes back with expanded=True.
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological_order: root must be a Value; got {type(root).__name__}.")
    order: list[Value] = []
    seen: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((p, False) for p in node._parents if id(p) not in seen)
    return order


_SCALAR_ACTIVATIONS = {"identity": lambda v: v, "sigmoid": Value.sigmoid,
                       "tanh": Value.tanh, "relu": Value.relu}


class ScalarMLP:
    """An mlp.MLP unrolled into Values: z_i^(l) = sum_j W_ij^(l) a_j^(l-1) + b_i^(l), a = f(z).

    W[l][i][j] and b[l][i] are Values, with l = 1..L as in the lectures (W and b are dicts).
    Build one with ScalarMLP.from_mlp(net); gradients() returns numpy arrays shaped like net's.
    """

    def __init__(self, W: dict, b: dict, activations: dict):
        self.W, self.b, self.activations = W, b, activations
        self.L = len(W)
        self.sizes = [len(W[1][0])] + [len(b[l]) for l in range(1, self.L + 1)]

    @classmethod
    def from_mlp(cls, net) -> ScalarMLP:
        """Copy the weights of `net` (an mlp.MLP) into Values labelled like W1[i,j] and b1[i]."""
        from .network import MLP
        if not isinstance(net, MLP):
            raise TypeError(f"ScalarMLP.from_mlp: net must be an mlp.MLP; got {type(net).__name__}.")
        W, b, acts = {}, {}, {}
        for l in range(1, net.L + 1):
            layer = net.layer(l)
            if layer.f.name not in _SCALAR_ACTIVATIONS:
                raise ValueError(f"ScalarMLP: layer {l} uses activation {layer.f.name!r}; only "
                                 f"{sorted(_SCALAR_ACTIVATIONS)} are available as Value operations.")
            Wl, bl = layer.W.data, layer.b.data
            W[l] = [[Value(float(Wl[i, j]), label=f"W{l}[{i},{j}]") for j in range(Wl.shape[1])]
                    for i in range(Wl.shape[0])]
            b[l] = [Value(float(bl[i]), label=f"b{l}[{i}]") for i in range(len(bl))]
            acts[l] = layer.f.name
        return cls(W, b, acts)

    def __call__(self, x: Sequence[float]) -> list[Value]:
        """The outputs a^(L) for ONE example x (a 1-D sequence of n_0 numbers or Values)."""
        if not isinstance(x, (list, tuple)):
            x = np.asarray(x, dtype=float)
            x = list(x) if x.ndim == 1 else x
        if len(x) != self.sizes[0] or not isinstance(x, (list, tuple)):
            raise ValueError(f"ScalarMLP: x must be ONE example, a 1-D sequence of n_0 = "
                             f"{self.sizes[0]} numbers; got {np.shape(x)}. Loop over the rows "
                             "of a batch, or use mean_loss(net, X, Y).")
        a = [v if isinstance(v, Value) else Value(float(v), label=f"x[{j}]") for j, v in enumerate(x)]
        for l in range(1, self.L + 1):
            f = _SCALAR_ACTIVATIONS[self.activations[l]]
            z = [sum((w * aj for w, aj in zip(row, a)), bi) for row, bi in zip(self.W[l], self.b[l])]
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
    targets = list(np.ravel(np.asarray(targets, dtype=float)))
    if len(targets) != len(outputs):
        raise ValueError(f"squared_error: {len(outputs)} outputs but {len(targets)} targets; "
                         "pass one target per output unit.")
    return 0.5 * _total((a - y) ** 2 for a, y in zip(outputs, targets))


def mean_loss(scalar_net: ScalarMLP, X, Y,
              per_example_loss: Callable = squared_error) -> Value:
    """C = (1/N) sum_n loss(net(x_n), y_n): the batch mean, like mlp's losses (rows of X)."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or len(X) != len(Y):
        raise ValueError(f"mean_loss: X must be 2-D (N, n_0) with one target row per example; "
                         f"got X {X.shape} and {len(Y)} targets.")
    return _total(per_example_loss(scalar_net(x), y) for x, y in zip(X, Y)) / len(X)
