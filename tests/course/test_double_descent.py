"""Tests of mlp.double_descent against independent references (lstsq, pinv, explicit loops)."""
import numpy as np
import pytest

import mlp
from mlp import double_descent as dd

N, D = 100, 20


@pytest.fixture(scope="module")
def data():
    """Noisy linear teacher: 100 training points, 300 noiseless test targets."""
    X, y, _ = mlp.datasets.make_teacher_student(N, D, noise=0.5, rng=1)
    Xt, _, yt = mlp.datasets.make_teacher_student(300, D, noise=0.5, rng=2)
    return X, np.ravel(y), Xt, np.ravel(yt)


@pytest.fixture(scope="module")
def sweeps(data):
    ps = dd.feature_grid(N, num=10)
    return {(kind, ridge): dd.sweep_random_features(*data, ps, seeds=3, ridge=ridge, kind=kind,
                                                    rng=0)
            for kind in ("relu", "fourier") for ridge in (0.0, 1e-1)}


# ---------------------------------------------------------------- the double-descent curve

@pytest.mark.parametrize("kind", ["relu", "fourier"])
def test_training_error_vanishes_from_the_threshold_on(sweeps, data, kind):
    r = sweeps[kind, 0.0]
    train = r.median("train_mse")
    over = r.n_features >= N
    assert np.all(r.train_mse[:, over] < 1e-12 * np.var(data[1])), (
        "min-norm must interpolate for p >= n")
    assert np.all(train[r.n_features < 0.8 * N] > 1e-3), (
        "with p < n least squares cannot interpolate")


@pytest.mark.parametrize("kind", ["relu", "fourier"])
def test_test_error_peaks_at_the_interpolation_threshold(sweeps, kind):
    r = sweeps[kind, 0.0]
    assert r.threshold == N
    assert 0.8 * N <= r.argmax <= 1.25 * N, f"peak at p={r.argmax}, expected near n={N}"
    assert r.peak_ratio() >= 10, f"peak only {r.peak_ratio():.3g}x the best p < n"
    # second descent: the widest model is far below the peak
    assert r.median()[-1] < 0.1 * r.median().max()
    # the readout norm blows up at the threshold too
    assert 0.8 * N <= r.n_features[np.argmax(r.median("norm"))] <= 1.25 * N


@pytest.mark.parametrize("kind", ["relu", "fourier"])
def test_ridge_removes_the_peak(sweeps, kind):
    r0, r = sweeps[kind, 0.0], sweeps[kind, 1e-1]
    at_n = r.median()[r.n_features == N][0]
    assert at_n <= 1.5 * r.best_under(), "ridge 0.1 should leave no peak at p = n"
    assert r.median().max() < 0.05 * r0.median().max()
    assert np.all(r.train_mse > 1e-4), "a ridge penalty does not interpolate"


def test_sweep_is_deterministic(data):
    ps = [20, 100, 300]
    a = dd.sweep_random_features(*data, ps, seeds=2, rng=5)
    b = dd.sweep_random_features(*data, ps, seeds=2, rng=np.random.default_rng(5))
    c = dd.sweep_random_features(*data, ps, seeds=2, rng=6)
    np.testing.assert_array_equal(a.test_mse, b.test_mse)
    assert not np.allclose(a.test_mse, c.test_mse)


@pytest.mark.parametrize("kind,ridge", [("relu", 0.0), ("fourier", 0.0), ("relu", 1e-3),
                                        ("fourier", 1e-2)])
