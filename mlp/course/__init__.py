"""Course support: what the chapters and exercises use around the core of `mlp`.

  checks          diagnoses of students' answers, called by the exercises' tests
  datasets        XOR, gates, moons, blobs, regression sets, splits
  plotting        decision boundaries, learning curves, loss surfaces, diagrams (matplotlib)
  widgets         figure sliders that work with or without a running kernel (ipywidgets)
  double_descent  random-features regression through the interpolation threshold

They are also reachable under their old names (`mlp.datasets`, `from mlp import checks`, ...).
"""
from . import checks, datasets, double_descent, plotting, widgets

__all__ = ["checks", "datasets", "double_descent", "plotting", "widgets"]
