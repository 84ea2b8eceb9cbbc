"""Build the website with warnings as errors, and fail if the log shows any warning at all.

    python tools/build_book.py          # jupyter-book build -W --keep-going . ; log in _build/book.log
"""
from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "_build" / "book.log"


def main() -> int:
    LOG.parent.mkdir(exist_ok=True)
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", "-W", "--keep-going", str(ROOT)]
    print("$", " ".join(cmd), flush=True)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.perf_counter() - start
    LOG.write_text(proc.stdout)
    warnings = [line for line in proc.stdout.splitlines() if re.search(r"\bWARNING\b|\bERROR\b", line)
                and "Kernel is running over TCP without encryption" not in line]
    for line in warnings:
        print(line)
    if proc.returncode != 0 or warnings:
        print(proc.stdout[-4000:])
        print(f"book build FAILED (exit {proc.returncode}, {len(warnings)} warnings); full log: {LOG}")
        return 1
    print(f"book build OK in {seconds:.0f} s with 0 warnings; log: {LOG}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
