"""Parameters and dense layers: z^(l) = W^(l) a^(l-1) + b^(l),  a^(l) = f(z^(l)).

A `Parameter` is an array with its gradient, the vectorised cousin of `autograd.Value`.
A `Dense` layer holds W^(l) with shape (n_l, n_{l-1}) = (n_out, n_in), as in the lectures,
and b^(l) with shape (n_l,): the bias the lectures fold in as the weight of x_0 = 1.
A batch is stored as rows, so in code the lecture's column form becomes Z = A @ W.T + b.
"""
from __future__ import annotations

import numpy as np

from ._validation import as_rng, check_number
from .activations import get_activation
from .init import default_init_for, get_initializer


class _Data:
    """Parameter.data: an assignment must keep the shape (a silent shape change would only fail,
    or worse broadcast, much later inside a matrix product); dtype is kept too.

    This descriptor checks assignments only. It has no __get__, so Python reads the value
    straight from the instance's __dict__: the training loop reads p.data several times per
    step, and a plain read costs nothing, where a property would run Python code each time."""

    def __set__(self, p, value):
        old = p.__dict__["data"]
        if value is old:  # an in-place update (p.data -= ...) hands back the same array
            return
        value = np.asarray(value, dtype=old.dtype)
        if value.shape != old.shape:
            raise ValueError(
                f"Parameter {p.name or '(unnamed)'}: new data must have shape {old.shape}; "
                f"got {value.shape}. Assign into the array instead (p.data[...] = ...) to keep it.")
        p.__dict__["data"] = value


class Parameter:
    """A trainable array `data` and `grad`, the gradient of the loss with respect to it.

    `data` keeps the shape it starts with: a new array of another shape is refused, naming the
    parameter. `grad` must have that shape too: the optimizers check it before every update,
    where a gradient of another shape would otherwise broadcast silently. (Checking it at every
    assignment instead costs 4% of a small network's training step: backprop assigns 2L of them.)
    """

    data = _Data()

    def __init__(self, data, grad=None, name: str = ""):
        if np.iscomplexobj(data):
            raise TypeError(f"Parameter {name or '(unnamed)'}: data must be real numbers; got "
                            f"complex values. Pass data.real if the imaginary parts are 0.")
        self.__dict__["data"] = np.asarray(data)
        self.name = name
        self.shape = self.data.shape      # fixed: data keeps its shape
        self.grad = grad

    def zero_grad(self) -> None:
        self.grad = np.zeros_like(self.data)

    def __repr__(self) -> str:
        body = np.array2string(self.data, precision=4, threshold=12, edgeitems=2)
        body = body.replace("\n", "\n" + " " * 10)
        return f"Parameter({self.name or '?'}, shape={self.shape}, data={body})"


class Dense:
    """Fully connected layer l: z = W a_prev + b (per example), a = f(z).

    Parameters
    ----------
    n_out, n_in : int, the sizes n_l and n_{l-1}, in the order of W's shape (n_out, n_in);
        by keyword, Dense(n_in=2, n_out=3), the order does not matter.
    activation : str or Activation, the nonlinearity f.
    init : str or callable, initializer for W (default: He for the ReLU family, else Xavier);
        biases start at 0.
    rng : int or Generator, the source of randomness for W.
    index : int, the layer number l, used in names such as "W^(2)".
    """

    def __init__(self, n_out: int, n_in: int, activation="relu", *, init=None, rng=None,
                 dtype=np.float64, index: int = 1):
        check_number(n_out, "n_out", "Dense", low=1, integer=True)
        check_number(n_in, "n_in", "Dense", low=1, integer=True)
        self.f = get_activation(activation)
        init = default_init_for(self.f.name) if init is None else init
        self.init_name = init if isinstance(init, str) else getattr(init, "__name__", "custom")
        W = get_initializer(init)(n_out, n_in, as_rng(rng), dtype=dtype)
        self.W = Parameter(np.asarray(W, dtype=dtype), name=f"W^({index})")
        self.b = Parameter(np.zeros(n_out, dtype=dtype), name=f"b^({index})")
        self.index = index

    @property
    def n_in(self) -> int:
        return self.W.shape[1]

    @property
    def n_out(self) -> int:
        return self.W.shape[0]

    def pre_activation(self, a_prev: np.ndarray) -> np.ndarray:
        """Z = A_prev @ W^T + b: row n is z = W a_prev + b for example n."""
        Z = a_prev @ self.W.data.T    # W.T is a view: BLAS reads W transposed, nothing is copied
        Z += self.b.data              # in place: no second (N, n_l) array
        return Z

    def parameters(self) -> list[Parameter]:
        return [self.W, self.b]

    def __repr__(self) -> str:
        return (f"Dense(l={self.index}: {self.n_in} -> {self.n_out}, f={self.f.name}, "
                f"init={self.init_name})")
