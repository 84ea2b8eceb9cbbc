"""Fixtures for the tests of `mlp`; the reference helpers are in helpers.py (imported by name,
so that they never clash with the conftest.py of tests/exercises or tests/site)."""
import numpy as np
import pytest


@pytest.fixture
def rng():
    """A fresh, seeded Generator for every test (tests never share random state)."""
    return np.random.default_rng(0)
