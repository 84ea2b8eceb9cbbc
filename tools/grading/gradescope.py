"""Gradescope's entry point: grade the one submission in /autograder/submission.

    /autograder/run_autograder  ->  python -I source/grader/grading/gradescope.py --root /autograder

Gradescope unpacks the autograder zip (grading.bundle) into ROOT/source, puts the student's files in
ROOT/submission and reads ROOT/results/results.json. The notebook is graded exactly as `make grade`
grades it (grading.submission: the same reading, sandbox, judge and limits, in the same grading
environment), so both give the same score.

The file is chosen deterministically among the visible ones (nothing inside a hidden folder such as
``.ipynb_checkpoints/``, no dotfile): ``<exercise>.ipynb`` at the top, else the only top-level
``.ipynb`` (any case), else the first in name order, top level first; the others are noted.
Whatever happens, even a crash before grading, results.json is written, with a status and a reason.
Nothing is printed that a student should not see: stdout carries only the score and the status.

An autograder built with ``hidden_visibility: after_due_date`` (or ``after_published``) shows each
question's hidden tests as a part of their own, with their full messages, only from then on.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from grading import results, sandbox, submission  # noqa: E402  (sys.path set above)
from grading.limits import Limits  # noqa: E402  (sys.path set above)


def _visible(path: Path, folder: Path) -> bool:
    return not any(part.startswith(".") for part in path.relative_to(folder).parts)


def choose(folder: Path, exercise: str) -> tuple[Path | None, list[str]]:
    """The notebook to grade among the submitted files, and notes about the others."""
    files = sorted((p for p in folder.rglob("*") if not p.is_dir()),
                   key=lambda p: (len(p.relative_to(folder).parts), str(p)))
    notebooks = [p for p in files if p.suffix.lower() == ".ipynb" and _visible(p, folder)]
    top = [p for p in notebooks if p.parent == folder]
    exact = [p for p in top if p.name == f"{exercise}.ipynb"]
    chosen = (exact or top or notebooks or [None])[0]
    notes = [f"ignored {results.clean(p.relative_to(folder), 120)}" for p in files if p != chosen]
    if chosen is not None and chosen.suffix != ".ipynb":
        notes.append(f"graded {results.clean(chosen.name, 120)}, whose extension is not "
                     "lower-case .ipynb")
    return chosen, notes


WHEN_SHOWN = {"after_due_date": "shown after the due date",
              "after_published": "shown when the grades are published"}


def split_hidden(result: dict, facts: dict, visibility: str) -> dict:
    """Each question's hidden part as a test of its own, shown only at `visibility`."""
    tests, when = [], WHEN_SHOWN.get(visibility, "shown below")
    for t in result["tests"]:
        parts = (facts.get("parts") or {}).get(t["name"])
        if t.get("status") == "manual" or not parts or "hidden" not in parts:
            tests.append(t)
            continue
        public, hidden = parts.get("public"), parts["hidden"]
        if public:
            tests.append({"name": t["name"], "score": public["score"],
                          "max_score": public["max_score"],
                          "output": public["output"] + f"\n  (hidden tests: see the next part, "
                          f"{when})", "visibility": "visible"})
        tests.append({"name": f"{t['name']} (hidden tests)", "score": hidden["score"],
                      "max_score": hidden["max_score"], "output": hidden["output"],
                      "visibility": visibility})
    return {**result, "tests": tests}


def grade(root: Path) -> dict:
    source = root / "source"
    meta = json.loads((source / "exercise.json").read_text())
    os.chmod(source, 0o700)    # the fallback sandbox's user may not read the hidden tests
    limits_file = source / "limits.json"
    limits = Limits.from_json(limits_file.read_text()) if limits_file.exists() else Limits()
    chosen, notes = choose(root / "submission", meta["name"])
    if chosen is None:
        result, facts = results.failure(meta["questions"], "invalid",
                                        "no .ipynb file was submitted"), {}
    elif chosen.is_symlink():
        result, facts = results.failure(meta["questions"], "invalid",
                                        "the notebook is a symbolic link"), {}
    else:
        try:
            cells = submission.code_cells(chosen)
        except submission.Invalid as exc:
            result, facts = results.failure(meta["questions"], "invalid", str(exc)), {}
        else:
            # the fallback sandbox covers /autograder (and what GRADING_HIDE names besides)
            hide = [root, *filter(None, os.environ.get("GRADING_HIDE", "").split(os.pathsep))]
            result, _, facts = submission.judge(source, cells, limits, name="gradescope", hide=hide)
    if notes:
        result["output"] = "\n".join(filter(None, [result.get("output", ""), *notes]))
    visibility = meta.get("hidden_visibility", "visible")
    if visibility != "visible" and facts:
        result = split_hidden(result, facts, visibility)
    result["extra_data"].update(exercise=meta["name"], fingerprint=meta.get("fingerprint", ""),
                                sandbox=sandbox.describe(sandbox.detect_mode()))
    return result


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--root", type=Path, default=Path("/autograder"))
    args = ap.parse_args(argv)
    results_dir = args.root / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(results_dir, 0o700)
    t0 = time.monotonic()
    crash = ""
    try:
        result = grade(args.root)
    except BaseException as exc:      # whatever it is, Gradescope gets a results.json
        try:
            questions = json.loads(
                (args.root / "source" / "exercise.json").read_text())["questions"]
        except Exception:
            questions = []
        result = results.failure(questions, "error", "the autograder failed before grading "
                                 f"({type(exc).__name__}); the instructor can see the details")
        crash = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))[-3000:]
    result["execution_time"] = round(time.monotonic() - t0, 2)
    with open(results_dir / "results.json", "w", encoding="utf-8", errors="backslashreplace") as f:
        json.dump(result, f, indent=1)
    warning = sandbox.warning(sandbox.detect_mode())
    # Gradescope shows this output to the instructor only (stdout_visibility: hidden)
    print(f"score {result['score']:g}, status {result['extra_data']['status']}"
          + (f"\n{warning}" if warning else "") + (f"\n{crash}" if crash else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
