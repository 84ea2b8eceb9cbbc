"""Execute the book's notebooks once, then build the website from them.

    python -m tools.build_book                  # make book / make test-book: execute, then build
    python -m tools.build_book --execute-only   # make test-notebooks: execute, check every notebook

Every notebook of _toc.yml is executed at most once per change, here, and the result is kept
in a jupyter-cache (_build/.jupyter_cache). Both builds read it (`execute_notebooks: cache` in
_config.yml): the website (this script) and the PDF (tools/build_pdf.py), so a CI run that
checks the notebooks, builds the PDF and builds the site executes each notebook once. A build
that had to execute a notebook itself (the cache did not match) fails: that would be a second
execution, with other kernel settings.

The cache matches a notebook by its code cells (source and metadata), so an edited markdown
cell does not execute anything again. With BOOK_CACHED_ONLY=1 (CI, after its one execution)
a notebook missing from the cache is an error rather than a second execution. What the
notebooks import is not in that key: when `mlp/`, its data or the kernel settings
(tools/project.py) change, the cache is emptied.

The site build runs `jupyter-book build -W --keep-going` and fails if the log shows any
warning. Sphinx rebuilds only the pages whose source changed, so when `_ext/`, `_static/`, the
configuration or the bibliography changed since the last build, or a notebook ran again (its
outputs in the cache are newer), every page is read and written again.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import project  # the kernels' environment: inline figures, this project's kernelspec

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "_build" / "book.log"
STAMP = ROOT / "_build" / ".book-inputs"
CACHE = ROOT / "_build" / ".jupyter_cache"     # _config.yml: execute.cache
# What a build prints when it executes a notebook itself instead of taking it from the cache.
SPHINX_EXECUTED = re.compile(r"^(\S+\.ipynb): Executing notebook", re.M)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def inputs_fingerprint() -> str:
    """A hash of what every page depends on besides its own source."""
    return project.files_digest([*ROOT.glob("mlp/**/*.py"), *ROOT.glob("_ext/*.py"),
                                 *ROOT.glob("_static/*"), ROOT / "_config.yml", ROOT / "_toc.yml",
                                 ROOT / "references.bib", Path(__file__)])


def outputs_fingerprint(cache_folder: Path = CACHE, paths: list[Path] | None = None) -> str:
    """Which execution of each notebook the cache holds now: a build made from other outputs
    (the notebooks ran again since, e.g. in `make test-notebooks`) is stale."""
    import nbformat
    from jupyter_cache import get_cache

    if not cache_folder.is_dir():
        return ""
    cache, parts = get_cache(str(cache_folder)), []
    for path in book_notebooks() if paths is None else paths:
        try:
            record = cache.match_cache_notebook(nbformat.read(path, as_version=4))
            parts.append(f"{_name(path)}:{record.pk}:{record.created.isoformat()}")
        except KeyError:
            parts.append(f"{_name(path)}:-")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def build_fingerprint() -> str:
    """What a built site or PDF depends on: its inputs and the notebooks' outputs."""
    return hashlib.sha256((inputs_fingerprint() + outputs_fingerprint()).encode()).hexdigest()


def execution_fingerprint() -> str:
    """A hash of what the notebooks' outputs depend on besides their code cells: the package
    they import, its data, and the kernel settings."""
    data = [p for p in ROOT.glob("mlp/**/*") if p.is_file() and "__pycache__" not in p.parts]
    return project.files_digest([*data, ROOT / "tools" / "project.py"])


