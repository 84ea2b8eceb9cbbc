"""The limits of grading one submission, defined once and handed along as one object.

    make grade CELL_SECONDS=30  ->  python -m tools.exercises grade --cell-seconds 30
        -> Limits(cell_cpu_s=30)
        -> grading.submission.judge (as JSON on the judge's command line) -> grading.judge
        -> grading.session.Session -> grading.sandbox.Sandbox (cgroup, rlimits)

Gradescope's entry point (grading.gradescope) uses the defaults, or a ``limits.json`` in the zip.

Time limits are in the submission's own CPU time (its cgroup's, every process included): a busy
neighbour slows a notebook down but cannot make it run out of time. Wall-clock limits exist only as
a backstop against a machine that is overloaded, and a submission stopped by one is graded
``error`` (not its fault; `make grade` grades it again on the next run), never zero.
"""
from __future__ import annotations

import dataclasses
import json


@dataclasses.dataclass(frozen=True)
class Limits:
    cell_cpu_s: float = 60.0        # CPU seconds one cell, or one call of a test, may use
    submission_cpu_s: float = 600.0  # CPU seconds of the whole submission, restarts included
    wall_factor: float = 5.0        # backstop: a cell may take wall_factor * cell_cpu_s + 30 s
    startup_s: float = 90.0         # wall seconds to start Python and the notebook's shell
    memory_mb: int = 3072           # memory of all the submission's processes together
    cores: float = 1.0              # CPU cores the submission may use at once
    pids: int = 64                  # processes and threads of the submission
    file_mb: int = 64               # largest file it may write
    tmpfs_mb: int = 128             # size of its private home and of its /tmp
    judge_memory_mb: int = 4096     # address space of the trusted judge process
    judge_wall_s: float = 900.0     # the judge's whole run, wall clock (backstop)

    def wall_backstop(self, cpu_s: float) -> float:
        """Wall seconds after which a step using `cpu_s` CPU seconds is stopped as overloaded."""
        return self.wall_factor * cpu_s + 30.0

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Limits":
        data = json.loads(text)
        known = {f.name: f.type for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ValueError(f"unknown grading limit(s) {unknown}; known: {sorted(known)}")
        return cls(**data)

    def replace(self, **changes) -> "Limits":
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})
