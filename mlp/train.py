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

from .losses import Loss, accuracy
from ._validation import as_2d, as_rng, check_number


def minibatches(X, y, batch_size: int | None, rng=None, shuffle: bool = True):
    """Yield (X_batch, y_batch) pairs covering every row once; the last batch may be smaller."""
    N = len(X)
    if len(y) != N:
        raise ValueError(f"minibatches: X has {N} rows but y has {len(y)}; they must match.")
    if batch_size is None:
        batch_size = N
    check_number(batch_size, "batch_size", "minibatches", low=1, integer=True)
    order = as_rng(rng).permutation(N) if shuffle else np.arange(N)
    # One shuffled copy per epoch, then slices (views): one indexing call per epoch, not per batch.
    X, y = X[order], y[order]
    for start in range(0, N, batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]


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
        keys = ("epoch", "train_loss", "val_loss", "train_acc", "val_acc", "best_epoch", "stopped_early")
        return all(getattr(self, k) == getattr(other, k) for k in keys)

    def __repr__(self) -> str:
        if not self.epoch:
            return "History(empty)"
        parts = [f"epochs={self.epoch[-1]}", f"train_loss={self.train_loss[-1]:.4g}"]
        if self.val_loss:
            parts.append(f"val_loss={self.val_loss[-1]:.4g}")
        if self.train_acc and self.train_acc[-1] is not None:
            parts.append(f"train_acc={self.train_acc[-1]:.3f}")
        if self.val_acc and self.val_acc[-1] is not None:
            parts.append(f"val_acc={self.val_acc[-1]:.3f}")
        if self.best_epoch is not None:
            parts.append(f"best_epoch={self.best_epoch}")
        if self.stopped_early:
            parts.append("stopped_early=True")
        parts.append(f"time={self.time[-1]:.2f}s")
        return "History(" + ", ".join(parts) + ")"


def _prepare(net, loss, X, y, where):
    X = as_2d(X, "X", where, n_features=net.sizes[0], dtype=net.dtype)
    y_arr = np.asarray(y)
    if len(y_arr) != len(X):
        raise ValueError(f"{where}: X has {len(X)} rows but y has {len(y_arr)}; give one target per row.")
    # Validate the targets once, on a dummy output of the right shape. Y is the form the loss
    # computes with (floats of the network's dtype, one-hot rows for class labels), so the
    # training loop can slice it per batch without checking or converting again.
    Y = loss._check_targets(y_arr, np.zeros((len(X), net.sizes[-1]), dtype=net.dtype), where)
    return X, y_arr, Y


def _train_epoch(net, loss, opt, X, Y, batch_size, rng, shuffle, epoch, where="fit") -> None:
    """One pass over the data: forward, loss, backward and an update per mini-batch.

    X and Y come from `_prepare` (already checked and converted), so this hot loop makes no
    per-batch validation calls; only the loss value is checked, to stop when training diverges.
    The loss value and its gradient come from one call, which shares their exponentials.
    """
    for b, (Xb, Yb) in enumerate(minibatches(X, Y, batch_size, rng, shuffle), start=1):
        out = net._forward(Xb)
        loss._check_output(out, where)
        per_example, dC_da = loss._per_example_and_grad(out, Yb)
        # the sum is finite exactly when the batch mean is, and is one numpy call cheaper
        if not math.isfinite(per_example.sum()):
            value = float(np.mean(per_example))
            raise FloatingPointError(
                f"fit: the training loss became {value} at epoch {epoch}, batch {b}: the weights "
                f"diverged. Try a smaller learning rate (now {opt.lr}), gradient clipping "
                "(clip_norm=...) or standardized inputs."
            )
        net._backward(dC_da)
        if net.l2:
            for layer in net.layers:
                layer.W.grad += 2.0 * net.l2 * layer.W.data
        opt.step()


def fit(net, loss: Loss, opt, X, y, epochs: int, batch_size: int | None = None,
        validation=None, rng=None, shuffle: bool = True, early_stopping: int | None = None,
        progress: bool = False) -> History:
    """Train `net` with optimizer `opt` to minimise `loss` on (X, y); return a History.

    Parameters
    ----------
    epochs : int, passes over the training data.
    batch_size : int or None, rows per update (None: all rows, i.e. batch gradient descent).
    validation : (X_val, y_val) or None, data measured after every epoch but never trained on.
    rng : int or Generator, the shuffling order (the same rng gives the same History).
    early_stopping : int or None, patience: stop when the validation loss has not improved for
        this many epochs, and restore the weights of the best epoch.
    progress : bool, show a tqdm progress bar (if tqdm is installed).

    Raises FloatingPointError if the loss becomes NaN or infinite (the weights diverged).
    """
    where = "fit"
    net.check_loss(loss)
    check_number(epochs, "epochs", where, low=0, integer=True)
    X, y, Y = _prepare(net, loss, X, y, where)
    if validation is not None:
        if not (isinstance(validation, (tuple, list)) and len(validation) == 2):
            raise TypeError(f"{where}: validation must be a pair (X_val, y_val); got {type(validation).__name__}.")
        Xv, yv, Yv = _prepare(net, loss, validation[0], validation[1], f"{where} (validation)")
    if early_stopping is not None:
        check_number(early_stopping, "early_stopping (patience)", where, low=1, integer=True)
        if validation is None:
            raise ValueError(f"{where}: early_stopping needs validation=(X_val, y_val) to watch.")
    if batch_size is not None:
        check_number(batch_size, "batch_size", where, low=1, integer=True)
    rng = as_rng(rng, f"{where}: rng")

    hist = History()
    start = time.perf_counter()

    def mean_loss(out, Y_checked):
        # loss(out, y) without re-checking the targets: the same formula on the prepared Y
        loss._check_output(out, type(loss).__name__)
        return float(np.mean(loss._per_example(out, Y_checked)))

    def record(e):
        out = net._predict(X)      # X and Xv were checked and converted once, above
        hist.epoch.append(e)
        hist.train_loss.append(mean_loss(out, Y))
        hist.train_acc.append(accuracy(loss, out, y))
        if validation is not None:
            out_v = net._predict(Xv)
            hist.val_loss.append(mean_loss(out_v, Yv))
            hist.val_acc.append(accuracy(loss, out_v, yv))
        hist.time.append(time.perf_counter() - start)

    record(0)
    best = (np.inf, None)
    if validation is not None:  # the untrained network competes too: it may be the best one
        best = (hist.val_loss[0], [p.data.copy() for p in net.parameters()])
        hist.best_epoch = 0
    epoch_iter = range(1, epochs + 1)
    if progress:
        try:
            from tqdm.auto import tqdm
            epoch_iter = tqdm(epoch_iter, desc="epochs")
        except ImportError:
            pass
    for e in epoch_iter:
        _train_epoch(net, loss, opt, X, Y, batch_size, rng, shuffle, e, where)
        record(e)
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
