"""`make grade` end to end (tools/grading): solutions, untouched student notebooks, plausible wrong
answers, the hostile corpus (hostile.py) with the honest habits of students, and a starving
neighbour, in both sandboxes (bubblewrap and the fallback). Afterwards nothing a submission started
is alive, nothing outside GRADES changed, every clean student's row is the same as without the
hostile neighbours, and nothing derived from a hidden input reached what a student sees.
"""
from __future__ import annotations

import csv
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import sysconfig
from pathlib import Path

import hostile
import psutil
import pytest
from exercise_helpers import ROOT, ex, user_mode_unavailable
from submissions import WRONG, catalogue_class, with_answers, with_cell

from tools.grading import sandbox
from tools.grading.batch import safe_name
from tools.grading.limits import Limits

EXS = [n for n in ex.available()
       if not os.environ.get("ONLY_EXERCISES") or n in os.environ["ONLY_EXERCISES"].split(",")]
CLEAN = Limits(cell_cpu_s=30)   # solutions train networks (exercise 7): room for a busy machine
HOSTILE = Limits(cell_cpu_s=2)  # the corpus loops and hangs: short limits keep the suite quick
SECRET = "COURSE_GRADER_SECRET"
MODES = ["bubblewrap", "user"]
# make test grades the hostile corpus in bubblewrap (what `make grade` uses); the fallback, and the
# Gradescope emulation in both, are the matrix that `make test-matrix` (CI) adds.
MATRIX_MODES = ["bubblewrap", pytest.param("user", marks=pytest.mark.matrix)]
VICTIMS = 5


def auto_points(built, name):
    return sum(q["points"] for q in ex._questions_of(name, built) if not q["manual"])


def clean_submissions(built, folder: Path, names=EXS) -> None:
    for name in names:
        sol = built / "dist" / name / "autograder" / f"{name}.ipynb"
        stub = built / "student" / name / f"{name}.ipynb"
        (folder / name).mkdir(parents=True, exist_ok=True)
        shutil.copy(sol, folder / name / "solution.ipynb")
        shutil.copy(stub, folder / name / "stub.ipynb")
        if name in WRONG:
            with_answers(sol, {q: src for q, (src, _) in WRONG[name].items()},
                         folder / name / "wrong.ipynb")


def tree_digest(root: Path, skip=()) -> dict:
    """path -> (size, modification time): what changes when anything is written there."""
    out = {}
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if os.path.join(dirpath, d) not in skip and d != "__pycache__"]
        for f in files:
            p = os.path.join(dirpath, f)
            try:
                st = os.lstat(p)
            except OSError:
                continue
            out[p] = (st.st_size, st.st_mtime_ns)
    return out


def sandbox_processes(*markers: str, uids=()) -> list[str]:
    """Live processes of the sandbox's user ids that belong to a test: one of `uids` (handed out by
    its judges), or a command line naming one of the markers (other programs, and the other test
    modules, may grade on the same machine at the same time). A uid that another grader holds now
    was free when it took it (the other test worker's grading reuses a uid this batch let go)."""
    found = []
    for p in psutil.process_iter(["uids", "cmdline", "status"]):
        try:
            line = " ".join(p.info["cmdline"] or [])
            uid = p.info["uids"].real
            ours = (uid in uids and not sandbox.held_by_a_grader(uid)) \
                or any(m in line for m in markers)
            if uid in sandbox.UID_RANGE and p.info["status"] != psutil.STATUS_ZOMBIE and ours:
                found.append(f"{p.pid}: {line}")
        except (psutil.Error, AttributeError):
            continue
    return found


def uids_of(grades: Path) -> set[int]:
    """The user ids the judges of a batch handed out (from the instructor's facts files)."""
    out = set()
    for path in (grades / "logs").rglob("*.facts.json"):
        out |= set(json.loads(path.read_text() or "{}").get("uids", []))
    return out


def result(grades: Path, name: str, student: str) -> dict:
    return json.loads((grades / "results" / name / f"{safe_name(student)}.json").read_text())


def visible(res: dict) -> str:
    """Everything of a result that a student sees."""
    return res.get("output", "") + "\n".join(t.get("output", "") for t in res["tests"])


def rows(grades: Path) -> dict:
    return {r["student"]: r for r in csv.DictReader(open(grades / "grades.csv"))}


