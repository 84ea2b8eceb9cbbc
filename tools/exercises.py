"""Build the graded exercises and grade submissions (otter-grader 7, no Docker).

    python tools/exercises.py build              # make exercises: student notebooks + autograders
    python tools/exercises.py sync               # refresh the committed copies for Colab (see below)
    python tools/exercises.py grade DIR [--out GRADES] [--jobs 2] [--timeout 300]   # make grade

`build` runs `otter assign` on every master notebook exercises/<name>/<name>.ipynb and writes
    _build/exercises/student/<name>/         the student notebook (solutions stripped) + public tests
    _build/exercises/autograder/<name>.zip   the autograder: upload to Gradescope or use `otter run`
    _build/exercises/site/downloads/         what the site links: <name>.zip (notebook + tests)
Hidden tests only ever go into the autograder.

Colab opens notebooks from the repository, so a copy of each student notebook and its public tests
is committed under exercises/<name>/student/. `sync` regenerates those copies, the first cell of
every master (install + public tests on Colab, from _config.yml's repository) and the links on the
exercise pages; the test suite fails when any of them is out of date.

`grade` grades DIR/<exercise>/<student>.ipynb with `otter run`, each submission in its own
subprocess on a temporary copy, in parallel, with a per-submission timeout and memory limit. It
writes GRADES/results/<exercise>/<student>.json (Gradescope's results format, plus the reason in
extra_data when something went wrong) and GRADES/grades.csv. A result is only written once it is
complete, and a re-run skips the submissions whose result matches the file's checksum, so an
interrupted run resumes without losing or duplicating anything.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import colab_cell  # noqa: E402  (the repository URL and branch come from _config.yml)
import project  # noqa: E402

EXERCISES = ["01-xor", "02-structure", "03-loss", "04-backprop", "05-optimizers",
             "06-double-descent"]
SRC = ROOT / "exercises"
BUILD = ROOT / "_build" / "exercises"
OTTER_VERSION = "7.0.0"
SETUP_MARKER = colab_cell.MARKER
PYTHON = sys.executable


# ------------------------------------------------------------------------------------------------
# authoring: the first cell, the committed copies, the page links
def setup_cell_source(name: str) -> str:
    """The student's first cell: on Colab install mlp + otter and fetch the public tests."""
    url, branch = colab_cell.repository()
    clone = "/content/nn-from-scratch"
    extra = "\n".join([
        f'%pip install -q "otter-grader=={OTTER_VERSION}"',
        f"!git clone -q --depth 1 --branch {branch} {url} {clone}",
        f'TESTS_DIR = "{clone}/exercises/{name}/student/tests"',
    ])
    return "\n".join([
        colab_cell.install_cell_source(extra),
        "else:",
        '    TESTS_DIR = "tests"  # the public tests next to this notebook',
        "import otter",
        "grader = otter.Notebook(tests_dir=TESTS_DIR)",
    ])


def colab_url(name: str) -> str:
    url, branch = colab_cell.repository()
    repo = url.split("github.com/", 1)[1]
    return (f"https://colab.research.google.com/github/{repo}/blob/{branch}/"
            f"exercises/{name}/student/{name}.ipynb")


def links_block(name: str) -> str:
    return "\n".join([
        "<!-- links: written by tools/exercises.py sync -->",
        f'<a href="../downloads/{name}.zip" download>Download the notebook and its public tests '
        f"({name}.zip)</a> &middot; "
        f'<a href="{colab_url(name)}">Open in Colab</a>',
        "<!-- /links -->",
    ])


def _source(cell) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def master_path(name: str) -> Path:
    return SRC / name / f"{name}.ipynb"


def available() -> list[str]:
    """The exercises whose master notebook exists."""
    return [n for n in EXERCISES if master_path(n).is_file()]


