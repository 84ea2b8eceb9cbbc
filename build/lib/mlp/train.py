"""Training loops: mini-batches, `fit`, and the `History` it returns.

One epoch visits every training example once, in mini-batches of `batch_size` rows (the whole
set when batch_size is None: batch gradient descent; 1: stochastic gradient descent). After each
epoch the loss and accuracy are measured on all training data and on the validation data.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from ._validation import as_rng, check_number
from .losses import Loss, accuracy
from .optim import Optimizer

# No weight of a network in this course gets near this size unless training diverged: beyond it
# a sigmoid or tanh unit fed an input of 1e-6 is already saturated (|z| > 100), its gradient 0.
MAX_WEIGHT = 1e8


def minibatches(X, y, batch_size: int | None, rng=None, shuffle: bool = True):
    """Yield (X_batch, y_batch) pairs covering every row once; the last batch may be smaller."""
    N = len(X)
    if len(y) != N:
        raise ValueError(f"minibatches: X has {N} rows but y has {len(y)}; they must match.")
    if batch_size is None:
        batch_size = N
    check_number(batch_size, "batch_size", "minibatches", low=1, integer=True)
    order = as_rng(rng).permutation(N) if shuffle else np.arange(N)
    # Each batch gathers its own rows: no shuffled copy of the whole data set per epoch, which
    # on a large set costs more than the gathers (one pass over memory that does no arithmetic).
    for start in range(0, N, batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], y[rows]


@dataclass
class History:
    """Per-epoch record of a training run. Entry 0 is the untrained network."""

    epoch: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    val_acc: list = field(default_factory=list)
    time: list = field(default_factory=list)      # wall-clock seconds since the start
    best_epoch: int | None = None                 # epoch of the lowest validation loss
    stopped_early: bool = False

    def __eq__(self, other) -> bool:
        """Equal numbers (the wall-clock times are ignored)."""
        if not isinstance(other, History):
            return NotImplemented
        keys = ("epoch", "train_loss", "val_loss", "train_acc", "val_acc", "best_epoch",
                "stopped_early")
        return all(getattr(self, k) == getattr(other, k) for k in keys)

    def __repr__(self) -> str:
        """The numbers of the epoch whose weights the network holds: the last epoch, or, after
        early stopping, the best epoch, whose weights fit restored
        (e.g. 'restored from epoch 100: ...')."""
        if not self.epoch:
            return "History(empty)"
        restored = self.stopped_early and self.best_epoch is not None
        i = self.epoch.index(self.best_epoch) if restored and self.best_epoch in self.epoch else -1
        parts = [f"epochs={self.epoch[-1]}"]
        if restored:
            parts.append(f"stopped early; restored from epoch {self.best_epoch}: "
                         f"train_loss={self.train_loss[i]:.4g}")
        else:
            parts.append(f"train_loss={self.train_loss[i]:.4g}")
        if self.val_loss:
            parts.append(f"val_loss={self.val_loss[i]:.4g}")
        if self.train_acc and self.train_acc[i] is not None:
            parts.append(f"train_acc={self.train_acc[i]:.3f}")
        if self.val_acc and self.val_acc[i] is not None:
            parts.append(f"val_acc={self.val_acc[i]:.3f}")
        if self.best_epoch is not None and not restored:
            parts.append(f"best_epoch={self.best_epoch}")
        parts.append(f"time={self.time[-1]:.2f}s")
        return "History(" + ", ".join(parts) + ")"


def train_epoch(net, loss: Loss, opt, X, Y, batch_size: int | None = None, rng=None,
                shuffle: bool = True, epoch: int = 1) -> None:
    """One pass over data checked by `net.check_data`: per mini-batch, `net.backprop` (forward,
    loss, backward) and `opt.step()`. What `fit` runs once per epoch; no per-batch checks except
    the one that stops a diverging run (a NaN or infinite loss)."""
    for b, (Xb, Yb) in enumerate(minibatches(X, Y, batch_size, rng, shuffle), start=1):
        value = net.backprop(Xb, Yb, loss)
        if not math.isfinite(value):
            raise FloatingPointError(
                f"fit: the training loss became {value} at epoch {epoch}, batch {b}: the weights "
                f"diverged. {_advice(opt)}")
        opt.step()


def _advice(opt) -> str:
    return (f"Try a smaller learning rate (now {opt.lr}), gradient clipping (clip_norm=...) or "
            "standardized inputs.")


def _check_weights(net, opt, epoch: int) -> None:
    """Divergence that the loss cannot show. With bounded outputs (sigmoid, tanh) a diverged
    network saturates: its loss stays finite and stops falling, its gradients vanish. So after
    every epoch whose training loss did not fall, and after the last, the weights are measured."""
    for p in net.parameters():
        size = float(np.max(np.abs(p.data)))
        if not size <= MAX_WEIGHT:        # also catches NaN
            raise FloatingPointError(
                f"fit: the weights diverged at epoch {epoch}: {p.name} holds a weight of size "
                f"{size:.3g} (the limit is {MAX_WEIGHT:.0e}). {_advice(opt)}")


def _check_optimizer(net, opt, where: str) -> None:
    if not isinstance(opt, Optimizer):
        raise TypeError(f"{where}: opt must be an optimizer from mlp.optim, e.g. "
                        f"mlp.optim.SGD(net.parameters(), lr=0.1); got {type(opt).__name__}.")
    mine = {id(p) for p in net.parameters()}
    foreign = [p.name or "?" for p in opt.params if id(p) not in mine]
    if foreign:
        raise ValueError(
            f"{where}: the optimizer updates {len(foreign)} parameter(s) "
            f"({', '.join(foreign[:4])}) that are not this network's, so training would change "
            "nothing here. This happens when the cell that builds net runs again: build the "
            "optimizer from net.parameters() after building net.")


def fit(net, loss: Loss, opt, X, y, epochs: int, batch_size: int | None = None,
        validation=None, rng=None, shuffle: bool = True,
        early_stopping: int | None = None) -> History:
    """Train `net` with optimizer `opt` to minimise `loss` on (X, y); return a History.

    Parameters
    ----------
    epochs : int, passes over the training data.
    batch_size : int or None, rows per update (None: all rows, i.e. batch gradient descent).
    validation : (X_val, y_val) or None, data measured after every epoch but never trained on.
    rng : int or Generator, the shuffling order (the same rng gives the same History).
    early_stopping : int or None, patience: stop when the validation loss has not improved for
        this many epochs, and restore the weights of the best epoch.

    Raises FloatingPointError if the loss becomes NaN or infinite, or a weight exceeds
    MAX_WEIGHT (the weights diverged).
    """
    where = "fit"
    _check_optimizer(net, opt, where)
    check_number(epochs, "epochs", where, low=0, integer=True)
    X, Y = net.check_data(X, y, loss, where)
    if validation is not None:
        if not (isinstance(validation, (tuple, list)) and len(validation) == 2):
            raise TypeError(f"{where}: validation must be a pair (X_val, y_val); "
                            f"got {type(validation).__name__}.")
        Xv, Yv = net.check_data(validation[0], validation[1], loss, f"{where} (validation)")
    if early_stopping is not None:
        check_number(early_stopping, "early_stopping (patience)", where, low=1, integer=True)
        if validation is None:
            raise ValueError(f"{where}: early_stopping needs validation=(X_val, y_val) to watch.")
    if batch_size is not None:
        check_number(batch_size, "batch_size", where, low=1, integer=True)
    rng = as_rng(rng, f"{where}: rng")

    hist = History()
    start = time.perf_counter()

    def measure(X, Y):
        out = net.propagate(X, cache=False)     # X and Y were checked once, above
        return loss.mean(out, Y), accuracy(loss, out, Y)

    def record(e):
        hist.epoch.append(e)
        value, acc = measure(X, Y)
        hist.train_loss.append(value)
        hist.train_acc.append(acc)
        if validation is not None:
            value, acc = measure(Xv, Yv)
            hist.val_loss.append(value)
            hist.val_acc.append(acc)
        hist.time.append(time.perf_counter() - start)

    record(0)
    best = (np.inf, None)
    if validation is not None:  # the untrained network competes too: it may be the best one
        best = (hist.val_loss[0], [p.data.copy() for p in net.parameters()])
        hist.best_epoch = 0
    for e in range(1, epochs + 1):
        train_epoch(net, loss, opt, X, Y, batch_size, rng, shuffle, e)
        record(e)
        if e == epochs or not hist.train_loss[-1] < hist.train_loss[-2]:
            _check_weights(net, opt, e)
        if validation is not None:
            if hist.val_loss[-1] < best[0]:
                best = (hist.val_loss[-1], [p.data.copy() for p in net.parameters()])
                hist.best_epoch = e
            elif early_stopping is not None and e - hist.best_epoch >= early_stopping:
                hist.stopped_early = True
                break
    if hist.stopped_early and best[1] is not None:
        for p, w in zip(net.parameters(), best[1]):
            p.data[...] = w
    return hist