@pytest.fixture(scope="module")
def clean(built, tmp_path_factory):
    """Every exercise's solution, stub and wrong answers (and exercise 7's special cases), in the
    strongest sandbox."""
    base = tmp_path_factory.mktemp("clean")
    subs, grades = base / "subs", base / "grades"
    clean_submissions(built, subs)
    if "07-digits" in EXS:
        hostile.build_digits(built / "dist" / "07-digits" / "autograder" / "07-digits.ipynb",
                             subs / "07-digits")
    CLASS.update(catalogue_class(built, subs, EXS))
    summary = ex.grade(subs, grades, jobs=2, limits=CLEAN, build_dir=built, progress=False)
    return subs, grades, summary


CLASS: dict = {}     # exercise -> class student -> the catalogued mistakes in their notebook


def with_work(sol: Path, dest: Path) -> Path:
    """The 01-xor solution with a cell that needs about a second of CPU time: honest work that a
    starved notebook would not finish within a wall-clock limit."""
    return with_cell(sol, "total = 0\nfor i in range(4_000_000):\n    total += i * i", dest)


@pytest.fixture(scope="module", params=MATRIX_MODES)
def mixed(request, built, clean, tmp_path_factory):
    """01-xor's clean submissions next to the hostile corpus, graded in one sandbox mode."""
    mode = request.param
    if mode == "bubblewrap" and shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed")
    if mode == "user" and (why := user_mode_unavailable()):
        pytest.skip(why)
    if "01-xor" not in EXS:
        pytest.skip("the hostile corpus is built from 01-xor")
    base = tmp_path_factory.mktemp(f"mixed-{mode}")
    subs, grades = base / "subs", base / "grades"
    clean_submissions(built, subs, ["01-xor"])
    sol = built / "dist" / "01-xor" / "autograder" / "01-xor.ipynb"
    token = "hostile" + secrets.token_hex(4)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    ctx = {"repo": ROOT, "submissions": subs, "grades": grades, "token": token, "secret": SECRET,
           "venv_site": Path(sysconfig.get_paths()["purelib"]), "port": listener.getsockname()[1]}
    hostile.build(sol, built / "student" / "01-xor" / "01-xor.ipynb", subs / "01-xor", ctx)
    hostile.build_across(built, subs)
    (subs / "not-an-exercise").mkdir()
    submitted_before = tree_digest(subs)
    repo_skip = {str(ROOT / d) for d in ("_build", ".venv", ".git")}
    repo_before, venv_before = tree_digest(ROOT, repo_skip), tree_digest(Path(sys.prefix))
    os.environ[SECRET] = token
    os.environ["GRADING_SANDBOX"] = mode
    try:
        summary = ex.grade(subs, grades, jobs=2, limits=HOSTILE, build_dir=built, progress=False)
    finally:
        del os.environ[SECRET], os.environ["GRADING_SANDBOX"]
    try:
        connection, _ = listener.accept()
        received = connection.recv(1000)
    except BlockingIOError:
        received = b""
    listener.close()
    after = {"repo": tree_digest(ROOT, repo_skip), "venv": tree_digest(Path(sys.prefix)),
             "submitted": tree_digest(subs),
             "processes": sandbox_processes(hostile.sleep_marker(token), token,
                                            uids=uids_of(grades))}
    return {"mode": mode, "subs": subs, "grades": grades, "summary": summary, "token": token,
            "received": received, "after": after,
            "before": {"repo": repo_before, "venv": venv_before, "submitted": submitted_before}}


STARVED_MODES = [*MATRIX_MODES, pytest.param("user-without-cgroups", marks=pytest.mark.matrix)]


@pytest.fixture(scope="module", params=STARVED_MODES)
def starved(request, built, clean, tmp_path_factory):
    """A hog that fills the machine with busy processes in their own sessions, graded next to five
    copies of an honest notebook that needs real CPU time. Without cgroups, grading goes one
    notebook at a time (as the README says to), and a notebook's processes die by its user id."""
    mode, jobs = request.param, 2
    if mode == "user-without-cgroups":
        mode, jobs = "user", 1
        os.environ["GRADING_CGROUPS"] = "off"
    if mode == "user" and (why := user_mode_unavailable()):
        pytest.skip(why)
    base = tmp_path_factory.mktemp(f"starved-{mode}")
    folder = base / "subs" / "01-xor"
    folder.mkdir(parents=True)
    sol = built / "dist" / "01-xor" / "autograder" / "01-xor.ipynb"
    stub = built / "student" / "01-xor" / "01-xor.ipynb"
    hog = with_cell(stub, hostile.BUSY, folder / "a-hog.ipynb", before="q1")
    with_cell(hog, "import time\ntime.sleep(600)", hog, before="q1")
    for i in range(VICTIMS):
        with_work(sol, folder / f"victim-{i}.ipynb")
    alone = base / "alone" / "01-xor"
    alone.mkdir(parents=True)
    with_work(sol, alone / "victim-alone.ipynb")
    os.environ["GRADING_SANDBOX"] = mode
    try:
        ex.grade(alone.parent, base / "grades-alone", jobs=1, limits=HOSTILE, build_dir=built,
                 progress=False)
        ex.grade(base / "subs", base / "grades", jobs=jobs, limits=HOSTILE, build_dir=built,
                 progress=False)
    finally:
        del os.environ["GRADING_SANDBOX"]
        os.environ.pop("GRADING_CGROUPS", None)
    return base