def book_notebooks() -> list[Path]:
    """The .ipynb files of _toc.yml, in reading order."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())

    def files(entries):
        return [f for e in entries for f in [e["file"], *files(e.get("sections", []))]]

    names = [toc["root"], *files([c for part in toc.get("parts", []) for c in part["chapters"]])]
    return [p for p in (ROOT / f"{n.removesuffix('.ipynb')}.ipynb" for n in names) if p.is_file()]


def cell_timeout() -> int:
    import yaml

    return int(yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]["timeout"])


def open_cache(folder: Path = CACHE):
    """The book's jupyter-cache, emptied first if what the notebooks import has changed (the
    fingerprint of the last filling is kept next to it, in <folder>-inputs)."""
    from jupyter_cache import get_cache

    fingerprint, stamp = execution_fingerprint(), folder.with_name(folder.name + "-inputs")
    if folder.exists() and (not stamp.is_file() or stamp.read_text() != fingerprint):
        shutil.rmtree(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    cache = get_cache(str(folder))
    stamp.write_text(fingerprint)
    return cache


def executed(path: Path, cache_folder: Path = CACHE):
    """The notebook at `path` with the outputs of its execution in the cache (what both builds
    show), or None if it has not been executed since it last changed."""
    import nbformat
    from jupyter_cache import get_cache

    if not cache_folder.is_dir():
        return None
    try:
        return get_cache(str(cache_folder)).merge_match_into_notebook(
            nbformat.read(path, as_version=4))[1]
    except KeyError:
        return None


def error_outputs(nb) -> list[str]:
    """Error outputs of an executed notebook. An exception raised while a figure is drawn (a
    bad mathtext label, say) happens after its cell has finished, in the inline backend's
    display hook, so it does not stop the execution; it would show as a traceback on the page."""
    return [ANSI.sub("", f"cell {i}: {out.get('ename')}: "
                         f"{str(out.get('evalue', '')).strip()[:300]}")
            for i, cell in enumerate(nb.cells) for out in cell.get("outputs", [])
            if out.get("output_type") == "error"]


BENCH = ROOT / "benchmarks" / "results.json"


def longest_first(paths: list[Path]) -> list[Path]:
    """The notebooks in the order to start them: the longest first, by the times `make bench` last
    recorded (benchmarks/results.json), so that the longest is not left to run alone at the end
    (chapter 7, last in reading order, takes twice as long as the others); one not timed yet
    comes first, the others keep reading order among equals."""
    try:
        rows = json.loads(BENCH.read_text())["results"]["book"]["notebooks"]
        seconds = {r["notebook"]: float(r["seconds"]) for r in rows if r.get("seconds")}
    except (OSError, ValueError, KeyError, TypeError):
        seconds = {}
    return sorted(paths, key=lambda p: -seconds.get(_name(p), float("inf")))


def execute_one(path: str, timeout: int, env: dict) -> tuple[str, str | None, float, str | None]:
    """Run one notebook top to bottom on a fresh kernel (in a worker process).
    Returns (path, executed notebook as JSON or None, seconds, error or None)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    os.environ.clear()
    os.environ.update(env)
    nb = nbformat.read(path, as_version=4)
    # record_timing=False: timing metadata in the cells would change the key the builds look up
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                            record_timing=False, extra_arguments=project.KERNEL_ARGS,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as exc:
        lines = [ln for ln in str(exc).splitlines() if ln.strip()]
        error = "; ".join(error_outputs(nb)) or (lines[-1] if lines else "cell error")
        return path, None, time.perf_counter() - start, ANSI.sub("", error)[:500]
    except (CellTimeoutError, DeadKernelError) as exc:
        return path, None, time.perf_counter() - start, f"{type(exc).__name__}: {str(exc)[:300]}"
    seconds = time.perf_counter() - start
    errors = error_outputs(nb)
    if errors:
        return path, None, seconds, "; ".join(errors)
    return path, nbformat.writes(nb), seconds, None


