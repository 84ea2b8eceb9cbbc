"""Split scikit-learn's 1,797 digits into the course's part and exercise 7's held-out part.

    python -m tools.make_digits_split      # writes the two files below (run once; committed)

- mlp/data/digits-course.npz: 1,497 digits, shipped inside the course package, so that
  exercise 7 needs no scikit-learn (`mlp.datasets.load_course_digits()`);
- exercises/07-digits/heldout-digits.npz: the other 300 (30 of each digit, chosen with a fixed
  seed), which only the autograder holds: grading scores a student's network on digits that are
  not in the student's notebook, package or sandbox.
Pixels are stored as the integers 0..16 they are, with the labels, in the file's original order.
tests/exercises/test_digits_data.py checks that the two parts are disjoint and make up
scikit-learn's data exactly.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "mlp" / "data" / "digits-course.npz"
HELDOUT = ROOT / "exercises" / "07-digits" / "heldout-digits.npz"
PER_DIGIT, SEED = 30, 2026


def split(y: np.ndarray) -> np.ndarray:
    """Indices of the held-out digits: PER_DIGIT of each label, drawn with SEED, sorted."""
    rng = np.random.default_rng(SEED)
    return np.sort(np.concatenate([rng.choice(np.flatnonzero(y == d), PER_DIGIT, replace=False)
                                   for d in range(10)]))


def main() -> None:
    from sklearn.datasets import load_digits

    data = load_digits()
    X, y = data.data.astype(np.uint8), data.target.astype(np.uint8)
    held = np.zeros(len(y), dtype=bool)
    held[split(y)] = True
    COURSE.parent.mkdir(parents=True, exist_ok=True)
    HELDOUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(COURSE, X=X[~held], y=y[~held])
    np.savez_compressed(HELDOUT, X=X[held], y=y[held])
    print(f"{COURSE.relative_to(ROOT)}: {(~held).sum()} digits; "
          f"{HELDOUT.relative_to(ROOT)}: {held.sum()}")


if __name__ == "__main__":
    main()