# ------------------------------------------------------------------------------------------------
# the clean batch
@pytest.mark.parametrize("name", EXS)
def test_solution_scores_full_marks(clean, built, name):
    res = result(clean[1], name, "solution")
    assert res["extra_data"]["status"] == "graded", res["extra_data"]
    assert res["score"] == pytest.approx(auto_points(built, name)), json.dumps(res, indent=1)[:3000]
    assert res["extra_data"]["sandbox"].startswith("bubblewrap")
    manual = [t for t in res["tests"] if t.get("status") == "manual"]
    assert manual and all("to be graded by hand" in t["output"] for t in manual), \
        "the hand-graded questions are listed with their points"


@pytest.mark.parametrize("name", EXS)
def test_untouched_student_notebook_scores_zero(clean, name):
    res = result(clean[1], name, "stub")
    assert res["extra_data"]["status"] == "graded"
    assert res["score"] == 0
    auto = [t for t in res["tests"] if t.get("status") != "manual"]
    assert sum("not answered yet" in t["output"] for t in auto) >= len(auto) // 2


@pytest.mark.parametrize("name,q", [(n, q) for n in EXS if n in WRONG for q in WRONG[n]])
def test_wrong_answer_loses_points_with_hint(clean, built, name, q):
    res = result(clean[1], name, "wrong")
    hint = WRONG[name][q][1]
    points = {x["name"]: x["points"] for x in ex._questions_of(name, built)}
    entry = next(t for t in res["tests"] if t["name"] == q)
    assert entry["score"] < points[q], f"{name} {q}: the wrong answer kept all its points"
    assert hint in entry["output"], entry["output"]
    assert entry["output"].splitlines()[0].startswith(f"{q}: ")
    assert res["score"] >= auto_points(built, name) - sum(points[k] for k in WRONG[name])


@pytest.mark.skipif("07-digits" not in EXS, reason="exercise 7 is not built")
def test_digits_points_come_only_from_held_out_accuracy(clean):
    """Random weights read digits at chance level, and a network cannot be trained on the held-out
    digits in the sandbox: the grading environment has no scikit-learn, whose copy holds them."""
    for student in hostile.DIGITS:
        res = result(clean[1], "07-digits", student)
        q2 = next(t for t in res["tests"] if t["name"] == "q2")
        assert res["extra_data"]["status"] == "graded" and q2["score"] == 0, (student, q2["output"])
    res = result(clean[1], "07-digits", "trained-on-heldout")
    assert "ModuleNotFoundError" in json.dumps(res["extra_data"]["cell_errors"]), res["extra_data"]


@pytest.mark.skipif("07-digits" not in EXS, reason="exercise 7 is not built")
def test_digits_log_shows_held_out_accuracy_for_the_instructor(built, clean):
    grades = clean[1]
    pasted = (grades / "logs" / "07-digits" / f"{safe_name('pasted-from-home')}.txt").read_text()
    assert "held-out accuracy 100.0% of 300 digits" in pasted, pasted[:800]
    assert (result(grades, "07-digits", "pasted-from-home")["score"]
            == auto_points(built, "07-digits"))
    solution = (grades / "logs" / "07-digits" / f"{safe_name('solution')}.txt").read_text()
    accuracy = float(re.search(r"held-out accuracy ([\d.]+)% of 300 digits", solution).group(1))
    assert 95 <= accuracy < 100, solution[:800]
    for student in ("solution", "pasted-from-home"):
        assert "held-out accuracy" not in json.dumps(result(grades, "07-digits", student)), \
            f"{student}: the remark reached the student's results"
    report = (grades / "report.html").read_text()
    assert "too good" in report and "100.0%" in report


def test_hidden_tests_never_reach_students(clean, built):
    """No hidden test's source, messages or reference values in any visible field, even for the
    wrong answers that fail them."""
    seen = []
    for name in EXS:
        hidden_lines = set()
        for f in (built / "autograder" / name / "tests").glob("*.py"):
            for chunk in f.read_text().split("@test_case(")[1:]:
                if "hidden=True" in chunk.split(")", 1)[0]:
                    hidden_lines |= {ln.strip() for ln in chunk.splitlines()[2:]
                                     if len(ln.strip()) > 25}
        for path in (clean[1] / "results" / name).glob("*.json"):
            text = visible(json.loads(path.read_text()))
            seen += [(path.name, ln) for ln in hidden_lines if ln in text]
            assert "hidden=True" not in text and "def test_" not in text
    assert seen == []
    blob = "".join(visible(json.loads(p.read_text()))
                   for p in (clean[1] / "results").rglob("*.json"))
    assert "0.17558364378984087" not in blob and "E1 after one step" not in blob