def execute_notebooks(paths: list[Path] | None = None, workers: int | None = None,
                      progress=print, cache_folder: Path = CACHE) -> list[dict]:
    """Make sure every notebook's outputs are in the cache: those that are not (new, changed,
    or the cache was emptied) are executed, `workers` at a time. Returns one row per notebook:
    {"notebook", "status" ("cached", "executed" or "failed"), "seconds", "error"}."""
    import nbformat
    from jupyter_cache.base import CacheBundleIn

    cache = open_cache(cache_folder)
    paths = book_notebooks() if paths is None else paths
    rows, todo = {}, []
    for path in paths:
        name = _name(path)
        try:
            record = cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            todo.append(path)
            continue
        rows[name] = {"notebook": name, "status": "cached",
                      "seconds": record.data.get("execution_seconds"), "error": None}
    if todo and os.environ.get("BOOK_CACHED_ONLY") == "1":
        for path in todo:            # CI: everything ran once already; running again is a fault
            rows[_name(path)] = {"notebook": _name(path), "status": "failed", "seconds": None,
                                 "error": "not in the jupyter-cache, and BOOK_CACHED_ONLY=1 "
                                          "forbids executing it again (was it changed since it "
                                          "ran?)"}
        todo = []
    if todo:
        workers = max(1, min(workers or os.cpu_count() or 1, len(todo)))
        env = project.kernel_env()
        if workers > 1:   # one BLAS thread per kernel, or parallel kernels oversubscribe the cores
            env.setdefault("OPENBLAS_NUM_THREADS", "1")
            env.setdefault("OMP_NUM_THREADS", "1")
        progress(f"executing {len(todo)} notebook(s), {workers} at a time", flush=True)
        with concurrent.futures.ProcessPoolExecutor(workers) as pool:
            jobs = [pool.submit(execute_one, str(p), cell_timeout(), env)
                    for p in longest_first(todo)]
            for job in concurrent.futures.as_completed(jobs):
                path, text, seconds, error = job.result()
                name = _name(Path(path))
                rows[name] = {"notebook": name, "status": "failed" if error else "executed",
                              "seconds": seconds, "error": error}
                if error is None:
                    executed = nbformat.reads(text, as_version=4)
                    source = nbformat.read(path, as_version=4)
                    if cache.create_hashed_notebook(executed)[1] != \
                            cache.create_hashed_notebook(source)[1]:
                        raise RuntimeError(f"{name}: executing changed its code cells' source or "
                                           "metadata, so the builds would not find it in the cache")
                    cache.cache_notebook_bundle(
                        CacheBundleIn(executed, path, data={"execution_seconds": seconds}),
                        check_validity=False, overwrite=True)
                progress(f"  {name}: {'FAILED ' + error if error else f'{seconds:.1f} s'}",
                         flush=True)
    return [rows[_name(p)] for p in paths]


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def report(rows: list[dict]) -> str:
    budget = project.NOTEBOOK_BUDGET_S
    lines = ["notebook execution (fresh kernel each; 'cached': unchanged since it ran)"]
    for r in rows:
        seconds = r["seconds"]
        timing = f"{seconds:6.1f} s" if seconds is not None else "     ? s"
        flag = f"   over the {budget:.0f} s budget" if seconds and seconds > budget else ""
        error = f"   FAILED: {r['error']}" if r["error"] else ""
        lines.append(f"  {timing}  {r['status']:<8}  {r['notebook']}{flag}{error}")
    return "\n".join(lines)


def executed_by_sphinx(log: str) -> list[str]:
    """Notebooks that a Sphinx build executed itself: the cache did not match them."""
    return sorted(set(SPHINX_EXECUTED.findall(log)))


def execute_or_explain(progress=print) -> bool:
    rows = execute_notebooks(progress=progress)
    failed = [r for r in rows if r["status"] == "failed"]
    if failed:
        print(report(rows))
        print(f"{len(failed)} notebook(s) failed; run one with 'jupyter lab' or "
              f"'.venv/bin/jupyter nbconvert --execute --to notebook <path>' to see the traceback")
    return not failed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--execute-only", action="store_true",
                        help="execute the notebooks into the cache and report; build nothing")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.execute_only:
        rows = execute_notebooks()
        print(report(rows))
        failed = [r for r in rows if r["status"] == "failed"]
        executed = [r for r in rows if r["status"] == "executed"]
        total = sum(r["seconds"] or 0 for r in executed)
        print(f"{len(rows)} notebooks: {len(executed)} executed ({total:.0f} s of kernel time, "
              f"{time.perf_counter() - start:.0f} s wall), "
              f"{len(rows) - len(executed) - len(failed)} unchanged in the cache, "
              f"{len(failed)} failed")
        return 1 if failed else 0

    LOG.parent.mkdir(exist_ok=True)
    if not execute_or_explain():
        print("book build FAILED: a notebook does not run")
        return 1
    jb = Path(sys.executable).with_name("jupyter-book")
    fingerprint = build_fingerprint()
    stale = not STAMP.is_file() or STAMP.read_text() != fingerprint
    cmd = [str(jb), "build", "-W", "--keep-going", *(["--all"] if stale else []), str(ROOT)]
    print("$", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, cwd=ROOT, env=project.kernel_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - start
    LOG.write_text(proc.stdout)
    warnings = project.log_problems(proc.stdout)
    for line in warnings:
        print(line)
    warnings += [f"ERROR {n}: executed by the build, not taken from the cache (tools/build_book.py)"
                 for n in executed_by_sphinx(proc.stdout)]
    if proc.returncode != 0 or warnings:
        print(proc.stdout[-4000:])
        print(f"book build FAILED (exit {proc.returncode}, {len(warnings)} warnings); "
              f"full log: {LOG}")
        return 1
    STAMP.write_text(fingerprint)
    print(f"book build OK in {seconds:.0f} s with 0 warnings; log: {LOG}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