def test_sweep_matches_direct_fits(data, kind, ridge):
    """The sweep's incremental Gram solves equal lstsq fits of random_features, p by p."""
    X, y, Xt, yt = data
    ps = [150, 7, 99, 100, 101, 40]            # unsorted on purpose
    r = dd.sweep_random_features(X, y, Xt, yt, ps, seeds=1, ridge=ridge, kind=kind, rng=3)
    W, b = dd.draw_weights(D, max(ps), kind, rng=np.random.default_rng(3))
    for j, p in enumerate(ps):
        Phi = dd.random_features(X, W[:p], kind, None if b is None else b[:p])
        Phit = dd.random_features(Xt, W[:p], kind, None if b is None else b[:p])
        if ridge == 0:
            a = np.linalg.lstsq(Phi, y, rcond=None)[0]
        else:   # ridge as least squares on the augmented system [Phi; sqrt(n ridge) I] a = [y; 0]
            A = np.vstack([Phi, np.sqrt(N * ridge) * np.eye(p)])
            a = np.linalg.lstsq(A, np.concatenate([y, np.zeros(p)]), rcond=None)[0]
        np.testing.assert_allclose(r.test_mse[0, j], np.mean((Phit @ a - yt) ** 2), rtol=1e-5)
        np.testing.assert_allclose(r.norm[0, j], np.linalg.norm(a), rtol=1e-5)
        np.testing.assert_allclose(r.train_mse[0, j], np.mean((Phi @ a - y) ** 2),
                                   rtol=1e-5, atol=1e-20)


def test_sweep_with_several_outputs(data):
    """A (n, k) target is k independent fits; the MSE sums the squared errors over outputs."""
    X, y, Xt, yt = data
    Y, Yt = np.column_stack([y, -2 * y]), np.column_stack([yt, -2 * yt])
    r1 = dd.sweep_random_features(X, y, Xt, yt, [30, 200], seeds=1, rng=0)
    r2 = dd.sweep_random_features(X, Y, Xt, Yt, [30, 200], seeds=1, rng=0)
    np.testing.assert_allclose(r2.test_mse, 5 * r1.test_mse, rtol=1e-10)


@pytest.mark.parametrize("two_outputs", [False, True])
def test_sweep_ridges_equals_one_sweep_per_ridge(data, two_outputs):
    """One eigendecomposition for all ridges gives what separate sweeps (same rng) give."""
    X, y, Xt, yt = data
    if two_outputs:
        y, yt = np.column_stack([y, np.sin(3 * y)]), np.column_stack([yt, np.sin(3 * yt)])
    ps, ridges = [10, 60, 100, 140, 400], [1e-1, 0.0, 1e-4]
    many = dd.sweep_ridges(X, y, Xt, yt, ps, ridges, seeds=2, kind="fourier", rng=7)
    assert list(many) == ridges
    for lam in ridges:
        one = dd.sweep_random_features(X, y, Xt, yt, ps, seeds=2, ridge=lam, kind="fourier", rng=7)
        assert many[lam].ridge == lam
        for what in ("test_mse", "norm"):
            np.testing.assert_allclose(getattr(many[lam], what), getattr(one, what), rtol=1e-8)
        np.testing.assert_allclose(many[lam].train_mse, one.train_mse, rtol=1e-8, atol=1e-20)


def test_sweep_ridges_bad_input(data):
    for bad in ([], [0.1, 0.1], [-1.0], 0.1, [np.nan]):
        with pytest.raises(ValueError, match="ridges"):
            dd.sweep_ridges(*data, [10], bad)


# ---------------------------------------------------------------- the pieces

def test_relu_features_formula():
    rng = np.random.default_rng(0)
    X, W = rng.normal(size=(5, 3)), rng.normal(size=(4, 3))
    expected = np.array([[max(0.0, W[j] @ X[i]) / 2.0 for j in range(4)] for i in range(5)])
    np.testing.assert_allclose(dd.random_features(X, W), expected)


def test_fourier_features_approximate_the_gaussian_kernel():
    """E[phi(x).phi(x')] = exp(-bandwidth^2 ||x - x'||^2 / (2 d)) for W ~ N(0, bandwidth^2/d)."""
    rng = np.random.default_rng(0)
    d, bw = 4, 1.5
    X = rng.normal(size=(6, d))
    W, b = dd.draw_weights(d, 40_000, "fourier", rng=1, bandwidth=bw)
    Phi = dd.random_features(X, W, "fourier", b)
    sq = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    np.testing.assert_allclose(Phi @ Phi.T, np.exp(-bw ** 2 * sq / (2 * d)), atol=0.03)