# ------------------------------------------------------------------------------------------------
# the hostile corpus, in both sandboxes
def test_corpus_is_large_enough():
    assert len(hostile.CORPUS) >= 50


@pytest.mark.parametrize("student", sorted(hostile.CORPUS), ids=lambda s: s[:30])
def test_hostile_submission(mixed, student):
    what, total, status, note = hostile.CORPUS[student]
    res = result(mixed["grades"], "01-xor", student)
    assert res["extra_data"]["status"] == status, (mixed["mode"], what, res["extra_data"])
    assert res["score"] == pytest.approx(total), \
        (mixed["mode"], what, json.dumps(res, indent=1)[:2000])
    if status != "graded":
        assert res["extra_data"]["reason"], "the reason must be recorded"
    row = rows(mixed["grades"])[student if not student.startswith("=") else "'" + student]
    assert row["01-xor:status"] == status
    if note:
        assert note in row["01-xor:notes"] + res["output"], \
            (what, row["01-xor:notes"], res["output"])
    for text in hostile.NEVER_SHOWN.get(student, []):
        assert text not in visible(res), f"{student}: {text!r} reached what the student sees"


@pytest.mark.parametrize("name,student",
                         [(n, s) for n in hostile.ACROSS for s in hostile.ACROSS[n]])
def test_honest_variants_keep_every_point_and_attacks_gain_none(mixed, built, name, student):
    """A list for a tuple, float32, a loss as an array, 12.0 for a count: the plain solution's
    points. Zeroing the test's own arrays, complex numbers or calling mlp's own answers: nothing."""
    what, lost, _ = hostile.ACROSS[name][student]
    points = {q["name"]: q["points"] for q in ex._questions_of(name, built)}
    res = result(mixed["grades"], name, student)
    assert res["extra_data"]["status"] == "graded", res["extra_data"]
    assert res["score"] == pytest.approx(auto_points(built, name) - sum(lost.values())), \
        (mixed["mode"], what, json.dumps(res["tests"], indent=1)[:3000])
    for q, n in lost.items():
        assert next(t for t in res["tests"] if t["name"] == q)["score"] \
            == pytest.approx(points[q] - n), (what, q)
    if student == "uses-mlp":
        assert "is not available here" in visible(res), visible(res)[:2000]


def test_sandbox_mode_is_the_one_asked_for(mixed):
    res = result(mixed["grades"], "01-xor", "solution")
    assert res["extra_data"]["sandbox"].startswith(mixed["mode"])
    if os.path.exists("/sys/fs/cgroup"):
        assert "cgroup v" in res["extra_data"]["sandbox"], res["extra_data"]["sandbox"]


def test_hidden_exceptions_are_not_named(mixed):
    """An exception class chosen by the hidden input would carry its bits: hidden tests only say
    that the code raised."""
    import builtins
    names = {n for n in dir(builtins) if n.endswith("Error")}
    q4 = next(t for t in result(mixed["grades"], "01-xor", "exception-names")["tests"]
              if t["name"] == "q4")
    hidden_part = q4["output"].split("hidden tests", 1)[1]
    assert "raised an exception" in hidden_part
    assert not [n for n in names if n in hidden_part], hidden_part


def test_log_lines_cannot_be_forged(mixed):
    log = (mixed["grades"] / "logs" / "01-xor" / f"{safe_name('log-forgery')}.txt").read_text()
    assert "FORGED" in log, "the message is in the instructor's log"
    assert not [ln for ln in log.splitlines()
                if ln.lstrip().startswith(("FORGED", "q4 - 2 (hidden): passed"))]


def test_restarts_carry_nothing_over(mixed):
    """The submission stored its inputs everywhere it could and ended its process: the restarted
    notebook found none of them (q4 failed every time), and the notes show nothing."""
    log = (mixed["grades"] / "logs" / "01-xor" / f"{safe_name('restart-leak')}.txt").read_text()
    assert "LEAK" not in log and "notebook started" in log
    starts = result(mixed["grades"], "01-xor", "restart-leak")["extra_data"]["notebook_starts"]
    assert starts >= 2, "q4's calls ended the process, and the notebook ran again"


