"""Double descent with random features: test error through the interpolation threshold.

A random-features model (Rahimi & Recht 2007; Belkin et al. 2019) freezes a random first layer
W (p, d) and fits only the readout a (p,) by least squares:

    phi(x) = relu(W x) / sqrt(p)                 (kind="relu")
    phi(x) = sqrt(2 / p) * cos(W x + b)          (kind="fourier", b ~ U[0, 2 pi))
    f(x)   = phi(x) . a

With n training points there are three regimes: p < n (least squares, cannot interpolate),
p = n (one exact interpolant, usually with a huge norm), p > n (infinitely many interpolants;
`np.linalg.lstsq` returns the one of minimum norm, which is also where gradient descent from
a = 0 converges). Sweeping p shows the test error rise to a spike at p = n and then fall again.
`sweep_ridges` does the same sweep for several ridge penalties at once.

`gd_least_squares` follows gradient descent on a least-squares loss exactly, in closed form
through one SVD (the chapter checks it against an explicit loop and uses it to show where gradient
descent ends up). `gd_two_scale_risk` uses it for the epoch-wise counterpart (Heckel & Yilmaz
2021): gradient descent on a linear model whose features have two scales.
Computation only: the chapter does the plotting.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import as_2d, as_float_array, as_rng, check_choice, check_finite, check_number

KINDS = ("relu", "fourier")


def _targets(y, n: int, name: str, where: str) -> np.ndarray:
    y = as_float_array(y, name, where)
    if y.ndim not in (1, 2) or len(y) != n:
        raise ValueError(f"{where}: {name} must have shape ({n},) or ({n}, k), one target per row "
                         f"of the inputs; got shape {y.shape}.")
    check_finite(y, name, where)
    return y


def draw_weights(d: int, p: int, kind: str = "relu", rng=None, bandwidth: float = 1.0):
    """Random first layer: W (p, d) with entries N(0, bandwidth^2 / d); for "fourier" also the
    phases b (p,) ~ U[0, 2 pi) (None for "relu"). Returns (W, b)."""
    where = "draw_weights"
    check_number(d, "d", where, low=1, integer=True)
    check_number(p, "p", where, low=1, integer=True)
    check_choice(kind, KINDS, "kind", where)
    check_number(bandwidth, "bandwidth", where, low=0, low_open=True)
    rng = as_rng(rng, f"{where}: rng")
    W = rng.normal(0.0, bandwidth / np.sqrt(d), size=(p, d))
    b = rng.uniform(0.0, 2 * np.pi, size=p) if kind == "fourier" else None
    return W, b


def random_features(X, W, kind: str = "relu", b=None) -> np.ndarray:
    """Feature matrix Phi (N, p): relu(X W^T) / sqrt(p), or sqrt(2/p) cos(X W^T + b).

    The 1/sqrt(p) keeps phi(x).phi(x') of order one whatever p is (a kernel in the limit)."""
    where = "random_features"
    check_choice(kind, KINDS, "kind", where)
    W = as_2d(W, "W", where)
    X = as_2d(X, "X", where, n_features=W.shape[1])
    p = W.shape[0]
    Z = X @ W.T
    if kind == "relu":
        return np.maximum(Z, 0.0) / np.sqrt(p)
    if b is None:
        raise ValueError(f"{where}: kind='fourier' needs the phases b of shape ({p},); "
                         "draw them with draw_weights(d, p, 'fourier', rng).")
    b = as_float_array(b, "b", where)
    if b.shape != (p,):
        raise ValueError(f"{where}: b must have shape ({p},), one phase per feature; "
                         f"got {b.shape}.")
    return np.sqrt(2.0 / p) * np.cos(Z + b)


def min_norm_fit(Phi, y, ridge: float = 0.0) -> np.ndarray:
    """Readout a minimising (1/n)||Phi a - y||^2 + ridge ||a||^2 (the regularized risk).

    ridge = 0: a = pinv(Phi) y, the least-squares solution of minimum norm (np.linalg.lstsq).
    ridge > 0: a = (Phi^T Phi + n ridge I)^-1 Phi^T y   (primal, a p x p system, when p <= n)
             = Phi^T (Phi Phi^T + n ridge I)^-1 y       (dual, an n x n system, when p > n);
    the two are equal, so the smaller system is solved.
    """
    where = "min_norm_fit"
    Phi = as_2d(Phi, "Phi", where)
    n, p = Phi.shape
    y = _targets(y, n, "y", where)
    check_number(ridge, "ridge", where, low=0)
    if ridge == 0:
        return np.linalg.lstsq(Phi, y, rcond=None)[0]
    return _solve_gram(Phi, y, ridge)


def _solve_gram(Phi, y, ridge: float) -> np.ndarray:
    """The same readout as min_norm_fit, through the smaller of the two Gram matrices.

    p <= n: a = (Phi^T Phi + n ridge I)^-1 Phi^T y;  p > n: a = Phi^T (Phi Phi^T + n ridge I)^-1 y.
    At ridge = 0 these are the least-squares solution and the minimum-norm interpolant whenever
    Phi has full rank (true for random features). Squaring Phi squares its condition number, but
    even at p = n random features keep it far from float64's limit (the tests compare with lstsq).
    """
    n, p = Phi.shape
    if p <= n:
        return np.linalg.solve(Phi.T @ Phi + n * ridge * np.eye(p), Phi.T @ y)
    return Phi.T @ np.linalg.solve(Phi @ Phi.T + n * ridge * np.eye(n), y)


def _mse(pred, y) -> float:
    """Mean over examples of the squared error (summed over outputs when y is (n, k))."""
    err = (pred - y) ** 2
    return float(np.mean(err if err.ndim == 1 else err.sum(axis=1)))


@dataclass(repr=False)
class SweepResult:
    """Per-seed results of a random-features sweep; arrays are (n_seeds, len(n_features))."""

    n_features: np.ndarray
    n_train: int
    train_mse: np.ndarray
    test_mse: np.ndarray
    norm: np.ndarray          # ||a||, the norm of the fitted readout
    kind: str
    ridge: float

    @property
    def threshold(self) -> int:
        """The interpolation threshold p = n_train."""
        return self.n_train

    def median(self, what: str = "test_mse") -> np.ndarray:
        return np.median(getattr(self, what), axis=0)

    def quantiles(self, what: str = "test_mse", q=(0.25, 0.75)) -> np.ndarray:
        """Rows of per-p quantiles over seeds (the spread a figure shades)."""
        return np.quantile(getattr(self, what), q, axis=0)

    @property
    def argmax(self) -> int:
        """The number of features p at which the median test error is largest."""
        return int(self.n_features[np.argmax(self.median())])

    def best_under(self) -> float:
        """Lowest median test error among under-parameterised models (p < n)."""
        under = self.n_features < self.n_train
        return float(np.min(self.median()[under])) if np.any(under) else float("nan")

    def peak_ratio(self) -> float:
        """Largest median test error divided by the best under-parameterised one."""
        return float(np.max(self.median()) / self.best_under())

    def __repr__(self) -> str:
        return (f"SweepResult(kind={self.kind!r}, ridge={self.ridge:g}, n_train={self.n_train}, "
                f"{len(self.n_features)} widths p={self.n_features[0]}..{self.n_features[-1]}, "
                f"seeds={self.test_mse.shape[0]}, argmax p={self.argmax}, "
                f"peak/best-under={self.peak_ratio():.3g})")


def sweep_random_features(X_train, y_train, X_test, y_test, n_features, seeds: int = 5,
                          ridge: float = 0.0, kind: str = "relu", rng=None,
                          bandwidth: float = 1.0) -> SweepResult:
    """Fit a random-features model for every p in `n_features`, for `seeds` random first layers.

    Feature sets are nested: for one seed, model p uses the first p rows of one W (p_max, d), so
    the curve moves with p alone. Test error is measured against `y_test` (pass the noiseless
    targets to measure the error against the true function). Returns a SweepResult.
    """
    check_number(ridge, "ridge", "sweep_random_features", low=0)
    return _sweep(X_train, y_train, X_test, y_test, n_features, [ridge], seeds, kind, rng,
                  bandwidth, "sweep_random_features")[0]


def sweep_ridges(X_train, y_train, X_test, y_test, n_features, ridges, seeds: int = 5,
                 kind: str = "relu", rng=None, bandwidth: float = 1.0) -> dict:
    """The same sweep for several ridge values at once: {ridge: SweepResult}.

    Every ridge value sees the same random features (as if each were swept with the same rng),
    and one eigendecomposition per width and seed serves them all:
    Gram = Q diag(e) Q^T gives (Gram + n ridge I)^-1 = Q diag(1 / (e + n ridge)) Q^T.
    """
    where = "sweep_ridges"
    lams = np.asarray(ridges, dtype=float) if np.ndim(ridges) == 1 else None
    if lams is None or lams.size == 0 or not np.all(np.isfinite(lams)) or np.any(lams < 0) \
            or len(np.unique(lams)) != lams.size:
        raise ValueError(f"{where}: ridges must be a non-empty 1-D list of distinct numbers >= 0; "
                         f"got {ridges!r}.")
    results = _sweep(X_train, y_train, X_test, y_test, n_features, lams, seeds, kind, rng,
                     bandwidth, where)
    return {float(lam): r for lam, r in zip(lams, results)}


def _sweep(X_train, y_train, X_test, y_test, n_features, ridges, seeds, kind, rng, bandwidth,
           where) -> list:
    """The work behind sweep_random_features and sweep_ridges: one SweepResult per ridge."""
    X_train = as_2d(X_train, "X_train", where)
    n, d = X_train.shape
    X_test = as_2d(X_test, "X_test", where, n_features=d)
    y_train = _targets(y_train, n, "y_train", where)
    y_test = _targets(y_test, len(X_test), "y_test", where)
    if y_train.ndim != y_test.ndim:
        raise ValueError(f"{where}: y_train and y_test must both be 1-D or both 2-D; got shapes "
                         f"{y_train.shape} and {y_test.shape}.")
    ps = np.asarray(n_features)
    if ps.ndim != 1 or ps.size == 0 or ps.dtype.kind not in "iu" or np.any(ps < 1):
        raise ValueError(f"{where}: n_features must be a non-empty 1-D list of positive integers "
                         f"(numbers of random features p); got {n_features!r}.")
    check_number(seeds, "seeds", where, low=1, integer=True)
    check_choice(kind, KINDS, "kind", where)
    rng = as_rng(rng, f"{where}: rng")

    Y, Y_test = y_train.reshape(n, -1), y_test.reshape(len(X_test), -1)   # k outputs as columns
    k = Y.shape[1]
    nl = n * np.asarray(ridges, dtype=float)                              # (R,): n * ridge
    R = nl.size
    shape = (R, seeds, ps.size)
    train, test, norm = np.empty(shape), np.empty(shape), np.empty(shape)
    order = np.argsort(ps, kind="stable")
    p_max = int(ps.max())
    for s in range(seeds):
        W, b = draw_weights(d, p_max, kind, rng, bandwidth)
        # Unscaled features F once per seed; model p uses the first p columns:
        # Phi = F[:, :p] / sqrt(p).
        Z_train, Z_test = X_train @ W.T, X_test @ W.T
        if kind == "relu":
            F, F_test = np.maximum(Z_train, 0.0, out=Z_train), np.maximum(Z_test, 0.0, out=Z_test)
        else:
            F, F_test = np.sqrt(2.0) * np.cos(Z_train + b), np.sqrt(2.0) * np.cos(Z_test + b)
        # Nested models share their Gram matrices, so build them once, incrementally:
        # G = F[:, :m]^T F[:, :m] (m = min(n, p_max)) holds every primal Gram as a leading block,
        # and K = F[:, :p] F[:, :p]^T (the dual Gram) grows by one block of columns at a time.
        m = min(n, p_max)
        G, FtY = F[:, :m].T @ F[:, :m], F.T @ Y
        K, p_done = np.zeros((n, n)), 0
        for j in order:
            p = int(ps[j])
            if p <= n:      # primal: a = (Phi^T Phi + n ridge I)^-1 Phi^T y
                e, Q = np.linalg.eigh(G[:p, :p] / p)
                rhs = FtY[:p] / np.sqrt(p)
            else:           # dual: a = Phi^T (Phi Phi^T + n ridge I)^-1 y
                K += F[:, p_done:p] @ F[:, p_done:p].T
                p_done = p
                e, Q = np.linalg.eigh(K / p)
                rhs = Y
            # 1 / (e + n ridge) for every ridge; at ridge 0 directions with e ~ 0 are dropped
            # (the pseudo-inverse), which is the minimum-norm least-squares solution.
            e = np.maximum(e, 0.0)[:, None] + nl[None, :]                    # (r, R)
            keep = e > e.max(axis=0) * 1e-13
            inv = np.divide(1.0, e, out=np.zeros_like(e), where=keep)
            coef = Q @ ((Q.T @ rhs)[:, :, None] * inv[:, None, :]).reshape(len(Q), k * R)
            a = coef if p <= n else F[:, :p].T @ coef / np.sqrt(p)          # (p, k R)
            a_unscaled = a / np.sqrt(p)      # Phi @ a == F[:, :p] @ a_unscaled, with no copy of Phi
            for out, F_, Y_ in ((train, F, Y), (test, F_test, Y_test)):
                err = (F_[:, :p] @ a_unscaled).reshape(len(Y_), k, R) - Y_[:, :, None]
                out[:, s, j] = np.mean(np.sum(err ** 2, axis=1), axis=0)
            norm[:, s, j] = np.sqrt(np.sum(a ** 2, axis=0).reshape(k, R).sum(axis=0))
    return [SweepResult(ps.astype(int), n, train[r], test[r], norm[r], kind, float(ridges[r]))
            for r in range(R)]


def feature_grid(n_train: int, low: float = 0.1, high: float = 10.0, num: int = 25,
                 around=(0.8, 0.9, 0.95, 1.0, 1.05, 1.1, 1.25)) -> np.ndarray:
    """Sorted integer p values: a log grid from low*n to high*n, plus points around p = n.

    Without a point at exactly p = n the spike looks much smaller than it is."""
    where = "feature_grid"
    check_number(n_train, "n_train", where, low=1, integer=True)
    grid = np.geomspace(low * n_train, high * n_train, num)
    grid = np.concatenate([grid, np.asarray(around, dtype=float) * n_train])
    return np.unique(np.maximum(1, np.round(grid)).astype(int))


# ---------------------------------------------------------------------------------------------
# Epoch-wise double descent: a linear model with a fast and a slow group of features.

def two_scale_data(n: int = 200, d_strong: int = 150, d_weak: int = 20, s_weak: float = 0.03,
                   beta_weak: float = 30.0, noise: float = 0.25, rng=None, n_test: int = 0):
    """Linear data whose features have two scales (Heckel & Yilmaz 2021).

    x = (x_strong, s_weak * x_weak) with standard normal entries, y = x . beta + noise * eps,
    beta ~ N(0, 1/d) with its weak block multiplied by `beta_weak` (so the weak, slowly learned
    directions carry much of the signal). Returns X (n, d), y (n,), beta (d,), scales (d,) =
    the standard deviation of each coordinate (the test risk weights errors by scales^2).
    """
    where = "two_scale_data"
    for name, v in (("n", n), ("d_strong", d_strong), ("d_weak", d_weak)):
        check_number(v, name, where, low=1, integer=True)
    check_number(s_weak, "s_weak", where, low=0, low_open=True)
    check_number(noise, "noise", where, low=0)
    rng = as_rng(rng, f"{where}: rng")
    d = d_strong + d_weak
    scales = np.concatenate([np.ones(d_strong), np.full(d_weak, float(s_weak))])
    beta = rng.normal(0.0, 1.0 / np.sqrt(d), size=d)
    beta[d_strong:] *= beta_weak
    X = rng.normal(size=(n, d)) * scales
    y = X @ beta + noise * rng.normal(size=n)
    return X, y, beta, scales


def gd_least_squares(X, y, steps, lr: float | None = None, b0=None) -> np.ndarray:
    """Iterates b_t of gradient descent on (1/2n)||X b - y||^2 from b_0 = b0 (default 0).

    The step b <- b - lr X^T (X b - y) / n is linear, so with the thin SVD X = U S V^T
    (lambda_i = s_i^2 / n) the whole trajectory has a closed form:
        b_t = b_inf + sum_i (1 - lr lambda_i)^t (v_i . (b0 - b_inf)) v_i,
        b_inf = pinv(X) y + (I - V V^T) b0.
    Every direction v_i of the row space approaches b_inf geometrically; the part of b0 orthogonal
    to the row space never moves. From b0 = 0 the limit is pinv(X) y, the least-squares solution
    of minimum norm. lr defaults to 1 / lambda_max; it must stay below 2 / lambda_max.
    steps: whole numbers t >= 0. Returns B (len(steps), d), row k = b_{steps[k]}.
    """
    where = "gd_least_squares"
    X = as_2d(X, "X", where)
    n, d = X.shape
    y = _targets(y, n, "y", where)
    if y.ndim != 1:
        raise ValueError(f"{where}: y must have shape ({n},), one number per row; got {y.shape}.")
    t = np.asarray(steps, dtype=float)
    if t.ndim != 1 or np.any(t < 0) or np.any(t != np.round(t)):
        raise ValueError(f"{where}: steps must be a 1-D list of whole step counts >= 0; "
                         f"got {steps!r}.")
    b0 = np.zeros(d) if b0 is None else as_float_array(b0, "b0", where)
    if b0.shape != (d,):
        raise ValueError(f"{where}: b0 must have shape ({d},), one number per column of X; "
                         f"got {b0.shape}.")
    check_finite(b0, "b0", where)
    U, S, Vt = np.linalg.svd(X, full_matrices=False)
    keep = S > S[0] * 1e-12                                      # drop directions X cannot see
    U, S, Vt = U[:, keep], S[keep], Vt[keep]
    lam = S ** 2 / n
    lr = 1.0 / lam[0] if lr is None else check_number(lr, "lr", where, low=0, low_open=True)
    if lr * lam[0] >= 2:
        raise ValueError(f"{where}: lr={lr} diverges; it must be below "
                         f"2/lambda_max = {2 / lam[0]:.4g}.")
    b_inf = Vt.T @ ((U.T @ y) / S) + (b0 - Vt.T @ (Vt @ b0))
    left = np.power(1.0 - lr * lam[None, :], t[:, None])   # (T, r): what is left per direction
    return b_inf + (left * (Vt @ (b0 - b_inf))) @ Vt


def gd_two_scale_risk(X, y, beta, scales, steps, lr: float | None = None):
    """Test risk ||diag(scales) (b_t - beta)||^2 of gradient descent after each number of steps.

    GD from b_0 = 0 on (1/2n)||X b - y||^2, in closed form (see gd_least_squares):
        b_t = sum_i (1 - (1 - lr s_i^2 / n)^t) (u_i . y / s_i) v_i,
    so every step count costs one small matrix product. lr defaults to n / s_max^2 (1/lambda_max).
    Returns (risk (len(steps),), train_mse (len(steps),)).
    """
    where = "gd_two_scale_risk"
    X = as_2d(X, "X", where)
    n, d = X.shape
    y = _targets(y, n, "y", where)
    beta = as_float_array(beta, "beta", where)
    scales = as_float_array(scales, "scales", where)
    if beta.shape != (d,) or scales.shape != (d,):
        raise ValueError(f"{where}: beta and scales must have shape ({d},); got {beta.shape} "
                         f"and {scales.shape}.")
    B = gd_least_squares(X, y, steps, lr)                       # (T, d): b_t for every t
    risk = np.sum(((B - beta) * scales) ** 2, axis=1)
    train = np.mean((B @ X.T - y) ** 2, axis=1)
    return risk, train
