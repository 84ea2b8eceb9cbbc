"""Loss functions C(a, y): how far the network's output a = a^(L) is from the targets y.

A loss is two formulas, written by each class on checked arrays a (N, K) and Y (N, K):
    per_example(a, Y)  the loss of each example, shape (N,)
    dC_da(a, Y)        the gradient of the batch mean C = mean_n per_example_n, shape (N, K)
so the 1/N lives here and nowhere else. The public calls check their arguments once, in the base
class: `loss(output, y)` returns C and `loss.grad(output, y)` returns dC/da, for targets of the
output's shape, of shape (N,) when K = 1, or class labels. The training step, on data that fit
checked once, calls `loss.mean_and_dC_da(a, Y)` directly: both formulas at once, which lets
softmax cross-entropy compute its exponentials once for the value and the gradient.
Losses marked `expects_logits` want the raw pre-activation z^(L) (output activation
'identity'): they apply sigmoid/softmax inside, in a form that cannot overflow.
"""
from __future__ import annotations

import numpy as np

from . import numerics
from ._validation import as_float_array, check_finite


class Loss:
    """Base class: `loss(output, y)` is the batch mean C, `loss.grad(output, y)` is dC/da."""

    expects_logits = False

    def __call__(self, output, y) -> float:
        return self.mean(*self.check(output, y))

    def mean(self, a, Y) -> float:
        """C = (1/N) sum_n per_example(a, Y)_n on checked arrays (sum / N: cheaper than np.mean)."""
        return float(self.per_example(a, Y).sum()) / len(a)

    def grad(self, output, y) -> np.ndarray:
        a, Y = self.check(output, y)
        return self.dC_da(a, Y)

    def mean_and_dC_da(self, a, Y) -> tuple[float, np.ndarray]:
        """(C, dC/da) on checked arrays: what a training step needs. The two formulas, unless a
        loss computes both from shared work (SoftmaxCrossEntropy: one softmax)."""
        return self.mean(a, Y), self.dC_da(a, Y)

    def check(self, output, y) -> tuple[np.ndarray, np.ndarray]:
        """(a, Y): the output as a float array (N, K) and y in the form the formulas take."""
        where = type(self).__name__
        a = as_float_array(output, "output", where)
        if a.ndim != 2 or len(a) == 0:
            raise ValueError(f"{where}: output must be 2-D with shape (N, K), N >= 1, the "
                             f"network's a^(L); got shape {a.shape}.")
        check_finite(a, "output", where)
        self.check_output(a)
        return a, self.targets(y, a.shape, a.dtype)

    def check_output(self, a) -> None:
        """Checks on the output alone (BCE: probabilities); none by default."""

    def targets(self, y, shape, dtype=np.float64) -> np.ndarray:
        """y checked for an output of shape (N, K), as floats of that shape ((N,) is taken for
        K = 1)."""
        where = type(self).__name__
        N, K = shape
        y = as_float_array(y, "y", where)
        if y.shape == (N,) and K == 1:
            y = y[:, None]  # documented convention: N targets for a single-output network
        if y.shape != tuple(shape):
            raise ValueError(
                f"{where}: y must have the output's shape {tuple(shape)}"
                f"{' or (N,) = (' + str(N) + ',)' if K == 1 else ''}; got {y.shape}. "
                "Targets and outputs must line up row by row.")
        check_finite(y, "y", where)
        return y.astype(dtype, copy=False)

    def predict_labels(self, output):
        """Class labels from network outputs (None for regression losses)."""
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class SquaredError(Loss):
    """The lectures' E and L: C = (1/N) sum_n 1/2 ||a_n - y_n||^2;  dC/da = (a - y) / N."""

    def per_example(self, a, y):
        return 0.5 * ((a - y) ** 2).sum(axis=1)

    def dC_da(self, a, y):
        return (a - y) / len(a)


class MSE(Loss):
    """Mean squared error over all N*K entries: C = mean((a - y)^2);  dC/da = 2 (a - y) / (N K)."""

    def per_example(self, a, y):
        return np.mean((a - y) ** 2, axis=1)

    def dC_da(self, a, y):
        return 2.0 * (a - y) / a.size


class MAE(Loss):
    """Mean absolute error: C = mean(|a - y|);  dC/da = sign(a - y) / (N K) (0 at a = y)."""

    def per_example(self, a, y):
        return np.mean(np.abs(a - y), axis=1)

    def dC_da(self, a, y):
        return np.sign(a - y) / a.size


class _Binary(Loss):
    """Targets are labels 0 or 1, one output unit per label."""

    def targets(self, y, shape, dtype=np.float64):
        y = super().targets(y, shape, dtype)
        if not np.all((y == 0) | (y == 1)):
            raise ValueError(f"{type(self).__name__}: binary labels must be 0 or 1; got "
                             f"{y[(y != 0) & (y != 1)][0]}. Map your classes to {{0, 1}} first.")
        return y