def test_no_network_from_the_sandbox(mixed):
    assert mixed["received"] == b"", mixed["received"]


def test_clean_rows_identical_with_hostile_neighbours(clean, mixed):
    before, after = rows(clean[1]), rows(mixed["grades"])
    columns = [c for c in before["solution"]
               if c == "student" or (c.startswith("01-xor:") and c != "01-xor:notes")]
    for student in ("solution", "stub", "wrong"):
        assert ({c: after[student][c] for c in columns}
                == {c: before[student][c] for c in columns}), \
            (f"{student}'s row changed when hostile submissions were graded beside it "
             f"({mixed['mode']})")


def test_nothing_left_running(mixed):
    assert len(uids_of(mixed["grades"])) >= len(hostile.CORPUS) - 10, \
        "the judges list their user ids"
    assert mixed["after"]["processes"] == [], "processes started by submissions are still alive"


def test_nothing_outside_grades_changed(mixed):
    token = mixed["token"]
    for what in ("repo", "venv", "submitted"):
        before, after = mixed["before"][what], mixed["after"][what]
        changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
        if what == "repo":   # other tests may write tests' own caches; the corpus writes nothing
            changed = [p for p in changed if token in p or not p.endswith((".pyc",))]
        assert changed == [], f"{what}: files changed by grading: {changed[:10]}"
    leaks = [p for p in Path("/tmp").iterdir() if token in p.name]
    assert leaks == [], f"submissions wrote to the host's /tmp: {leaks}"


def test_summary_counts(mixed):
    summary = mixed["summary"]
    assert summary.get("invalid", 0) == sum(1 for v in hostile.CORPUS.values() if v[2] == "invalid")
    assert summary.get("error", 0) == 0, \
        "no submission was graded an error: none overloaded the machine"


def test_formula_names_escaped_and_long_names_shortened(mixed):
    text = (mixed["grades"] / "grades.csv").read_text()
    assert "\n=1+2," not in text and "\n'=1+2," in text
    files = [p.name for p in (mixed["grades"] / "results" / "01-xor").iterdir()]
    assert all(len(n) <= 100 for n in files), [n for n in files if len(n) > 100]
    assert ".hidden" not in " ".join(files)


def test_the_autograder_is_unreadable_to_others(built):
    assert built.stat().st_mode & 0o077 == 0, "_build/exercises is the instructor's only"
    for name in EXS:
        assert (built / "autograder" / f"{name}.zip").stat().st_mode & 0o077 == 0
        assert (built / "autograder" / name).stat().st_mode & 0o077 == 0


# ------------------------------------------------------------------------------------------------
# a starving neighbour
def test_a_starving_neighbour_changes_no_grade(starved):
    alone = json.loads(next((starved / "grades-alone" / "results" / "01-xor").glob("*.json"))
                       .read_text())
    assert alone["score"] == 12, alone
    scores = {}
    for i in range(VICTIMS):
        res = result(starved / "grades", "01-xor", f"victim-{i}")
        scores[i] = (res["score"], res["extra_data"]["status"],
                     res["extra_data"].get("skipped_cells"))
    assert all(v == (12.0, "graded", {}) for v in scores.values()), scores
    hog = result(starved / "grades", "01-xor", "a-hog")
    assert hog["extra_data"]["notebook_starts"] >= 2 and hog["score"] == 0
    assert sandbox_processes(uids=uids_of(starved / "grades")) == [], \
        "the hog's processes are all dead"


# ------------------------------------------------------------------------------------------------
# batch grading's bookkeeping
def test_rerun_resumes_regrades_errors_and_moves_removed_rows(clean, built, tmp_path):
    subs = tmp_path / "subs"
    shutil.copytree(clean[0], subs)
    copy = tmp_path / "grades"
    shutil.copytree(clean[1], copy)
    csv_before = (copy / "grades.csv").read_text()
    name = EXS[0]
    victim = copy / "results" / name / f"{safe_name('stub')}.json"
    victim.unlink()                                    # as if the run had stopped before it
    (victim.parent / "x.json.tmp").write_text("{partial")
    summary = ex.grade(subs, copy, jobs=2, limits=CLEAN, build_dir=built, progress=False)
    n_files = sum(1 for p in subs.rglob("*.ipynb"))
    assert summary["kept"] == n_files - 1 and summary["graded_now"] == 1
    assert victim.is_file() and (copy / "grades.csv").read_text() == csv_before
    # a result that is not `graded` (the grader was killed, the machine overloaded) is graded again
    res = json.loads(victim.read_text())
    res["extra_data"]["status"] = "error"
    victim.write_text(json.dumps(res))
    assert ex.grade(subs, copy, jobs=2, limits=CLEAN, build_dir=built,
                    progress=False)["graded_now"] == 1
    # ONLY regrades one student whatever its result
    summary = ex.grade(subs, copy, jobs=2, limits=CLEAN, build_dir=built, progress=False,
                       only="wrong")
    assert summary["graded_now"] == sum(1 for p in subs.rglob("wrong.ipynb"))
    # a file that is gone takes its row with it
    (subs / name / "stub.ipynb").unlink()
    summary = ex.grade(subs, copy, jobs=2, limits=CLEAN, build_dir=built, progress=False)
    assert summary["removed"] == 1 and summary["graded_now"] == 0
    assert (copy / "removed" / "results" / name / victim.name).is_file()
    table = rows(copy)
    assert f"{name}:status" in table["stub"] and table["stub"][f"{name}:status"] in ("missing", "")


