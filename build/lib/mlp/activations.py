"""Activation functions: a = f(z) and its derivative f'(z), as the lectures' table lists them.

Backprop multiplies by f'(z^(l)) in every layer (BP1, BP2), so an activation is a pair of
elementwise functions: f(z), and fprime(z, a) = f'(z). fprime is also handed a = f(z), which
backprop has stored from the forward pass: for sigmoid and tanh the derivative is cheapest in
terms of a, a (1 - a) and 1 - a^2. At a kink the derivative is a convention: 0 for the step at
z = 0, 1 for ReLU (the lecture's "z >= 0" case); gradient checks keep samples away from kinks.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from . import numerics
from ._validation import check_number, required_args


class Activation:
    """An elementwise nonlinearity: `f(z)` and its derivative `fprime(z, a)` = f'(z), a = f(z).

    Calling the activation applies f: act(z) is act.f(z). A derivative that needs only z may be
    given as fprime(z): Activation("sigmoid", f, np.ones_like) is a sigmoid whose f' is taken
    as 1 (how the exercises plant "backprop without f'(z)").

    >>> act = get_activation("sigmoid")
    >>> float(act(0.0)), float(act.fprime(0.0))
    (0.5, 0.25)
    """

    __slots__ = ("name", "f", "_fprime", "params")

    def __init__(self, name: str, f: Callable, fprime: Callable, params: tuple = ()):
        self.name, self.f, self.params = name, f, tuple(params)
        # a derivative of z alone (np.ones_like, say) is called with z only
        self._fprime = fprime if (required_args(fprime) or 0) >= 2 else (lambda z, a: fprime(z))

    def __call__(self, z):
        return self.f(z)

    def fprime(self, z, a=None):
        """f'(z). Backprop passes a = f(z), which the forward pass stored; without it (plots,
        checks) a is computed here."""
        return self._fprime(z, self.f(z) if a is None else a)

    def __repr__(self) -> str:
        args = "".join(f", {k}={v}" for k, v in self.params)
        return f"Activation({self.name}{args})"


def identity(z):
    """f(z) = z."""
    return z


def identity_prime(z, a):
    """f'(z) = 1."""
    return np.ones_like(z)


def step(z):
    """Binary step: f(z) = 1 if z >= 0 else 0."""
    return (np.asarray(z) >= 0).astype(np.result_type(z, np.float32))


def step_prime(z, a):
    """f'(z) = 0 everywhere (undefined at 0; taken as 0). Gradient descent cannot train steps."""
    return np.zeros_like(z)


sigmoid = numerics.sigmoid    # f(z) = 1 / (1 + exp(-z)), in the stable form of mlp.numerics


def sigmoid_prime(z, a):
    """f'(z) = f(z) (1 - f(z)) = a (1 - a); at most 1/4, which is why deep sigmoid nets lose
    gradient."""
    return a * (1.0 - a)


def tanh(z):
    """f(z) = tanh(z) = (e^z - e^-z) / (e^z + e^-z)."""
    return np.tanh(z)


def tanh_prime(z, a):
    """f'(z) = 1 - tanh(z)^2 = 1 - a^2."""
    return 1.0 - a * a


def relu(z):
    """f(z) = max(0, z)."""
    return np.maximum(z, 0)


def relu_prime(z, a):
    """f'(z) = 1 if z >= 0 else 0: the step function (the value at exactly 0 is a convention)."""
    return step(z)


softplus = numerics.softplus  # f(z) = log(1 + e^z), a smooth ReLU


def softplus_prime(z, a):
    """f'(z) = sigma(z)."""
    return numerics.sigmoid(z)


def leaky_relu(alpha: float = 0.01) -> Activation:
    """Leaky ReLU: f(z) = z for z >= 0, alpha z for z < 0;  f'(z) = 1 or alpha."""
    check_number(alpha, "alpha", "leaky_relu", low=0)

    def f(z):
        return np.where(z >= 0, z, alpha * z)

    def fprime(z, a):
        return np.where(np.asarray(z) >= 0, 1.0, alpha).astype(np.result_type(z, np.float32))

    return Activation("leaky_relu", f, fprime, (("alpha", alpha),))


def elu(alpha: float = 1.0) -> Activation:
    """ELU: f(z) = z for z >= 0, alpha (e^z - 1) for z < 0;  f'(z) = 1 or alpha e^z.

    exp is applied to min(z, 0) only, so large positive z cannot overflow.
    """
    check_number(alpha, "alpha", "elu", low=0)

    def f(z):
        return np.where(z >= 0, z, alpha * np.expm1(np.minimum(z, 0)))

    def fprime(z, a):
        return np.where(z >= 0, 1.0, alpha * np.exp(np.minimum(z, 0))).astype(
            np.result_type(z, np.float32))

    return Activation("elu", f, fprime, (("alpha", alpha),))


IDENTITY = Activation("identity", identity, identity_prime)

ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        IDENTITY,
        Activation("step", step, step_prime),
        Activation("sigmoid", sigmoid, sigmoid_prime),
        Activation("tanh", tanh, tanh_prime),
        Activation("relu", relu, relu_prime),
        leaky_relu(),
        elu(),
        Activation("softplus", softplus, softplus_prime),
    )
}


def get_activation(spec) -> Activation:
    """Look up an activation by name ('relu', ...) or pass an `Activation` through."""
    if isinstance(spec, Activation):
        return spec
    if isinstance(spec, str) and spec in ACTIVATIONS:
        return ACTIVATIONS[spec]
    hint = (" For a softmax output use output='identity' with SoftmaxCrossEntropy "
            "(it takes logits)." if spec == "softmax" else "")
    raise ValueError(
        f"unknown activation {spec!r}; choose one of {sorted(ACTIVATIONS)} "
        f"or pass mlp.activations.leaky_relu(alpha) / elu(alpha).{hint}"
    )
