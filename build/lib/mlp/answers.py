"""Which parts of `mlp` are the answers of each graded exercise, and how to put them out of reach.

Every exercise asks for code that `mlp` already contains: exercise 3's softmax is
`mlp.numerics.softmax`, exercise 4's backprop is `MLP.backward`, exercise 5's Adam is
`mlp.optim.Adam`. ``ANSWERS`` lists them per exercise, by their names inside `mlp`.
``forbid(exercise)`` makes each of them raise ``NotAvailable`` when notebook code calls it::

    >>> from mlp import answers
    >>> answers.forbid("03-loss")                            # doctest: +SKIP
    >>> mlp.numerics.softmax(Z)     # in a notebook cell       # doctest: +SKIP
    NotAvailable: in exercise 03-loss you write softmax yourself (question 1) ...

Only calls made directly by notebook code are refused: `mlp` calling itself (``mlp.fit`` runs
``MLP.backward``) and the exercises' tests (which compare an answer with ``mlp``) go through.
Notebook code is code whose file name is a notebook cell's (``is_notebook_code``). Helpers that
are no exercise's answer (datasets, plotting, checks) stay available everywhere.
"""
from __future__ import annotations

import functools
import inspect
import re
import sys

__all__ = ["ANSWERS", "NotAvailable", "allow_all", "forbid", "forbidden", "is_notebook_code",
           "message"]

# exercise -> the names (inside mlp) of the functions, methods and classes that answer it
ANSWERS: dict[str, tuple[str, ...]] = {
    # mlp has no perceptron rule and no hand-set gates: nothing in it answers exercise 1
    "01-xor": (),
    "02-structure": ("MLP.forward", "MLP.predict", "MLP.propagate", "MLP.n_params",
                     "layers.Dense.pre_activation", "activations.elu"),
    "03-loss": ("numerics.softmax", "numerics.log_softmax", "numerics.logsumexp",
                "numerics.softplus", "losses.SoftmaxCrossEntropy", "losses.BCEWithLogits",
                "losses.BCE", "losses.SquaredError", "losses.MSE"),
    "04-backprop": ("MLP.backward", "MLP.backprop", "MLP.loss_and_grads",
                    "gradcheck.numerical_gradient", "gradcheck.check_gradients",
                    "autograd.Value.backward", "optim.Optimizer.step"),
    "05-optimizers": ("optim.Optimizer.step", "optim.Momentum.update", "optim.RMSProp.update",
                      "optim.Adam.update", "optim.global_norm"),
    "06-double-descent": ("datasets.train_test_split", "datasets.train_val_test_split",
                          "double_descent.random_features", "double_descent.min_norm_fit",
                          "double_descent.sweep_random_features", "double_descent.sweep_ridges"),
    "07-digits": ("datasets.standardize",),
}

# what the student writes instead, for the message: name -> (question, the student's own code)
_WRITE = {
    "MLP.forward": ("2", "forward"), "MLP.predict": ("2", "forward"),
    "MLP.propagate": ("2", "forward"), "layers.Dense.pre_activation": ("2", "forward"),
    "MLP.n_params": ("3", "n_params"), "activations.elu": ("5", "elu and elu_prime"),
    "numerics.softmax": ("1", "softmax"), "numerics.log_softmax": ("2", "cross_entropy"),
    "numerics.logsumexp": ("2", "cross_entropy"), "numerics.softplus": ("4", "bce_with_logits"),
    "losses.SoftmaxCrossEntropy": ("2 and 3", "cross_entropy and cross_entropy_grad"),
    "losses.BCEWithLogits": ("4", "bce_with_logits and bce_with_logits_grad"),
    "losses.BCE": ("4", "bce_with_logits and bce_with_logits_grad"),
    "losses.SquaredError": ("5", "squared_error and squared_error_grad"),
    "losses.MSE": ("5", "mse and mse_grad"),
    "MLP.backward": ("3", "backprop"), "MLP.backprop": ("3", "backprop"),
    "MLP.loss_and_grads": ("3", "backprop"),
    "gradcheck.numerical_gradient": ("1", "numerical_gradient"),
    "gradcheck.check_gradients": ("1", "numerical_gradient"),
    "autograd.Value.backward": ("2", "mul_backward and tanh_backward"),
    "optim.Momentum.update": ("1", "momentum_step"), "optim.RMSProp.update": ("2", "rmsprop_step"),
    "optim.Adam.update": ("3", "adam_step"), "optim.global_norm": ("4", "clip_by_norm"),
    "datasets.train_test_split": ("1", "split_train_val"),
    "datasets.train_val_test_split": ("1", "split_train_val"),
    "double_descent.random_features": ("3", "random_features"),
    "double_descent.min_norm_fit": ("3", "fit_readout"),
    "double_descent.sweep_random_features": ("4", "error_curve"),
    "double_descent.sweep_ridges": ("4", "error_curve"),
    "datasets.standardize": ("1", "standardize"),
}
_WRITE_IN = {("04-backprop", "optim.Optimizer.step"): ("4", "gd_step"),
             ("05-optimizers", "optim.Optimizer.step"): ("1 to 4", "the optimizer steps")}


class NotAvailable(RuntimeError):
    """Notebook code called a part of `mlp` that is the answer of the exercise being done."""


def message(exercise: str, name: str) -> str:
    """What a student reads when notebook code calls `mlp.<name>` during `exercise`."""
    question, own = _WRITE_IN.get((exercise, name)) or _WRITE.get(name, ("", name))
    where = f" (question{'s' if ' ' in question else ''} {question})" if question else ""
    return (f"in exercise {exercise} you write {own} yourself{where}; mlp.{name} is not available "
            f"here, because it is that answer. Write it with numpy and the functions the notebook "
            f"gives you (mlp's datasets, plotting and the other helpers still work).")


