"""Tests for mlp.datasets: shapes, determinism, balance, splits and standardization."""
import numpy as np
import pytest

from mlp import datasets as ds

CLASSIFIERS = {
    "make_xor": (ds.make_xor, 2),
    "make_moons": (ds.make_moons, 2),
    "make_blobs": (ds.make_blobs, 3),
}


def test_xor_truth_table():
    X, y = ds.xor()
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [0, 1, 1, 0])
    assert X.dtype == np.float64 and y.dtype.kind == "i"


@pytest.mark.parametrize("name, op", [("and", np.logical_and), ("or", np.logical_or),
                                      ("nand", lambda a, b: ~np.logical_and(a, b)),
                                      ("xor", np.logical_xor)])
def test_gates_match_logic(name, op):
    X, y = ds.gate(name)
    a, b = X[:, 0].astype(bool), X[:, 1].astype(bool)
    np.testing.assert_array_equal(y, op(a, b).astype(int))


def test_unknown_gate():
    with pytest.raises(ValueError, match="gate"):
        ds.gate("nor")


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_classification_shapes_determinism_balance(name):
    make, k = CLASSIFIERS[name]
    X, y = make(n=101, rng=0)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype.kind == "i"
    counts = np.bincount(y)
    assert len(counts) == k and counts.max() - counts.min() <= 1
    X2, y2 = make(n=101, rng=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make(n=101, rng=1)
    assert not np.allclose(X, X3)
    # a Generator works too and rows are shuffled (not sorted by class)
    _, y4 = make(n=101, rng=np.random.default_rng(0))
    assert np.any(np.diff(y4) < 0)


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_bad_n(name):
    make, _ = CLASSIFIERS[name]
    with pytest.raises(ValueError, match="n must be >= 1"):
        make(n=0, rng=0)
    with pytest.raises(TypeError, match="n must be an integer"):
        make(n=10.5, rng=0)


def test_xor_labels_follow_corners():
    X, y = ds.make_xor(n=400, noise=0.05, rng=3)
    corner = np.round(X).astype(int)
    np.testing.assert_array_equal(y, corner[:, 0] ^ corner[:, 1])


def test_noise_free_geometry():
    X, y = ds.make_moons(n=50, noise=0.0, rng=0)
    np.testing.assert_allclose(np.linalg.norm(X[y == 0], axis=1), 1.0)
    np.testing.assert_allclose(np.linalg.norm(X[y == 1] - [1, 0.5], axis=1), 1.0)


def test_blobs_with_given_centers():
    centers = np.array([[10.0, 0, 0], [-10.0, 0, 0]])
    X, y = ds.make_blobs(n=40, centers=centers, std=0.5, rng=0)
    assert X.shape == (40, 3)
    np.testing.assert_allclose(X[y == 0].mean(0), centers[0], atol=0.5)
    np.testing.assert_array_equal(y, (X[:, 0] < 0).astype(int))
    X, y = ds.make_blobs(n=30, centers=4, dim=5, rng=0)
    assert X.shape == (30, 5) and set(y) == {0, 1, 2, 3}


def test_sine():
    X, y = ds.make_sine(n=50, noise=0.0, rng=0)
    assert X.shape == (50, 1) and y.shape == (50, 1)
    assert np.all(np.diff(X[:, 0]) >= 0)
    np.testing.assert_allclose(y, np.sin(X))
    assert X.min() >= -np.pi and X.max() <= np.pi
    X, y = ds.make_sine(n=50, noise=0.1, rng=0, low=0, high=1)
    assert 0 <= X.min() and X.max() <= 1
    with pytest.raises(ValueError, match="high"):
        ds.make_sine(n=5, low=1, high=0)


@pytest.mark.parametrize("kind", ["linear", "tanh"])
def test_teacher_student(kind):
    X, y, yc = ds.make_teacher_student(2000, d=30, noise=0.5, rng=0, kind=kind)
    assert X.shape == (2000, 30) and y.shape == (2000,) and yc.shape == (2000,)
    # the noise has the requested standard deviation
    assert abs(np.std(y - yc) - 0.5) < 0.03
    # a different rng gives new inputs but the same teacher: recover beta by least squares
    beta = np.linalg.lstsq(X, yc if kind == "linear" else np.arctanh(yc), rcond=None)[0]
    X2, _, yc2 = ds.make_teacher_student(50, d=30, rng=1, kind=kind)
    assert not np.allclose(X2, X[:50])
    g = (lambda s: s) if kind == "linear" else np.tanh
    np.testing.assert_allclose(yc2, g(X2 @ beta), atol=1e-8)
    # a different teacher seed gives a different teacher
    _, _, yc3 = ds.make_teacher_student(50, d=30, rng=1, kind=kind, teacher_seed=1)
    assert not np.allclose(yc2, yc3)
    with pytest.raises(ValueError, match="kind"):
        ds.make_teacher_student(5, kind="cubic")


def _rows(A):
    return sorted(map(tuple, A))


def test_train_test_split_disjoint_and_complete():
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20)
    Xtr, ytr, Xte, yte = ds.train_test_split(X, y, test_fraction=0.25, rng=0)
    assert len(Xte) == 5 and len(Xtr) == 15
    np.testing.assert_array_equal(Xtr[:, 0] / 2, ytr)  # rows stay paired with labels
    assert sorted(np.r_[ytr, yte]) == list(range(20))
    assert _rows(np.r_[Xtr, Xte]) == _rows(X)
    again = ds.train_test_split(X, y, test_fraction=0.25, rng=0)
    np.testing.assert_array_equal(again[3], yte)
    with pytest.raises(ValueError, match="at least one row"):
        ds.train_test_split(X[:2], y[:2], test_fraction=0.1)
    with pytest.raises(ValueError, match="same number of rows"):
        ds.train_test_split(X, y[:5])
    with pytest.raises(ValueError, match="test_fraction"):
        ds.train_test_split(X, y, test_fraction=1.0)


