"""The Gradescope autograder zip, standalone: Gradescope's layout emulated under a temporary root.

For each exercise the zip is unpacked into ROOT/autograder/source, its setup.sh installs the
grading environment (from PyPI and the bundled mlp wheel; no repository checkout), and
run_autograder grades one submission per container from ROOT/autograder/submission into
ROOT/autograder/results/results.json. The solutions, the untouched student notebooks, the wrong
answers and the hostile corpus get the scores and statuses that `make grade` gives them
(test_grading.py asserts the same expectations).
"""
from __future__ import annotations

import concurrent.futures as cf
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import hostile
from exercise_helpers import ex
from submissions import WRONG, with_answers
from test_grading import EXS, auto_points, sandbox_processes

TIMEOUT = 300


def unpack(built: Path, name: str, root: Path) -> Path:
    """Gradescope's layout: the zip's content in ROOT/autograder/source, run_autograder copied up."""
    source = root / "autograder" / "source"
    source.mkdir(parents=True)
    with zipfile.ZipFile(built / "autograder" / f"{name}.zip") as zf:
        for info in zf.infolist():
            target = source / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(info))
            target.chmod((info.external_attr >> 16) & 0o777 or 0o644)
    shutil.copy(source / "run_autograder", root / "autograder" / "run_autograder")
    return root / "autograder"


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory):
    """One setup.sh run (the same requirements and wheel for every exercise, checked below)."""
    root = unpack(built, EXS[0], tmp_path_factory.mktemp("gradescope-setup"))
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), SKIP_APT="1",
               SETUP_PYTHON=getattr(sys, "_base_executable", sys.executable))
    proc = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return root / "venv"


def run_container(built, name: str, files: dict, venv: Path, root: Path, slot: int) -> dict:
    """Grade one submission (a dict file name -> source path, or None for a symlink target)."""
    autograder = unpack(built, name, root)
    (autograder / "venv").symlink_to(venv)
    (autograder / "submission").mkdir()
    for fname, src in files.items():
        target = autograder / "submission" / fname
        if src.is_symlink():
            os.symlink(os.readlink(src), target)
        else:
            shutil.copy(src, target)
    env = {"PATH": "/usr/bin:/bin", "AUTOGRADER_ROOT": str(autograder), "AUTOGRADER_SLOT": str(slot),
           "HOME": str(root)}
    proc = subprocess.run([str(autograder / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=TIMEOUT)
    out = json.loads((autograder / "results" / "results.json").read_text())
    out["_stdout"] = proc.stdout + proc.stderr
    return out


@pytest.fixture(scope="module")
def graded(built, installed, tmp_path_factory):
    subs = tmp_path_factory.mktemp("gradescope-subs")
    jobs = []   # (key, exercise, {file name: path})
    for name in EXS:
        sol = built / "dist" / name / "autograder" / f"{name}.ipynb"
        stub = built / "student" / name / f"{name}.ipynb"
        jobs += [((name, "solution"), name, {f"{name}.ipynb": sol}),
                 ((name, "stub"), name, {f"{name}.ipynb": stub})]
        if name in WRONG:
            wrong = with_answers(sol, {q: s for q, (s, _) in WRONG[name].items()}, subs / name / "wrong.ipynb")
            jobs.append(((name, "wrong"), name, {f"{name}.ipynb": wrong}))
    token = "gshostile" + os.urandom(4).hex()
    if "01-xor" in EXS:
        folder = subs / "01-xor" / "corpus"
        folder.mkdir(parents=True)
        ctx = {"repo": ex.ROOT, "submissions": subs, "grades": subs / "grades", "token": token,
               "venv_site": installed / "lib", "secret": "COURSE_GRADER_SECRET"}
        hostile.build(built / "dist" / "01-xor" / "autograder" / "01-xor.ipynb",
                      built / "student" / "01-xor" / "01-xor.ipynb", folder, ctx)
        by_student: dict[str, dict] = {}
        for p in sorted(folder.iterdir()):
            if not p.name.startswith("."):
                by_student.setdefault(os.path.splitext(p.name)[0], {})[p.name] = p
        for student, files in by_student.items():
            jobs.append((("01-xor", student), "01-xor", files))
    results = {}
    slots = list(range(2))
    with cf.ThreadPoolExecutor(2) as pool:
        futures = {}
        for i, (key, name, files) in enumerate(jobs):
            root = tmp_path_factory.mktemp("container")
            futures[pool.submit(run_container, built, name, files, installed, root, i % 2)] = key
        for fut in cf.as_completed(futures):
            results[futures[fut]] = fut.result()
    return results, sandbox_processes(str(installed.resolve()), hostile.sleep_marker(token))


def test_setup_and_requirements_identical_across_exercises(built):
    """One setup.sh run stands for all: the exercises' environments are the same."""
    texts = set()
    for name in EXS:
        with zipfile.ZipFile(built / "autograder" / f"{name}.zip") as zf:
            names = zf.namelist()
            texts.add((zf.read("setup.sh"), zf.read("requirements.txt"),
                       tuple(n for n in names if n.startswith("wheels/"))))
            assert not any("git+" in zf.read(n).decode(errors="ignore") for n in ("setup.sh", "requirements.txt"))
            assert any(n.startswith("grader/mlp/") for n in names), "the zip must carry mlp itself"
    assert len(texts) == 1


@pytest.mark.parametrize("name", EXS)
def test_solution_full_and_stub_zero(graded, built, name):
    results, _ = graded
    assert results[(name, "solution")]["score"] == pytest.approx(auto_points(built, name))
    assert results[(name, "stub")]["score"] == 0
    for who in ("solution", "stub"):
        assert results[(name, who)]["extra_data"]["status"] == "graded"
        assert results[(name, who)]["extra_data"]["sandbox"] == "bubblewrap"


@pytest.mark.parametrize("name,q", [(n, q) for n in EXS if n in WRONG for q in WRONG[n]])
def test_wrong_answers_as_in_make_grade(graded, name, q):
    entry = next(t for t in graded[0][(name, "wrong")]["tests"] if t["name"] == q)
    assert entry["score"] < entry["max_score"] and WRONG[name][q][1] in entry["output"]


@pytest.mark.skipif("01-xor" not in EXS, reason="the hostile corpus is built from 01-xor")
@pytest.mark.parametrize("student", sorted(s for s in hostile.CORPUS if s != "several"), ids=lambda s: s[:30])
def test_hostile_submission_scored_as_make_grade_scores_it(graded, student):
    what, total, status, _ = hostile.CORPUS[student]
    res = graded[0][("01-xor", student)]
    assert (res["score"], res["extra_data"]["status"]) == (pytest.approx(total), status), \
        (what, json.dumps(res, indent=1)[:1500])
    assert "hidden=True" not in res["_stdout"] and "def test_" not in res["_stdout"]


def test_several_files_one_graded_others_noted(graded):
    res = graded[0][("01-xor", "several")]
    assert res["score"] == pytest.approx(hostile.SOLVED) and "ignored several.pdf" in res["output"]


def test_nothing_left_running(graded):
    assert graded[1] == []