# Cell file names: IPython's "<ipython-input-3-1a2b3c>", ipykernel's ".../ipykernel_4711/123.py",
# and the "<cell-3>" that other runners (and the exercises' tests) give a cell's code.
_NOTEBOOK = re.compile(r"^<ipython-input-|[\\/]ipykernel_\d+[\\/][^\\/]+\.py$|^<cell\b")


def is_notebook_code(filename: str) -> bool:
    """Whether code with this file name (a frame's ``co_filename``) was written in a notebook
    cell."""
    return bool(_NOTEBOOK.search(str(filename)))


# -- forbidding ------------------------------------------------------------------------------
_FORBIDDEN: dict[str, str] = {}     # name -> exercise, for every name forbidden so far
_UNDO: list = []                    # how to put back what forbid changed, newest last


def forbidden() -> dict[str, str]:
    """The names forbidden so far, each with the exercise that forbade it."""
    return dict(_FORBIDDEN)


def _guard(fn, exercise: str, name: str):
    """fn, refusing calls whose caller is notebook code."""
    @functools.wraps(fn)
    def guarded(*args, **kwargs):
        if is_notebook_code(inspect.currentframe().f_back.f_code.co_filename):
            raise NotAvailable(message(exercise, name))
        return fn(*args, **kwargs)

    guarded.__mlp_answer__ = name
    return guarded


def _set(owner, attr: str, value) -> None:
    """setattr, remembering how to undo it."""
    had = attr in vars(owner)
    old = vars(owner).get(attr)
    setattr(owner, attr, value)
    _UNDO.append(lambda: setattr(owner, attr, old) if had else delattr(owner, attr))


def _modules():
    return [m for key, m in list(sys.modules.items())
            if m is not None and (key == "mlp" or key.startswith("mlp."))]


def _replace_everywhere(old, new) -> None:
    """Point every reference to the function `old` inside mlp's modules at `new`: module
    attributes (``from .gradcheck import numerical_gradient`` makes a second one), registries
    such as ACTIVATIONS, and the f of an Activation."""
    from .activations import Activation

    def swap_f(act):
        if isinstance(act, Activation) and act.f is old:
            act.f = new
            _UNDO.append(lambda: setattr(act, "f", old))

    for module in _modules():
        for key, value in list(vars(module).items()):
            if value is old:
                _set(module, key, new)
            elif isinstance(value, dict) and not key.startswith("__"):
                for k, v in list(value.items()):
                    if v is old:
                        value[k] = new
                        _UNDO.append(lambda d=value, k=k: d.__setitem__(k, old))
                    swap_f(v)
            else:
                swap_f(value)


def _resolve(name: str):
    """(owner, attribute) of a name such as "numerics.softmax", "MLP.backward", "losses.MSE"."""
    import mlp

    owner, *path, attr = ["mlp", *name.split(".")]
    owner = mlp
    for part in path:
        owner = getattr(owner, part)
    return owner, attr


def _forbid_class(cls, exercise: str, name: str) -> None:
    """A class's public methods (its own and inherited ones, set on the class itself so that the
    other classes keep theirs), making one (__init__) and calling one (__call__)."""
    for attr in dir(cls):
        if attr.startswith("_") and attr not in ("__call__", "__init__"):
            continue
        value = getattr(cls, attr)
        if callable(value) and not isinstance(value, type) \
                and not isinstance(vars(cls).get(attr), (staticmethod, classmethod)):
            _set(cls, attr, _guard(value, exercise, name))


def _forbid_activation(factory, exercise: str, name: str) -> None:
    """Besides the factory (activations.elu), the activation registered under its name: called
    directly, as act(z), or as act.fprime(z)."""
    from . import activations

    act = activations.ACTIVATIONS.get(factory.__name__)
    if act is None or type(act) is not activations.Activation:
        return

    class ForbiddenActivation(activations.Activation):
        __slots__ = ()
        __call__ = _guard(activations.Activation.__call__, exercise, name)
        fprime = _guard(activations.Activation.fprime, exercise, name)

    f = act.f
    act.f = _guard(f, exercise, name)
    act.__class__ = ForbiddenActivation

    def undo():
        act.__class__, act.f = activations.Activation, f
    _UNDO.append(undo)


def forbid(exercise: str) -> list[str]:
    """Make the `mlp` answers of `exercise` unavailable to notebook code; return their names.

    Idempotent: calling it again changes nothing that is already forbidden.
    """
    if exercise not in ANSWERS:
        raise ValueError(f"forbid: unknown exercise {exercise!r}; choose one of {sorted(ANSWERS)}.")
    for name in ANSWERS[exercise]:
        if name in _FORBIDDEN:
            continue
        owner, attr = _resolve(name)
        raw = (vars(owner)[attr] if isinstance(owner, type) and attr in vars(owner)
               else getattr(owner, attr))
        if isinstance(raw, property):
            _set(owner, attr, property(_guard(raw.fget, exercise, name), raw.fset, raw.fdel,
                                       raw.__doc__))
        elif isinstance(raw, type):
            _forbid_class(raw, exercise, name)
        elif isinstance(owner, type):
            _set(owner, attr, _guard(raw, exercise, name))
        else:
            _replace_everywhere(raw, _guard(raw, exercise, name))
            if owner.__name__.endswith(".activations"):
                _forbid_activation(raw, exercise, name)
        _FORBIDDEN[name] = exercise
    return list(ANSWERS[exercise])


def allow_all() -> None:
    """Undo every forbid (for tests that run several exercises in one process)."""
    while _UNDO:
        _UNDO.pop()()
    _FORBIDDEN.clear()
