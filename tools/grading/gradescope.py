"""Gradescope's entry point: grade the one submission in /autograder/submission.

    /autograder/run_autograder  ->  python -I source/grader/grading/gradescope.py --root /autograder

Gradescope unpacks the autograder zip (grading.bundle) into ROOT/source, puts the student's files in
ROOT/submission and reads ROOT/results/results.json. The notebook is graded exactly as `make grade`
grades it (grading.submission: the same reading, sandbox and judge), so both give the same score.
The file is chosen deterministically: ``<exercise>.ipynb`` if present, otherwise the only
``.ipynb`` (any case), otherwise the first in name order; the others are noted. Whatever happens,
results.json is written, with a status and a reason. Nothing is printed that a student should not
see: stdout carries only the score and the status.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grading import sandbox, submission  # noqa: E402


def choose(folder: Path, exercise: str) -> tuple[Path | None, list[str]]:
    """The notebook to grade among the submitted files, and notes about the others."""
    files = sorted(p for p in folder.rglob("*") if not p.is_dir())
    notebooks = [p for p in files if p.suffix.lower() == ".ipynb" and not p.name.startswith(".")]
    exact = [p for p in notebooks if p.name == f"{exercise}.ipynb"]
    chosen = (exact or notebooks or [None])[0]
    notes = [f"ignored {p.relative_to(folder)}" for p in files if p != chosen]
    if chosen is not None and chosen.suffix != ".ipynb":
        notes.append(f"graded {chosen.name}, whose extension is not lower-case .ipynb")
    return chosen, notes


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--root", type=Path, default=Path("/autograder"))
    args = ap.parse_args(argv)
    source, results = args.root / "source", args.root / "results"
    results.mkdir(parents=True, exist_ok=True)
    meta = json.loads((source / "exercise.json").read_text())
    os.chmod(source, 0o700)    # the fallback sandbox's user may not read the hidden tests
    os.chmod(results, 0o700)
    chosen, notes = choose(args.root / "submission", meta["name"])
    if chosen is None:
        result = submission.failure(meta["questions"], "invalid", "no .ipynb file was submitted")
    elif chosen.is_symlink():
        result = submission.failure(meta["questions"], "invalid", "the notebook is a symbolic link")
    else:
        try:
            cells = submission.code_cells(chosen)
        except submission.Invalid as exc:
            result = submission.failure(meta["questions"], "invalid", str(exc))
        else:
            # AUTOGRADER_SLOT: a test that emulates several containers at once gives each its own
            # sandbox user id; on Gradescope every container grades one submission, slot 0.
            result, _ = submission.judge(source, cells, slot=int(os.environ.get("AUTOGRADER_SLOT", "0")))
    if notes:
        result["output"] = "\n".join(filter(None, [result.get("output", ""), *notes]))
    result["extra_data"].update(exercise=meta["name"], fingerprint=meta.get("fingerprint", ""),
                                sandbox=sandbox.detect_mode())
    (results / "results.json").write_text(json.dumps(result, indent=1))
    warning = sandbox.warning(sandbox.detect_mode())
    print(f"score {result['score']:g}, status {result['extra_data']['status']}"
          + (f"\n{warning}" if warning else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
