"""Shared fixtures: the exercises are built once (under a lock, since pytest-xdist runs workers
in parallel) into _build/exercises, exactly as `make exercises` does."""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest
from exercise_helpers import ex


@pytest.fixture(scope="session")
def built() -> Path:
    ex.BUILD.mkdir(parents=True, exist_ok=True)
    with open(ex.BUILD / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            only = os.environ.get("ONLY_EXERCISES")
            ex.build(only.split(",") if only else None)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return ex.BUILD
