"""pytest plugin for nbval runs: the book's kernel environment, and each notebook's time.

    pytest --nbval-lax -p nbval_times chapters/      (with tools/ on PYTHONPATH, as `make test` does)

Loading the plugin gives the kernels nbval starts the same environment as the book build
(tools/project.py): the project's kernelspec and inline figures, so a figure that fails to draw
fails its cell. After the run it prints how long each notebook took (the sum of its cells).
"""
from __future__ import annotations

from collections import defaultdict

import project

project.use_kernel_env()
BUDGET_S = project.NOTEBOOK_BUDGET_S
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
