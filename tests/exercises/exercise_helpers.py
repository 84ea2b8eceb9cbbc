"""Shared by the exercise tests: the repository root and tools/exercises.py as `ex`."""
from __future__ import annotations

from pathlib import Path

from tools import exercises as ex  # noqa: F401  (the test modules' `ex`)

ROOT = Path(__file__).resolve().parents[2]
