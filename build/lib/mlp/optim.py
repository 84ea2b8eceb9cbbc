"""Optimizers: rules that turn gradients into parameter updates.

Each optimizer holds a list of `Parameter`s and updates `p.data` in place from `p.grad` when
`step()` is called. Per-parameter state (velocities, running averages) lives in `self.state`,
one dict per parameter, in the parameter list's order. The same classes drive the 2-D
loss-surface demos: wrap a point in a Parameter and set its .grad by hand.
Option clip_norm: if ||g|| > clip_norm over all parameters, g <- g * clip_norm / ||g|| before
the update. (L2 weight decay belongs to the network: MLP(l2=...).)
"""
from __future__ import annotations

import numpy as np

from ._validation import check_choice, check_number
from .layers import Parameter


class State(dict):
    """One parameter's optimizer state, keyed by name. An entry never set reads as zeros shaped
    like the parameter (every running average starts at 0); steps update it in place."""

    def __init__(self, p: Parameter):
        super().__init__()
        self.param = p

    def __missing__(self, key):
        zeros = np.zeros_like(self.param.data)
        self[key] = zeros
        return zeros


def global_norm(grads) -> float:
    """sqrt(sum over all parameters of sum(g^2)): the length of the full gradient vector."""
    return float(np.sqrt(sum(float(np.sum(g * g)) for g in grads)))


def _bad_gradient(where: str, p: Parameter) -> Exception:
    if p.grad is None:
        return RuntimeError(f"{where}.step: parameter {p.name or '?'} has no gradient. Call "
                            "net.loss_and_grads(...) or net.backward(...) before step().")
    return ValueError(
        f"{where}.step: parameter {p.name or '(unnamed)'} has a grad of shape {np.shape(p.grad)}, "
        f"but its data has shape {p.shape}. A gradient has one entry per weight: dC/dW has the "
        "shape of W (for a layer, delta.T @ a_prev).")


class Optimizer:
    """Base class: subclasses implement `update(p, g, state)` with their formula."""

    def __init__(self, params, lr: float, clip_norm: float | None = None):
        where = type(self).__name__
        if hasattr(params, "parameters"):   # SGD(net) instead of SGD(net.parameters())
            raise TypeError(f"{where}: pass the network's parameters, not the network: "
                            f"{where}(net.parameters(), lr=...); got a {type(params).__name__}.")
        # one Parameter (a point in the 2-D demos) is a list of one; anything else is refused below
        params = ([params] if isinstance(params, Parameter) or not np.iterable(params)
                  else list(params))
        if not params:
            raise ValueError(f"{where}: got an empty parameter list; pass net.parameters().")
        for p in params:
            if not isinstance(p, Parameter):
                raise TypeError(f"{where}: expected mlp.Parameter objects (e.g. net.parameters()); "
                                f"got {type(p).__name__}.")
        self.params = params
        # Plain Python floats: a numpy float64 (e.g. from np.logspace) times a float32 array
        # would silently compute the update in float64.
        self.lr = float(check_number(lr, "lr (the learning rate)", where, low=0, low_open=True))
        self.clip_norm = None if clip_norm is None else float(check_number(
            clip_norm, "clip_norm", where, low=0, low_open=True))
        self.state: list[State] = [State(p) for p in params]
        self.t = 0  # number of steps taken
        self.hyper: dict = {}  # the update rule's constants, for repr

    def _constant(self, name: str, value, low=0, high=None, **open_ends) -> float:
        """Check one constant of the update rule, keep it (as a Python float) and return it."""
        value = float(check_number(value, name, type(self).__name__, low=low, high=high,
                                   **open_ends))
        self.hyper[name.split()[0]] = value
        return value

    def zero_grad(self) -> None:
        for p in self.params:
            p.zero_grad()

    def step(self) -> None:
        """Apply one update to every parameter from its current .grad."""
        grads = []
        for p in self.params:
            g = p.grad   # one entry per weight: a gradient of another shape would broadcast
            if g is None or (g.shape if type(g) is np.ndarray else np.shape(g)) != p.shape:
                raise _bad_gradient(type(self).__name__, p)
            grads.append(g)
        if self.clip_norm is not None:
            norm = global_norm(grads)
            if norm > self.clip_norm:
                grads = [g * (self.clip_norm / norm) for g in grads]
        self.t += 1
        for p, g, s in zip(self.params, grads, self.state):
            self.update(p, g, s)

    def update(self, p: Parameter, g: np.ndarray, state: dict) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        items = {"lr": self.lr, **self.hyper}
        if self.clip_norm is not None:
            items["clip_norm"] = self.clip_norm
        args = ", ".join(f"{k}={v!r}" for k, v in items.items())
        return f"{type(self).__name__}({args}, params={len(self.params)})"


class SGD(Optimizer):
    """Gradient descent: w <- w - lr * g."""

    def __init__(self, params, lr: float = 0.01, **kw):
        super().__init__(params, lr, **kw)

    def update(self, p, g, state):
        p.data -= self.lr * g


