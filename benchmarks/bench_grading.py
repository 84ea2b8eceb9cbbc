"""Time to grade one submission with trusted grading (tools/grading), as `make grade` does it.

Every exercise's solution and untouched student notebook is graded one after the other (so the
times are not shared), each from a fresh judge process and a fresh sandbox, in the grading
environment: what a batch pays per submission. Reported: the median over the honest submissions
(the solutions, target 2 s) and over all, the slowest, per exercise, and the sandbox that ran.

    python -m benchmarks.bench_grading            # prints a JSON summary
"""
from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from tools import exercises as ex
from tools.grading import environment, submission

ROOT = Path(__file__).resolve().parents[1]

TARGET_S = 2.0                          # the median over the honest submissions (the solutions)
PROJECT_TARGET_S = {"07-digits": 10.0}   # exercise 7 trains a network while it is graded


def run(repeats: int = 1, progress=print) -> dict:
    """Grade every exercise's solution and stub `repeats` times; the times and their medians."""
    ex.build()
    python = environment.ensure()
    rows, sandbox = [], ""
    progress = progress or (lambda line: None)
    for name in ex.available():
        notebooks = {"solution": ex.BUILD / "dist" / name / "autograder" / f"{name}.ipynb",
                     "stub": ex.BUILD / "student" / name / f"{name}.ipynb"}
        for who, path in notebooks.items():
            cells = submission.code_cells(path)
            for _ in range(repeats):
                t0 = time.perf_counter()
                result, _, _ = submission.judge(ex.autograder_dir(name), cells, python=python)
                seconds = time.perf_counter() - t0
                sandbox = result["extra_data"].get("sandbox", "")
                rows.append({"exercise": name, "submission": who, "seconds": seconds,
                             "score": result["score"], "status": result["extra_data"]["status"]})
                progress(f"  {name} {who}: {seconds:.2f} s (score {result['score']:g})")
    times = [r["seconds"] for r in rows]
    honest = [r["seconds"] for r in rows if r["submission"] == "solution"]
    return {
        "what": "one submission graded end to end (judge process + sandboxed notebook), "
                "one at a time",
        "sandbox": sandbox,
        "median_s": statistics.median(honest), "median_all_s": statistics.median(times),
        "max_s": max(times), "n": len(times),
        "per_exercise_median_s": {n: statistics.median(r["seconds"] for r in rows
                                                       if r["exercise"] == n)
                                  for n in dict.fromkeys(r["exercise"] for r in rows)},
        "target_s": TARGET_S, "within_target": statistics.median(times) <= TARGET_S,
        "rows": rows,
    }


if __name__ == "__main__":
    print(json.dumps({k: v for k, v in run().items() if k != "rows"}, indent=1))
