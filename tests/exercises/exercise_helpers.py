"""Shared by the exercise tests: the repository root and tools/exercises.py as `ex`."""
from __future__ import annotations

import os
from pathlib import Path

from tools import exercises as ex  # noqa: F401  (the test modules' `ex`)

ROOT = Path(__file__).resolve().parents[2]


def user_mode_unavailable() -> str | None:
    """Why the fallback sandbox (user ids of its own) cannot grade here, or None. Its users must
    be able to enter every folder above the grading environment, which lives in this checkout's
    _build/grading: a checkout under a private folder (root's home, a mktemp -d) closes it."""
    from tools.grading import environment

    if os.geteuid() != 0:
        return "the fallback sandbox with user ids of its own needs root"
    venv = environment.ensure(quiet=True).parent.parent
    closed = [str(d) for d in (venv, *venv.parents) if not os.stat(d).st_mode & 0o001]
    if closed:
        return (f"the fallback sandbox's users cannot enter {closed[-1]} (mode "
                f"{os.stat(closed[-1]).st_mode & 0o777:o}), above the grading environment; check "
                "out the repository where every user may enter, as CI does")
    return None
