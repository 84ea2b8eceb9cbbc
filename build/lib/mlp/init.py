"""Weight initializers for W^(l) of shape (n_out, n_in) = (n_l, n_{l-1}).

Scale matters: too small and signals (and gradients) shrink layer by layer, too large and
they explode or saturate. Xavier/Glorot (2010) keeps the variance of activations and of
gradients roughly constant for tanh/sigmoid; He et al. (2015) doubles it for ReLU, which
zeroes half its inputs. Every function takes (n_out, n_in, rng) and returns a new array.
"""
from __future__ import annotations

import numpy as np

from ._validation import as_rng, check_number


def xavier_normal(n_out, n_in, rng=None, dtype=np.float64):
    """W_ij ~ N(0, 2 / (n_in + n_out))  (Glorot & Bengio 2010)."""
    return as_rng(rng).normal(0.0, np.sqrt(2.0 / (n_in + n_out)), (n_out, n_in)).astype(dtype)


def he_normal(n_out, n_in, rng=None, dtype=np.float64):
    """W_ij ~ N(0, 2 / n_in)  (He et al. 2015)."""
    return as_rng(rng).normal(0.0, np.sqrt(2.0 / n_in), (n_out, n_in)).astype(dtype)


def normal(std: float = 1.0):
    """An initializer drawing W_ij ~ N(0, std^2), e.g. normal(0.01) or normal(1.0)."""
    check_number(std, "std", "init.normal", low=0)

    def init(n_out, n_in, rng=None, dtype=np.float64):
        return as_rng(rng).normal(0.0, std, (n_out, n_in)).astype(dtype)

    init.__name__ = f"normal({std})"
    return init


def zeros(n_out, n_in, rng=None, dtype=np.float64):
    """W = 0. Every hidden unit then computes the same thing and gets the same gradient:
    the symmetry is never broken, so this is a cautionary example, not a choice."""
    return np.zeros((n_out, n_in), dtype=dtype)


INITIALIZERS = {f.__name__: f for f in (xavier_normal, he_normal, zeros)}

_RELU_FAMILY = {"relu", "leaky_relu", "elu", "softplus"}


def default_init_for(activation_name: str) -> str:
    """He normal for the ReLU family, Xavier normal otherwise."""
    return "he_normal" if activation_name in _RELU_FAMILY else "xavier_normal"


def get_initializer(spec):
    """Look up an initializer by name, or pass a callable (n_out, n_in, rng, dtype) through."""
    if callable(spec):
        return spec
    if isinstance(spec, str) and spec in INITIALIZERS:
        return INITIALIZERS[spec]
    raise ValueError(
        f"unknown init {spec!r}; choose one of {sorted(INITIALIZERS)}, "
        "or pass mlp.init.normal(std) or any function (n_out, n_in, rng, dtype) -> array."
    )
