"""Read an exercise's test files (otter-grader's exception-based format) without importing otter.

A test file defines `name`, optionally `points`, and functions decorated with
``@test_case(points=..., hidden=..., success_message=...)`` whose parameters name the notebook's
variables. ``import otter`` costs seconds (it loads pandas), which would dominate the time to grade
a submission, so the judge gives the files a stand-in ``otter.test_files.test_case`` instead.
Points are resolved as otter resolves them (``resolve_points``; tested against otter itself): a
case's own points, or an equal share of what the file's `points` leaves over.
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
    def __init__(self, name=None, points=None, hidden=False, success_message=None,
                 failure_message=None):
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
    for case, points in zip(cases, resolve_points(env.get("points"), [c.points for c in cases])):
        case.points = points
    return TestFile(env["name"], cases, bool(env.get("all_or_nothing", False)))


def resolve_points(total, given: list) -> list[float]:
    """Each case's points, as otter-grader resolves them: a list `total` gives each case its own;
    otherwise the cases' own points, and what `total` leaves over shared equally among the cases
    without any (1 point shared when neither says anything, 0 when only the cases do)."""
    if isinstance(total, list):
        if len(total) != len(given):
            raise ValueError(f"the test file gives {len(total)} point values for "
                             f"{len(given)} test cases")
        given, total = list(total), None
    elif total is not None and not isinstance(total, (int, float)):
        raise TypeError(f"the test file's points must be a number or a list, "
                        f"got {type(total).__name__}")
    specified = sum(p for p in given if p is not None)
    unspecified = sum(1 for p in given if p is None)
    if total is not None:
        if specified > total:
            raise ValueError(f"the test cases give {specified:g} points, more than the file's "
                             f"{total:g}")
        share = (total - specified) / unspecified if unspecified else 0.0
    elif specified == 0:
        share = 1 / unspecified if unspecified else 0.0
    else:
        share = 0.0
    return [float(p) if p is not None else share for p in given]