def test_names_never_collide_and_any_bytes_are_a_name(built, tmp_path):
    sol = built / "dist" / EXS[0] / "autograder" / f"{EXS[0]}.ipynb"
    folder = tmp_path / "subs" / EXS[0]
    folder.mkdir(parents=True)
    twin = safe_name("José")                  # a classmate whose file name is José's results' name
    for stem in ("José", twin):
        shutil.copy(sol, folder / f"{stem}.ipynb")
    raw = os.fsencode(str(folder)) + b"/caf\xe9.ipynb"       # Latin-1, not UTF-8
    shutil.copy(sol, raw.decode("utf-8", "surrogateescape"))
    summary = ex.grade(tmp_path / "subs", tmp_path / "grades", jobs=2, limits=CLEAN,
                       build_dir=built, progress=False)
    assert summary.get("graded") == 3
    table = rows(tmp_path / "grades")
    assert {"José", twin, "caf\\xe9"} <= set(table)
    assert all(table[s][f"{EXS[0]}:status"] == "graded" for s in ("José", twin, "caf\\xe9"))


def test_concurrent_runs_on_one_grades_folder_refuse(clean, built, tmp_path):
    from tools.grading import batch
    grades = tmp_path / "grades"
    fd = batch.check_grades(grades, clean[0])
    try:
        with pytest.raises(SystemExit, match="another `make grade` is writing"):
            ex.grade(clean[0], grades, build_dir=built, progress=False)
    finally:
        os.close(fd)


def test_grades_folder_checked_before_grading(clean, built, tmp_path):
    subs = clean[0]
    with pytest.raises(SystemExit, match="inside the submissions folder"):
        ex.grade(subs, subs / "grades", build_dir=built, progress=False)
    (tmp_path / "file").write_text("x")
    with pytest.raises(SystemExit, match="not a folder"):
        ex.grade(subs, tmp_path / "file", build_dir=built, progress=False)


def test_a_killed_judge_is_an_error_graded_again(clean, built, tmp_path, monkeypatch):
    """A judge killed from outside costs one row a reason (an error, not a zero), never the batch;
    the next run grades it again."""
    from tools.grading import submission
    subs = tmp_path / "subs" / EXS[0]
    subs.mkdir(parents=True)
    shutil.copy(clean[0] / EXS[0] / "solution.ipynb", subs / "a.ipynb")
    shutil.copy(clean[0] / EXS[0] / "solution.ipynb", subs / "b.ipynb")
    real_popen = subprocess.Popen

    def popen(cmd, *args, **kwargs):
        proc = real_popen(cmd, *args, **kwargs)
        line = " ".join(map(str, cmd))     # a judge grading, not the batch's sandbox probe
        if "judge.py" in line and "--probe" not in line and not popen.killed:
            popen.killed = True
            proc.kill()
        return proc
    popen.killed = False
    monkeypatch.setattr(submission.subprocess, "Popen", popen)
    summary = ex.grade(subs.parent, tmp_path / "grades", jobs=1, limits=CLEAN, build_dir=built,
                       progress=False)
    assert summary.get("error") == 1 and summary.get("graded") == 1
    table = rows(tmp_path / "grades")
    failed = table["a"] if table["a"][f"{EXS[0]}:status"] == "error" else table["b"]
    assert "the grader failed" in failed[f"{EXS[0]}:notes"]
    res = result(tmp_path / "grades", EXS[0], "a" if failed is table["a"] else "b")
    assert "grader output" not in visible(res), "the judge's own error output stays in the log"
    monkeypatch.undo()
    again = ex.grade(subs.parent, tmp_path / "grades", jobs=1, limits=CLEAN, build_dir=built,
                     progress=False)
    assert again["graded_now"] == 1 and again.get("graded") == 1


