"""Build the website with warnings as errors, and fail if the log shows any warning at all.

    python tools/build_book.py          # jupyter-book build -W --keep-going . ; log in _build/book.log

Sphinx rebuilds only the pages whose source changed, so an edit to `mlp/` (which every notebook
imports), to the extensions in `_ext/` or to the configuration would leave stale pages. When any
of those changed since the last build, every page is rebuilt and every notebook executed again.
"""
from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import project  # noqa: E402  (the kernels' environment: inline figures, this project's kernelspec)

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "_build" / "book.log"
STAMP = ROOT / "_build" / ".book-inputs"


def inputs_fingerprint() -> str:
    """A hash of what every page depends on besides its own source."""
    h = hashlib.sha256()
    files = sorted([*ROOT.glob("mlp/**/*.py"), *ROOT.glob("_ext/*.py"), ROOT / "_config.yml",
                    ROOT / "_toc.yml", ROOT / "references.bib", Path(__file__)])
    for f in files:
        h.update(str(f.relative_to(ROOT)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def executed_errors() -> list[str]:
    """Error outputs in the executed notebooks. An exception raised while a figure is drawn (a bad
    mathtext label, say) happens after the cell has finished, in the inline backend's display
    hook, so the build does not count it as a failed cell; it would show as a traceback on the page."""
    import nbformat

    found = []
    for path in sorted((ROOT / "_build" / "jupyter_execute").rglob("*.ipynb")):
        for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error":
                    found.append(f"ERROR {path.relative_to(ROOT)}, cell {i}: {out.get('ename')}: "
                                 f"{str(out.get('evalue', '')).strip()[:300]}")
    return found


def main() -> int:
    LOG.parent.mkdir(exist_ok=True)
    jb = Path(sys.executable).with_name("jupyter-book")
    fingerprint = inputs_fingerprint()
    stale = not STAMP.is_file() or STAMP.read_text() != fingerprint
    cmd = [str(jb), "build", "-W", "--keep-going", *(["--all"] if stale else []), str(ROOT)]
    print("$", " ".join(cmd), flush=True)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=project.kernel_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - start
    LOG.write_text(proc.stdout)
    warnings = [line for line in proc.stdout.splitlines() if re.search(r"\bWARNING\b|\bERROR\b", line)
                and "Kernel is running over TCP without encryption" not in line]
    for line in warnings:
        print(line)
    warnings += executed_errors()
    if proc.returncode != 0 or warnings:
        print(proc.stdout[-4000:])
        print(f"book build FAILED (exit {proc.returncode}, {len(warnings)} warnings); full log: {LOG}")
        return 1
    STAMP.write_text(fingerprint)
    print(f"book build OK in {seconds:.0f} s with 0 warnings; log: {LOG}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
