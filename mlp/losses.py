"""Loss functions C(output, y): how far the network's output is from the targets.

Every loss returns the *batch mean* of a per-example loss, and `grad` returns the gradient of
exactly that mean with respect to the output, so the 1/N lives here and nowhere else.
`output` has shape (N, K). Targets `y` have the same shape, or shape (N,) when K = 1 (a vector
of N targets for a single-output network); class losses also take integer labels.
Losses marked `expects_logits` want the raw pre-activation z^(L) (output activation
'identity'): they apply sigmoid/softmax inside, in a form that cannot overflow.
"""
from __future__ import annotations

import numpy as np

from . import numerics
from ._validation import check_finite


class Loss:
    """Base class: `loss(output, y)` is the batch mean, `loss.grad(output, y)` its gradient."""

    expects_logits = False
    task = "regression"  # or "binary", "multiclass": tells fit() how to measure accuracy

    def __call__(self, output, y) -> float:
        output, y = self._check(output, y)
        return float(np.mean(self._per_example(output, y)))

    def grad(self, output, y) -> np.ndarray:
        output, y = self._check(output, y)
        return self._grad(output, y)

    def predict_labels(self, output):
        """Class labels from network outputs (None for regression losses)."""
        return None

    def _per_example_and_grad(self, output, y):
        """`_per_example` and `_grad` at once, on checked inputs: what one training step needs.

        Losses whose value and gradient share work (an exp) override this to do it only once.
        """
        return self._per_example(output, y), self._grad(output, y)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    # -- validation shared by all losses --------------------------------------------------
    def _check(self, output, y):
        where = f"{type(self).__name__}"
        output = np.asarray(output)
        if output.ndim != 2:
            raise ValueError(
                f"{where}: output must be 2-D with shape (N, K), the network's a^(L); "
                f"got shape {output.shape}."
            )
        y = self._check_targets(np.asarray(y), output, where)
        return output, y

    def _check_output(self, output, where):
        """Checks on the network's output alone (BCE: probabilities); none by default."""

    def _check_targets(self, y, output, where):
        N, K = output.shape
        if y.shape == (N,) and K == 1:
            y = y[:, None]  # documented convention: N targets for a single-output network
        if y.shape != output.shape:
            raise ValueError(
                f"{where}: y must have the output's shape {output.shape}"
                f"{' or (N,) = (' + str(N) + ',)' if K == 1 else ''}; got {y.shape}. "
                "Targets and outputs must line up row by row."
            )
        y = y.astype(output.dtype if output.dtype.kind == "f" else np.float64, copy=False)
        check_finite(y, "y", where)
        return y


class SquaredError(Loss):
    """The lectures' E and L: C = (1/N) sum_n 1/2 ||a_n - y_n||^2;  dC/da = (a - y) / N."""

    def _per_example(self, a, y):
        return 0.5 * ((a - y) ** 2).sum(axis=1)

    def _grad(self, a, y):
        return (a - y) / a.shape[0]


class MSE(Loss):
    """Mean squared error over all N*K entries: C = mean((a - y)^2);  dC/da = 2 (a - y) / (N K)."""

    def _per_example(self, a, y):
        return np.mean((a - y) ** 2, axis=1)

    def _grad(self, a, y):
        return 2.0 * (a - y) / a.size


class MAE(Loss):
    """Mean absolute error: C = mean(|a - y|);  dC/da = sign(a - y) / (N K) (0 at a = y)."""

    def _per_example(self, a, y):
        return np.mean(np.abs(a - y), axis=1)

    def _grad(self, a, y):
        return np.sign(a - y) / a.size


def _check_binary(y, where):
    if not np.all((y == 0) | (y == 1)):
        bad = y[(y != 0) & (y != 1)][0]
        raise ValueError(f"{where}: binary labels must be 0 or 1; got {bad}. "
                         "Map your classes to {0, 1} first.")


class BCE(Loss):
    """Binary cross-entropy on probabilities p = sigma(z) (output activation 'sigmoid').

    C = -(1/N) sum_n [y log p + (1 - y) log(1 - p)];  dC/dp = (p - y) / (p (1 - p) N).
    Prefer BCEWithLogits: here p can round to exactly 0 or 1, where log gives -inf.
    """

    task = "binary"

    def _check_targets(self, y, output, where):
        y = super()._check_targets(y, output, where)
        _check_binary(y, where)
        self._check_output(output, where)
        return y

    def _check_output(self, output, where):
        if np.any((output < 0) | (output > 1)):
            raise ValueError(
                f"{where}: output must be probabilities in [0, 1] (use output='sigmoid'); "
                f"got values in [{output.min():.3g}, {output.max():.3g}]. "
                "For raw scores use BCEWithLogits."
            )

    def _per_example(self, p, y):
        with np.errstate(divide="ignore"):
            ll = np.where(y == 1, np.log(p), np.log1p(-p))
        return -ll.sum(axis=1)

    def _grad(self, p, y):
        with np.errstate(divide="ignore"):
            return (p - y) / (p * (1.0 - p)) / p.shape[0]

    def predict_labels(self, output):
        return (np.asarray(output)[:, 0] >= 0.5).astype(int)


