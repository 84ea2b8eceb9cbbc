"""The multilayer perceptron: a stack of Dense layers, its forward pass and backpropagation.

Notation (lectures): layers l = 1..L, a^(0) = x, z^(l) = W^(l) a^(l-1) + b^(l), a^(l) = f(z^(l)).
The caches are dicts keyed by that same l: net.z[l], net.a[l] (a[0] is the input) and
net.delta[l] = dC/dz^(l), each of shape (N, n_l) with one example per row.

The public calls (forward, predict, loss_and_grads) check their arguments, then run the same
steps as training: `propagate` (the forward pass) and `backprop` (forward, loss, backward), which
take arrays that are already checked. `fit` checks its data once, with `check_data`, and then
calls only those two steps.
"""
from __future__ import annotations

import numpy as np

from ._validation import as_2d, as_float_array, as_rng, check_number
from .activations import IDENTITY
from .layers import Dense, Parameter
from .losses import BCE, Loss


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
                f"{where}: sizes must list at least the input and output sizes, e.g. [2, 3, 1]; "
                f"got {sizes!r}."
            )
        for n in sizes:
            check_number(n, "every entry of sizes", where, low=1, integer=True)
        dtype = np.dtype(dtype)
        if dtype not in (np.float64, np.float32):
            raise ValueError(f"{where}: dtype must be float64 or float32; got {dtype}.")
        # a Python float never upcasts float32
        self.l2 = float(check_number(l2, "l2", where, low=0))
        self.sizes = [int(n) for n in sizes]
        self.dtype = dtype
        rng = as_rng(rng, f"{where}: rng")
        L = len(sizes) - 1
        self.layers = [Dense(n_out=sizes[l], n_in=sizes[l - 1],
                             activation=activation if l < L else output,
                             init=init, rng=rng, dtype=dtype, index=l) for l in range(1, L + 1)]
        self.z: dict[int, np.ndarray] = {}
        self.a: dict[int, np.ndarray] = {}
        self.delta: dict[int, np.ndarray] = {}

    @classmethod
    def from_weights(cls, weights, activation="relu", output="identity", dtype=np.float64) -> "MLP":
        """The network with these weights, [(W^(1), b^(1)), ..., (W^(L), b^(L))]: W^(l) of shape
        (n_l, n_(l-1)) and b^(l) of shape (n_l,), each layer feeding the next. The arrays are
        copied. The inverse of ``weights()``."""
        where = "MLP.from_weights"
        if not isinstance(weights, (list, tuple)) or not weights:
            raise TypeError(f"{where}: weights must be a non-empty list of (W, b) pairs, one per "
                            f"layer; got {type(weights).__name__}.")
        pairs = []
        for l, pair in enumerate(weights, start=1):
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise TypeError(f"{where}: layer {l} must be a pair (W, b); "
                                f"got {type(pair).__name__}.")
            W = as_float_array(pair[0], f"W^({l})", where, dtype=dtype)
            b = as_float_array(pair[1], f"b^({l})", where, dtype=dtype)
            n_prev = pairs[-1][0].shape[0] if pairs else None
            if W.ndim != 2 or (n_prev is not None and W.shape[1] != n_prev):
                raise ValueError(
                    f"{where}: W^({l}) has shape {W.shape}; expected (n_{l}, n_{l - 1})"
                    + (f" with n_{l - 1} = {n_prev}, the size of layer {l - 1}" if n_prev else "")
                    + ". W^(l) has one row per unit of layer l (transpose it if it is the "
                    "other way round).")
            if b.shape != (W.shape[0],):
                raise ValueError(f"{where}: b^({l}) has shape {b.shape}; expected ({W.shape[0]},), "
                                 f"one bias per unit of layer {l}.")
            pairs.append((W, b))
        net = cls([pairs[0][0].shape[1], *(W.shape[0] for W, _ in pairs)], activation=activation,
                  output=output, rng=0, dtype=dtype)
        for layer, (W, b) in zip(net.layers, pairs):
            layer.W.data[...], layer.b.data[...] = W, b
        return net

    def weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Copies of [(W^(1), b^(1)), ..., (W^(L), b^(L))]: what ``MLP.from_weights`` takes."""
        return [(layer.W.data.copy(), layer.b.data.copy()) for layer in self.layers]

    # -- structure ---------------------------------------------------------------------------
    @property
    def L(self) -> int:
        """Number of layers with weights (the input layer 0 is not counted)."""
        return len(self.layers)

    def layer(self, l: int) -> Dense:
        """Layer l, 1-based as in the lectures: layer(1) ... layer(L)."""
        if type(l) is not int and (isinstance(l, bool) or not isinstance(l, np.integer)) \
                or not 1 <= l <= len(self.layers):
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

    # -- the boundary: checks ----------------------------------------------------------------
    def check_loss(self, loss: Loss) -> None:
        """Refuse loss/output pairings that silently compute the wrong thing."""
        if not isinstance(loss, Loss):
            raise TypeError("expected an mlp.losses.Loss such as SquaredError(); "
                            f"got {type(loss).__name__}. "
                            "Pass an instance, e.g. loss=mlp.losses.SquaredError().")
        out = self.layers[-1].f.name
        if loss.expects_logits and out != "identity":
            raise ValueError(
                f"{type(loss).__name__} takes logits (it applies sigmoid/softmax itself), but this "
                f"network's output activation is '{out}'. "
                "Build the network with output='identity'.")
        if isinstance(loss, BCE) and out != "sigmoid":
            raise ValueError("BCE takes probabilities, but this network's output activation is "
                             f"'{out}'. Build it with output='sigmoid', or use BCEWithLogits with "
                             "output='identity'.")

    def check_data(self, X, y, loss: Loss, where: str = "MLP") -> tuple[np.ndarray, np.ndarray]:
        """(X, Y) checked and converted once: X (N, n_0) and Y in the form `loss` computes with."""
        self.check_loss(loss)
        X = as_2d(X, "X", where, n_features=self.sizes[0], dtype=self.dtype)
        if np.ndim(y) == 0 or len(y) != len(X):
            raise ValueError(f"{where}: X has {len(X)} rows but y has shape {np.shape(y)}; "
                             "give one target (row) per row of X.")
        return X, loss.targets(y, (len(X), self.sizes[-1]), self.dtype)

    # -- forward -----------------------------------------------------------------------------
    def forward(self, X) -> np.ndarray:
        """a^(L) for a batch X of shape (N, n_0); caches z[l] and a[l] for backward.

        X is checked and converted to the network's dtype, then `propagate` runs the layers.
        """
        X = as_2d(X, "X", "MLP.forward", n_features=self.sizes[0], dtype=self.dtype)
        return self.propagate(X)

    def predict(self, X) -> np.ndarray:
        """a^(L) for X, without touching the caches (safe to call between forward and backward)."""
        X = as_2d(X, "X", "MLP.predict", n_features=self.sizes[0], dtype=self.dtype)
        return self.propagate(X, cache=False)

    __call__ = predict

    def propagate(self, X: np.ndarray, cache: bool = True) -> np.ndarray:
        """The forward pass on an X already checked: for l = 1..L, with a^(0) = X,
        z^(l) = W^(l) a^(l-1) + b^(l),  a^(l) = f(z^(l));  cache=True keeps z[l] and a[l]."""
        if cache:
            self.z, self.a, self.delta = {}, {0: X}, {}
        a = X
        for l, layer in enumerate(self.layers, start=1):
            z = layer.pre_activation(a)
            a = z if layer.f is IDENTITY else layer.f(z)     # f(z) = z: no call needed
            if cache:
                self.z[l], self.a[l] = z, a
        return a

    # -- backward ----------------------------------------------------------------------------
    def backward(self, dC_da) -> dict[int, np.ndarray]:
        """Backpropagation: fill W.grad and b.grad of every layer; return delta = {l: dC/dz^(l)}.

        The four equations, per example (lecture form), then as this code computes them on a
        batch stored as rows (Delta^(l) has shape (N, n_l)):
          BP1  delta^(L) = f'(z^(L)) * dC/da^(L)        Delta = f'(Z) * dC_da
          BP2  delta^(l) = f'(z^(l)) * (W^(l+1))^T delta^(l+1)
                                                       Delta_l = f'(Z_l) * (Delta_{l+1} @ W_{l+1})
          BP3  dC/db^(l) = delta^(l)                   db = Delta_l.sum(axis=0)
          BP4  dC/dW^(l) = delta^(l) (a^(l-1))^T       dW = Delta_l.T @ A_{l-1}
        dC_da is the gradient of the *batch-mean* loss, so its rows already carry the 1/N and
        BP3/BP4 simply sum over the batch. Gradients are overwritten, not accumulated.
        """
        z, a, L = self.z, self.a, len(self.layers)
        if not a:
            raise RuntimeError("MLP.backward: call forward(X) first; "
                               "there are no cached activations.")
        if not isinstance(dC_da, np.ndarray) or dC_da.dtype is not self.dtype:
            dC_da = as_float_array(dC_da, "dC_da", "MLP.backward", self.dtype)
        if dC_da.shape != a[L].shape:
            raise ValueError(
                f"MLP.backward: dC_da must have the output's shape {a[L].shape} (N, n_L); got "
                f"{dC_da.shape}. Pass loss.grad(output, y) for the same batch that went through "
                "forward.")
        for l in range(L, 0, -1):  # dC_da is dC/da^(l): for l = L from the loss, below from BP2
            layer = self.layer(l)
            # BP1 / BP2: delta^(l) = f'(z^(l)) * dC/da^(l); identity layers skip multiplying by ones
            delta = dC_da if layer.f is IDENTITY else layer.f.fprime(z[l], a[l]) * dC_da
            self.delta[l] = delta
            layer.W.grad = delta.T @ a[l - 1]           # BP4 (a transposed view, no copy)
            layer.b.grad = delta.sum(axis=0)            # BP3
            if l > 1:
                dC_da = delta @ layer.W.data            # (W^(l))^T delta^(l), as rows
        return self.delta

    # -- loss --------------------------------------------------------------------------------
    def penalty(self) -> float:
        """The L2 term lambda * sum_l ||W^(l)||^2 (0 when l2 = 0)."""
        if not self.l2:
            return 0.0
        return float(self.l2 * sum(np.sum(layer.W.data ** 2) for layer in self.layers))

    def backprop(self, X: np.ndarray, Y: np.ndarray, loss: Loss) -> float:
        """One step of backpropagation on arrays checked by `check_data`: forward, the loss C,
        backward, and the L2 gradient 2 lambda W^(l) added to every W.grad.
        Returns C, the batch mean of the loss without the penalty. `fit` runs this per batch."""
        C, dC_da = loss.mean_and_dC_da(self.propagate(X), Y)
        self.backward(dC_da)
        if self.l2:
            for layer in self.layers:
                layer.W.grad += 2.0 * self.l2 * layer.W.data
        return C

    def loss_and_grads(self, X, y, loss: Loss) -> float:
        """Forward, loss and backward in one call: returns C(a^(L), y) + L2 penalty, fills grads."""
        X, Y = self.check_data(X, y, loss, "MLP.loss_and_grads")
        return self.backprop(X, Y, loss) + self.penalty()

    def __repr__(self) -> str:
        hidden = self.layers[0].f.name if self.L > 1 else None
        extra = f", l2={self.l2}" if self.l2 else ""
        extra += f", dtype={self.dtype.name}" if self.dtype != np.float64 else ""
        inits = sorted({layer.init_name for layer in self.layers})
        return (f"MLP(sizes={self.sizes}, activation={hidden!r}, "
                f"output={self.layers[-1].f.name!r}, init={'/'.join(inits)}, "
                f"params={self.n_params}{extra})")
