"""Scalar reverse-mode automatic differentiation: the gradient over a graph of arithmetic
operations.

Every arithmetic result is a `Value` that remembers its inputs (parents) and how to send a
gradient back to them. `backward()` visits the graph once from the output to the inputs and
applies the chain rule at every node, which is backpropagation with the matrices taken apart.
`mlp.gradcheck.ScalarMLP` unrolls an `mlp.MLP` into such a graph: slow, but an independent
check of the vectorised delta recursion in `mlp.network`, with no finite-difference error.
"""
from __future__ import annotations

import math
import numbers
from typing import Callable

from . import numerics


class Value:
    """A scalar node in a computation graph: `.data` (its value) and `.grad` (dOutput/dthis).

    Operations: + - * / with Values or numbers (either side), unary -, ``** k`` for a number k,
    exp(), log(), tanh(), sigmoid(), relu(). Each operation creates a new Value and one closure
    that ADDS (local derivative) * out.grad into each parent's .grad. (The new node is of
    type(self), so that a subclass, such as exercise 4's graph nodes, keeps its class.)

    >>> x = Value(3.0, label="x")
    >>> y = x ** 3 + 2 * x
    >>> y.backward(); x.grad          # d(x^3 + 2x)/dx = 3x^2 + 2 = 29 at x = 3
    29.0
    """

    __slots__ = ("data", "grad", "label", "parents", "op", "_backward")  # lean: graphs get big

    def __init__(self, data: float, parents: tuple = (), op: str = "", label: str = ""):
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise TypeError(f"Value: data must be a real number; got {data!r} of type "
                            f"{type(data).__name__}. Use Value(float(x)) for a 1-element array.")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.parents = tuple(parents)
        self.op = op
        self._backward: Callable[[], None] = lambda: None

    @staticmethod
    def _lift(other) -> Value:
        return other if isinstance(other, Value) else Value(other)

    def _name(self) -> str:
        return f"{self.label!r} " if self.label else ""

    # -- binary operations: d(a+b) = da + db, d(a*b) = b da + a db ----------------------------
    def __add__(self, other) -> Value:
        other = self._lift(other)
        out = type(self)(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other) -> Value:
        other = self._lift(other)
        out = type(self)(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, k) -> Value:
        """x ** k for a fixed number k:  d(x^k)/dx = k x^(k-1)."""
        if isinstance(k, bool) or not isinstance(k, numbers.Real):
            raise TypeError(f"Value ** k: the exponent must be a plain number (int or float); got "
                            f"{type(k).__name__}. "
                            "For a variable exponent write (b * a.log()).exp().")
        if self.data == 0 and k < 0:
            raise ZeroDivisionError(f"Value {self._name()}is 0 and cannot be raised to the "
                                    f"negative power {k} (this includes dividing by it).")
        if self.data < 0 and k != int(k):
            raise ValueError(f"Value {self._name()}is {self.data} < 0 and cannot be raised to the "
                             f"non-integer power {k} (the result is not real).")
        out = type(self)(self.data ** k, (self,), f"**{k:g}")

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
        out = type(self)(value, (self,), op)

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

        Nodes are visited in reverse topological order (self first; a node only after every
        node that uses it), so when a node's closure runs, its .grad is complete. A node used
        twice, as in b = a + a, reaches the output along two paths, and the multivariate chain
        rule SUMS them (db/da = 2): hence += in the closures, and hence the order (micrograd
        issue #64). An explicit stack, not recursion, builds the order: a 100,000-deep chain works.
        Leaf gradients ACCUMULATE across calls, as in PyTorch (call zero_grad() between steps);
        intermediate nodes are reset. (mlp.MLP.backward overwrites: one call sums the batch.)
        """
        order = topological_order(self)
        for node in order:
            if node.parents:
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
    """All nodes that `root` depends on, each after all of its parents; root is last. Depth-first,
    with a stack of (node, expanded): a node is emitted when it comes back with expanded=True."""
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
            stack.extend((p, False) for p in node.parents if id(p) not in seen)
    return order