def test_min_norm_interpolant_is_the_pseudoinverse_solution():
    rng = np.random.default_rng(0)
    Phi, y = rng.normal(size=(30, 80)), rng.normal(size=30)
    a = dd.min_norm_fit(Phi, y)
    np.testing.assert_allclose(Phi @ a, y, atol=1e-10)                 # it interpolates
    np.testing.assert_allclose(a, np.linalg.pinv(Phi) @ y, atol=1e-10)
    # orthogonal to the null space of Phi, so adding any null vector makes the norm larger
    null = np.linalg.svd(Phi)[2][30:]                                  # (50, 80) basis of null(Phi)
    np.testing.assert_allclose(null @ a, 0, atol=1e-10)
    other = a + null.T @ rng.normal(size=50)
    np.testing.assert_allclose(Phi @ other, y, atol=1e-10)
    assert np.linalg.norm(a) < np.linalg.norm(other)


@pytest.mark.parametrize("shape", [(50, 20), (20, 50)])
def test_ridge_fit_solves_the_regularized_risk(shape):
    """Primal (p <= n) and dual (p > n) forms both zero the gradient of
    (1/n)||Phi a-y||^2 + l||a||^2."""
    rng = np.random.default_rng(1)
    Phi, y, lam = rng.normal(size=shape), rng.normal(size=shape[0]), 0.3
    a = dd.min_norm_fit(Phi, y, ridge=lam)
    grad = 2 / shape[0] * Phi.T @ (Phi @ a - y) + 2 * lam * a
    np.testing.assert_allclose(grad, 0, atol=1e-12)
    # tiny ridge approaches the min-norm least-squares solution
    np.testing.assert_allclose(dd.min_norm_fit(Phi, y, 1e-10), dd.min_norm_fit(Phi, y), atol=1e-5)


def test_feature_grid_contains_the_threshold():
    g = dd.feature_grid(300)
    assert 300 in g and 30 in g and 3000 in g
    assert np.all(np.diff(g) > 0)


# ---------------------------------------------------------------- epoch-wise (two scales)

def test_gd_closed_form_matches_an_explicit_loop():
    X, y, beta, scales = dd.two_scale_data(n=60, d_strong=40, d_weak=10, rng=0)
    steps = [0, 1, 5, 50, 300]
    risk, train = dd.gd_two_scale_risk(X, y, beta, scales, steps)
    lr = 1.0 / np.linalg.eigvalsh(X.T @ X / 60).max()
    b, got, got_train = np.zeros(X.shape[1]), [], []
    for t in range(301):
        if t in steps:
            got.append(np.sum(((b - beta) * scales) ** 2))
            got_train.append(np.mean((X @ b - y) ** 2))
        b -= lr * X.T @ (X @ b - y) / 60
    np.testing.assert_allclose(risk, got, rtol=1e-9)
    np.testing.assert_allclose(train, got_train, rtol=1e-9)
    # after very many steps GD reaches the least-squares solution
    b_ls = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(dd.gd_two_scale_risk(X, y, beta, scales, [1e9])[0],
                               np.sum(((b_ls - beta) * scales) ** 2), rtol=1e-6)


@pytest.mark.parametrize("shape", [(30, 80), (60, 20)])
def test_gd_least_squares_matches_an_explicit_loop(shape):
    """The closed form equals plain gradient descent, from zero and from a random start."""
    rng = np.random.default_rng(4)
    n, d = shape
    X, y, b0 = rng.normal(size=shape), rng.normal(size=n), rng.normal(size=d)
    lr = 0.7 * n / np.linalg.norm(X, 2) ** 2
    steps = [0, 1, 2, 17, 400]
    for start in (None, b0):
        B = dd.gd_least_squares(X, y, steps, lr=lr, b0=start)
        b = np.zeros(d) if start is None else start.copy()
        for t in range(max(steps) + 1):
            if t in steps:
                np.testing.assert_allclose(B[steps.index(t)], b, rtol=1e-9, atol=1e-12)
            b = b - lr * X.T @ (X @ b - y) / n
    np.testing.assert_allclose(dd.gd_least_squares(X, y, [0], b0=b0)[0], b0, atol=1e-12)


