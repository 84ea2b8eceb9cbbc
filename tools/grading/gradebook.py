"""The gradebook: grades.csv, a roster, hand scores, and exports a learning platform imports.

A **roster** (``ROSTER=roster.csv``) has the columns ``name``, ``id`` and ``email``. A submitted
file belongs to a roster entry when its name without ``.ipynb``, normalised, equals the entry's
normalised ``id``, ``email``, the part of the email before ``@``, or ``name``. Normalising drops
accents, case, spaces and punctuation: ``José Núñez.ipynb`` matches the name "Jose Nunez",
``jnunez.ipynb`` the email jnunez@uni.edu. Files that match nobody, or more than one entry, are
listed, and keep their own row.

**Hand scores** (``HAND=hand-scores.csv``) fill the questions graded by hand. Grading writes
``hand-scores-template.csv`` with one row per submission and hand-graded question (columns
``student, name, exercise, question, max_points, points, comment``; ``student`` is the roster id,
or the file name for a file that matches nobody); fill ``points`` and pass the file back. Scores
already merged are filled in, so the template of a later run carries them over. A row that names
an unknown student, exercise or question, or whose points are not a number from 0 to max_points,
stops grading with a message naming the row.

Written into GRADES:

- ``grades.csv``: one row per student, a first row with the points possible; per exercise each
  question's points, the total, the status (``graded``, ``invalid``, ``error``, ``missing``: no
  submission) and notes (skipped cells, timeouts, why it was not graded);
- ``canvas.csv`` (with a roster; students on it only): Canvas's gradebook import layout,
  ``Student, ID, SIS User ID, SIS Login ID, Section`` and one column per exercise, with a
  ``Points Possible`` row; the roster's id is the SIS User ID and its email the SIS Login ID;
- ``moodle.csv`` (with a roster): the layout of Moodle's grade export, ``First name, Last name,
  ID number, Email address`` and one column per exercise; import it with "Map from: Email address"
  to "Map to: Email address".

A missing submission counts 0 in the exports. Cells that a spreadsheet would run as a formula
(starting with =, +, -, @) are escaped with a leading apostrophe.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_ROW = "(points possible)"
CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_HEADER = ["First name", "Last name", "ID number", "Email address"]
HAND_HEADER = ["student", "name", "exercise", "question", "max_points", "points", "comment"]


class GradebookError(SystemExit):
    """A roster or hand-score file that cannot be used; the message names the rows."""


def spreadsheet_safe(value) -> str:
    value = str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def _read_csv(path: Path, required: list[str], what: str) -> list[dict]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise GradebookError(f"{what} {path}: the column(s) {', '.join(missing)} are "
                                     f"missing; expected the columns {', '.join(required)}, found "
                                     f"{', '.join(reader.fieldnames or []) or 'none'}.")
            return [{k.strip().lower(): (v or "").strip() for k, v in row.items() if k is not None}
                    for row in reader]
    except OSError as exc:
        raise GradebookError(f"{what} {path} cannot be read: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise GradebookError(f"{what} {path} is not UTF-8 text: save it as 'CSV UTF-8'.") from None


# ------------------------------------------------------------------------------------------------
# the roster
class Roster:
    def __init__(self, entries: list[dict]):
        self.entries = entries
        self.keys: dict[str, list[int]] = {}
        for i, e in enumerate(entries):
            email = e.get("email", "")
            for key in {normalise(e.get("id", "")), normalise(email),
                        normalise(email.split("@")[0]), normalise(e.get("name", ""))} - {""}:
                self.keys.setdefault(key, []).append(i)

    @classmethod
    def read(cls, path: Path) -> "Roster":
        rows = _read_csv(path, ["name", "id", "email"], "the roster")
        problems = [f"row {n}: no name, id or email" for n, r in enumerate(rows, start=2)
                    if not (r.get("name") or r.get("id") or r.get("email"))]
        ids = {}
        for n, r in enumerate(rows, start=2):
            if r.get("id"):
                if r["id"] in ids:
                    problems.append(f"row {n}: the id {r['id']} is also in row {ids[r['id']]}")
                ids[r["id"]] = n
        if problems:
            raise GradebookError(f"the roster {path} cannot be used: " + "; ".join(problems[:10]))
        return cls(rows)

    def match(self, stem: str) -> tuple[dict | None, str]:
        """The entry a file stem belongs to, and a note when none or several match."""
        found = sorted(set(self.keys.get(normalise(stem), [])))
        if len(found) == 1:
            return self.entries[found[0]], ""
        if not found:
            return None, "matches nobody on the roster"
        names = ", ".join(self.entries[i].get("name") or self.entries[i].get("id") for i in found)
        return None, f"matches several roster entries ({names})"


# ------------------------------------------------------------------------------------------------
# hand scores
def hand_template(path: Path, rows: list[dict]) -> None:
    """rows: {student, exercise, question, max_points}."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, HAND_HEADER)
        writer.writeheader()
        for row in rows:
            writer.writerow({**{k: "" for k in HAND_HEADER}, **row})