class Momentum(Optimizer):
    """SGD with momentum.

    form="lecture" (the lectures' exponential average; alpha ~ 0.9-0.99):
        v <- alpha v + (1 - alpha) g,   w <- w - lr v
    form="classical" (Polyak 1964; Sutskever et al. 2013):
        v <- alpha v - lr g,            w <- w + v
    The lecture form averages gradients, so its steps have the size of lr * g; the classical
    form sums them, so at a constant gradient its steps grow to lr * g / (1 - alpha).
    """

    def __init__(self, params, lr: float = 0.01, alpha: float = 0.9, form: str = "lecture", **kw):
        super().__init__(params, lr, **kw)
        self.alpha = self._constant("alpha (momentum)", alpha, high=1, high_open=True)
        self.form = self.hyper["form"] = check_choice(form, {"lecture", "classical"}, "form",
                                                      "Momentum")

    def update(self, p, g, state):
        v = state["v"]   # zeros before the first step
        if self.form == "lecture":
            v *= self.alpha
            v += (1.0 - self.alpha) * g
            p.data -= self.lr * v
        else:
            v *= self.alpha
            v -= self.lr * g
            p.data += v


class Nesterov(Optimizer):
    """Nesterov accelerated gradient (Sutskever et al. 2013), in the form that needs only g(w),
    with the momentum constant alpha named as in the lectures' Momentum:

        v <- alpha v + g,   w <- w - lr (g + alpha v)

    This equals "look ahead to w + alpha v, take the gradient there" after a change of variables
    (Bengio et al. 2013), and is what torch.optim.SGD(nesterov=True) computes.
    """

    def __init__(self, params, lr: float = 0.01, alpha: float = 0.9, **kw):
        super().__init__(params, lr, **kw)
        self.alpha = self._constant("alpha (momentum)", alpha, high=1, high_open=True)

    def update(self, p, g, state):
        v = state["v"]   # zeros before the first step
        v *= self.alpha
        v += g
        p.data -= self.lr * (g + self.alpha * v)


class AdaGrad(Optimizer):
    """AdaGrad (Duchi et al. 2011): r <- r + g^2,  w <- w - lr g / (sqrt(r) + eps)."""

    def __init__(self, params, lr: float = 0.01, eps: float = 1e-8, **kw):
        super().__init__(params, lr, **kw)
        self.eps = self._constant("eps", eps)

    def update(self, p, g, state):
        r = state["r"]   # zeros before the first step
        r += g * g
        p.data -= self.lr * g / (np.sqrt(r) + self.eps)


class RMSProp(Optimizer):
    """RMSProp (Tieleman & Hinton 2012):

        r <- rho r + (1 - rho) g^2,  w <- w - lr g / (sqrt(r) + eps)
    """

    def __init__(self, params, lr: float = 0.001, rho: float = 0.9, eps: float = 1e-8, **kw):
        super().__init__(params, lr, **kw)
        self.rho = self._constant("rho", rho, high=1, high_open=True)
        self.eps = self._constant("eps", eps)

    def update(self, p, g, state):
        r = state["r"]   # zeros before the first step
        r *= self.rho
        r += (1.0 - self.rho) * g * g
        p.data -= self.lr * g / (np.sqrt(r) + self.eps)


class AdaDelta(Optimizer):
    """AdaDelta (Zeiler 2012, Algorithm 1), with an optional step scale lr (1.0 in the paper):

        r  <- rho r + (1 - rho) g^2
        dw =  -sqrt(s + eps) / sqrt(r + eps) * g
        w  <- w + lr dw
        s  <- rho s + (1 - rho) dw^2
    """

    def __init__(self, params, lr: float = 1.0, rho: float = 0.95, eps: float = 1e-6, **kw):
        super().__init__(params, lr, **kw)
        self.rho = self._constant("rho", rho, high=1, high_open=True)
        self.eps = self._constant("eps", eps, low_open=True)

    def update(self, p, g, state):
        r, s = state["r"], state["s"]   # both zeros before the first step
        r *= self.rho
        r += (1.0 - self.rho) * g * g
        dw = -np.sqrt(s + self.eps) / np.sqrt(r + self.eps) * g
        p.data += self.lr * dw
        s *= self.rho
        s += (1.0 - self.rho) * dw * dw


class Adam(Optimizer):
    """Adam (Kingma & Ba 2015, Algorithm 1), with t the step count:

        m <- beta1 m + (1 - beta1) g,        v <- beta2 v + (1 - beta2) g^2
        m_hat = m / (1 - beta1^t),           v_hat = v / (1 - beta2^t)
        w <- w - lr m_hat / (sqrt(v_hat) + eps)
    """

    def __init__(self, params, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, **kw):
        super().__init__(params, lr, **kw)
        self.beta1 = self._constant("beta1", beta1, high=1, high_open=True)
        self.beta2 = self._constant("beta2", beta2, high=1, high_open=True)
        self.eps = self._constant("eps", eps)

    def update(self, p, g, state):
        m, v = state["m"], state["v"]   # both zeros before the first step
        m *= self.beta1
        m += (1.0 - self.beta1) * g
        v *= self.beta2
        v += (1.0 - self.beta2) * g * g
        m_hat = m / (1.0 - self.beta1 ** self.t)
        v_hat = v / (1.0 - self.beta2 ** self.t)
        p.data -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


OPTIMIZERS = {c.__name__: c for c in (SGD, Momentum, Nesterov, AdaGrad, RMSProp, AdaDelta, Adam)}
