"""Activation functions f and their derivatives f', both evaluated at the pre-activation z.

A layer computes a = f(z). Backprop needs f'(z) (lecture: delta = f'(z) * ...), so every
activation is a pair (f, df) of elementwise functions of z, collected in one registry.
At a kink (step, ReLU at z = 0) the derivative is a convention: 0 for the step, 1 for ReLU
(the lecture's "x >= 0" case); gradient checks keep samples away from kinks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import numerics
from ._validation import check_number


@dataclass(frozen=True)
class Activation:
    """An elementwise nonlinearity: `f(z)` and its derivative `df(z)`.

    `df_from_a`, when given, is the same derivative written in terms of the output a = f(z)
    (sigmoid: a (1 - a)); backprop uses it because a is already stored from the forward pass.
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    df: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    params: tuple = ()
    df_from_a: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False)

    def __call__(self, z):
        return self.f(z)

    def derivative(self, z, a):
        """f'(z), given z and a = f(z); the same numbers as df(z), without recomputing f."""
        return self.df(z) if self.df_from_a is None else self.df_from_a(a)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.params)
        return f"Activation({self.name}{', ' + args if args else ''})"


def identity(z):
    """f(z) = z."""
    return z


def identity_prime(z):
    """f'(z) = 1."""
    return np.ones_like(z)


def step(z):
    """Binary step: f(z) = 1 if z >= 0 else 0."""
    return (np.asarray(z) >= 0).astype(np.result_type(z, np.float32))


def step_prime(z):
    """f'(z) = 0 everywhere (undefined at 0; taken as 0). Gradient descent cannot train steps."""
    return np.zeros_like(z)


def sigmoid(z):
    """f(z) = 1 / (1 + exp(-z)) (stable form from mlp.numerics)."""
    return numerics.sigmoid(z)


def sigmoid_prime(z):
    """f'(z) = f(z) (1 - f(z)); at most 1/4, which is why deep sigmoid nets lose gradient."""
    s = numerics.sigmoid(z)
    return s * (1.0 - s)


def sigmoid_prime_from_a(a):
    """f'(z) = a (1 - a) with a = sigmoid(z): backprop reuses the forward pass's a."""
    return a * (1.0 - a)


def tanh(z):
    """f(z) = tanh(z) = (e^z - e^-z) / (e^z + e^-z)."""
    return np.tanh(z)


def tanh_prime(z):
    """f'(z) = 1 - tanh(z)^2."""
    t = np.tanh(z)
    return 1.0 - t * t


def tanh_prime_from_a(a):
    """f'(z) = 1 - a^2 with a = tanh(z)."""
    return 1.0 - a * a


def relu(z):
    """f(z) = max(0, z)."""
    return np.maximum(z, 0)


def relu_prime(z):
    """f'(z) = 1 if z >= 0 else 0 (the value at exactly 0 is a convention)."""
    return (np.asarray(z) >= 0).astype(np.result_type(z, np.float32))


def softplus(z):
    """f(z) = log(1 + e^z), a smooth ReLU."""
    return numerics.softplus(z)


def softplus_prime(z):
    """f'(z) = sigma(z)."""
    return numerics.sigmoid(z)


def leaky_relu(alpha: float = 0.01) -> Activation:
    """Leaky ReLU: f(z) = z for z >= 0, alpha z for z < 0;  f'(z) = 1 or alpha."""
    check_number(alpha, "alpha", "leaky_relu", low=0)

    def f(z):
        return np.where(z >= 0, z, alpha * z)

    def df(z):
        return np.where(np.asarray(z) >= 0, 1.0, alpha).astype(np.result_type(z, np.float32))

    return Activation("leaky_relu", f, df, (("alpha", alpha),))


def elu(alpha: float = 1.0) -> Activation:
    """ELU: f(z) = z for z >= 0, alpha (e^z - 1) for z < 0;  f'(z) = 1 or alpha e^z.

    exp is applied to min(z, 0) only, so large positive z cannot overflow.
    """
    check_number(alpha, "alpha", "elu", low=0)

    def f(z):
        return np.where(z >= 0, z, alpha * np.expm1(np.minimum(z, 0)))

    def df(z):
        return np.where(z >= 0, 1.0, alpha * np.exp(np.minimum(z, 0))).astype(
            np.result_type(z, np.float32))

    return Activation("elu", f, df, (("alpha", alpha),))


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("identity", identity, identity_prime),
        Activation("step", step, step_prime),
        Activation("sigmoid", sigmoid, sigmoid_prime, df_from_a=sigmoid_prime_from_a),
        Activation("tanh", tanh, tanh_prime, df_from_a=tanh_prime_from_a),
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
    hint = " For a softmax output use output='identity' with SoftmaxCrossEntropy (it takes logits)." \
        if spec == "softmax" else ""
    raise ValueError(
        f"unknown activation {spec!r}; choose one of {sorted(ACTIVATIONS)} "
        f"or pass mlp.activations.leaky_relu(alpha) / elu(alpha).{hint}"
    )
