"""The exercises as authored and as generated: six of them, enough questions, hidden tests kept
hidden, solutions stripped, committed copies (Colab opens those) in step with the masters."""
from __future__ import annotations

import json
import re
import zipfile

import pytest
from exercise_helpers import ROOT, ex

EXS = ex.available()


def test_one_exercise_per_chapter():
    chapters = sorted(p.stem for p in (ROOT / "chapters").glob("*.ipynb"))
    assert ex.EXERCISES == chapters
    missing = [n for n in ex.EXERCISES if n not in EXS]
    assert not missing, f"exercises without a master notebook: {missing}"


@pytest.mark.parametrize("name", EXS)
def test_questions_and_points(built, name):
    questions = ex._questions_of(name, built)
    auto = [q for q in questions if not q["manual"]]
    manual = [q for q in questions if q["manual"]]
    # exercise 7 is a small project: one drill, then one network scored on held-out digits
    least = 2 if name == "07-digits" else 4
    assert len(auto) >= least, \
        f"{name}: {len(auto)} auto-graded questions, expected at least {least}"
    assert manual, f"{name}: no hand-graded written question"
    assert all(q["points"] > 0 for q in questions), questions


@pytest.mark.parametrize("name", EXS)
def test_students_get_no_solutions_and_no_hidden_tests(built, name):
    student = built / "student" / name
    text = (student / f"{name}.ipynb").read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN TESTS", "hidden: true"):
        assert marker not in text, f"{name}: the student notebook contains {marker!r}"
    public = {p.name: p.read_text() for p in (student / "tests").glob("*.py")}
    assert public, f"{name}: no public tests"
    for fname, src in public.items():
        assert "hidden=True" not in src, f"{name}/{fname}: a hidden test reached the students"
    with zipfile.ZipFile(built / "autograder" / f"{name}.zip") as zf:
        graded = "".join(zf.read(n).decode() for n in zf.namelist()
                         if re.fullmatch(r"tests/\w+\.py", n))
    assert "hidden=True" in graded, f"{name}: the autograder has no hidden tests"
    with zipfile.ZipFile(built / "site" / "downloads" / f"{name}.zip") as zf:
        shipped = "".join(zf.read(n).decode() for n in zf.namelist() if n.endswith(".py"))
    assert "hidden=True" not in shipped


@pytest.mark.parametrize("name", EXS)
def test_public_feedback_says_when_hidden_tests_exist(built, name):
    with zipfile.ZipFile(built / "autograder" / f"{name}.zip") as zf:
        tests = {n: zf.read(n).decode() for n in zf.namelist() if re.fullmatch(r"tests/\w+\.py", n)}
    for fname, src in tests.items():
        if "hidden=True" in src:
            public = (built / "student" / name / "tests" / fname.split("/")[-1]).read_text()
            assert "hidden" in public.lower(), (
                f"{name}/{fname}: the question has hidden tests but its public feedback does not "
                "say so")


@pytest.mark.parametrize("name", EXS)
def test_first_cell_sets_up_colab(name):
    nb = json.loads(ex.master_path(name).read_text())
    first = next(c for c in nb["cells"] if c["cell_type"] == "code")
    assert ex._source(first) == ex.setup_cell_source(name)


def test_committed_copies_and_links_up_to_date(built):
    stale = ex.out_of_date(built)
    assert not stale, f"run `python -m tools.exercises sync`: out of date: {stale}"


@pytest.mark.parametrize("name", EXS)
def test_exercise_page_linked_from_its_chapter_and_toc(name):
    toc = (ROOT / "_toc.yml").read_text()
    assert f"exercises/{name}" in toc
    chapter = (ROOT / "chapters" / f"{name}.ipynb").read_text()
    assert f"../exercises/{name}.md" in chapter, f"chapter {name} does not link its exercise"
    page = (ROOT / "exercises" / f"{name}.md").read_text()
    assert "coming soon" not in page.lower()
    assert f"../downloads/{name}.zip" in page


def test_exercises_page_lists_every_exercise():
    index = (ROOT / "exercises" / "index.md").read_text()
    assert "being written" not in index
    for name in EXS:
        assert f"]({name}.md)" in index, f"exercises/index.md does not link {name}"


@pytest.mark.parametrize("name", EXS)
def test_exercise_page_describes_it_with_its_points(built, name):
    page = (ROOT / "exercises" / f"{name}.md").read_text()
    prose = re.sub(r"<!--.*?-->|<a .*?</a>|\|.*", "", page, flags=re.S)
    assert len(prose.split()) > 60, f"exercises/{name}.md has no description"
    for q in ex._questions_of(name, built):
        number = q["name"][1:]
        row = re.search(rf"^\| {number} \|.*\| (\d+(?:\.\d+)?) \((auto|graded by hand)\) \|$",
                        page, re.M)
        assert row, f"exercises/{name}.md: no row for {q['name']} in the points table"
        assert float(row.group(1)) == q["points"], \
            f"{name} {q['name']}: the page says {row.group(1)} points"
        assert (row.group(2) == "graded by hand") == q["manual"]
