"""`make grade`: grade a folder of submissions into GRADES, never losing or corrupting a row.

    SUBMISSIONS/<exercise>/<student>.ipynb  ->  GRADES/grades.csv
                                                GRADES/results/<exercise>/<student>.json (Gradescope's format)
                                                GRADES/logs/<exercise>/<student>.txt     (for the instructor)

- GRADES is checked before anything is graded, and locked: a second `make grade` on the same
  GRADES refuses with a clear message instead of grading twice.
- Each submission is graded by grading.submission (its own judge process, the notebook in the
  sandbox). A failure of any kind, including while writing its result, is recorded with a reason
  and the run goes on.
- Resume: a result is kept when it belongs to the same file (its SHA-256) graded by the same
  autograder (its fingerprint); changing a test regrades everything it affects.
- Files: one per student is chosen deterministically (`name.ipynb`, then an upper-case extension,
  then anything else, which is invalid), the others are noted; dotfiles and folders are ignored
  with a note; symbolic links are refused without reading their target. Long or unusual names are
  shortened (with a hash) in file names; grades.csv keeps the real name, with cells that a
  spreadsheet would run as a formula (=, +, -, @) escaped.
"""
from __future__ import annotations

import concurrent.futures as cf
import csv
import fcntl
import hashlib
import json
import os
import queue
import re
import time
from pathlib import Path

from . import sandbox, submission

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_name(student: str) -> str:
    """A file name for a student: their name when it is short and plain, otherwise a readable
    prefix and a hash (so two long names that share a prefix stay apart)."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._ -]{0,79}", student) and not student.endswith("."):
        return student
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", student).strip("._")[:60] or "student"
    return f"{cleaned}-{hashlib.sha256(student.encode()).hexdigest()[:12]}"


def spreadsheet_safe(value: str) -> str:
    value = str(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Locked(SystemExit):
    pass


def check_grades(grades: Path, submissions: Path) -> int:
    """Create and lock GRADES; return the lock's file descriptor. Refuse unusable folders."""
    grades, submissions = grades.resolve(), submissions.resolve()
    if grades == submissions or submissions in grades.parents:
        raise SystemExit(f"GRADES={grades} is inside the submissions folder {submissions}: "
                         "choose a folder outside it.")
    if grades in submissions.parents:
        raise SystemExit(f"the submissions folder {submissions} is inside GRADES={grades}: "
                         "choose a GRADES folder that does not contain the submissions.")
    if grades.exists() and not grades.is_dir():
        raise SystemExit(f"GRADES={grades} exists and is not a folder.")
    try:
        grades.mkdir(parents=True, exist_ok=True)
        os.chmod(grades, 0o700)
        fd = os.open(grades / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise SystemExit(f"GRADES={grades} cannot be used: {exc.strerror}.") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise Locked(f"another `make grade` is writing to GRADES={grades}: wait for it to finish, "
                     "or give this run another GRADES folder.") from None
    return fd


def discover(submissions: Path, exercises: list[str]) -> tuple[list[tuple], list[str]]:
    """[(exercise, student, path or None, invalid reason or None, notes)], and general notes."""
    tasks, notes = [], []
    for entry in sorted(os.scandir(submissions), key=lambda e: e.name):
        if entry.name not in exercises:
            notes.append(f"ignored {entry.name}: not an exercise folder (expected one of "
                         f"{', '.join(exercises)})")
    for name in exercises:
        folder = submissions / name
        if not folder.is_dir() or folder.is_symlink():
            continue
        students: dict[str, list[os.DirEntry]] = {}
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.startswith("."):
                notes.append(f"{name}/{entry.name}: ignored (a hidden file)")
            elif entry.is_dir(follow_symlinks=False):
                notes.append(f"{name}/{entry.name}: ignored (a folder)")
            else:
                students.setdefault(os.path.splitext(entry.name)[0], []).append(entry)
        for student, entries in students.items():
            def rank(e):
                ext = os.path.splitext(e.name)[1]
                return (e.is_symlink(), ext != ".ipynb", ext.lower() != ".ipynb", e.name)
            entries.sort(key=rank)
            chosen, rest = entries[0], entries[1:]
            extra = [f"several files ({', '.join(e.name for e in entries)}); graded {chosen.name}"] if rest else []
            ext = os.path.splitext(chosen.name)[1]
            if chosen.is_symlink():
                tasks.append((name, student, None, "a symbolic link: refused, its target was not read", extra))
            elif ext.lower() != ".ipynb":
                tasks.append((name, student, None, f"not a notebook (a {ext or 'extension-less'} file)", extra))
            else:
                if ext != ".ipynb":
                    extra.append(f"the extension {ext} is not lower-case .ipynb; graded anyway")
                tasks.append((name, student, Path(chosen.path), None, extra))
    return tasks, notes


def _row(result: dict, questions: list[dict], name: str) -> dict:
    scores = {t["name"]: float(t.get("score") or 0) for t in result.get("tests", [])}
    row = {f"{name}:{q['name']}": f"{scores.get(q['name'], 0.0):g}" for q in questions if not q["manual"]}
    extra = result.get("extra_data", {})
    row[f"{name}:total"] = f"{sum(scores.values()):g}"
    row[f"{name}:status"] = extra.get("status", "")
    row[f"{name}:notes"] = " | ".join(filter(None, [extra.get("reason", ""), *(
        f"cell {c} skipped: {why}" for c, why in extra.get("skipped_cells", {}).items()),
        *extra.get("notes", [])]))
    return row


def write_csv(out: Path, exercises: dict[str, list[dict]], extra_results: dict) -> Path:
    """grades.csv from every result in GRADES (plus results this run could not write)."""
    rows: dict[str, dict] = {}
    columns = ["student"]
    for name, questions in exercises.items():
        columns += [f"{name}:{q['name']}" + (" (manual)" if q["manual"] else "") for q in questions]
        columns += [f"{name}:total", f"{name}:status", f"{name}:notes"]
        found = {}
        for path in sorted((out / "results" / name).glob("*.json")):
            try:
                result = json.loads(path.read_text())
                found[result["extra_data"]["student"]] = result
            except (OSError, ValueError, KeyError, TypeError):
                continue
        found.update(extra_results.get(name, {}))
        for student, result in found.items():
            rows.setdefault(student, {"student": student}).update(_row(result, questions, name))
    columns.append("total")
    for row in rows.values():
        row["total"] = f"{sum(float(row.get(f'{n}:total') or 0) for n in exercises):g}"
    path = out / "grades.csv"
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="") as f:
        writer = csv.DictWriter(f, columns, restval="")
        writer.writeheader()
        for student in sorted(rows):
            writer.writerow({k: spreadsheet_safe(v) for k, v in rows[student].items()})
    tmp.replace(path)
    return path


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)     # atomic: a result is complete or absent


