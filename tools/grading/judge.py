"""The trusted side of grading: every point is decided here, in a process that runs no student code.

    python -I grader/grading/judge.py EXERCISE_DIR CELLS_JSON RESULT_JSON LOG_TXT [options]

EXERCISE_DIR is an unpacked autograder (grading.bundle): ``exercise.json`` (questions, points),
``tests/`` (every test of every question, hidden ones included: they never leave this process),
``public/tests/`` (what students have) and ``grader/`` (this package and the course package `mlp`,
the only code the sandbox sees). CELLS_JSON holds the submission's code cells.

The tests are the exercise's otter tests, unchanged (read by grading.testfiles). Their arguments are the student's answers,
fetched from the notebook run in the sandbox (grading.session): values as plain data, functions as
remote handles. Every comparison, reference value and known-mistake diagnosis (mlp.checks) is
computed here, so patching numpy, mlp or the test machinery inside the notebook changes nothing.

What a student sees (the results' visible fields) is each public check's diagnosis and, for hidden
tests, only the points and the kind of failure: never a hidden test's source, inputs, reference
values or message, and never the text of an exception the student's code raised in a hidden test.
The instructor's log (LOG_TXT) has everything.
"""
from __future__ import annotations

import argparse
import builtins
import json
import sys
import time
import traceback
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # grader/: this package and mlp

from grading import sandbox, testfiles  # noqa: E402
from grading.session import Session, SubmissionDead  # noqa: E402

MESSAGE_CHARS = 1500


class Env:
    """The notebook's variables, as a test's parameters see them: looked up in the submission."""

    def __init__(self, session: Session):
        self.session = session

    def get(self, name):
        return self.session.lookup(name)


def _short(text: str, n: int = MESSAGE_CHARS) -> str:
    text = " ".join(str(text).split()) if "\n" not in str(text) else str(text).strip()
    return text if len(text) <= n else text[: n - 1] + "…"


def public_message(exc: BaseException) -> str:
    if getattr(exc, "from_submission", None):
        return _short(f"your code raised {type(exc).__name__}: {exc}")
    if isinstance(exc, AssertionError):
        return _short(str(exc) or "the check failed")
    if isinstance(exc, (SubmissionDead, TimeoutError)):
        return _short(str(exc))
    return _short(f"{type(exc).__name__}: {exc}")


def hidden_kind(exc: BaseException) -> str:
    """What a student may learn about a failed hidden test: a kind, no text from inside it."""
    raised = getattr(exc, "from_submission", None)
    if raised:
        shown = raised if raised in dir(builtins) else "an exception"
        return f"your code raised {shown}"
    if isinstance(exc, TimeoutError):
        return "your code ran longer than the time limit"
    if isinstance(exc, SubmissionDead):
        return "your notebook's process ended or stopped answering"
    return "a wrong result (or one of the wrong type or shape)"


def run_case(session: Session, tc) -> tuple[dict, str]:
    """Run one test case; (its outcome, a line for the instructor's log)."""
    t0 = time.monotonic()
    error = remark = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            remark = tc.call(Env(session))
    except Exception as exc:  # a failed test: anything the test code raised
        error = exc
    detail = "passed" if error is None else "".join(
        traceback.format_exception_only(type(error), error)).strip()
    if error is None and type(remark) is str and remark:
        # A passing test may return a line for the instructor (exercise 7: the held-out accuracy).
        # It goes to the log only, never to what the student sees.
        detail += f" ({_short(remark, 300)})"
    line = (f"  {tc.name} ({'hidden' if tc.hidden else 'public'}, {tc.points:g} points, "
            f"{time.monotonic() - t0:.2f} s): {detail}")
    return {"name": tc.name, "hidden": bool(tc.hidden), "points": float(tc.points),
            "passed": error is None, "error": error}, line


def run_tests(session: Session, test_files: dict) -> dict:
    """Every question's public cases first, then the hidden ones: whatever a student's code learns
    from a hidden test's inputs, it cannot show it in the public feedback, which is complete before
    the first hidden input is sent."""
    cases = {q: {} for q in test_files}
    log = {q: {} for q in test_files}
    for hidden in (False, True):
        for q, tf in test_files.items():
            for i, tc in enumerate(tf.cases):
                if bool(tc.hidden) == hidden:
                    cases[q][i], log[q][i] = run_case(session, tc)
    outcomes = {}
    for q, tf in test_files.items():
        ordered = [cases[q][i] for i in sorted(cases[q])]
        earned = sum(c["points"] for c in ordered if c["passed"])
        possible = sum(c["points"] for c in ordered)
        if tf.all_or_nothing and earned < possible:
            earned = 0.0
        outcomes[q] = {"score": earned, "max_score": possible, "cases": ordered,
                       "log": [log[q][i] for i in sorted(log[q])]}
    return outcomes


