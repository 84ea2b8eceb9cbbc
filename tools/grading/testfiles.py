"""Read an exercise's test files (otter-grader's exception-based format) without importing otter.

A test file defines `name`, optionally `points`, and functions decorated with
``@test_case(points=..., hidden=..., success_message=...)`` whose parameters name the notebook's
variables. ``import otter`` costs seconds (it loads pandas), which would dominate the time to grade
a submission, so the judge gives the files a stand-in ``otter.test_files.test_case`` instead.
Points are resolved as otter resolves them: a case's own points, or an equal share of what the
file's `points` leaves over.
"""
from __future__ import annotations

import dataclasses
import inspect
import sys
import types
from pathlib import Path


@dataclasses.dataclass
class Case:
    name: str
    function: object
    points: float | None
    hidden: bool
    hint: str | None = None      # otter's failure_message: shown when a hidden case fails

    def call(self, env):
        """Call the test with the notebook's value of each of its parameters (None if missing);
        returns what the test returns (a test may return a line for the instructor's log)."""
        return self.function(**{p: env.get(p) for p in inspect.signature(self.function).parameters})


@dataclasses.dataclass
class TestFile:
    name: str
    cases: list
    all_or_nothing: bool = False


class test_case:  # noqa: N801  (the decorator's name in otter's format)
    def __init__(self, name=None, points=None, hidden=False, success_message=None, failure_message=None):
        self.name, self.points, self.hidden, self.hint = name, points, hidden, failure_message

    def __call__(self, function):
        self.function = function
        return self


def _stand_in_modules() -> dict:
    otter = types.ModuleType("otter")
    test_files = types.ModuleType("otter.test_files")
    test_files.test_case = test_case
    otter.test_files = test_files
    return {"otter": otter, "otter.test_files": test_files}


def load(path: Path) -> TestFile:
    saved = {k: sys.modules.get(k) for k in ("otter", "otter.test_files")}
    sys.modules.update(_stand_in_modules())
    try:
        env: dict = {"__file__": str(path)}    # tests may read data next to them (tests/data/)
        exec(compile(Path(path).read_text(), str(path), "exec"), env)
    finally:
        for key, module in saved.items():
            if module is None:
                sys.modules.pop(key, None)
            else:
                sys.modules[key] = module
    if "name" not in env:
        raise ValueError(f"test file {path} does not define 'name'")
    decorated = [v for v in env.values() if isinstance(v, test_case)]
    cases = [Case(d.name or f"{env['name']} - {i}", d.function, d.points, bool(d.hidden),
                  str(d.hint) if d.hint else None)
             for i, d in enumerate(decorated, start=1)]
    given = sum(c.points for c in cases if c.points is not None)
    rest = [c for c in cases if c.points is None]
    total = env.get("points")
    share = ((total - given) / len(rest) if total is not None else 0.0) if rest else 0.0
    for c in rest:
        c.points = share
    return TestFile(env["name"], cases, bool(env.get("all_or_nothing", False)))
