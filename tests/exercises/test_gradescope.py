"""The Gradescope autograder zip, standalone: Gradescope's layout emulated under a temporary root.

For each exercise the zip is unpacked into ROOT/autograder/source, its setup.sh installs the grading
environment (from PyPI; no repository checkout), and run_autograder grades one submission per
container from ROOT/autograder/submission into ROOT/autograder/results/results.json. The solutions,
the untouched student notebooks, the wrong answers and the hostile corpus get the scores and
statuses that `make grade` gives them (test_grading.py asserts the same expectations), in both
sandboxes. The zip's pins resolve for the Pythons of Gradescope's base images.
"""
from __future__ import annotations

import concurrent.futures as cf
import json
import os
import secrets
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import hostile
import pytest
from exercise_helpers import ex, user_mode_unavailable
from submissions import WRONG, with_answers
from test_grading import EXS, HOSTILE, MODES, auto_points, sandbox_processes, visible

from tools.grading import bundle, environment, gradescope

TIMEOUT = 600
PYTHONS = ("3.10", "3.11", "3.12", "3.13")     # Ubuntu 22.04's is 3.10, 24.04's 3.12


def unpack(built: Path, name: str, root: Path, zip_path: Path | None = None) -> Path:
    """Gradescope's layout: the zip's content in ROOT/autograder/source, run_autograder copied
    up."""
    source = root / "autograder" / "source"
    source.mkdir(parents=True)
    with zipfile.ZipFile(zip_path or built / "autograder" / f"{name}.zip") as zf:
        for info in zf.infolist():
            target = source / info.filename
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(zf.read(info))
            target.chmod((info.external_attr >> 16) & 0o777 or 0o644)
    shutil.copy(source / "run_autograder", root / "autograder" / "run_autograder")
    return root / "autograder"


