"""pytest plugin: after an nbval run, print how long each notebook took (sum of its cells).

    pytest --nbval-lax -p nbval_times chapters/      (with tools/ on PYTHONPATH, as `make test` does)
"""
from __future__ import annotations

from collections import defaultdict

BUDGET_S = 60.0  # each notebook must run in under a minute on the course's 2-core machine
_times: dict[str, float] = defaultdict(float)


def pytest_runtest_logreport(report):
    if "::Cell " in report.nodeid:
        _times[report.nodeid.split("::", 1)[0]] += report.duration


def pytest_terminal_summary(terminalreporter):
    if not _times:
        return
    tr = terminalreporter
    tr.section("notebook execution times (sum of cell times)")
    for path, seconds in sorted(_times.items()):
        flag = "" if seconds < BUDGET_S else f"   over the {BUDGET_S:.0f} s budget"
        tr.write_line(f"{seconds:7.1f} s  {path}{flag}")
    tr.write_line(f"{sum(_times.values()):7.1f} s  all notebooks, one after the other")
