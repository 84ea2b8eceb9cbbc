"""The trusted side of grading: every point is decided here, in a process that runs no student code.

    python -I grader/grading/judge.py EXERCISE_DIR CELLS_JSON OUT_DIR [--limits JSON] [--name NAME]
    python -I grader/grading/judge.py --probe     # the sandbox's mode and warning, and nothing else

EXERCISE_DIR is an unpacked autograder (grading.bundle): ``exercise.json`` (questions, points),
``tests/`` (every test of every question, hidden ones included: they never leave this process),
``public/tests/`` (what students have) and ``grader/`` (this package and the course package `mlp`,
the only code the sandbox sees). CELLS_JSON holds the submission's code cells. OUT_DIR receives
``result.json`` (what the student sees, grading.results), ``log.txt`` (everything, for the
instructor) and ``facts.json`` (for the instructor's tools: each case's outcome and diagnosis, the
results with the hidden tests' full messages for release after the due date).

The tests are the exercise's otter tests, unchanged (read by grading.testfiles). Their arguments are
the student's answers, fetched from the notebook run in the sandbox (grading.session): values as
plain data, functions as remote handles. Every comparison, reference value and known-mistake
diagnosis (mlp.checks) is computed here, so patching numpy, mlp or the test machinery inside the
notebook changes nothing.

What a student sees: the notes about the notebook's own run (skipped cells, errors) as they stood
before any hidden test ran, each public check's diagnosis, and for a failed hidden test only its
author's hint (otter's ``failure_message``), or the value-free ``hint`` of the mistake mlp.checks
recognised, or the kind of failure. Never a hidden test's source, inputs, reference values or
message, and never anything an exception of the student's code said during a hidden test: the
student's functions are called with the hidden inputs (they must be), but nothing computed from
them is shown.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # grader/: this package and mlp

from grading import cgroups, results, sandbox, testfiles  # noqa: E402  (sys.path set above)
from grading.limits import Limits  # noqa: E402  (sys.path set above)
from grading.session import Overloaded, Session, SubmissionDead  # noqa: E402  (sys.path set above)

MESSAGE_CHARS = 1500
GENERIC_HIDDEN = "a hidden test found a wrong result (or one of the wrong type or shape)"


class Env:
    """The notebook's variables, as a test's parameters see them: looked up in the submission."""

    def __init__(self, session: Session):
        self.session = session

    def get(self, name):
        return self.session.lookup(name)


def _short(text: str, n: int = MESSAGE_CHARS) -> str:
    text = str(text).strip()
    return text if len(text) <= n else text[: n - 1] + "…"


def public_message(exc: BaseException) -> str:
    """A failed public check, as the student sees it (the public inputs are theirs to see)."""
    raised = getattr(exc, "from_submission", None)
    if raised:
        return f"your code raised {results.clean(raised, 80)}: {results.clean(exc, 600)}"
    if isinstance(exc, AssertionError):
        return _short(str(exc) or "the check failed")
    if isinstance(exc, (SubmissionDead, TimeoutError)):
        return _short(str(exc))
    return _short(f"{type(exc).__name__}: {exc}")


def canonical_messages(exercise: str) -> set[str]:
    """The fixed texts of mlp.answers ("in this exercise you write ... yourself"): shown even
    for a hidden test, since they say nothing of its inputs."""
    try:
        from mlp import answers
    except ImportError:
        return set()
    return {answers.message(exercise, name) for name in answers.ANSWERS.get(exercise, ())}


def hidden_hint(case, exc: BaseException, canonical: set[str]) -> str:
    """What a student may learn about a failed hidden test: no text from inside it."""
    if getattr(exc, "from_submission", None):
        if str(exc) in canonical:
            return str(exc)
        return "a hidden test found that your code raised an exception"
    if case.hint:
        return case.hint
    hint = getattr(exc, "hint", None)
    if isinstance(exc, AssertionError) and isinstance(hint, str) and hint:
        return hint
    if isinstance(exc, TimeoutError):
        return "a hidden test found that your code ran longer than its time limit"
    if isinstance(exc, SubmissionDead):
        return "a hidden test found that your notebook's process ended or stopped answering"
    return GENERIC_HIDDEN


def run_case(session: Session, tc) -> dict:
    """Run one test case: its outcome, with the full message for the log."""
    t0 = time.monotonic()
    error = remark = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            remark = tc.call(Env(session))
    except Exception as exc:  # a failed test: anything the test code raised
        error = exc
    message = "passed" if error is None else "".join(
        traceback.format_exception_only(type(error), error)).strip()
    if error is None and type(remark) is str and remark:
        # A passing test may return a line for the instructor (exercise 7: the held-out accuracy).
        # It goes to the log and the facts only, never to what the student sees.
        remark = results.clean(remark, 300)
    else:
        remark = None
    return {"name": tc.name, "hidden": bool(tc.hidden), "points": float(tc.points),
            "passed": error is None, "error": error, "message": message, "remark": remark,
            "seconds": round(time.monotonic() - t0, 3), "case": tc}


def run_tests(session: Session, test_files: dict, between=None) -> dict:
    """Every question's public cases first, then the hidden ones. `between()` runs after the public
    phase (the judge freezes the student-visible notes there): whatever a student's code learns from
    a hidden test's inputs, it cannot show it in the public feedback, which is complete before the
    first hidden input is sent."""
    cases: dict = {q: {} for q in test_files}
    for hidden in (False, True):
        if hidden and between is not None:
            between()
        for q, tf in test_files.items():
            for i, tc in enumerate(tf.cases):
                if bool(tc.hidden) == hidden:
                    cases[q][i] = run_case(session, tc)
    outcomes = {}
    for q, tf in test_files.items():
        ordered = [cases[q][i] for i in sorted(cases[q])]
        earned = sum(c["points"] for c in ordered if c["passed"])
        possible = sum(c["points"] for c in ordered)
        if tf.all_or_nothing and earned < possible:
            earned = 0.0
        outcomes[q] = {"score": earned, "max_score": possible, "cases": ordered}
    return outcomes


def public_lines(outcome: dict) -> list[str]:
    lines = []
    for c in outcome["cases"]:
        if c["hidden"]:
            continue
        if c["passed"]:
            lines.append(f"  ✔ public check ({c['points']:g} points): passed")
        else:
            lines.append(f"  ✘ public check (0 of {c['points']:g} points): "
                         f"{public_message(c['error'])}")
    return lines


def hidden_lines(outcome: dict, canonical: set[str], release: bool = False) -> list[str]:
    """The hidden tests' lines: hints only, or (`release`, after the due date) the full messages."""
    hidden = [c for c in outcome["cases"] if c["hidden"]]
    if not hidden:
        return []
    got = sum(c["points"] for c in hidden if c["passed"])
    total = sum(c["points"] for c in hidden)
    failed = [c for c in hidden if not c["passed"]]
    if not failed:
        return [f"  ✔ hidden tests ({total:g} points): passed"]
    lines, seen = [f"  ✘ hidden tests ({got:g} of {total:g} points):"], []
    for c in failed:
        text = (public_message(c["error"]) if release
                else hidden_hint(c["case"], c["error"], canonical))
        if text not in seen:
            seen.append(text)
            lines.append(f"    - {text}")
    if not release:
        lines.append("    (hidden tests try cases the public check does not; their full messages "
                     "are released after the due date)")
    return lines


