"""One submission: read its notebook as data, and grade it in a judge process of its own.

Shared by local batch grading (grading.batch) and Gradescope (grading.gradescope), so a notebook
gets the same score both ways. Reading a notebook runs nothing: it is JSON, and only the source text
of its code cells is kept (`grader.check(...)` calls stay: while grading they do nothing, and the
rest of their cell runs). The judge (grading.judge) runs in a separate process with limits of its
own (memory, CPU, a wall-clock backstop); whatever happens to it, the caller gets a result with a
status and a reason, and nothing of the judge's own error output reaches the student.
"""
from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import results, sandbox
from .limits import Limits

MAX_BYTES = 32 * 2**20


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
    except RecursionError:
        raise Invalid("not a valid notebook: its JSON is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise Invalid(f"not a valid notebook: it is not JSON ({results.clean(exc, 120)})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise Invalid("not a valid notebook: it has no list of cells")
    if nb.get("nbformat") != 4:
        raise Invalid(f"not a valid notebook: nbformat "
                      f"{results.clean(repr(nb.get('nbformat')), 40)}, expected 4")
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
            cells.append(source)
    return cells


def _judge_limits(limits: Limits):
    def apply():
        mb = 2**20
        memory = limits.judge_memory_mb * mb
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        cpu = int(limits.judge_wall_s)
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def judge(exercise_dir: Path, cells: list[str], limits: Limits | None = None,
          name: str = "submission", python: str | Path | None = None, hide=(),
          env: dict | None = None) -> tuple[dict, str, dict]:
    """Grade code cells in a judge process: (result, instructor log, facts). Never raises.
    `python`: the grading environment's (default: this one's). `hide`: folders the fallback
    sandbox covers (grading.isolation). `env`: more GRADING_* settings for the judge."""
    limits = limits or Limits()
    questions = json.loads((exercise_dir / "exercise.json").read_text())["questions"]
    with tempfile.TemporaryDirectory(prefix="judge-") as tmp:
        tmp = Path(tmp)
        (tmp / "cells.json").write_text(json.dumps(cells))
        cmd = [str(python or sys.executable), "-I",
               str(exercise_dir / "grader" / "grading" / "judge.py"),
               str(exercise_dir), str(tmp / "cells.json"), str(tmp), "--limits", limits.to_json(),
               "--name", name, "--uid-log", str(tmp / "uids")]
        extra_env = env or {}
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg",
               **{k: v for k, v in os.environ.items() if k.startswith("GRADING_")}}
        if hide:
            env["GRADING_HIDE"] = os.pathsep.join(str(p) for p in hide)
        env.update(extra_env)
        t0 = time.monotonic()
        with open(tmp / "stderr.txt", "w+") as err:   # a file, never a pipe that could fill up
            proc = subprocess.Popen(cmd, cwd=tmp, stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                                    env=env, start_new_session=True,
                                    preexec_fn=_judge_limits(limits))
            try:
                proc.wait(timeout=limits.judge_wall_s)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            seconds = time.monotonic() - t0
            err.seek(0)
            stderr = err.read()[-4000:]
        try:
            result = results.validate(json.loads((tmp / "result.json").read_text()))
            log = (tmp / "log.txt").read_text(errors="backslashreplace")
            facts = json.loads((tmp / "facts.json").read_text())
        except (OSError, ValueError):
            sandbox.stop_leftovers(proc.pid, tmp / "uids")
            if proc.returncode == -signal.SIGKILL and seconds >= limits.judge_wall_s:
                why = (f"grading took longer than {limits.judge_wall_s:g} s of wall-clock time "
                       "and was stopped; it will be graded again")
            else:
                why = (f"the grader failed (exit {proc.returncode}); the instructor's log has the "
                       "details, and it will be graded again")
            return (results.failure(questions, "error", why, seconds),
                    f"{why}\ngrader output:\n{stderr}", {})
    result["extra_data"]["seconds"] = round(seconds, 2)
    return result, log, facts
