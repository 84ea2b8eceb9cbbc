"""Exercise 7's data: the course's digits (in the package) and the held-out digits (only in the
autograder) are disjoint, 30 of each digit are held out, and together they are scikit-learn's
1,797 scans exactly."""
from __future__ import annotations

import zipfile
from collections import Counter

import numpy as np
import pytest
from exercise_helpers import ROOT

import mlp


def rows(X, y):
    return Counter((bytes(np.asarray(x, dtype=np.uint8)), int(t)) for x, t in zip(X, y))


def test_course_and_held_out_digits_partition_scikit_learns():
    sklearn = pytest.importorskip("sklearn.datasets")
    full = sklearn.load_digits()
    X, y = mlp.datasets.load_course_digits()
    held = np.load(ROOT / "exercises" / "07-digits" / "heldout-digits.npz", allow_pickle=False)
    course, heldout = rows(X, y), rows(held["X"], held["y"])
    assert sum(course.values()) == 1497 and sum(heldout.values()) == 300
    assert np.bincount(held["y"]).tolist() == [30] * 10
    assert not set(course) & set(heldout), "a held-out digit is also in the course's data"
    assert course + heldout == rows(full.data, full.target)


def test_held_out_digits_reach_only_the_judge(built):
    name = "07-digits"
    with zipfile.ZipFile(built / "autograder" / f"{name}.zip") as zf:
        assert "tests/data/heldout-digits.npz" in zf.namelist()
        assert not any("heldout" in n for n in zf.namelist()
                       if n.startswith(("grader/", "public/")))
    with zipfile.ZipFile(built / "site" / "downloads" / f"{name}.zip") as zf:
        assert not any(n.endswith(".npz") for n in zf.namelist())
    assert not list((ROOT / "exercises" / name / "student").rglob("*.npz"))