def feedback(name: str, outcome: dict, canonical: set[str], release: bool = False) -> str:
    """A question's feedback. `release`: with the hidden tests' full messages (after the due
    date)."""
    return "\n".join([f"{name}: {outcome['score']:g} / {outcome['max_score']:g} points",
                      *public_lines(outcome), *hidden_lines(outcome, canonical, release)])


def parts(name: str, outcome: dict, canonical: set[str]) -> dict:
    """The question split into its public and hidden parts (Gradescope shows the hidden part after
    the due date when the autograder is built that way)."""
    out = {}
    zeroed = outcome["score"] == 0          # all or nothing: a question that earned nothing
    for part, hidden in (("public", False), ("hidden", True)):
        cases = [c for c in outcome["cases"] if c["hidden"] == hidden]
        if not cases:
            continue
        sub = {"cases": cases}
        score = 0.0 if zeroed else sum(c["points"] for c in cases if c["passed"])
        possible = sum(c["points"] for c in cases)
        lines = hidden_lines(sub, canonical, release=True) if hidden else public_lines(sub)
        out[part] = {"score": score, "max_score": possible,
                     "output": "\n".join([f"{name}{' (hidden tests)' if hidden else ''}: "
                                          f"{score:g} / {possible:g} points", *lines])}
    return out