def test_train_val_test_split():
    X = np.arange(100.0).reshape(50, 2)
    y = np.arange(50)
    (Xtr, ytr), (Xva, yva), (Xte, yte) = ds.train_val_test_split(X, y, rng=0)
    assert (len(ytr), len(yva), len(yte)) == (30, 10, 10)
    assert sorted(np.r_[ytr, yva, yte]) == list(range(50))
    np.testing.assert_array_equal(Xva[:, 0] / 2, yva)
    with pytest.raises(ValueError, match="sum to 1"):
        ds.train_val_test_split(X, y, fractions=(0.6, 0.3, 0.3))
    with pytest.raises(ValueError, match="at least one row"):
        ds.train_val_test_split(X[:3], y[:3], fractions=(0.8, 0.1, 0.1))
    with pytest.raises(ValueError, match="three numbers"):
        ds.train_val_test_split(X, y, fractions=(0.5, 0.5))


def test_standardize_uses_train_statistics():
    rng = np.random.default_rng(0)
    Xtr = rng.normal(3.0, 2.0, size=(100, 3))
    Xtr[:, 2] = 7.0  # constant column
    Xte = rng.normal(-1.0, 5.0, size=(30, 3))
    Ztr, Zte, (mean, std) = ds.standardize(Xtr, Xte)
    np.testing.assert_allclose(Ztr[:, :2].mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(Ztr[:, :2].std(0), 1)
    np.testing.assert_array_equal(Ztr[:, 2], 0)  # no NaN from the std-0 column
    assert std[2] == 1.0
    np.testing.assert_allclose(Zte, (Xte - Xtr.mean(0)) / np.where(Xtr.std(0) == 0, 1, Xtr.std(0)))
    assert abs(Zte[:, 0].mean()) > 1  # test statistics were not used
    Z_only, (m, s) = ds.standardize(Xtr)
    np.testing.assert_array_equal(Z_only, Ztr)
    with pytest.raises(ValueError, match="3 columns"):
        ds.standardize(Xtr, Xte[:, :2])


# -- load_digits: the real data set of chapter 7 ----------------------------------------------

def _digits_csv() -> np.ndarray:
    """scikit-learn's digits file read directly: 64 pixel columns, then the label."""
    import gzip
    from importlib import resources

    pytest.importorskip("sklearn")
    with resources.files("sklearn.datasets").joinpath("data/digits.csv.gz").open("rb") as raw:
        return np.loadtxt(gzip.open(raw, "rt"), delimiter=",")


def test_load_digits_matches_the_file():
    X, y = ds.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype.kind == "i"
    table = _digits_csv()
    np.testing.assert_array_equal(X, table[:, :64])
    np.testing.assert_array_equal(y, table[:, 64])


def test_load_digits_values_and_first_image():
    X, y = ds.load_digits()
    assert X.min() == 0 and X.max() == 16 and np.all(X == np.round(X)), "pixel counts 0..16"
    counts = np.bincount(y)
    assert len(counts) == 10 and counts.sum() == 1797 and counts.min() >= 174
    # the first scan is a zero (UCI optdigits), row by row
    np.testing.assert_array_equal(X[0].reshape(8, 8)[:3], [[0, 0, 5, 13, 9, 1, 0, 0],
                                                           [0, 0, 13, 15, 10, 15, 5, 0],
                                                           [0, 3, 15, 2, 0, 11, 8, 0]])
    assert y[0] == 0
    X2, _ = ds.load_digits()
    X2[0, 0] = 99.0
    assert ds.load_digits()[0][0, 0] == 0, "every call returns fresh arrays"


def test_load_digits_without_scikit_learn(monkeypatch):
    import sys

    # a None entry in sys.modules makes `import sklearn.datasets` raise ImportError
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"pip install scikit-learn") as info:
        ds.load_digits()
    assert "book" in str(info.value) and "load_digits" in str(info.value)
