"""The old spelling of the course modules: use mlp.checks, mlp.datasets, mlp.double_descent,
mlp.plotting, mlp.widgets and mlp.answers. `mlp.course.<name>` still imports them, with a
DeprecationWarning, until REMOVE_AFTER; then this package goes.
"""
import warnings

REMOVE_AFTER = "2027-06-30"      # the end of the 2026/27 term: notebooks handed out before then
MODULES = ("answers", "checks", "datasets", "double_descent", "plotting", "widgets")


def deprecated(name: str) -> None:
    warnings.warn(f"mlp.course.{name} is now mlp.{name}; the old name works until {REMOVE_AFTER}. "
                  f"Write `from mlp import {name}` (or mlp.{name}) instead.", DeprecationWarning,
                  stacklevel=3)