def notes(session: Session) -> list[str]:
    """What the student sees about the notebook's own run; every student text is cleaned."""
    out = [f"cell {i + 1} was skipped: it {results.clean(why)}."
           for i, why in sorted(session.skipped.items())]
    for i, error in sorted(session.cell_errors.items()):
        out.append(f"cell {i + 1} raised {results.clean(error.get('type'), 80)}: "
                   f"{results.clean(error.get('message', ''), 300)}")
    if session.skipped:
        out.append("The notebook does not run from top to bottom: the skipped cells' answers "
                   "are missing (rerun it with Kernel > Restart & Run All before handing it in).")
    return out


def diagnosis(case: dict, canonical: set[str]) -> dict | None:
    """The recognised mistake of a failed case, for the class report (None if not recognised)."""
    exc = case["error"]
    if case["passed"]:
        return None
    if getattr(exc, "from_submission", None):
        return {"hint": str(exc), "topic": None} if str(exc) in canonical else None
    hint = getattr(exc, "hint", None)
    if not isinstance(exc, AssertionError) or not isinstance(hint, str) or not hint:
        return None
    topic = getattr(exc, "topic", None)
    return {"hint": hint, "topic": topic if isinstance(topic, str) else None}


def grade(exercise_dir: Path, cells: list[str], limits: Limits | None = None,
          name: str = "submission") -> tuple[dict, str, dict]:
    """Grade one submission's code cells: (the student's results, the instructor's log, facts)."""
    limits = limits or Limits()
    t0 = time.monotonic()
    meta = json.loads((exercise_dir / "exercise.json").read_text())
    exercise = meta["name"]
    canonical = canonical_messages(exercise)
    session = Session(exercise_dir / "grader", exercise_dir / "public" / "tests", cells, limits,
                      exercise, name)
    questions = meta["questions"]
    auto = [q for q in questions if not q["manual"]]
    test_files = {q["name"]: testfiles.load(exercise_dir / "tests" / f"{q['name']}.py")
                  for q in auto}
    log: list[str] = []
    visible: dict = {}

    def freeze():
        visible["notes"] = notes(session)
        visible["skipped"] = {str(i + 1): results.clean(why)
                              for i, why in sorted(session.skipped.items())}
        visible["cell_errors"] = {
            str(i + 1): results.clean(f"{e.get('type')}: {e.get('message', '')}", 200)
            for i, e in sorted(session.cell_errors.items())}

    try:
        try:
            session.ensure()            # the notebook's own run, before any test: timed apart
        except SubmissionDead:
            pass
        started = time.monotonic()
        log.append(f"the notebook ran its {len(cells)} code cells in {started - t0:.2f} s "
                   f"({session.cpu_seconds():.2f} s of CPU, started {session.starts} time(s))")
        outcomes = run_tests(session, test_files, between=freeze)
    finally:
        session.stop()
    if "notes" not in visible:
        freeze()
    status, reason = "graded", ""
    if session.broken:
        status, reason = "error", f"the sandbox could not run the notebook: {session.dead}"
    elif session.overloaded:
        status, reason = "error", session.dead or "the grading machine was too busy"
    tests, released_tests, cases, split = [], [], [], {}
    for q in questions:
        if q["manual"]:
            tests.append(results.manual_entry(q))
            released_tests.append(results.manual_entry(q))
            continue
        outcome = outcomes[q["name"]]
        entry = {"name": q["name"], "score": outcome["score"], "max_score": q["points"],
                 "visibility": "visible"}
        tests.append({**entry, "output": feedback(q["name"], outcome, canonical)})
        released_tests.append({**entry,
                               "output": feedback(q["name"], outcome, canonical, release=True)})
        split[q["name"]] = parts(q["name"], outcome, canonical)
        log.append(f"{q['name']}: {outcome['score']:g} / {q['points']:g}")
        for c in outcome["cases"]:
            found = diagnosis(c, canonical)
            log.append(f"  {c['name']} ({'hidden' if c['hidden'] else 'public'}, "
                       f"{c['points']:g} points, {c['seconds']:.2f} s): "
                       f"{results.clean(c['message'], 2000)}"
                       + (f" ({c['remark']})" if c["remark"] else ""))
            cases.append({"question": q["name"], "name": c["name"], "hidden": c["hidden"],
                          "points": c["points"], "passed": c["passed"], "seconds": c["seconds"],
                          "message": results.clean(c["message"], 2000), "remark": c["remark"],
                          "diagnosis": found})
    all_notes = notes(session)
    seconds = round(time.monotonic() - t0, 2)
    extra = {"status": status, "reason": reason, "sandbox": sandbox.describe(session.mode),
             "notebook_starts": session.starts, "cpu_seconds": round(session.cpu_seconds(), 2),
             "skipped_cells": visible["skipped"], "cell_errors": visible["cell_errors"],
             "judge_seconds": seconds}
    result = {"score": round(sum(t["score"] for t in tests), 6), "execution_time": seconds,
              "output": "\n".join(visible["notes"]), "tests": tests, "stdout_visibility": "hidden",
              "extra_data": extra}
    released = {**result, "tests": released_tests}
    text = "\n".join([f"exercise {exercise}, sandbox: {extra['sandbox']}, notebook started "
                      f"{session.starts} time(s), {extra['cpu_seconds']} s of CPU",
                      *(f"note: {n}" for n in all_notes), *log])
    facts = {"exercise": exercise, "status": status, "cases": cases, "notes": all_notes,
             "uids": sandbox.used_uids(),
             "visible_notes": visible["notes"], "released": released, "parts": split}
    return results.validate(result), text, facts