def grade(submissions: Path, out: Path, autograders: dict[str, Path], jobs: int = 2,
          timeout: float = 300, cell_limit: float = 60, memory_mb: int = 3072,
          progress: bool = True) -> dict:
    """Grade SUBMISSIONS into `out` with the autograder folders {exercise: path}."""
    submissions, out = Path(submissions), Path(out)
    if not submissions.is_dir():
        raise SystemExit(f"{submissions} is not a folder of submissions")
    lock = check_grades(out, submissions)
    try:
        return _grade(submissions, out, autograders, jobs, timeout, cell_limit, memory_mb, progress)
    finally:
        os.close(lock)


def _grade(submissions, out, autograders, jobs, timeout, cell_limit, memory_mb, progress) -> dict:
    meta = {n: json.loads((p / "exercise.json").read_text()) for n, p in autograders.items()}
    tasks, notes = discover(submissions, list(autograders))
    warning = sandbox.warning(sandbox.detect_mode())
    if warning:
        print(warning)
    todo, skipped = [], 0
    for name, student, path, invalid, extra in tasks:
        dest = out / "results" / name / f"{safe_name(student)}.json"
        digest = sha256(path) if path else ""
        try:
            old = json.loads(dest.read_text())["extra_data"]
            if path and old["submission_sha256"] == digest and old["fingerprint"] == meta[name]["fingerprint"]:
                skipped += 1
                continue
        except (OSError, ValueError, KeyError, TypeError):
            pass
        todo.append((name, student, path, invalid, extra, dest, digest))
    slots: queue.Queue = queue.Queue()
    for k in range(max(1, jobs)):
        slots.put(k)

    def work(task):
        name, student, path, invalid, extra, dest, digest = task
        questions = meta[name]["questions"]
        log = ""
        if invalid:
            result = submission.failure(questions, "invalid", invalid)
        else:
            try:
                cells = submission.code_cells(path)
            except (submission.Invalid, OSError) as exc:
                result = submission.failure(questions, "invalid", str(exc))
            else:
                slot = slots.get()
                try:
                    result, log = submission.judge(autograders[name], cells, slot, timeout,
                                                   cell_limit, memory_mb)
                finally:
                    slots.put(slot)
        result["extra_data"].update(exercise=name, student=student, submission_sha256=digest,
                                    fingerprint=meta[name]["fingerprint"], notes=extra)
        return result, log

    counts: dict[str, int] = {}
    unwritten: dict[str, dict] = {}
    t0 = time.perf_counter()
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=len(todo), unit="notebook", desc="grading", leave=True,
                   postfix=f"{skipped} already graded" if skipped else None)
    with cf.ThreadPoolExecutor(max(1, jobs)) as pool:
        futures = {pool.submit(work, task): task for task in todo}
        for fut in cf.as_completed(futures):
            name, student, path, *_, dest, digest = futures[fut]
            try:
                result, log = fut.result()
            except Exception as exc:  # a bug in the grader itself: record it, keep going
                result = submission.failure(meta[name]["questions"], "error", f"grader error: {exc!r}")
                result["extra_data"].update(exercise=name, student=student, submission_sha256=digest,
                                            fingerprint=meta[name]["fingerprint"], notes=[])
                log = ""
            status = result["extra_data"]["status"]
            counts[status] = counts.get(status, 0) + 1
            try:
                _write(dest, json.dumps(result, indent=1))
                _write(out / "logs" / name / f"{dest.stem}.txt", log)
            except OSError as exc:
                unwritten.setdefault(name, {})[student] = result
                notes.append(f"{name}/{student}: the result could not be written ({exc}); it is in grades.csv")
            if status != "graded":
                notes.append(f"{name}/{student}: {status}: {result['extra_data']['reason']}")
            if bar:
                bar.set_postfix_str(f"{name}/{student[:30]}: {result['score']:g} ({status})")
                bar.update()
    if bar:
        bar.close()
    csv_path = write_csv(out, {n: m["questions"] for n, m in meta.items()}, unwritten)
    summary = dict(counts, skipped=skipped, graded_now=len(todo), seconds=round(time.perf_counter() - t0, 1))
    print(f"graded {len(todo)} submission(s) in {summary['seconds']} s ({skipped} already graded): "
          + ", ".join(f"{k} {v}" for k, v in counts.items()))
    for note in notes:
        print("  " + note)
    print(f"grades: {csv_path}")
    return summary
