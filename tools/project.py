"""Facts about this project that several tools need, each written down once.

- ``kernel_env()``: the environment in which the book's notebooks run (the book build,
  the benchmarks). Kernels find the project's own kernelspec through JUPYTER_PATH, and they
  draw figures inline: ipykernel keeps its inline backend only when MPLBACKEND is unset, so an
  inherited ``MPLBACKEND=Agg`` would turn every ``plt.show()`` into nothing on the site.
- ``KERNEL_ARGS``: the kernel settings of the book's builds (tools/build_book.py executes the
  notebooks with them): figures are drawn for high-density screens (IPython's "retina" format,
  a PNG at twice the resolution that pages show at its normal size, and print at 200 dpi), and
  each figure's text says how many panels it has side by side (mlp.widgets.note_panel_columns),
  which the website uses to give every panel room on a phone (_ext/light_pages.py).
- ``NOTEBOOK_BUDGET_S``: every notebook runs top to bottom in under this many seconds on the
  course's 2-core reference machine (timings.md explains it and quotes this number).
- ``files_digest()``: one SHA-256 over files and their paths, for every "did anything change?"
- ``log_problems()``: the warnings and errors of a Sphinx build's log (the site and the PDF).
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
JUPYTER_PATH = VENV / "share" / "jupyter"
NOTEBOOK_BUDGET_S = 30.0
KERNEL_ARGS = ["--InlineBackend.figure_formats=retina",
               "--IPKernelApp.exec_lines=['import mlp.widgets; mlp.widgets.note_panel_columns()']"]


def kernel_env(base: dict | None = None) -> dict:
    """A copy of ``base`` (default: os.environ) fit for running the book's notebooks."""
    env = dict(os.environ if base is None else base)
    env["JUPYTER_PATH"] = str(JUPYTER_PATH)
    env.pop("MPLBACKEND", None)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def use_kernel_env() -> None:
    """Make this process's environment ``kernel_env()``, for kernels it starts later."""
    env = kernel_env()
    os.environ.pop("MPLBACKEND", None)
    os.environ.update(env)


def files_digest(files, root: Path = ROOT) -> str:
    """SHA-256 over each file's path (relative to `root`) and bytes, in path order."""
    h = hashlib.sha256()
    for f in sorted({Path(f) for f in files}):
        h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def log_problems(log: str) -> list[str]:
    """The lines of a Sphinx build's log that a build must not have: warnings and errors (but not
    jupyter_client's note that a kernel on this machine talks over TCP without encryption)."""
    return [line for line in log.splitlines() if re.search(r"\bWARNING\b|\bERROR\b", line)
            and "Kernel is running over TCP without encryption" not in line]