class BCEWithLogits(Loss):
    """Binary cross-entropy on logits z (output activation 'identity'), with p = sigma(z).

    C = (1/N) sum_n [softplus(z) - y z]  (= -[y log p + (1-y) log(1-p)], never overflowing);
    dC/dz = (sigma(z) - y) / N.
    """

    expects_logits = True
    task = "binary"

    def _check_targets(self, y, output, where):
        y = super()._check_targets(y, output, where)
        _check_binary(y, where)
        return y

    def _per_example(self, z, y):
        return (numerics.softplus(z) - y * z).sum(axis=1)

    def _grad(self, z, y):
        return (numerics.sigmoid(z) - y) / z.shape[0]

    def _per_example_and_grad(self, z, y):
        # numerics.softplus and numerics.sigmoid, written out to share e = exp(-|z|)
        e = np.exp(-np.abs(z))
        softplus = np.maximum(z, 0) + np.log1p(e)
        sigma = np.maximum(e, z >= 0) / (1.0 + e)
        return (softplus - y * z).sum(axis=1), (sigma - y) / z.shape[0]

    def predict_labels(self, output):
        return (np.asarray(output)[:, 0] >= 0).astype(int)


class SoftmaxCrossEntropy(Loss):
    """Softmax + categorical cross-entropy on logits z of shape (N, K).

    C = (1/N) sum_n [logsumexp(z_n) - z_n[y_n]]  (= -log softmax(z_n)[y_n]);
    dC/dz = (softmax(z) - Y) / N with Y the one-hot labels.
    y: integer labels of shape (N,) in {0..K-1}, or one-hot / probability rows of shape (N, K).
    """

    expects_logits = True
    task = "multiclass"

    def _check_targets(self, y, output, where):
        N, K = output.shape
        if K < 2:
            raise ValueError(f"{where}: needs K >= 2 output units; got output shape {output.shape}. "
                             "For two classes with one output unit use BCEWithLogits.")
        if y.shape == (N,):
            if not (np.issubdtype(y.dtype, np.integer) or np.all(np.mod(y, 1) == 0)):
                raise ValueError(f"{where}: labels of shape (N,) must be integers; got dtype {y.dtype}.")
            if y.min() < 0 or y.max() >= K:
                raise ValueError(
                    f"{where}: labels must be integers in [0, {K}) for {K} output units; "
                    f"got min {y.min()}, max {y.max()}."
                )
            return numerics.one_hot(y.astype(np.int64), K, dtype=output.dtype)
        if y.shape != (N, K):
            raise ValueError(
                f"{where}: y must be integer labels of shape ({N},) or one-hot rows of shape "
                f"{(N, K)}; got {y.shape}."
            )
        y = y.astype(output.dtype, copy=False)
        if np.any(y < 0) or not np.allclose(y.sum(axis=1), 1.0):
            raise ValueError(f"{where}: one-hot rows of y must be non-negative and sum to 1.")
        return y

    def _per_example(self, z, Y):
        return numerics.logsumexp(z, axis=1) - (Y * z).sum(axis=1)

    def _grad(self, z, Y):
        return (numerics.softmax(z, axis=1) - Y) / z.shape[0]

    def _per_example_and_grad(self, z, Y):
        # numerics.logsumexp and numerics.softmax, written out to share e = exp(z - max z)
        m = z.max(axis=1, keepdims=True)
        e = np.exp(z - m)
        total = e.sum(axis=1, keepdims=True)
        per_example = (m + np.log(total))[:, 0] - (Y * z).sum(axis=1)
        return per_example, (e / total - Y) / z.shape[0]

    def predict_labels(self, output):
        return np.argmax(np.asarray(output), axis=1)


class Hinge(Loss):
    """Hinge loss on raw scores z with labels y in {-1, +1}: C = mean(max(0, 1 - y z)).

    dC/dz = -y / N where y z < 1, else 0 (at the kink y z = 1 we take 0).
    """

    task = "binary"
    expects_logits = True

    def _check_targets(self, y, output, where):
        y = super()._check_targets(y, output, where)
        if not np.all(np.abs(y) == 1):
            raise ValueError(f"{where}: labels must be -1 or +1; got values {np.unique(y)[:5]}. "
                             "Use y = 2 * y01 - 1 to convert 0/1 labels.")
        return y

    def _per_example(self, z, y):
        return np.maximum(0.0, 1.0 - y * z).sum(axis=1)

    def _grad(self, z, y):
        return np.where(y * z < 1, -y, 0.0) / z.shape[0]

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