# ------------------------------------------------------------------------------------------------
# a term: roster, hand scores, exports, the class report
ROSTER = [("Sol Ution", "s001", "solution@uni.edu"),      # matched by the email's local part
          ("Wrong", "s002", "w2@uni.edu"),                 # by the name
          ("Stub Student", "stub", "stub.student@uni.edu"),  # by the id
          ("Never Submitted", "s004", "never@uni.edu")]


@pytest.fixture(scope="module")
def term(clean, built, tmp_path_factory):
    base = tmp_path_factory.mktemp("term")
    grades = base / "grades"
    shutil.copytree(clean[1], grades)
    roster = base / "roster.csv"
    roster.write_text("name,id,email\n" + "".join(f"{n},{i},{e}\n" for n, i, e in ROSTER))
    first = ex.grade(clean[0], grades, jobs=2, limits=CLEAN, build_dir=built, progress=False,
                     roster=roster)
    template = list(csv.DictReader(open(grades / "hand-scores-template.csv")))
    hand = base / "hand-scores.csv"
    with open(hand, "w", newline="") as f:
        writer = csv.DictWriter(f, template[0].keys())
        writer.writeheader()
        for row in template:
            if row["student"] == "s001":       # Sol Ution gets every hand-graded point
                writer.writerow({**row, "points": row["max_points"], "comment": "good"})
    second = ex.grade(clean[0], grades, jobs=2, limits=CLEAN, build_dir=built, progress=False,
                      roster=roster, hand=hand)
    return {"grades": grades, "roster": roster, "hand": hand, "template": template,
            "runs": (first, second), "base": base}


def test_a_rerun_with_a_roster_grades_nothing_again(term):
    assert term["runs"][0]["graded_now"] == 0 and term["runs"][1]["graded_now"] == 0


def test_gradebook_has_points_possible_missing_and_roster_columns(term, built):
    lines = list(csv.DictReader(open(term["grades"] / "grades.csv")))
    top = lines[0]
    assert top["student"] == "(points possible)"
    for name in EXS:
        assert float(top[f"{name}:total"]) == sum(q["points"]
                                                  for q in ex._questions_of(name, built))
    table = {r["student"]: r for r in lines[1:]}
    never = table["Never Submitted"]
    assert all(never[f"{n}:status"] == "missing" for n in EXS) and never["total"] == "0"
    assert (table["Sol Ution"]["id"] == "s001"
            and table["Stub Student"]["email"] == "stub.student@uni.edu")
    assert table["Wrong"]["id"] == "s002"
    assert "class-00" in table and table["class-00"]["id"] == "", \
        "a file that matches nobody keeps its row"


def test_hand_scores_are_merged_into_the_totals(term, built):
    table = rows(term["grades"])
    for name in EXS:
        manual = [q for q in ex._questions_of(name, built) if q["manual"]]
        for q in manual:
            assert table["Sol Ution"][f"{name}:{q['name']} (manual)"] == f"{q['points']:g}"
        total = sum(q["points"] for q in ex._questions_of(name, built))
        assert float(table["Sol Ution"][f"{name}:total"]) == total, \
            "automatic and hand points together"
    merged = list(csv.DictReader(open(term["grades"] / "hand-scores-template.csv")))
    assert any(r["student"] == "s001" and r["points"] for r in merged), \
        "the next template carries them"


def test_a_bad_hand_score_file_stops_with_the_row(term, clean, built):
    bad = term["base"] / "bad-hand.csv"
    row = next(r for r in term["template"] if r["student"] == "s002")
    bad.write_text("student,exercise,question,points\n"
                   f"s002,{row['exercise']},{row['question']},{float(row['max_points']) + 5}\n"
                   f"nobody,{row['exercise']},{row['question']},1\n")
    with pytest.raises(SystemExit) as info:
        ex.grade(clean[0], term["grades"], jobs=2, limits=CLEAN, build_dir=built, progress=False,
                 roster=term["roster"], hand=bad)
    message = str(info.value)
    assert ("row 2" in message and "outside 0 to" in message and "row 3" in message
            and "'nobody'" in message)


def test_canvas_export_matches_the_gradebook_import_layout(term, built):
    """Canvas: Student, ID, SIS User ID, SIS Login ID, Section, then one column per assignment,
    and a Points Possible row; students are matched by SIS User ID / SIS Login ID."""
    from tools.grading import gradebook
    lines = list(csv.reader(open(term["grades"] / "canvas.csv")))
    assert lines[0] == gradebook.CANVAS_HEADER + [f"Exercise {n}" for n in EXS]
    assert lines[1][0] == "Points Possible" and lines[1][1:5] == ["", "", "", ""]
    assert [float(x) for x in lines[1][5:]] == [sum(q["points"] for q in ex._questions_of(n, built))
                                                for n in EXS]
    body = {r[0]: r for r in lines[2:]}
    assert set(body) == {n for n, _, _ in ROSTER}, \
        "only students on the roster (Canvas matches those)"
    sol = body["Sol Ution"]
    assert sol[2:4] == ["s001", "solution@uni.edu"]
    assert [float(x) for x in sol[5:]] == [sum(q["points"] for q in ex._questions_of(n, built))
                                           for n in EXS]
    assert all(float(x) == 0 for x in body["Never Submitted"][5:])


