"""The grading pipeline, end to end: `tools/exercises.py grade` (otter run, in parallel) on
solutions, untouched student notebooks, plausible wrong answers and hostile submissions.

Everything is graded in ONE batch (module fixture) so the whole matrix costs one parallel run.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from exercise_helpers import ex
from submissions import WRONG, with_answers, with_cell

# ONLY_EXERCISES=02-structure,03-loss restricts the run to some exercises (while authoring them).
EXS = [n for n in ex.available()
       if not os.environ.get("ONLY_EXERCISES") or n in os.environ["ONLY_EXERCISES"].split(",")]
TIMEOUT = 60     # per submission; a normal one takes ~5-15 s here
CELL_LIMIT = 20  # seconds per cell while grading (generous: the machine may be busy)


def auto_points(built, name):
    return sum(q["points"] for q in ex._questions_of(name, built) if not q["manual"])


HOSTILE = {
    # student: (how the solution notebook is changed, expected total out of 12, status)
    "raises": ("q4 answer raises (q4 is the one no other answer builds on)", 9, "graded"),
    "loops": ("q2 answer loops forever", 9, "graded"),
    "loops-no-alarm": ("ignores the cell alarm and loops forever", 0, "timeout"),
    "memory": ("q4 answer allocates without bound", 9, "graded"),
    "sys-exit": ("calls sys.exit before q2", 12, "graded"),
    "os-exit": ("calls os._exit before q3", 12, "graded"),
    "fake-pass": ("untouched stub printing a fake 'All tests passed'", 0, "graded"),
    "edits-tests": ("untouched stub that rewrites the test files to pass", 0, "graded"),
    "deletes-files": ("solution that deletes the tests and every file it can see", 12, "graded"),
    "not-a-notebook": ("plain text named .ipynb", 0, "invalid"),
    "empty-json": ("'{}' named .ipynb", 0, "invalid"),
    "report": ("a PDF instead of a notebook", 0, "invalid"),
}

FAKE_TEST = '''from otter.test_files import test_case
OK_FORMAT = False
name = "{q}"
points = 3
@test_case(points=3, hidden=False)
def test_pass():
    pass
'''


def make_hostile(sol: Path, stub: Path, folder: Path) -> None:
    loop = "while True:\n    pass"
    with_answers(sol, {"q4": "raise RuntimeError('boom')"}, folder / "raises.ipynb")
    with_answers(sol, {"q2": loop}, folder / "loops.ipynb")
    with_cell(sol, "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n" + loop,
              folder / "loops-no-alarm.ipynb")
    with_answers(sol, {"q4": "blocks = []\nwhile True:\n    blocks.append(np.ones(10**8))"},
                 folder / "memory.ipynb")
    with_cell(sol, "import sys\nsys.exit(0)", folder / "sys-exit.ipynb", before="q2")
    with_cell(sol, "import os\nos._exit(1)", folder / "os-exit.ipynb", before="q3")
    with_cell(stub, "print('All tests passed!')\nprint('Total Score: 12.000 / 12.000 (100.000%)')\n"
              "open('results.json', 'w').write('{\"score\": 12}')", folder / "fake-pass.ipynb")
    rewrite = "import glob\nfor f in glob.glob('tests/*.py') + glob.glob('../tests/*.py'):\n" \
              f"    q = f.split('/')[-1][:-3]\n    open(f, 'w').write({FAKE_TEST!r}.format(q=q))\n" \
              "for q in ['q1', 'q2', 'q3', 'q4']:\n    grader.check(q)"
    with_cell(stub, rewrite, folder / "edits-tests.ipynb")
    with_cell(sol, "import os, shutil\nshutil.rmtree('tests', ignore_errors=True)\n"
              "for f in os.listdir('.'):\n    if os.path.isfile(f):\n        os.remove(f)\n"
              "open('01-xor.ipynb', 'w').write('overwritten')", folder / "deletes-files.ipynb")
    (folder / "not-a-notebook.ipynb").write_text("this is not a notebook\n")
    (folder / "empty-json.ipynb").write_text("{}")
    (folder / "report.pdf").write_bytes(b"%PDF-1.4 not really")


@pytest.fixture(scope="module")
def graded(built, tmp_path_factory):
    subs = tmp_path_factory.mktemp("submissions")
    for name in EXS:
        sol = built / "dist" / name / "autograder" / f"{name}.ipynb"
        stub = built / "student" / name / f"{name}.ipynb"
        folder = subs / name
        folder.mkdir()
        shutil.copy(sol, folder / "solution.ipynb")
        shutil.copy(stub, folder / "stub.ipynb")
        if name in WRONG:
            with_answers(sol, {q: src for q, (src, _) in WRONG[name].items()}, folder / "wrong.ipynb")
        if name == "01-xor":
            make_hostile(sol, stub, folder)
    (subs / "not-an-exercise").mkdir()
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in subs.rglob("*") if p.is_file()}
    out = tmp_path_factory.mktemp("grades")
    summary = ex.grade(subs, out, jobs=2, timeout=TIMEOUT, build_dir=built, cell_limit=CELL_LIMIT)
    return subs, out, summary, before


def result(graded, name, student) -> dict:
    return json.loads((graded[1] / "results" / name / f"{student}.json").read_text())


def scores(res) -> dict:
    return ex._question_scores(res)


def test_submissions_untouched_and_none_dropped(graded):
    subs, out, summary, before = graded
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in subs.rglob("*") if p.is_file()}
    assert after == before, "grading changed or deleted submitted files"
    rows = list(csv.DictReader(open(out / "grades.csv")))
    students = {r["student"] for r in rows}
    for name in EXS:
        expected = {p.stem for p in (subs / name).iterdir()}
        assert expected <= students
        assert len(list((out / "results" / name).glob("*.json"))) == len(expected)
    assert len(rows) == len(students), "a student appears twice in grades.csv"


@pytest.mark.parametrize("name", EXS)
def test_solution_scores_full_marks(graded, built, name):
    res = result(graded, name, "solution")
    assert res["extra_data"]["status"] == "graded"
    assert res["score"] == pytest.approx(auto_points(built, name)), json.dumps(res, indent=1)[:3000]


@pytest.mark.parametrize("name", EXS)
def test_untouched_student_notebook_scores_zero(graded, name):
    res = result(graded, name, "stub")
    assert res["extra_data"]["status"] == "graded"
    assert res["score"] == 0
    public = next(t for t in res["tests"] if t["name"] == "Public Tests")["output"]
    for q, s in scores(res).items():
        if q.startswith("q"):
            assert s == 0
    assert public.count("not answered yet") >= len([q for q in scores(res) if q.startswith("q")])


@pytest.mark.parametrize("name,q", [(n, q) for n in EXS if n in WRONG for q in WRONG[n]])
def test_wrong_answer_loses_points_with_hint(graded, built, name, q):
    res = result(graded, name, "wrong")
    hint = WRONG[name][q][1]
    points = {x["name"]: x["points"] for x in ex._questions_of(name, built)}
    assert scores(res)[q] < points[q], f"{name} {q}: the wrong answer kept all its points"
    entry = next(t for t in res["tests"] if t["name"] == q)
    assert hint in entry["output"], entry["output"]
    public = next(t for t in res["tests"] if t["name"] == "Public Tests")["output"]
    section = public.split(f"{q} results:")[1].split(" results:")[0]
    assert hint in section, f"students do not see the hint for {q}: {section}"
    # the other questions are untouched solutions: the wrong answer costs only its own points
    assert res["score"] >= auto_points(built, name) - sum(points[k] for k in WRONG[name])


@pytest.mark.skipif("01-xor" not in EXS, reason="the hostile submissions are built from 01-xor")
@pytest.mark.parametrize("student", sorted(HOSTILE))
def test_hostile_submission(graded, student):
    what, total, status = HOSTILE[student]
    res = result(graded, "01-xor", student)
    assert res["extra_data"]["status"] == status, (what, res["extra_data"])
    assert res["score"] == pytest.approx(total), (what, json.dumps(res, indent=1)[:2000])
    if status != "graded":
        assert res["extra_data"]["reason"], "the reason must be recorded"


@pytest.mark.skipif("01-xor" not in EXS, reason="the hostile submissions are built from 01-xor")
def test_summary_counts(graded):
    summary = graded[2]
    assert summary["timeout"] == 1 and summary["invalid"] == 3 and summary["error"] == 0


@pytest.mark.skipif("01-xor" not in EXS, reason="the resumed run deletes a 01-xor result")
def test_rerun_resumes_without_duplicates(graded, built, capsys):
    subs, out, _, _ = graded
    grades_before = (out / "grades.csv").read_text()
    victim = out / "results" / "01-xor" / "not-a-notebook.json"
    victim.unlink()  # as if the run had been interrupted before this one finished
    (out / "results" / "01-xor" / "stub.json.tmp").write_text("{partial")  # a half-written file
    summary = ex.grade(subs, out, jobs=2, timeout=TIMEOUT, build_dir=built, cell_limit=CELL_LIMIT)
    n_files = sum(1 for p in subs.rglob("*") if p.is_file() and p.parent.name in EXS)
    assert summary["skipped"] == n_files - 1 and summary["invalid"] == 1
    assert victim.is_file()
    assert (out / "grades.csv").read_text() == grades_before