class BCE(_Binary):
    """Binary cross-entropy on probabilities p = sigma(z) (output activation 'sigmoid').

    C = -(1/N) sum_n [y log p + (1 - y) log(1 - p)];  dC/dp = (p - y) / (p (1 - p) N).
    Prefer BCEWithLogits: here p can round to exactly 0 or 1, where log gives -inf.
    """

    def check_output(self, a):
        if np.any((a < 0) | (a > 1)):
            raise ValueError(
                f"BCE: output must be probabilities in [0, 1] (use output='sigmoid'); got values "
                f"in [{a.min():.3g}, {a.max():.3g}]. For raw scores use BCEWithLogits.")

    def per_example(self, p, y):
        with np.errstate(divide="ignore"):
            return -np.where(y == 1, np.log(p), np.log1p(-p)).sum(axis=1)

    def dC_da(self, p, y):
        with np.errstate(divide="ignore"):
            return (p - y) / (p * (1.0 - p)) / len(p)

    def predict_labels(self, output):
        return (np.asarray(output)[:, 0] >= 0.5).astype(int)


class BCEWithLogits(_Binary):
    """Binary cross-entropy on logits z (output activation 'identity'), with p = sigma(z).

    C = (1/N) sum_n [softplus(z) - y z]  (= -[y log p + (1-y) log(1-p)], never overflowing);
    dC/dz = (sigma(z) - y) / N.
    """

    expects_logits = True

    def per_example(self, z, y):
        return (numerics.softplus(z) - y * z).sum(axis=1)

    def dC_da(self, z, y):
        return (numerics.sigmoid(z) - y) / len(z)

    def predict_labels(self, output):
        return (np.asarray(output)[:, 0] >= 0).astype(int)


class SoftmaxCrossEntropy(Loss):
    """Softmax + categorical cross-entropy on logits z of shape (N, K).

    C = (1/N) sum_n [logsumexp(z_n) - z_n . Y_n]  (= -log softmax(z_n)[y_n]);
    dC/dz = (softmax(z) - Y) / N with Y the one-hot labels.
    y: integer labels of shape (N,) in {0..K-1}, or one-hot / probability rows of shape (N, K).
    """

    expects_logits = True

    def targets(self, y, shape, dtype=np.float64):
        where, (N, K) = "SoftmaxCrossEntropy", shape
        if K < 2:
            raise ValueError(f"{where}: needs K >= 2 output units; "
                             f"got output shape {tuple(shape)}. "
                             "For two classes with one output unit use BCEWithLogits.")
        y = np.asarray(y)
        if y.shape == (N,):
            labels = as_float_array(y, "y", where)
            if not np.all(np.mod(labels, 1) == 0) or labels.min() < 0 or labels.max() >= K:
                raise ValueError(f"{where}: labels of shape (N,) must be integers in [0, {K}) for "
                                 f"{K} output units; got values from {labels.min()} to "
                                 f"{labels.max()}.")
            return numerics.one_hot(labels.astype(np.int64), K, dtype=dtype)
        if y.shape != (N, K):
            raise ValueError(f"{where}: y must be integer labels of shape ({N},) or one-hot rows "
                             f"of shape {(N, K)}; got {y.shape}.")
        Y = super().targets(y, shape, dtype)
        if np.any(Y < 0) or not np.allclose(Y.sum(axis=1), 1.0):
            raise ValueError(f"{where}: one-hot rows of y must be non-negative and sum to 1.")
        return Y

    def per_example(self, z, Y):
        return numerics.logsumexp(z, axis=1) - (Y * z).sum(axis=1)

    def dC_da(self, z, Y):
        return (numerics.softmax(z, axis=1) - Y) / len(z)

    def mean_and_dC_da(self, z, Y):
        """Both from one log-softmax: with log p = z - logsumexp(z),
        C = -(1/N) sum_n Y_n . log p_n  and  dC/dz = (p - Y) / N."""
        log_p = numerics.log_softmax(z, axis=1)
        return -float(np.vdot(Y, log_p)) / len(z), (np.exp(log_p) - Y) / len(z)

    def predict_labels(self, output):
        return np.argmax(np.asarray(output), axis=1)


class Hinge(Loss):
    """Hinge loss on raw scores z with labels y in {-1, +1}: C = mean(max(0, 1 - y z)).

    dC/dz = -y / N where y z < 1, else 0 (at the kink y z = 1 we take 0).
    """

    expects_logits = True

    def targets(self, y, shape, dtype=np.float64):
        y = super().targets(y, shape, dtype)
        if not np.all(np.abs(y) == 1):
            raise ValueError(f"Hinge: labels must be -1 or +1; got values {np.unique(y)[:5]}. "
                             "Use y = 2 * y01 - 1 to convert 0/1 labels.")
        return y

    def per_example(self, z, y):
        return np.maximum(0.0, 1.0 - y * z).sum(axis=1)

    def dC_da(self, z, y):
        return np.where(y * z < 1, -y, 0.0) / len(z)

    def predict_labels(self, output):
        return np.where(np.asarray(output)[:, 0] >= 0, 1, -1)


LOSSES = {cls.__name__: cls for cls in
          (SquaredError, MSE, MAE, BCE, BCEWithLogits, SoftmaxCrossEntropy, Hinge)}


def accuracy(loss: Loss, output, y) -> float | None:
    """Fraction of correct labels for classification losses; None for regression."""
    pred = loss.predict_labels(output)
    if pred is None:
        return None
    y = np.asarray(y)
    if y.ndim == 2:
        y = np.argmax(y, axis=1) if y.shape[1] > 1 else y[:, 0]
    return float(np.mean(pred == y))
