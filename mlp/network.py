"""The multilayer perceptron: a stack of Dense layers, its forward pass and backpropagation.

Notation (lectures): layers l = 1..L, a^(0) = x, z^(l) = W^(l) a^(l-1) + b^(l), a^(l) = f(z^(l)).
The caches are dicts keyed by that same l: net.z[l], net.a[l] (a[0] is the input) and
net.delta[l] = dC/dz^(l), each of shape (N, n_l) with one example per row.
"""
from __future__ import annotations

import numpy as np

from .layers import Dense, Parameter
from .losses import Loss
from ._validation import as_2d, as_rng, check_number


class MLP:
    """A fully connected network with sizes [n_0, n_1, ..., n_L].

    Parameters
    ----------
    sizes : list of int, the number of units per layer, input first (n_0) and output last (n_L).
    activation : str or Activation, f for the hidden layers 1..L-1.
    output : str or Activation, f for the output layer L ('identity' for regression and for
        the logits losses BCEWithLogits / SoftmaxCrossEntropy / Hinge).
    init : str or callable, weight initializer (default by activation; see mlp.init).
    rng : int or Generator, seeds the initial weights.
    dtype : np.float64 (default, needed for gradient checks) or np.float32 (faster).
    l2 : float, lambda of the penalty lambda * sum_l ||W^(l)||^2 added by loss_and_grads
        (the lectures' regularized risk; biases are not penalised).

    Example
    -------
    >>> net = MLP([2, 2, 1], activation="sigmoid", output="sigmoid", rng=0)
    >>> net.layer(1).W.data.shape      # (n_1, n_0)
    (2, 2)
    """

    def __init__(self, sizes, activation="relu", output="identity", init=None, rng=None,
                 dtype=np.float64, l2: float = 0.0):
        where = "MLP"
        if isinstance(sizes, (int, np.integer)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
            raise ValueError(
                f"{where}: sizes must list at least the input and output sizes, e.g. [2, 3, 1]; got {sizes!r}."
            )
        for n in sizes:
            check_number(n, "every entry of sizes", where, low=1, integer=True)
        dtype = np.dtype(dtype)
        if dtype not in (np.float64, np.float32):
            raise ValueError(f"{where}: dtype must be float64 or float32; got {dtype}.")
        self.l2 = float(check_number(l2, "l2", where, low=0))  # a Python float never upcasts float32
        self.sizes = [int(n) for n in sizes]
        self.dtype = dtype
        rng = as_rng(rng, f"{where}: rng")
        L = len(sizes) - 1
        self.layers = [
            Dense(sizes[l - 1], sizes[l], activation if l < L else output, init, rng, dtype, index=l)
            for l in range(1, L + 1)
        ]
        self.z: dict[int, np.ndarray] = {}
        self.a: dict[int, np.ndarray] = {}
        self.delta: dict[int, np.ndarray] = {}

    # -- structure ---------------------------------------------------------------------------
    @property
    def L(self) -> int:
        """Number of layers with weights (the input layer 0 is not counted)."""
        return len(self.layers)

    def layer(self, l: int) -> Dense:
        """Layer l, 1-based as in the lectures: layer(1) ... layer(L)."""
        if isinstance(l, bool) or not isinstance(l, (int, np.integer)) or not 1 <= l <= self.L:
            raise IndexError(f"MLP.layer: l must be an integer in 1..{self.L} (layers are 1-based; "
                             f"layer 0 is the input and has no weights); got {l!r}.")
        return self.layers[l - 1]

    def parameters(self) -> list[Parameter]:
        """[W^(1), b^(1), ..., W^(L), b^(L)]."""
        return [p for layer in self.layers for p in layer.parameters()]

    @property
    def n_params(self) -> int:
        return sum(p.data.size for p in self.parameters())

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.zero_grad()

    # -- forward -----------------------------------------------------------------------------
    def forward(self, X) -> np.ndarray:
        """a^(L) for a batch X of shape (N, n_0); caches z[l] and a[l] for backward.

        For l = 1..L:  z^(l) = W^(l) a^(l-1) + b^(l),  a^(l) = f(z^(l)),  with a^(0) = x.
        X is converted to the network's dtype.
        """
        X = as_2d(X, "X", "MLP.forward", n_features=self.sizes[0], dtype=self.dtype)
        return self._forward(X)

    def _forward(self, X: np.ndarray) -> np.ndarray:
        self.a = {0: X}
        self.z = {}
        self.delta = {}
        a = X
        for l, layer in enumerate(self.layers, start=1):
            z = layer.pre_activation(a)
            a = layer.f.f(z)
            self.z[l], self.a[l] = z, a
        return a

    def predict(self, X) -> np.ndarray:
        """a^(L) for X, without touching the caches (safe to call between forward and backward)."""
        X = as_2d(X, "X", "MLP.predict", n_features=self.sizes[0], dtype=self.dtype)
        return self._predict(X)

    def _predict(self, X: np.ndarray) -> np.ndarray:
        """predict for an X that was already checked and converted (fit's per-epoch evaluation)."""
        a = X
        for layer in self.layers:
            a = layer.f.f(layer.pre_activation(a))
        return a

    __call__ = predict

    # -- backward ----------------------------------------------------------------------------
    def backward(self, dC_da) -> dict[int, np.ndarray]:
        """Backpropagation: fill W.grad and b.grad of every layer; return delta = {l: dC/dz^(l)}.

        The four equations, per example (lecture form), then as this code computes them on a
        batch stored as rows (Delta^(l) has shape (N, n_l)):
          BP1  delta^(L) = f'(z^(L)) * dC/da^(L)            Delta = f'(Z) * dC_da
          BP2  delta^(l) = f'(z^(l)) * (W^(l+1))^T delta^(l+1)
                                                           Delta_l = f'(Z_l) * (Delta_{l+1} @ W_{l+1})
          BP3  dC/db^(l) = delta^(l)                       db = Delta_l.sum(axis=0)
          BP4  dC/dW^(l) = delta^(l) (a^(l-1))^T           dW = Delta_l.T @ A_{l-1}
        dC_da is the gradient of the *batch-mean* loss, so its rows already carry the 1/N and
        BP3/BP4 simply sum over the batch. Gradients are overwritten, not accumulated.
        """
        if not self.a:
            raise RuntimeError("MLP.backward: call forward(X) first; there are no cached activations.")
        aL = self.a[self.L]
        dC_da = np.asarray(dC_da)
        if dC_da.shape != aL.shape:
            raise ValueError(
                f"MLP.backward: dC_da must have the output's shape {aL.shape} (N, n_L); got {dC_da.shape}. "
                "Pass loss.grad(output, y) for the same batch that went through forward."
            )
        return self._backward(dC_da.astype(self.dtype, copy=False))

    def _backward(self, dC_da: np.ndarray) -> dict[int, np.ndarray]:
        L, z, a = self.L, self.z, self.a
        out = self.layers[-1]
        # BP1; identity outputs skip multiplying by an array of ones (a hot path in training).
        # f.derivative(z, a) is f'(z); for sigmoid and tanh it reuses the stored a = f(z).
        delta = dC_da if out.f.name == "identity" else out.f.derivative(z[L], a[L]) * dC_da
        for l in range(L, 0, -1):
            layer = self.layers[l - 1]
            self.delta[l] = delta
            layer.W.grad = delta.T @ a[l - 1]          # BP4 (a transposed view, no copy)
            layer.b.grad = delta.sum(axis=0)           # BP3
            if l > 1:                                  # BP2
                delta = self.layers[l - 2].f.derivative(z[l - 1], a[l - 1]) * (delta @ layer.W.data)
        return self.delta

    # -- loss --------------------------------------------------------------------------------
    def penalty(self) -> float:
        """The L2 term lambda * sum_l ||W^(l)||^2 (0 when l2 = 0)."""
        if not self.l2:
            return 0.0
        return float(self.l2 * sum(np.sum(layer.W.data ** 2) for layer in self.layers))

    def check_loss(self, loss: Loss) -> None:
        """Refuse loss/output pairings that silently compute the wrong thing."""
        if not isinstance(loss, Loss):
            raise TypeError(f"expected an mlp.losses.Loss such as SquaredError(); got {type(loss).__name__}. "
                            "Pass an instance, e.g. loss=mlp.losses.SquaredError().")
        out = self.layers[-1].f.name
        if loss.expects_logits and out != "identity":
            raise ValueError(
                f"{type(loss).__name__} takes logits (it applies sigmoid/softmax itself), but this network's "
                f"output activation is '{out}'. Build the network with output='identity'."
            )

    def loss_and_grads(self, X, y, loss: Loss) -> float:
        """Forward, loss and backward in one call: returns C(a^(L), y) + L2 penalty, fills grads."""
        self.check_loss(loss)
        output = self.forward(X)
        output, Y = loss._check(output, y)   # the targets are checked once, for value and gradient
        per_example, dC_da = loss._per_example_and_grad(output, Y)
        value = float(np.mean(per_example)) + self.penalty()      # = loss(output, y) + penalty
        self._backward(dC_da)                                     # = backward(loss.grad(output, y))
        if self.l2:
            for layer in self.layers:
                layer.W.grad = layer.W.grad + 2.0 * self.l2 * layer.W.data
        return value

    def __repr__(self) -> str:
        hidden = self.layers[0].f.name if self.L > 1 else None
        extra = f", l2={self.l2}" if self.l2 else ""
        extra += f", dtype={self.dtype.name}" if self.dtype != np.float64 else ""
        inits = sorted({layer.init_name for layer in self.layers})
        return (f"MLP(sizes={self.sizes}, activation={hidden!r}, output={self.layers[-1].f.name!r}, "
                f"init={'/'.join(inits)}, params={self.n_params}{extra})")