@pytest.fixture(scope="module")
def installed(built):
    """One setup.sh run (the same requirements and script for every exercise, checked below), from
    a Python that other users can run, as Gradescope's system Python is, into a folder they can
    reach (pytest's own temporary folders are the instructor's only)."""
    base = ex.ROOT / "_build" / "gradescope-emulation"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    base.chmod(0o755)
    root = unpack(built, EXS[0], base)
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), SKIP_APT="1",
               SETUP_PYTHON=environment.base_python())
    proc = subprocess.run(["bash", str(root / "source" / "setup.sh")], env=env, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0 and "grading environment ready" in proc.stdout, \
        proc.stdout[-2000:] + proc.stderr[-2000:]
    return root / "venv"


def run_container(built, name: str, files: dict, venv: Path, root: Path, mode: str,
                  limits=None, zip_path: Path | None = None) -> dict:
    """Grade one submission (file name -> source path) as Gradescope would."""
    autograder = unpack(built, name, root, zip_path)
    if limits is not None:
        (autograder / "source" / "limits.json").write_text(limits.to_json())
    (autograder / "venv").symlink_to(venv)
    (autograder / "submission").mkdir()
    for fname, src in files.items():
        target = autograder / "submission" / fname
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), target)
        else:
            shutil.copy(src, target)
    env = {"PATH": "/usr/bin:/bin", "AUTOGRADER_ROOT": str(autograder), "HOME": str(root),
           "GRADING_SANDBOX": mode,
           "GRADING_HIDE": str(ex.ROOT)}   # Gradescope has no course repository
    proc = subprocess.run([str(autograder / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=TIMEOUT)
    out = json.loads((autograder / "results" / "results.json").read_text())
    out["_stdout"] = proc.stdout + proc.stderr
    return out


def run_all(built, installed, jobs: list, tmp_path_factory) -> dict:
    results = {}
    with cf.ThreadPoolExecutor(2) as pool:
        futures = {pool.submit(run_container, built, name, files, installed,
                               tmp_path_factory.mktemp("container"), mode, limits): key
                   for key, name, files, mode, limits in jobs}
        for fut in cf.as_completed(futures):
            results[futures[fut]] = fut.result()
    return results


@pytest.fixture(scope="module")
def clean(built, installed, tmp_path_factory):
    subs = tmp_path_factory.mktemp("gradescope-clean")
    jobs = []
    for name in EXS:
        sol = built / "dist" / name / "autograder" / f"{name}.ipynb"
        stub = built / "student" / name / f"{name}.ipynb"
        jobs += [((name, "solution"), name, {f"{name}.ipynb": sol}, "bubblewrap", None),
                 ((name, "stub"), name, {f"{name}.ipynb": stub}, "bubblewrap", None)]
        if name in WRONG:
            wrong = with_answers(sol, {q: s for q, (s, _) in WRONG[name].items()},
                                 subs / name / "wrong.ipynb")
            jobs.append(((name, "wrong"), name, {f"{name}.ipynb": wrong}, "bubblewrap", None))
    # An upload with Jupyter's checkpoint folder: the stale copy inside it is never graded.
    sol = built / "dist" / "01-xor" / "autograder" / "01-xor.ipynb"
    stub = built / "student" / "01-xor" / "01-xor.ipynb"
    jobs.append((("01-xor", "checkpoints"), "01-xor",
                 {".ipynb_checkpoints/01-xor-checkpoint.ipynb": stub, "my-xor.ipynb": sol},
                 "bubblewrap", None))
    deep = subs / "deep.ipynb"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    jobs.append((("01-xor", "deep"), "01-xor", {"01-xor.ipynb": deep}, "bubblewrap", None))
    return run_all(built, installed, jobs, tmp_path_factory)


# The whole corpus through the emulated Gradescope, in both sandboxes: part of the matrix
# (make test-matrix, run by CI after make test); make test grades the clean batch here.
@pytest.fixture(scope="module", params=[pytest.param(m, marks=pytest.mark.matrix) for m in MODES])
def corpus(request, built, installed, tmp_path_factory):
    mode = request.param
    if mode == "user" and (why := user_mode_unavailable()):
        pytest.skip(why)
    if "01-xor" not in EXS:
        pytest.skip("the hostile corpus is built from 01-xor")
    subs = tmp_path_factory.mktemp(f"gradescope-corpus-{mode}")
    token = "gshostile" + secrets.token_hex(4)
    folder = subs / "01-xor"
    folder.mkdir()
    ctx = {"repo": ex.ROOT, "submissions": subs, "grades": subs / "grades", "token": token,
           "venv_site": installed / "lib", "secret": "COURSE_GRADER_SECRET"}
    hostile.build(built / "dist" / "01-xor" / "autograder" / "01-xor.ipynb",
                  built / "student" / "01-xor" / "01-xor.ipynb", folder, ctx)
    by_student: dict[str, dict] = {}
    for p in sorted(folder.iterdir()):
        if not p.name.startswith("."):
            by_student.setdefault(os.path.splitext(p.name)[0], {})[p.name] = p
    jobs = [(student, "01-xor", files, mode, HOSTILE) for student, files in by_student.items()]
    hostile.build_across(built, subs)
    for name, cases in hostile.ACROSS.items():
        jobs += [((name, student), name, {f"{name}.ipynb": subs / name / f"{student}.ipynb"},
                  mode, HOSTILE)
                 for student in cases]
    results = run_all(built, installed, jobs, tmp_path_factory)
    return results, sandbox_processes(str(installed.resolve()), hostile.sleep_marker(token), token)


# ------------------------------------------------------------------------------------------------
def test_setup_and_requirements_identical_across_exercises(built):
    """One setup.sh run stands for all: every zip carries the same script and pins, which are the
    grading environment's (grading.environment), so `make grade` grades with the same packages."""
    texts = set()
    for name in EXS:
        with zipfile.ZipFile(built / "autograder" / f"{name}.zip") as zf:
            names = zf.namelist()
            texts.add((zf.read("setup.sh"), zf.read("requirements.txt")))
            assert not any("git+" in zf.read(n).decode(errors="ignore")
                           for n in ("setup.sh", "requirements.txt"))
            assert any(n.startswith("grader/mlp/") for n in names), "the zip must carry mlp itself"
    assert texts == {(environment.SETUP.read_bytes(), environment.REQUIREMENTS.read_bytes())}


def test_zip_pins_come_from_the_lock():
    """Every pin of the grading environment is one of the lock's (same package, same version)."""
    def pins(path):
        out = set()
        for line in path.read_text().splitlines():
            if line and not line.startswith(("#", " ")):
                name, version = line.split(" ;")[0].split("==")
                out.add((name.lower(), version.strip()))
        return out
    grading, lock = pins(environment.REQUIREMENTS), pins(ex.ROOT / "requirements-lock.txt")
    assert grading and grading <= lock, sorted(grading - lock)


def _index_reachable() -> bool:
    import urllib.request
    try:
        urllib.request.urlopen("https://pypi.org/simple/pip/", timeout=10)
        return True
    except OSError:
        return False


@pytest.mark.parametrize("version", PYTHONS)
def test_zip_requirements_resolve_for_gradescopes_pythons(version, tmp_path):
    """pip resolves the zip's pins, as evaluated for that Python, to binary wheels for Linux x86-64
    (no download beyond the index's metadata: --dry-run)."""
    from packaging.markers import default_environment
    from packaging.requirements import Requirement

    if not _index_reachable():
        pytest.skip("PyPI is not reachable from here: the zip's pins could not be resolved")
    env = dict(default_environment(), python_version=version, python_full_version=f"{version}.0",
               sys_platform="linux", platform_system="Linux", platform_machine="x86_64")
    pins = {}
    for line in environment.REQUIREMENTS.read_text().splitlines():
        if line and not line.startswith(("#", " ")):
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate(env):
                pins[req.name.lower().replace("_", "-")] = str(req.specifier).lstrip("=")
    reqs = tmp_path / "requirements.txt"
    reqs.write_text("".join(f"{n}=={v}\n" for n, v in pins.items()))
    report = tmp_path / "report.json"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run",
                           "--ignore-installed", "--quiet", "--python-version", version,
                           "--only-binary", ":all:",
                           "--implementation", "cp", "--platform", "manylinux_2_17_x86_64",
                           "--platform", "manylinux2014_x86_64",
                           "--platform", "manylinux_2_28_x86_64",
                           "--target", str(tmp_path / "target"), "--report", str(report),
                           "-r", str(reqs)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = {i["metadata"]["name"].lower().replace("_", "-"): i["metadata"]["version"]
           for i in json.loads(report.read_text())["install"]}
    assert {n: got.get(n) for n in pins} == pins
    if version == "3.10":
        assert pins["numpy"].startswith("2.2"), "Python 3.10 gets the numpy the lock pins for it"


def test_setup_refuses_an_old_python_clearly(tmp_path):
    fake = tmp_path / "python3.9"
    fake.write_text("#!/bin/sh\n[ \"$1\" = -V ] && { echo 'Python 3.9.18'; exit 0; }\nexit 1\n")
    fake.chmod(0o755)
    env = dict(os.environ, AUTOGRADER_ROOT=str(tmp_path), SKIP_APT="1", SETUP_PYTHON=str(fake))
    proc = subprocess.run(["bash", str(environment.SETUP)], env=env, capture_output=True, text=True)
    assert proc.returncode != 0
    assert ("Python 3.10 or newer" in proc.stderr and "3.9.18" in proc.stderr
            and "Ubuntu 22.04" in proc.stderr)


@pytest.mark.parametrize("name", EXS)
def test_solution_full_and_stub_zero(clean, built, name):
    total = sum(q["points"] for q in ex._questions_of(name, built))
    for who, expected in (("solution", auto_points(built, name)), ("stub", 0)):
        res = clean[(name, who)]
        assert (res["score"] == pytest.approx(expected)
                and res["extra_data"]["status"] == "graded"), res
        assert res["extra_data"]["sandbox"].startswith("bubblewrap")
        assert sum(t["max_score"] for t in res["tests"]) == pytest.approx(total), \
            "hand-graded questions are in tests[] with their points: the total is right"
        assert isinstance(res["execution_time"], float) and res["execution_time"] > 0


@pytest.mark.parametrize("name,q", [(n, q) for n in EXS if n in WRONG for q in WRONG[n]])
def test_wrong_answers_as_in_make_grade(clean, name, q):
    entry = next(t for t in clean[(name, "wrong")]["tests"] if t["name"] == q)
    assert entry["score"] < entry["max_score"] and WRONG[name][q][1] in entry["output"]


def test_checkpoint_folders_are_never_graded(clean, built):
    res = clean[("01-xor", "checkpoints")]
    assert res["score"] == auto_points(built, "01-xor"), \
        "the top-level notebook, not the checkpoint"
    assert "ignored .ipynb_checkpoints/01-xor-checkpoint.ipynb" in res["output"]


def test_results_are_written_whatever_happens(clean, built, installed, tmp_path):
    res = clean[("01-xor", "deep")]
    assert res["extra_data"]["status"] == "invalid" and "nested too deeply" in res["output"]
    # a crash of the autograder itself, before grading: still a results.json, status error
    root = unpack(built, "01-xor", tmp_path)
    (root / "source" / "exercise.json").write_text('{"name": "01-xor", "questions": [{"nam')
    (root / "venv").symlink_to(installed)
    (root / "submission").mkdir()
    proc = subprocess.run([str(root / "run_autograder")], env={"PATH": "/usr/bin:/bin",
                          "AUTOGRADER_ROOT": str(root), "HOME": str(tmp_path)},
                          capture_output=True, text=True)
    res = json.loads((root / "results" / "results.json").read_text())
    assert res["score"] == 0 and res["extra_data"]["status"] == "error" and "execution_time" in res
    assert "Traceback" in proc.stdout, \
        "the instructor sees the traceback in the autograder's output"
    assert "Traceback" not in visible(res)


@pytest.mark.parametrize("student", sorted(s for s in hostile.CORPUS if s != "several"),
                         ids=lambda s: s[:30])
def test_hostile_submission_scored_as_make_grade_scores_it(corpus, student):
    what, total, status, _ = hostile.CORPUS[student]
    res = corpus[0][student]
    assert (res["score"], res["extra_data"]["status"]) == (pytest.approx(total), status), \
        (what, json.dumps(res, indent=1)[:1500])
    assert "hidden=True" not in res["_stdout"] and "def test_" not in res["_stdout"]
    for text in hostile.NEVER_SHOWN.get(student, []):
        assert text not in visible(res)


@pytest.mark.parametrize("name,student",
                         [(n, s) for n in hostile.ACROSS for s in hostile.ACROSS[n]])
def test_honest_variants_and_attacks_as_in_make_grade(corpus, built, name, student):
    what, lost, _ = hostile.ACROSS[name][student]
    points = {q["name"]: q["points"] for q in ex._questions_of(name, built)}
    res = corpus[0][(name, student)]
    assert res["score"] == pytest.approx(auto_points(built, name) - sum(lost.values())), what
    assert all(points[q] >= n for q, n in lost.items())


def test_several_files_one_graded_others_noted(corpus):
    res = corpus[0]["several"]
    assert res["score"] == pytest.approx(hostile.SOLVED) and "ignored several.pdf" in res["output"]


def test_nothing_left_running(corpus):
    assert corpus[1] == []


def test_hidden_results_after_the_due_date(built, installed, tmp_path):
    """Built with hidden feedback after the due date, each question's hidden tests are a part of
    their own, with their full messages, shown only then; the total is unchanged."""
    name = "01-xor"
    out = tmp_path / "ag"
    meta = json.loads((built / "autograder" / name / "exercise.json").read_text())
    bundle.build(name, meta["questions"], built / "autograder" / name / "tests",
                 built / "student" / name / "tests", next((built / "wheel").rglob("*.whl")),
                 out / name, meta["release"], [], hidden_visibility="after_due_date")
    wrong = with_answers(built / "dist" / name / "autograder" / f"{name}.ipynb",
                         {q: s for q, (s, _) in WRONG[name].items()}, tmp_path / "wrong.ipynb")
    res = run_container(built, name, {f"{name}.ipynb": wrong}, installed, tmp_path / "c",
                        "bubblewrap", zip_path=out / f"{name}.zip")
    later = [t for t in res["tests"] if t["visibility"] == "after_due_date"]
    assert later and all(t["name"].endswith("(hidden tests)") for t in later)
    assert res["score"] == pytest.approx(sum(t["score"] for t in res["tests"]))
    now = [t for t in res["tests"] if t["visibility"] == "visible"]
    assert not any("hidden tests (" in t["output"] for t in now), \
        "nothing of the hidden tests shows now"


@pytest.mark.parametrize("visibility, when", [("after_due_date", "after the due date"),
                                              ("after_published", "when the grades are published")])
def test_the_public_part_says_when_the_hidden_part_shows(visibility, when):
    result = {"tests": [{"name": "q1", "score": 1.0, "max_score": 3.0, "output": "q1: 1 / 3"}]}
    facts = {"parts": {"q1": {"public": {"score": 1.0, "max_score": 2.0, "output": "public"},
                              "hidden": {"score": 0.0, "max_score": 1.0, "output": "hidden"}}}}
    public, hidden = gradescope.split_hidden(result, facts, visibility)["tests"]
    assert public["visibility"] == "visible" and public["output"].endswith(f"shown {when})")
    assert hidden == {"name": "q1 (hidden tests)", "score": 0.0, "max_score": 1.0,
                      "output": "hidden", "visibility": visibility}