def test_moodle_export_matches_its_grade_export_layout(term):
    from tools.grading import gradebook
    lines = list(csv.reader(open(term["grades"] / "moodle.csv")))
    assert lines[0] == gradebook.MOODLE_HEADER + [f"Exercise {n}" for n in EXS]
    body = {(r[0], r[1]): r for r in lines[1:]}
    assert ("Sol", "Ution") in body and ("Never", "Submitted") in body and ("Wrong", "") in body
    assert body[("Sol", "Ution")][2:4] == ["s001", "solution@uni.edu"]
    assert all(float(x) >= 0 for r in body.values() for x in r[4:])


def test_notes_name_skipped_cells_and_timeouts(mixed):
    table = rows(mixed["grades"])
    assert "TimeoutError" in table["loops"]["01-xor:notes"], table["loops"]["01-xor:notes"]
    assert "skipped" in table["loops-no-alarm"]["01-xor:notes"]
    assert "skipped" in table["os-exit"]["01-xor:notes"]


def test_the_class_report(clean, built):
    """The catalogue of real mistakes graded as a class: the report counts what the checks
    recognised, links where each is taught, and needs no network."""
    text = (clean[1] / "report.html").read_text()
    assert "<script" not in text and 'src="http' not in text and "@import" not in text
    assert "<html lang=\"en\">" in text and "<main>" in text
    sections = text.split("<section>")[1:]
    assert len(sections) == len(EXS)
    site = ex.config.site_url().rstrip("/")
    for name, section in zip(EXS, sections):
        auto = [q for q in ex._questions_of(name, built) if not q["manual"]]
        assert section.count("<svg") == len(auto), f"{name}: a histogram per question"
        assert section.count('role="img"') == len(auto) and "aria-label=" in section
        table = section.split("Most frequent mistakes", 1)[1].split("</table>", 1)[0]
        counted = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(\d+)</td><td>(\d+)%</td>"
                             r"<td>(.*?)</td></tr>", table)
        assert len(counted) >= min(5, len(CLASS[name])), f"{name}: {len(counted)} mistakes listed"
        graded = sum(1 for p in (clean[1] / "results" / name).glob("*.json")
                     if json.loads(p.read_text())["extra_data"]["status"] == "graded")
        facts = [json.loads(p.read_text()) for p in (clean[1] / "logs" / name).glob("*.facts.json")]
        for hint, _, n, share, where in counted:
            import html as _html
            seen = sum(1 for f in facts
                       if any((c.get("diagnosis") or {}).get("hint") == _html.unescape(hint)
                              for c in f.get("cases", [])))
            assert int(n) == seen and int(share) == round(100 * seen / graded), (name, hint)
            if where != "—":
                assert f'href="{site}/' in where and "#" in where, where
    assert "too good" in text, "exercise 7's pasted weights are flagged"


def test_the_class_report_fits_a_phone(clean):
    """On a phone the page never scrolls sideways: each table scrolls in a box of its own, which
    the keyboard can reach (tabindex) and which names what it holds, in light and dark mode."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    from benchmarks import bench_pages
    try:
        browser_path = bench_pages.chromium()
    except SystemExit as exc:
        pytest.skip(str(exc))
    tables = len(re.findall("<table>", (clean[1] / "report.html").read_text()))
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, args=bench_pages.CHROMIUM_ARGS)
        try:
            for scheme in ("light", "dark"):
                page = browser.new_context(color_scheme=scheme, **bench_pages.PHONE).new_page()
                page.goto((clean[1] / "report.html").as_uri())
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 390, f"the report is {width} px wide on a 390 px phone ({scheme})"
                boxes = page.evaluate("""() => Array.from(document.querySelectorAll('table'))
                    .map(t => t.parentElement).map(b => [b.getAttribute('role'), b.tabIndex,
                    b.getAttribute('aria-label'), getComputedStyle(b).overflowX])""")
                assert len(boxes) == tables > 0
                bad = [b for b in boxes if b[0] != "region" or b[1] != 0 or not b[2]
                       or b[3] != "auto"]
                assert bad == [], bad
        finally:
            browser.close()
