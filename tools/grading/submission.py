"""One submission: read its notebook as data, and grade it in a judge process of its own.

Shared by local batch grading (grading.batch) and Gradescope (grading.gradescope), so a
notebook gets the same score both ways. Reading a notebook runs nothing: it is JSON, and only the
source text of its code cells is kept. The judge (grading.judge) runs in a separate process with a
hard time limit; whatever happens to it, the caller gets a result with a status and a reason.
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MAX_BYTES = 32 * 2**20
# Cells that only print the student-side feedback: skipped while grading (they decide nothing).
FEEDBACK_ONLY = re.compile(r"\s*grader\.(check|check_all|export)\(.*\)\s*;?\s*")


class Invalid(ValueError):
    """The file cannot be graded; the message says why."""


def code_cells(path: Path) -> list[str]:
    """The source of every code cell of the notebook at `path`, in order."""
    st = os.lstat(path)
    if not path.is_file() or os.path.islink(path):
        raise Invalid("not a regular file")
    if st.st_size > MAX_BYTES:
        raise Invalid(f"the file has {st.st_size / 2**20:.0f} MB; a notebook may have at most "
                      f"{MAX_BYTES // 2**20} MB (clear the outputs before handing it in)")
    try:
        nb = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise Invalid(f"not a valid notebook: it is not JSON ({str(exc)[:120]})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise Invalid("not a valid notebook: it has no list of cells")
    if nb.get("nbformat") != 4:
        raise Invalid(f"not a valid notebook: nbformat {nb.get('nbformat')!r}, expected 4")
    cells = []
    for i, cell in enumerate(nb["cells"], start=1):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise Invalid(f"not a valid notebook: cell {i} is not a cell")
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise Invalid(f"cell {i}'s source is not text ({type(source).__name__})")
        if cell["cell_type"] == "code":
            cells.append("" if FEEDBACK_ONLY.fullmatch(source) else source)
    return cells


def failure(questions: list[dict], status: str, reason: str) -> dict:
    """Results for a submission that could not be graded: zero points, and why."""
    return {"score": 0.0, "output": f"Not graded: {reason}", "stdout_visibility": "hidden",
            "tests": [{"name": q["name"], "score": 0.0, "max_score": q["points"],
                       "output": f"{q['name']}: 0 / {q['points']:g} points (not graded: {reason})",
                       "visibility": "visible"} for q in questions if not q["manual"]],
            "extra_data": {"status": status, "reason": reason}}


def judge(exercise_dir: Path, cells: list[str], slot: int = 0, timeout: float = 300,
          cell_limit: float = 60, memory_mb: int = 3072) -> tuple[dict, str]:
    """Grade code cells in a judge process; (result, instructor log). Never raises."""
    questions = json.loads((exercise_dir / "exercise.json").read_text())["questions"]
    with tempfile.TemporaryDirectory(prefix="judge-") as tmp:
        tmp = Path(tmp)
        (tmp / "cells.json").write_text(json.dumps(cells))
        cmd = [sys.executable, "-I", str(exercise_dir / "grader" / "grading" / "judge.py"),
               str(exercise_dir), str(tmp / "cells.json"), str(tmp / "result.json"),
               str(tmp / "log.txt"), "--slot", str(slot), "--cell-limit", str(cell_limit),
               "--call-limit", str(cell_limit), "--memory-mb", str(memory_mb),
               "--cpu-s", str(int(timeout))]
        t0 = time.monotonic()
        with open(tmp / "stderr.txt", "w+") as err:   # a file, never a pipe that could fill up
            proc = subprocess.Popen(cmd, cwd=tmp, stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                                    start_new_session=True)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                from . import sandbox
                sandbox.stop_slot(slot)
                return failure(questions, "timeout", f"grading took longer than {timeout:g} s and "
                               "was stopped"), ""
            err.seek(0)
            stderr = err.read()[-4000:]
        seconds = time.monotonic() - t0
        try:
            result = json.loads((tmp / "result.json").read_text())
            log = (tmp / "log.txt").read_text()
        except (OSError, ValueError):
            tail = " | ".join(stderr.strip().splitlines()[-3:])[-400:]
            return failure(questions, "error", f"the grader failed (exit {proc.returncode}): "
                           f"{tail}"), stderr
    result["extra_data"]["seconds"] = round(seconds, 2)
    return result, log
