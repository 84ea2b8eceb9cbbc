"""Shared helpers for the benchmarks: repeated timing, summaries and the machine's description.

Timings on a shared machine are noisy, so every benchmark (1) warms up, (2) times several
repeats, interleaving the implementations it compares so that a burst of load hits them all,
and (3) reports the median with the min-max range. Ratios are taken between medians measured
in the same process and the same run.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
# mlp as it was before its second pass (one training step, the course modules in mlp/course):
# today's mlp must train as fast as this one, measured in the same run.
BASELINE_COMMIT = "2884716"
BASELINE_DIR = HERE / "baseline_mlp"


def summary(seconds: list[float], scale: float = 1.0) -> dict:
    """Median, min and max of a list of timings, multiplied by `scale` (e.g. 1e3 for ms)."""
    return {
        "median": statistics.median(seconds) * scale,
        "min": min(seconds) * scale,
        "max": max(seconds) * scale,
        "n": len(seconds),
    }


# Seconds to wait before each timed call when libraries with thread pools of their own share the
# process. OpenBLAS's worker threads keep spinning for a while after numpy's last product; torch's
# OpenMP threads started in that window share both cores with them. Measured on this machine:
# torch's big epoch took 174 ms straight after numpy's, 128 ms after a 0.05 s pause and 78 ms
# (as in a process of its own) after 0.2 s or 0.5 s.
SETTLE_S = 0.2


def interleaved(fns: dict, repeats: int, warmup: int = 1,
                settle: float = 0.0) -> dict[str, dict[str, list[float]]]:
    """Time each function `repeats` times, round-robin, after `warmup` untimed calls each.

    settle: seconds to sleep before every timed call (see SETTLE_S), so that no call pays for
    the threads the previous one left spinning.
    Returns {name: {"wall": [...], "cpu": [...]}}: wall-clock seconds, and the CPU seconds of
    this process. With one thread the CPU time leaves out the time spent waiting for a core
    that other programs hold, so on a shared machine it is the steadier of the two; with
    several BLAS threads it adds up their work (and their spinning), so only wall time counts.
    """
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    times = {name: {"wall": [], "cpu": []} for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            if settle:
                time.sleep(settle)
            c0, t0 = time.process_time(), time.perf_counter()
            fn()
            t1, c1 = time.perf_counter(), time.process_time()
            times[name]["wall"].append(t1 - t0)
            times[name]["cpu"].append(c1 - c0)
    return times


def load_average() -> list[float] | None:
    """The 1, 5 and 15 minute load averages (runnable processes; this machine has
    os.cpu_count())."""
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None


class MachineShare:
    """How much of all CPUs other programs used between start() and stop() (Linux /proc/stat).

    busy time of every CPU, minus this process's own CPU time, over wall time x CPU count.
    """

    @staticmethod
    def _busy_and_clock():
        with open("/proc/stat") as fh:
            ticks = [int(x) for x in fh.readline().split()[1:]]
        idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)        # idle + iowait
        return ((sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK"), time.perf_counter(),
                time.process_time())

    def start(self) -> "MachineShare":
        try:
            self._start = self._busy_and_clock()
        except (OSError, ValueError, IndexError):
            self._start = None
        return self

    def stop(self) -> float | None:
        """Fraction (0-1) of the machine's CPU time that other programs used; None if unknown."""
        if self._start is None:
            return None
        busy, wall, own = self._busy_and_clock()
        b0, w0, o0 = self._start
        others = (busy - b0) - (own - o0)
        return max(0.0, min(1.0, others / ((wall - w0) * (os.cpu_count() or 1))))


def baseline_mlp():
    """(module, note): the mlp package of BASELINE_COMMIT, imported as `baseline_mlp`.

    Its files are copied out of git with `git show` into benchmarks/baseline_mlp/ (ignored by
    git) the first time; a frozen copy of the old code is then always at hand, and the
    repository does not carry it twice. (None, reason) when git or the commit is missing.
    """
    if not (BASELINE_DIR / "__init__.py").is_file():
        def git(*args):
            return subprocess.run(["git", *args], cwd=HERE.parent, capture_output=True,
                                  check=True).stdout
        try:
            files = git("ls-tree", "--name-only", BASELINE_COMMIT, "mlp/").decode().split()
            sources = {Path(f).name: git("show", f"{BASELINE_COMMIT}:{f}")
                       for f in files if f.endswith(".py")}
        except (OSError, subprocess.CalledProcessError) as exc:
            return None, (f"the baseline (mlp at commit {BASELINE_COMMIT}) is not in this clone's "
                          f"git history ({exc}): comparison skipped")
        tmp = BASELINE_DIR.with_name(BASELINE_DIR.name + ".tmp")
        tmp.mkdir(exist_ok=True)
        for name, text in sources.items():
            (tmp / name).write_bytes(text)
        tmp.rename(BASELINE_DIR)
    if "baseline_mlp" not in sys.modules:       # the old mlp, as a package of its own name
        spec = importlib.util.spec_from_file_location("baseline_mlp", BASELINE_DIR / "__init__.py",
                                                      submodule_search_locations=[str(BASELINE_DIR)])
        module = importlib.util.module_from_spec(spec)
        sys.modules["baseline_mlp"] = module
        spec.loader.exec_module(module)
    return sys.modules["baseline_mlp"], f"mlp at commit {BASELINE_COMMIT}"


def optional(module: str):
    """Import an optional extra (torch, sklearn) or return None when it is not installed."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def blas_info() -> list[dict]:
    """threadpoolctl's view of the loaded BLAS/OpenMP libraries (library, architecture, threads)."""
    tpc = optional("threadpoolctl")
    if tpc is None:
        return [{"note": "threadpoolctl not installed"}]
    keep = ("user_api", "internal_api", "version", "architecture", "num_threads", "threading_layer",
            "prefix")
    return [{k: lib.get(k) for k in keep if k in lib} for lib in tpc.threadpool_info()]


def numpy_blas() -> dict | None:
    """threadpoolctl's entry for numpy's own BLAS (scipy, loaded by scikit-learn, brings another):
    its version, the kernels it chose ("architecture") and its threads. None without
    threadpoolctl."""
    tpc = optional("threadpoolctl")
    if tpc is None:
        return None
    blas = [lib for lib in tpc.threadpool_info() if lib.get("user_api") == "blas"]
    mine = [lib for lib in blas if "numpy" in lib.get("filepath", "")] or blas
    return mine[0] if mine else None


def numpy_blas_threads() -> int | None:
    """How many threads numpy's own BLAS uses (torch is given the same number)."""
    lib = numpy_blas()
    return lib.get("num_threads") if lib else None


def environment() -> dict:
    """The facts a reader needs to compare two result files."""
    import numpy as np  # noqa: F401  (loads the BLAS so that threadpoolctl can see it)

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            names = [line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")]
        if names:
            cpu = names[0]
    except OSError:
        pass
    load = load_average()
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "load_average_at_start": load,
        "env": {k: v for k, v in os.environ.items()
                if k.startswith(("OPENBLAS_", "OMP_", "MKL_")) or k == "PYTHONDONTWRITEBYTECODE"},
        "blas": blas_info(),
        "versions": {name: version(name) for name in
                     ("numpy", "nn-from-scratch", "threadpoolctl", "nbclient", "ipykernel",
                      "jupyter-book", "torch", "scikit-learn", "scipy")},
    }
