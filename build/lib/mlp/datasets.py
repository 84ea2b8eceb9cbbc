"""Small generated data sets, so that every chapter runs offline and gives the same numbers.

Nothing is downloaded: each set is drawn from a formula with an explicit `rng` (an int seed or a
numpy Generator), so the same call always returns the same arrays. Conventions: X is float64 with
one example per row; class labels are int arrays of shape (n,); the regression set `make_sine`
returns y of shape (n, 1). Classification sets are balanced (class counts differ by at most one)
and their rows are shuffled, so any prefix or minibatch mixes the classes.
"""
from __future__ import annotations

import numpy as np

from ._validation import as_2d, as_rng, check_choice, check_number

_CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
_GATES = {"and": [0, 0, 0, 1], "or": [0, 1, 1, 1], "nand": [1, 1, 1, 0], "xor": [0, 1, 1, 0]}


def _check_n_noise(n, noise, where: str) -> None:
    check_number(n, "n", where, low=1, integer=True)
    check_number(noise, "noise", where, low=0)


def _balanced_labels(n: int, k: int) -> np.ndarray:
    """Labels 0..k-1 in blocks whose sizes differ by at most one: [0,0,..,1,1,..]."""
    return np.repeat(np.arange(k), [n // k + (c < n % k) for c in range(k)])


def _shuffled(X: np.ndarray, y: np.ndarray, rng: np.random.Generator):
    order = rng.permutation(len(y))
    return X[order], y[order]


def gate(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Truth table of a two-input logic gate on the points (0,0), (0,1), (1,0), (1,1).

    name: "and", "or", "nand" or "xor". Returns X (4, 2) float64 and y (4,) int.
    """
    check_choice(name, _GATES, "gate", "gate")
    return _CORNERS.copy(), np.array(_GATES[name], dtype=int)


def xor() -> tuple[np.ndarray, np.ndarray]:
    """The XOR truth table: X = [[0,0],[0,1],[1,0],[1,1]], y = [0,1,1,0] (y = x1 XOR x2)."""
    return gate("xor")


def make_xor(n: int = 200, noise: float = 0.15, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Noisy XOR: n points around the four corners of the unit square.

    Corner c in {(0,0),(0,1),(1,0),(1,1)} is used n/4 times (up to one); x = c + noise * N(0, I),
    label = c_1 XOR c_2. Returns X (n, 2), y (n,) int.
    """
    _check_n_noise(n, noise, "make_xor")
    rng = as_rng(rng, "make_xor")
    corner = _balanced_labels(n, 4)
    X = _CORNERS[corner] + noise * rng.standard_normal((n, 2))
    return _shuffled(X, np.array(_GATES["xor"])[corner], rng)


def make_moons(n: int = 200, noise: float = 0.1, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles.

    Class 0: (cos t, sin t); class 1: (1 - cos t, 1/2 - sin t), t evenly spaced in [0, pi];
    then Gaussian noise of standard deviation `noise` on both coordinates. X (n, 2), y (n,) int.
    """
    _check_n_noise(n, noise, "make_moons")
    rng = as_rng(rng, "make_moons")
    y = _balanced_labels(n, 2)
    n0 = int(np.sum(y == 0))
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n - n0)
    X = np.concatenate([np.c_[np.cos(t0), np.sin(t0)], np.c_[1 - np.cos(t1), 0.5 - np.sin(t1)]])
    return _shuffled(X + noise * rng.standard_normal((n, 2)), y, rng)


def make_blobs(n: int = 200, centers=3, std: float = 1.0, dim: int = 2,
               rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic Gaussian clusters: x = mu_y + std * N(0, I), one cluster per class.

    centers: an int K (centres drawn uniformly from [-5, 5]^dim with `rng`) or an array (K, dim)
    of centres (then `dim` is taken from its shape). X (n, dim), y (n,) int in 0..K-1.
    """
    _check_n_noise(n, std, "make_blobs")
    rng = as_rng(rng, "make_blobs")
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        check_number(int(centers), "centers", "make_blobs", low=1, integer=True)
        check_number(dim, "dim", "make_blobs", low=1, integer=True)
        mu = rng.uniform(-5, 5, size=(int(centers), dim))
    else:
        mu = as_2d(centers, "centers", "make_blobs")
    y = _balanced_labels(n, len(mu))
    X = mu[y] + std * rng.standard_normal((n, mu.shape[1]))
    return _shuffled(X, y, rng)


def make_sine(n: int = 100, noise: float = 0.1, rng=None, low: float = -np.pi,
              high: float = np.pi) -> tuple[np.ndarray, np.ndarray]:
    """1-D regression: x ~ Uniform(low, high), y = sin(x) + noise * N(0, 1).

    The rows are SORTED by x, so `plt.plot(X, y)` draws a curve. X (n, 1), y (n, 1), float64.
    """
    _check_n_noise(n, noise, "make_sine")
    check_number(low, "low", "make_sine")
    check_number(high, "high", "make_sine", low=low, low_open=True)
    rng = as_rng(rng, "make_sine")
    x = np.sort(rng.uniform(low, high, size=n))
    y = np.sin(x) + noise * rng.standard_normal(n)
    return x[:, None], y[:, None]


def make_teacher_student(n: int, d: int = 30, noise: float = 0.5, rng=None,
                         teacher_seed: int = 0,
                         kind: str = "linear") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Regression with a known truth: x ~ N(0, I_d), y = g(x . beta) + noise * N(0, 1).

    The teacher beta ~ N(0, I_d / d) is drawn from `teacher_seed` alone, so a training set and a
    test set drawn with different `rng` share the same teacher. With this scale x . beta has
    variance about 1. kind="linear": g(s) = s; kind="tanh": g(s) = tanh(s) (no extra scaling).
    Returns X (n, d), y (n,) and the noise-free y_clean (n,) (the best any model can do).
    """
    _check_n_noise(n, noise, "make_teacher_student")
    check_number(d, "d", "make_teacher_student", low=1, integer=True)
    check_choice(kind, {"linear", "tanh"}, "kind", "make_teacher_student")
    beta = as_rng(teacher_seed, "make_teacher_student(teacher_seed)").normal(0, 1 / np.sqrt(d), d)
    rng = as_rng(rng, "make_teacher_student")
    X = rng.standard_normal((n, d))
    y_clean = X @ beta if kind == "linear" else np.tanh(X @ beta)
    return X, y_clean + noise * rng.standard_normal(n), y_clean


def _check_xy(X, y, where: str) -> tuple[np.ndarray, np.ndarray]:
    X = as_2d(X, "X", where)
    y = np.asarray(y)
    if y.ndim == 0 or len(y) != len(X):
        raise ValueError(f"{where}: X and y must have the same number of rows; got X {X.shape} "
                         f"and y {y.shape}.")
    return X, y


def train_test_split(X, y, test_fraction: float = 0.25, rng=None):
    """Shuffle the rows and split them: round(test_fraction * n) go to the test set.

    Returns (X_train, y_train, X_test, y_test); every row appears in exactly one part.
    """
    where = "train_test_split"
    X, y = _check_xy(X, y, where)
    check_number(test_fraction, "test_fraction", where, low=0, high=1,
                 low_open=True, high_open=True)
    n, n_test = len(X), int(round(test_fraction * len(X)))
    if not 1 <= n_test <= n - 1:
        raise ValueError(f"{where}: test_fraction={test_fraction} of n={n} rows gives {n_test} "
                         "test rows; both parts need at least one row. Use more data.")
    order = as_rng(rng, where).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]


def train_val_test_split(X, y, fractions=(0.6, 0.2, 0.2), rng=None):
    """Shuffle the rows and split them into training, validation and test sets.

    fractions (f_train, f_val, f_test) must be positive and sum to 1; the validation and test sets
    get round(f * n) rows, training the rest. Returns ((Xtr, ytr), (Xva, yva), (Xte, yte)).
    """
    where = "train_val_test_split"
    X, y = _check_xy(X, y, where)
    if len(fractions) != 3:
        raise ValueError(f"{where}: fractions must be three numbers (train, val, test); "
                         f"got {fractions!r}.")
    for name, f in zip(("train", "val", "test"), fractions):
        check_number(f, f"fractions[{name}]", where, low=0, low_open=True)
    if abs(sum(fractions) - 1) > 1e-9:
        raise ValueError(f"{where}: fractions must sum to 1; got {fractions} "
                         f"(sum {sum(fractions)}). E.g. fractions=(0.6, 0.2, 0.2).")
    n = len(X)
    n_val, n_test = int(round(fractions[1] * n)), int(round(fractions[2] * n))
    sizes = (n - n_val - n_test, n_val, n_test)
    if min(sizes) < 1:
        raise ValueError(f"{where}: fractions {fractions} of n={n} rows give part sizes {sizes}; "
                         "every part needs at least one row. Use more data or other fractions.")
    order = as_rng(rng, where).permutation(n)
    parts = np.split(order, np.cumsum(sizes)[:2])
    return tuple((X[p], y[p]) for p in parts)


def standardize(X_train, *others):
    """Scale every column to mean 0 and standard deviation 1: x' = (x - mean) / std.

    mean and std come from X_train ONLY and are applied unchanged to `others` (validation, test):
    the held-out sets stand for future data, which we do not see when fitting, so using their
    statistics would leak information and make the held-out score optimistic. A constant column
    (std = 0) is divided by 1 instead, so it becomes 0 rather than NaN.
    Returns (X_train_std, *others_std, (mean, std)).
    """
    X_train = as_2d(X_train, "X_train", "standardize")
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std == 0, 1.0, std)
    out = [(X_train - mean) / std]
    for i, other in enumerate(others):
        other = as_2d(other, f"others[{i}]", "standardize", n_features=X_train.shape[1])
        out.append((other - mean) / std)
    return (*out, (mean, std))


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 handwritten digits that ship with scikit-learn: real scans, no download.

    Each digit is a 32x32 black-and-white bitmap cut into 8x8 blocks of 4x4 pixels; a block's
    value is how many of its 16 pixels are ink, so every pixel value is an integer 0..16
    (the UCI optical digits data, Alpaydin and Kaynak 1998). Returns X (1797, 64) float64, one
    image per row read row by row (X[i].reshape(8, 8) is the picture), and y (1797,) int labels
    0..9, in the file's order: split them with `train_val_test_split`, which shuffles.
    """
    try:
        from sklearn.datasets import load_digits as sklearn_load_digits
    except ImportError:
        raise ImportError(
            "load_digits: the digits data ships with scikit-learn, which is not installed. "
            "Install it with `pip install scikit-learn`, or install the course with its book "
            "extra: `pip install -e '.[book]'` in the repository."
        ) from None
    data = sklearn_load_digits()
    return data.data.astype(np.float64), data.target.astype(int)


def load_course_digits() -> tuple[np.ndarray, np.ndarray]:
    """The course's part of the digits: 1,497 of scikit-learn's 1,797 scans, with their labels.

    Exercise 7 trains on these. The other 300 (30 of each digit) are held out: only the grader
    has them, so a network is scored on digits its author never saw. They ship inside this
    package (mlp/data/digits-course.npz), so no scikit-learn is needed. Returns X (1497, 64)
    float64 pixel values 0..16 (X[i].reshape(8, 8) is the picture) and y (1497,) int labels.
    """
    from importlib import resources

    with resources.files("mlp").joinpath("data", "digits-course.npz").open("rb") as f:
        data = np.load(f, allow_pickle=False)
        return data["X"].astype(np.float64), data["y"].astype(int)