def feedback(name: str, outcome: dict) -> str:
    lines = [f"{name}: {outcome['score']:g} / {outcome['max_score']:g} points"]
    public = [c for c in outcome["cases"] if not c["hidden"]]
    hidden = [c for c in outcome["cases"] if c["hidden"]]
    for c in public:
        if c["passed"]:
            lines.append(f"  ✔ public check ({c['points']:g} points): passed")
        else:
            lines.append(f"  ✘ public check (0 of {c['points']:g} points): {public_message(c['error'])}")
    if hidden:
        got = sum(c["points"] for c in hidden if c["passed"])
        total = sum(c["points"] for c in hidden)
        failed = [c for c in hidden if not c["passed"]]
        if not failed:
            lines.append(f"  ✔ hidden tests ({total:g} points): passed")
        else:
            kinds = sorted({hidden_kind(c["error"]) for c in failed})
            lines.append(f"  ✘ hidden tests ({got:g} of {total:g} points): {'; '.join(kinds)}. "
                         "They try cases the public check does not.")
    return "\n".join(lines)


def notes(session: Session) -> list[str]:
    out = [f"cell {i + 1} was skipped: it {why}." for i, why in sorted(session.skipped.items())]
    for i, error in sorted(session.cell_errors.items()):
        out.append(f"cell {i + 1} raised {error.get('type')}: {_short(error.get('message', ''), 300)}")
    if session.skipped:
        out.append("The notebook does not run from top to bottom: the skipped cells' answers "
                   "are missing (rerun it with Kernel > Restart & Run All before handing it in).")
    return out


def grade(exercise_dir: Path, cells: list[str], slot: int = 0, cell_limit: float = 60,
          call_limit: float = 60, limits: sandbox.Limits | None = None) -> tuple[dict, str]:
    """Grade one submission's code cells; return (Gradescope-style result, instructor log)."""
    meta = json.loads((exercise_dir / "exercise.json").read_text())
    session = Session(exercise_dir / "grader", exercise_dir / "public" / "tests", cells, slot,
                      cell_limit, call_limit, limits)
    t0 = time.monotonic()
    tests, log, status, reason = [], [], "graded", ""
    questions = [q for q in meta["questions"] if not q["manual"]]
    test_files = {q["name"]: testfiles.load(exercise_dir / "tests" / f"{q['name']}.py") for q in questions}
    try:
        outcomes = run_tests(session, test_files)
    finally:
        session.stop()
    for q in questions:
        outcome = outcomes[q["name"]]
        tests.append({"name": q["name"], "score": outcome["score"], "max_score": q["points"],
                      "output": feedback(q["name"], outcome), "visibility": "visible"})
        log += [f"{q['name']}: {outcome['score']:g} / {q['points']:g}", *outcome["log"]]
    if session.broken:
        status, reason = "error", f"the sandbox could not run the notebook: {session.dead}"
    noted = notes(session)
    result = {
        "score": round(sum(t["score"] for t in tests), 6),
        "output": "\n".join(noted),
        "tests": tests,
        "stdout_visibility": "hidden",
        "extra_data": {"status": status, "reason": reason, "sandbox": session.mode,
                       "notebook_starts": session.starts,
                       "skipped_cells": {str(i + 1): why for i, why in sorted(session.skipped.items())},
                       "judge_seconds": round(time.monotonic() - t0, 2)},
    }
    text = "\n".join([f"exercise {meta['name']}, sandbox: {session.mode}, notebook started "
                      f"{session.starts} time(s)", *noted, *log])
    return result, text


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("exercise_dir", type=Path)
    ap.add_argument("cells", type=Path, help="JSON list of the submission's code cells")
    ap.add_argument("result", type=Path)
    ap.add_argument("log", type=Path)
    ap.add_argument("--slot", type=int, default=0)
    ap.add_argument("--cell-limit", type=float, default=60)
    ap.add_argument("--call-limit", type=float, default=60)
    ap.add_argument("--memory-mb", type=int, default=3072)
    ap.add_argument("--cpu-s", type=int, default=300)
    args = ap.parse_args(argv)
    cells = json.loads(args.cells.read_text())
    limits = sandbox.Limits(cpu_s=args.cpu_s, memory_mb=args.memory_mb)
    result, log = grade(args.exercise_dir, cells, args.slot, args.cell_limit, args.call_limit, limits)
    args.log.write_text(log + "\n")
    args.result.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
