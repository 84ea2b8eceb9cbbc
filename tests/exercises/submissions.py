"""Submissions used to test the tests: wrong answers per question and hostile notebooks.

Each wrong answer replaces one question's solution cell in the solution notebook; the grade must
drop for that question and its feedback must contain the hint (the public test's message, which
students see while they work).
"""
from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

# exercise -> question -> (answer cell source, text the feedback must contain), one file per
# exercise in wrong_answers/<exercise>.py defining WRONG = {question: (source, hint)}.
WRONG = {path.stem: runpy.run_path(str(path))["WRONG"]
         for path in sorted((Path(__file__).parent / "wrong_answers").glob("*.py"))}


def _src(cell) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def answer_cells(nb: dict) -> dict:
    """question -> index of its answer cell (the code cell just before grader.check("qN"))."""
    found = {}
    for i, cell in enumerate(nb["cells"]):
        m = (re.fullmatch(r'\s*grader\.check\("(\w+)"\)\s*', _src(cell))
             if cell["cell_type"] == "code" else None)
        if m:
            j = i - 1
            while nb["cells"][j]["cell_type"] != "code":
                j -= 1
            found[m.group(1)] = j
    return found


def with_answers(base: Path, answers: dict, dest: Path) -> Path:
    """Copy notebook base to dest with the answer cells of some questions replaced."""
    nb = json.loads(base.read_text())
    cells = answer_cells(nb)
    for q, source in answers.items():
        nb["cells"][cells[q]]["source"] = source
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb))
    return dest


def with_cell(base: Path, source: str, dest: Path, before: str | None = None) -> Path:
    """Copy base to dest with one extra code cell (at the end, or before question `before`'s
    answer)."""
    nb = json.loads(base.read_text())
    cell = {"cell_type": "code", "id": "added-cell", "metadata": {}, "outputs": [],
            "execution_count": None, "source": source}
    at = answer_cells(nb)[before] if before else len(nb["cells"])
    nb["cells"].insert(at, cell)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb))
    return dest


def catalogue_class(built: Path, folder: Path, names) -> dict:
    """A class made of the catalogue of real mistakes (catalogue/<exercise>.py): each student's
    notebook is the solution with one catalogued mistake in each of several questions, the way a
    student makes mistakes. Returns {exercise: {student: [mistake ids]}}."""
    out = {}
    for name in names:
        mistakes = runpy.run_path(str(Path(__file__).parent / "catalogue"
                                      / f"{name}.py"))["MISTAKES"]
        students: list[dict] = []
        for m in mistakes:
            for s in students:   # the first student who has not answered those questions
                if not set(s["answers"]) & set(m["answers"]):
                    break
            else:
                s = {"answers": {}, "ids": []}
                students.append(s)
            s["answers"].update(m["answers"])
            s["ids"].append(m["id"])
        sol = built / "dist" / name / "autograder" / f"{name}.ipynb"
        out[name] = {}
        for i, s in enumerate(students):
            student = f"class-{i:02d}"
            with_answers(sol, s["answers"], folder / name / f"{student}.ipynb")
            out[name][student] = s["ids"]
    return out