def read_hand_scores(path: Path, expected: dict) -> dict:
    """{(student, exercise, question): points} from the instructor's file, checked against
    `expected` = {(student, exercise, question): max_points}; GradebookError naming bad rows."""
    rows = _read_csv(path, ["student", "exercise", "question", "points"], "the hand-score file")
    out, problems = {}, []
    for n, r in enumerate(rows, start=2):
        if not r.get("points"):
            continue                       # not graded yet: the cell stays empty
        key = (r["student"], r["exercise"], r["question"])
        if key not in expected:
            known_q = sorted({q for (_, e, q) in expected if e == r["exercise"]})
            problems.append(f"row {n}: no hand-graded question {r['question']!r} of exercise "
                            f"{r['exercise']!r} for student {r['student']!r}"
                            + (f" (that exercise's are {', '.join(known_q)})" if known_q else ""))
            continue
        try:
            points = float(r["points"])
        except ValueError:
            problems.append(f"row {n}: points {r['points']!r} is not a number")
            continue
        if not 0 <= points <= expected[key]:
            problems.append(f"row {n}: points {points:g} is outside 0 to {expected[key]:g}")
            continue
        if key in out:
            problems.append(f"row {n}: a second score for {' '.join(key)}")
            continue
        out[key] = points
    if problems:
        raise GradebookError(f"the hand-score file {path} has {len(problems)} problem(s), "
                             "nothing was merged; fix them and run again:\n  "
                             + "\n  ".join(problems[:20]))
    return out


# ------------------------------------------------------------------------------------------------
# writing
def write_rows(path: Path, header: list[str], rows: list[dict]) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8", errors="backslashreplace") as f:
        writer = csv.DictWriter(f, header, restval="", extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: spreadsheet_safe(v) for k, v in row.items()})
    tmp.replace(path)       # atomic: a file is complete or absent
    return path


def canvas(path: Path, exercises: list[str], possible: dict, students: list[dict]) -> Path:
    """students: {name, id, email, totals: {exercise: points or None}}."""
    columns = [f"Exercise {name}" for name in exercises]
    rows = [{"Student": "Points Possible",
             **{c: f"{possible[n]:g}" for c, n in zip(columns, exercises)}}]
    for s in students:
        rows.append({"Student": s["name"], "SIS User ID": s["id"], "SIS Login ID": s["email"],
                     **{c: f"{s['totals'].get(n) or 0:g}" for c, n in zip(columns, exercises)}})
    return write_rows(path, CANVAS_HEADER + columns, rows)


def moodle(path: Path, exercises: list[str], students: list[dict]) -> Path:
    columns = [f"Exercise {name}" for name in exercises]
    rows = []
    for s in students:
        first, _, last = s["name"].rpartition(" ")
        if not first:
            first, last = last, ""
        rows.append({"First name": first, "Last name": last, "ID number": s["id"],
                     "Email address": s["email"],
                     **{c: f"{s['totals'].get(n) or 0:g}" for c, n in zip(columns, exercises)}})
    return write_rows(path, MOODLE_HEADER + columns, rows)