def test_gd_least_squares_limits():
    """Wide X: from 0 the limit is the min-norm interpolant; from b0 the null-space part of b0
    stays."""
    rng = np.random.default_rng(5)
    X, y, b0 = rng.normal(size=(20, 50)), rng.normal(size=20), rng.normal(size=50)
    pinv = np.linalg.pinv(X)
    far = [1e7]
    np.testing.assert_allclose(dd.gd_least_squares(X, y, far)[0], pinv @ y, atol=1e-10)
    null_part = b0 - pinv @ (X @ b0)
    np.testing.assert_allclose(dd.gd_least_squares(X, y, far, b0=b0)[0], pinv @ y + null_part,
                               atol=1e-10)
    # tall X: the least-squares solution, whatever the start
    Xt, yt = rng.normal(size=(50, 20)), rng.normal(size=50)
    np.testing.assert_allclose(dd.gd_least_squares(Xt, yt, far, b0=b0[:20])[0],
                               np.linalg.lstsq(Xt, yt, rcond=None)[0], atol=1e-10)


def test_gd_least_squares_bad_input():
    X, y = np.ones((4, 3)), np.ones(4)
    with pytest.raises(ValueError, match="whole step counts"):
        dd.gd_least_squares(X, y, [1.5])
    with pytest.raises(ValueError, match="whole step counts"):
        dd.gd_least_squares(X, y, [-1])
    with pytest.raises(ValueError, match="b0 must have shape"):
        dd.gd_least_squares(X, y, [1], b0=np.zeros(4))
    with pytest.raises(ValueError, match="one number per row"):
        dd.gd_least_squares(X, np.ones((4, 2)), [1])
    with pytest.raises(ValueError, match="lr"):
        dd.gd_least_squares(X, y, [1], lr=10.0)


def test_two_scale_model_shows_epoch_wise_double_descent():
    """The default setting: a dip (early stopping), a bump, then a second, lower dip."""
    t = np.unique(np.round(np.geomspace(1, 1e6, 120)))
    risk = np.median([dd.gd_two_scale_risk(*dd.two_scale_data(rng=s), t)[0] for s in range(5)],
                     axis=0)
    early = (t >= 3) & (t <= 100)
    mid = (t >= 200) & (t <= 3000)
    late = t >= 5000
    first, bump, second = risk[early].min(), risk[mid].max(), risk[late].min()
    assert bump > 1.4 * first and bump > 1.4 * second, (first, bump, second)


# ---------------------------------------------------------------- bad input

def test_bad_input_gives_clear_errors(data):
    X, y, Xt, yt = data
    with pytest.raises(ValueError, match="kind"):
        dd.random_features(X, np.ones((3, D)), kind="tanh")
    with pytest.raises(ValueError, match="phases b"):
        dd.random_features(X, np.ones((3, D)), kind="fourier")
    with pytest.raises(ValueError, match="columns"):
        dd.random_features(X, np.ones((3, D + 1)))
    with pytest.raises(ValueError, match="n_features"):
        dd.sweep_random_features(X, y, Xt, yt, [0, 10])
    with pytest.raises(ValueError, match="n_features"):
        dd.sweep_random_features(X, y, Xt, yt, [10.5])
    with pytest.raises(ValueError, match="y_train"):
        dd.sweep_random_features(X, y[:-1], Xt, yt, [10])
    with pytest.raises(ValueError, match="ridge"):
        dd.min_norm_fit(np.ones((3, 2)), np.ones(3), ridge=-1.0)
    with pytest.raises(TypeError, match="seeds"):
        dd.sweep_random_features(X, y, Xt, yt, [10], seeds=2.0)
    with pytest.raises(ValueError, match="lr"):
        dd.gd_two_scale_risk(*dd.two_scale_data(n=20, d_strong=5, d_weak=2, rng=0), [1], lr=1e6)


def test_repr_names_the_peak(sweeps):
    text = repr(sweeps["relu", 0.0])
    assert "argmax p=" in text and "n_train=100" in text
