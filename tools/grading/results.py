"""What grading writes about one submission, defined once: Gradescope's results.json format.

    {"score": 12.0, "execution_time": 3.1, "output": "notes for the student",
     "stdout_visibility": "hidden",
     "tests": [{"name": "q1", "score": 3.0, "max_score": 3.0, "output": "...",
                "visibility": "visible"},
               {"name": "q5", "score": 0.0, "max_score": 2.0,
                "output": "q5: to be graded by hand (2 points)",
                "visibility": "visible", "status": "manual"}, ...],
     "extra_data": {"status": "graded" | "invalid" | "error", "reason": "...", ...}}

``status``: ``graded`` (the tests ran; the score counts), ``invalid`` (the file cannot be graded:
not a notebook, a symbolic link, ...; zero points) and ``error`` (the grader or the machine failed,
not the submission; `make grade` grades it again on its next run). Every text a student sees is in
``output`` fields; `extra_data` holds what the instructor's tools read. Text that came from student
code is passed through ``clean()``: one line, no control characters.
"""
from __future__ import annotations

import unicodedata

STATUSES = ("graded", "invalid", "error")
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


def clean(text, limit: int = 300) -> str:
    """Student-controlled text made safe for a log line or a note: newlines and every other control,
    format or separator character escaped (\\n, \\x1b, \\u202e, lone surrogates), shortened."""
    out = []
    for ch in str(text):
        if ch in "\n\r\t" or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp", "Co", "Cn"):
            out.append(ch.encode("unicode_escape", "backslashreplace").decode("ascii", "replace")
                       if unicodedata.category(ch) != "Cs" else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    text = "".join(out)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def manual_entry(question: dict) -> dict:
    """A hand-graded question: in the list, with its points, so that the total is right."""
    return {"name": question["name"], "score": 0.0, "max_score": question["points"],
            "output": f"{question['name']}: to be graded by hand ({question['points']:g} points)",
            "visibility": "visible", "status": "manual"}


def failure(questions: list[dict], status: str, reason: str, seconds: float = 0.0) -> dict:
    """Results for a submission that could not be graded: zero points, and why."""
    assert status in ("invalid", "error")
    tests = []
    for q in questions:
        if q.get("manual"):
            tests.append(manual_entry(q))
        else:
            tests.append({"name": q["name"], "score": 0.0, "max_score": q["points"],
                          "output": f"{q['name']}: 0 / {q['points']:g} points "
                                    f"(not graded: {reason})",
                          "visibility": "visible"})
    return {"score": 0.0, "execution_time": round(seconds, 2), "output": f"Not graded: {reason}",
            "stdout_visibility": "hidden", "tests": tests,
            "extra_data": {"status": status, "reason": reason}}


def validate(result: dict) -> dict:
    """`result` if it has the shape above; ValueError naming what is wrong otherwise."""
    def need(cond, what):
        if not cond:
            raise ValueError(f"results: {what}")
    need(isinstance(result, dict), "not a JSON object")
    need(isinstance(result.get("score"), (int, float)), "no numeric 'score'")
    need(isinstance(result.get("tests"), list), "no list 'tests'")
    for t in result["tests"]:
        need(isinstance(t, dict) and isinstance(t.get("name"), str),
             f"a test without a name: {t!r:.80}")
        need(isinstance(t.get("score"), (int, float))
             and isinstance(t.get("max_score"), (int, float)),
             f"test {t.get('name')}: score and max_score must be numbers")
        need(t.get("visibility", "visible") in VISIBILITIES, f"test {t['name']}: bad visibility")
        need(0 <= t["score"] <= t["max_score"] + 1e-9,
             f"test {t['name']}: score outside [0, max_score]")
    extra = result.get("extra_data", {})
    need(extra.get("status") in STATUSES, f"extra_data.status must be one of {STATUSES}")
    return result


def auto_score(result: dict) -> float:
    return round(sum(t["score"] for t in result["tests"] if t.get("status") != "manual"), 6)
