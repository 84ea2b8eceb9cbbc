"""Execution time of the book's notebooks, each on a fresh kernel, and of `make test`.

Every notebook listed in _toc.yml is executed top to bottom with nbclient on a new python3
kernel (the book's kernel environment, tools/project.py: inline figures included), timed from
kernel start to shutdown, which is what a reader on Colab or the book build pays. The whole
book is the sum: the notebooks run one after the other.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tools import project

ROOT = Path(__file__).resolve().parents[1]

NOTEBOOK_TARGET_S = project.NOTEBOOK_BUDGET_S
BOOK_TARGET_S = 180.0
MAKE_TEST_TARGET_S = 480.0


def book_notebooks() -> list[Path]:
    """The .ipynb files of the table of contents, in reading order."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())

    def files(entries):
        return [f for e in entries for f in [e["file"], *files(e.get("sections", []))]]

    names = [toc["root"], *files([c for part in toc.get("parts", []) for c in part["chapters"]])]
    paths = [ROOT / (f if f.endswith(".ipynb") else f + ".ipynb") for f in names]
    return [p for p in paths if p.exists()]


def _kernel_env() -> None:
    project.use_kernel_env()   # what the book build uses: inline figures are part of the cost


def run_notebook(path: Path, timeout: int = 300) -> dict:
    """Execute one notebook on a fresh kernel; return its wall time and any error."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    _kernel_env()
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            extra_arguments=project.KERNEL_ARGS,     # as the book build runs it
                            resources={"metadata": {"path": str(path.parent)}})
    error = None
    t0 = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as exc:
        lines = [ln for ln in str(exc).splitlines() if ln.strip()]
        error = lines[-1][:200] if lines else "cell error"
    except Exception as exc:  # a kernel that dies or times out: report it, keep going
        error = f"{type(exc).__name__}: {str(exc)[:200]}"
    seconds = time.perf_counter() - t0
    n_code = sum(c.cell_type == "code" for c in nb.cells)
    return {"notebook": str(path.relative_to(ROOT)), "seconds": seconds, "code_cells": n_code,
            "error": error, "within_target": error is None and seconds <= NOTEBOOK_TARGET_S}


def empty_kernel_seconds() -> float:
    """The fixed cost every notebook pays: start a kernel, run nothing, shut it down."""
    import nbformat
    from nbclient import NotebookClient

    _kernel_env()
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("pass"))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=60, kernel_name="python3",
                   extra_arguments=project.KERNEL_ARGS).execute()
    return time.perf_counter() - t0


def book(progress=print) -> dict:
    notebooks = []
    for path in book_notebooks():
        result = run_notebook(path)
        progress(f"  {result['notebook']}: {result['seconds']:.1f} s"
                 + (f"  ERROR {result['error']}" if result["error"] else ""))
        notebooks.append(result)
    total = sum(r["seconds"] for r in notebooks)
    return {
        "what": "every notebook in _toc.yml executed on a fresh python3 kernel with nbclient",
        "kernel_fixed_cost_s": empty_kernel_seconds(),
        "notebooks": notebooks,
        "total_seconds": total,
        "targets": {"notebook_s": NOTEBOOK_TARGET_S, "book_s": BOOK_TARGET_S},
        "all_ran": all(r["error"] is None for r in notebooks),
    }


def make_test() -> dict:
    """Wall time of `make test` (all stages); minutes, so only on request."""
    t0 = time.perf_counter()
    proc = subprocess.run(["make", "test"], cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - t0
    tail = proc.stdout.strip().splitlines()[-15:]
    return {"what": "make test (package tests, notebooks, site build, browser tests)",
            "seconds": seconds, "returncode": proc.returncode, "passed": proc.returncode == 0,
            "target_s": MAKE_TEST_TARGET_S, "tail": tail}


if __name__ == "__main__":
    for p in sys.argv[1:] or book_notebooks():
        print(run_notebook(Path(p).resolve()))