def fixed_master(name: str) -> str:
    """The master notebook's text with its setup cell brought up to date."""
    nb = json.loads(master_path(name).read_text())
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    if not _source(cell).startswith(SETUP_MARKER):
        raise SystemExit(f"{name}: the first code cell of the master must be the setup cell")
    cell["source"] = setup_cell_source(name)
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def fixed_page(name: str) -> str:
    page = SRC / f"{name}.md"
    text = page.read_text()
    pattern = re.compile(r"<!-- links:.*?<!-- /links -->", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{page}: no '<!-- links: ... <!-- /links -->' block")
    return pattern.sub(lambda m: links_block(name), text)


def out_of_date(build_dir: Path = BUILD, names=None) -> list[str]:
    """Committed files that `sync` would change (masters, pages, student copies)."""
    stale = []
    for name in names or available():
        if master_path(name).read_text() != fixed_master(name):
            stale.append(str(master_path(name).relative_to(ROOT)))
        if (SRC / f"{name}.md").read_text() != fixed_page(name):
            stale.append(f"exercises/{name}.md")
        built, committed = build_dir / "student" / name, SRC / name / "student"
        for rel in sorted({p.relative_to(built) for p in built.rglob("*") if p.is_file()}
                          | {p.relative_to(committed) for p in committed.rglob("*") if p.is_file()}):
            a, b = built / rel, committed / rel
            if not (a.is_file() and b.is_file() and a.read_bytes() == b.read_bytes()):
                stale.append(str(b.relative_to(ROOT)))
    return stale


# ------------------------------------------------------------------------------------------------
# build
def _normalize_student(path: Path, name: str) -> None:
    """Deterministic student notebook: stable cell ids, no outputs (otter gives random ids)."""
    nb = json.loads(path.read_text())
    for i, cell in enumerate(nb["cells"]):
        cell["id"] = f"{name}-{i}"
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n")


def _questions(master_text: str) -> list[dict]:
    """[{name, points, manual}] from the master's `# BEGIN QUESTION` cells."""
    out = []
    for cell in json.loads(master_text)["cells"]:
        src = _source(cell)
        if cell["cell_type"] == "raw" and src.lstrip().startswith("# BEGIN QUESTION"):
            fields = dict(re.findall(r"^(\w+):\s*(.+?)\s*$", src, re.M))
            out.append({"name": fields["name"], "points": float(fields.get("points", 0)),
                        "manual": fields.get("manual", "false").lower() == "true"})
    return out


def _fingerprint(name: str, master_text: str) -> str:
    h = hashlib.sha256(master_text.encode())
    for extra in (Path(__file__), ROOT / "tools" / "colab_cell.py", ROOT / "_config.yml"):
        h.update(extra.read_bytes())
    return h.hexdigest()


def build_one(name: str, build_dir: Path = BUILD, force: bool = False) -> str:
    master_text = fixed_master(name)
    stamp = build_dir / "autograder" / f"{name}.json"
    fp = _fingerprint(name, master_text)
    if not force and stamp.is_file() and json.loads(stamp.read_text()).get("fingerprint") == fp \
            and (build_dir / "autograder" / f"{name}.zip").is_file():
        return f"{name}: up to date"
    stage = build_dir / "stage" / name
    dist = build_dir / "dist" / name
    shutil.rmtree(stage, ignore_errors=True)
    shutil.rmtree(dist, ignore_errors=True)
    stage.mkdir(parents=True)
    (stage / f"{name}.ipynb").write_text(master_text)
    url, branch = colab_cell.repository()
    # Gradescope's image installs these; `otter run` uses the current environment instead.
    (stage / "requirements.txt").write_text(f"nn-from-scratch @ git+{url}@{branch}\n")
    t0 = time.perf_counter()
    proc = subprocess.run([PYTHON, "-m", "otter", "assign", f"{name}.ipynb", str(dist)],
                          cwd=stage, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"otter assign failed for {name}:\n{proc.stdout}\n{proc.stderr}")
    student = build_dir / "student" / name
    shutil.rmtree(student, ignore_errors=True)
    shutil.copytree(dist / "student", student)
    (student / "requirements.txt").unlink(missing_ok=True)
    _normalize_student(student / f"{name}.ipynb", name)
    zips = sorted((dist / "autograder").glob(f"{name}-autograder_*.zip"))
    (build_dir / "autograder").mkdir(parents=True, exist_ok=True)
    shutil.copy(zips[-1], build_dir / "autograder" / f"{name}.zip")
    site = build_dir / "site" / "downloads"
    site.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(site / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(student.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts:
                zf.write(p, f"{name}/{p.relative_to(student)}")
    shutil.rmtree(stage, ignore_errors=True)
    stamp.write_text(json.dumps({"fingerprint": fp, "questions": _questions(master_text)}, indent=1))
    return f"{name}: built in {time.perf_counter() - t0:.1f} s"


def build(names=None, build_dir: Path = BUILD, force: bool = False, jobs: int = 2) -> None:
    names = names or available()
    with cf.ThreadPoolExecutor(jobs) as pool:
        for msg in pool.map(lambda n: build_one(n, build_dir, force), names):
            print(msg, flush=True)


def sync(names=None) -> None:
    """Bring masters' setup cells, page links and the committed student copies up to date."""
    names = names or available()
    for name in names:
        master_path(name).write_text(fixed_master(name))
        (SRC / f"{name}.md").write_text(fixed_page(name))
    build(names)
    for name in names:
        dest = SRC / name / "student"
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(BUILD / "student" / name, dest,
                        ignore=shutil.ignore_patterns("__pycache__"))
    stale = out_of_date(names=names)
    print("in sync" if not stale else f"still out of date: {stale}")


# ------------------------------------------------------------------------------------------------
# grading
CELL_LIMIT = 60  # seconds per notebook cell during grading (the whole submission has --timeout)

GUARD = '''\
# Added by the grader: make a crash or an endless cell cost only the questions it affects.
import os as _grader_os, signal as _grader_signal
def _grader_no_exit(*args, **kwargs):
    raise SystemExit("os._exit is disabled while grading")
_grader_os._exit = _grader_no_exit
def _grader_alarm(signum, frame):
    raise TimeoutError("this cell ran longer than {limit} s while grading")
_grader_signal.signal(_grader_signal.SIGALRM, _grader_alarm)
get_ipython().events.register("pre_run_cell", lambda *a: _grader_signal.alarm({limit}))
get_ipython().events.register("post_run_cell", lambda *a: _grader_signal.alarm(0))
'''

RESTORE = '''\
# Added by the grader: restore the test files (the submission may have edited them) and grade
# the final state of the notebook with them, discarding results computed with edited tests.
import json as _grader_json, os as _grader_os2
from otter.execute import Checker as _GraderChecker
_grader_os2.makedirs("tests", exist_ok=True)
for _grader_name, _grader_text in _grader_json.loads({tests!r}).items():
    with open(_grader_os2.path.join("tests", _grader_name), "w") as _grader_f:
        _grader_f.write(_grader_text)
_GraderChecker.clear_results()
'''


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _questions_of(name: str, build_dir: Path) -> list[dict]:
    return json.loads((build_dir / "autograder" / f"{name}.json").read_text())["questions"]


def _failure_result(questions, reason: str) -> dict:
    """Gradescope results for a submission that could not be graded: zero, with the reason."""
    return {"score": 0.0, "output": f"Not graded: {reason}", "tests": [
        {"name": q["name"], "score": 0.0, "max_score": q["points"], "output": reason,
         "visibility": "visible"} for q in questions if not q["manual"]]}


def _prepare(sub: Path, name: str, zip_path: Path, dest: Path, cell_limit: int = CELL_LIMIT) -> None:
    """Copy the submission into the sandbox with the guard and restore cells added."""
    import nbformat
    try:
        nb = nbformat.read(str(sub), as_version=4)
    except Exception as exc:  # not JSON, not a notebook, a directory...
        raise ValueError(f"not a valid notebook ({type(exc).__name__}: {str(exc)[:200]})") from None
    if not isinstance(nb.get("cells"), list):
        raise ValueError("not a valid notebook (no cells)")
    with zipfile.ZipFile(zip_path) as zf:
        tests = {Path(n).name: zf.read(n).decode() for n in zf.namelist()
                 if re.fullmatch(r"tests/[^/]+\.py", n)}
    nb.cells.insert(0, nbformat.v4.new_code_cell(GUARD.format(limit=cell_limit)))
    nb.cells.append(nbformat.v4.new_code_cell(RESTORE.format(tests=json.dumps(tests))))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for cell in nb.cells:  # outputs of the student's run play no part in grading
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(nb, str(dest))


def _limit_memory(limit_bytes: int):
    def apply():
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
    return apply


def _kill_all(proc: subprocess.Popen, tmp: Path) -> None:
    """Kill the grading process and everything it started. Jupyter starts kernels in a session of
    their own, so a process group kill misses them; find them as descendants and by their files
    in this submission's temporary folder (a kernel orphaned by a killed parent has ppid 1)."""
    import psutil

    victims = []
    try:
        parent = psutil.Process(proc.pid)
        victims = [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        pass
    for p in psutil.process_iter(["cmdline", "cwd"]):
        try:
            if str(tmp) in " ".join(p.info["cmdline"] or []) or str(tmp) in (p.info["cwd"] or ""):
                victims.append(p)
        except (psutil.Error, TypeError):
            continue
    for p in victims:
        try:
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(victims, timeout=10)
    proc.wait()


def grade_one(sub: Path, name: str, build_dir: Path, timeout: float, memory_mb: int,
              cell_limit: int = CELL_LIMIT) -> dict:
    """Grade one submission in a subprocess on a temporary copy; never raises."""
    questions = _questions_of(name, build_dir)
    t0 = time.perf_counter()
    status, reason = "graded", ""
    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        tmp = Path(tmp)
        for d in ("submission", "out", "home", "tmp"):
            (tmp / d).mkdir()
        result = None
        try:
            if sub.suffix != ".ipynb":
                raise ValueError(f"not a notebook (a {sub.suffix or 'extensionless'} file)")
            _prepare(sub, name, build_dir / "autograder" / f"{name}.zip",
                     tmp / "submission" / f"{name}.ipynb", cell_limit)
        except ValueError as exc:
            status, reason = "invalid", str(exc)
        if status == "graded":
            env = dict(os.environ, HOME=str(tmp / "home"), TMPDIR=str(tmp / "tmp"),
                       MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
            env["JUPYTER_PATH"] = str(project.JUPYTER_PATH)
            cmd = [PYTHON, "-m", "otter", "run", "-a", str(build_dir / "autograder" / f"{name}.zip"),
                   "-o", str(tmp / "out"), str(tmp / "submission" / f"{name}.ipynb")]
            with open(tmp / "log.txt", "w+") as logfile:  # a file, not a pipe: a stray kernel
                proc = subprocess.Popen(cmd, cwd=tmp / "tmp", env=env, stdout=logfile,  # can't block us
                                        stderr=subprocess.STDOUT, text=True, start_new_session=True,
                                        preexec_fn=_limit_memory(memory_mb * 2**20))
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    status, reason = "timeout", f"grading took longer than {timeout:g} s and was stopped"
                finally:
                    _kill_all(proc, tmp)
                logfile.seek(0)
                log = logfile.read()
            if status == "graded":
                try:
                    result = json.loads((tmp / "out" / "results.json").read_text())
                    if "tests" not in result:
                        raise ValueError("no tests in results.json")
                except (OSError, ValueError):
                    tail = " | ".join(log.strip().splitlines()[-3:])[-400:]
                    status, reason = "error", f"otter run produced no results ({tail})"
        if result is None:
            result = _failure_result(questions, reason)
    result.setdefault("score", sum(t.get("score", 0) for t in result["tests"]))
    result["execution_time"] = round(time.perf_counter() - t0, 2)
    result["extra_data"] = {"exercise": name, "student": sub.stem, "status": status,
                            "reason": reason, "submission_sha256": _sha256(sub) if sub.is_file() else ""}
    return result


def _question_scores(result: dict) -> dict:
    scores = {}
    for t in result.get("tests", []):
        q = re.split(r"[ \s]", str(t.get("name", "")), maxsplit=1)[0]
        scores[q] = scores.get(q, 0.0) + float(t.get("score") or 0)
    return scores


def write_csv(out: Path, build_dir: Path) -> Path:
    rows, columns = {}, ["student"]
    names = [n for n in EXERCISES if (build_dir / "autograder" / f"{n}.json").is_file()]
    for name in names:
        qs = _questions_of(name, build_dir)
        columns += [f"{name}:{q['name']}" + (" (manual)" if q["manual"] else "") for q in qs]
        columns += [f"{name}:total", f"{name}:status"]
        for path in sorted((out / "results" / name).glob("*.json")):
            result = json.loads(path.read_text())
            row = rows.setdefault(path.stem, {"student": path.stem})
            scores = _question_scores(result)
            for q in qs:
                if not q["manual"]:
                    row[f"{name}:{q['name']}"] = f"{scores.get(q['name'], 0.0):g}"
            row[f"{name}:total"] = f"{sum(scores.get(q['name'], 0.0) for q in qs):g}"
            row[f"{name}:status"] = result.get("extra_data", {}).get("status", "graded")
    columns.append("total")
    for row in rows.values():
        row["total"] = f"{sum(float(row.get(f'{n}:total', 0) or 0) for n in names):g}"
    path = out / "grades.csv"
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="") as f:
        writer = csv.DictWriter(f, columns, restval="")
        writer.writeheader()
        for student in sorted(rows):
            writer.writerow(rows[student])
    tmp.replace(path)
    return path


def _progress(done: int, total: int, label: str) -> None:
    width = 30
    filled = width * done // max(total, 1)
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {label[:60]:<60}",
          end="" if done < total else "\n", file=sys.stderr, flush=True)


def grade(submissions: Path, out: Path, jobs: int = 2, timeout: float = 300, memory_mb: int = 3072,
          build_dir: Path = BUILD, cell_limit: int = CELL_LIMIT) -> dict:
    submissions, out = Path(submissions), Path(out)
    if not submissions.is_dir():
        raise SystemExit(f"{submissions} is not a folder of submissions")
    notes = [f"ignored {p.name}: not an exercise folder (expected one of {', '.join(EXERCISES)})"
             for p in sorted(submissions.iterdir()) if p.name not in EXERCISES]
    tasks, skipped = [], 0
    for name in EXERCISES:
        folder = submissions / name
        if not folder.is_dir():
            continue
        if not (build_dir / "autograder" / f"{name}.zip").is_file():
            build([name], build_dir)
        for sub in sorted(folder.iterdir()):
            if sub.name.startswith("."):
                continue
            dest = out / "results" / name / f"{sub.stem}.json"
            if dest.is_file() and sub.is_file():
                try:  # resume: keep a result that belongs to this very file
                    if json.loads(dest.read_text())["extra_data"]["submission_sha256"] == _sha256(sub):
                        skipped += 1
                        continue
                except (ValueError, KeyError, TypeError):
                    pass
            tasks.append((name, sub, dest))
    stems = {}
    for name, sub, _ in tasks:
        stems.setdefault((name, sub.stem), []).append(sub.name)
    for (name, stem), files in stems.items():
        if len(files) > 1:
            notes.append(f"{name}/{stem}: several files ({', '.join(files)}); the last one graded wins")
    counts = {"graded": 0, "invalid": 0, "timeout": 0, "error": 0}
    t0 = time.perf_counter()
    _progress(0, len(tasks), f"{skipped} already graded" if skipped else "")
    with cf.ThreadPoolExecutor(max(1, jobs)) as pool:
        futures = {pool.submit(grade_one, sub, name, build_dir, timeout, memory_mb, cell_limit): (name, sub, dest)
                   for name, sub, dest in tasks}
        for i, fut in enumerate(cf.as_completed(futures), start=1):
            name, sub, dest = futures[fut]
            try:
                result = fut.result()
            except Exception as exc:  # a bug in the grader itself: record it, keep going
                result = _failure_result(_questions_of(name, build_dir), f"grader error: {exc!r}")
                result["extra_data"] = {"exercise": name, "student": sub.stem, "status": "error",
                                        "reason": f"grader error: {exc!r}", "submission_sha256": ""}
            status = result["extra_data"]["status"]
            counts[status] = counts.get(status, 0) + 1
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_suffix(".json.tmp")
            tmp.write_text(json.dumps(result, indent=1))
            tmp.replace(dest)  # atomic: a result is either complete or absent
            if status != "graded":
                notes.append(f"{name}/{sub.name}: {status}: {result['extra_data']['reason']}")
            _progress(i, len(tasks), f"{name}/{sub.stem}: {result['score']:g} ({status})")
    (out / "results").mkdir(parents=True, exist_ok=True)
    csv_path = write_csv(out, build_dir)
    summary = dict(counts, skipped=skipped, seconds=round(time.perf_counter() - t0, 1))
    print(f"graded {len(tasks)} submission(s) in {summary['seconds']} s ({skipped} already graded): "
          + ", ".join(f"{k} {v}" for k, v in counts.items() if v))
    for note in notes:
        print("  " + note)
    print(f"grades: {csv_path}")
    return summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="generate student notebooks and autograders")
    b.add_argument("names", nargs="*", metavar="NAME", help=f"some of {EXERCISES} (default: all)")
    b.add_argument("--force", action="store_true", help="rebuild even when up to date")
    sy = sub.add_parser("sync", help="update the committed student copies, setup cells and page links")
    sy.add_argument("names", nargs="*", metavar="NAME", help="some exercises (default: all)")
    g = sub.add_parser("grade", help="grade a folder of submissions")
    g.add_argument("submissions", type=Path)
    g.add_argument("--out", type=Path, default=ROOT / "_build" / "grades")
    g.add_argument("--jobs", type=int, default=2)
    g.add_argument("--timeout", type=float, default=300, help="seconds per submission")
    g.add_argument("--memory-mb", type=int, default=3072, help="memory limit per submission")
    args = ap.parse_args(argv)
    if args.command == "build":
        unknown = set(args.names) - set(EXERCISES)
        if unknown:
            ap.error(f"unknown exercise(s) {sorted(unknown)}; choose from {EXERCISES}")
        build(args.names or None, force=args.force)
    elif args.command == "sync":
        sync(args.names or None)
    else:
        grade(args.submissions, args.out, args.jobs, args.timeout, args.memory_mb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