def _write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", errors="backslashreplace") as f:
        f.write(text)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--probe"]:      # the sandbox that judges started by this Python would use
        mode = sandbox.detect_mode()
        print(mode)
        print(sandbox.warning(mode) or "")
        return 0
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("exercise_dir", type=Path)
    ap.add_argument("cells", type=Path, help="JSON list of the submission's code cells")
    ap.add_argument("out", type=Path, help="folder for result.json, log.txt and facts.json")
    ap.add_argument("--limits", default=None, help="grading.limits.Limits as JSON")
    ap.add_argument("--name", default="submission")
    ap.add_argument("--uid-log", type=Path, default=None)
    args = ap.parse_args(argv)
    sandbox.UID_LOG = args.uid_log
    cells = json.loads(args.cells.read_text())
    limits = Limits.from_json(args.limits) if args.limits else Limits()
    try:
        result, log, facts = grade(args.exercise_dir, cells, limits, args.name)
    except Overloaded as exc:            # raised outside a test (e.g. while starting)
        questions = json.loads((args.exercise_dir / "exercise.json").read_text())["questions"]
        result, log, facts = results.failure(questions, "error", str(exc)), str(exc), {}
    finally:
        cgroups.release()
    _write(args.out / "log.txt", log + "\n")
    _write(args.out / "facts.json", json.dumps(facts, indent=1, default=str))
    _write(args.out / "result.json", json.dumps(result, indent=1))   # last: its presence means done
    return 0


if __name__ == "__main__":
    sys.exit(main())
