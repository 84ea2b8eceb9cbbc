"""`make grade`: grade a folder of submissions into GRADES, never losing or corrupting a row.

    SUBMISSIONS/<exercise>/<student>.ipynb  ->
        GRADES/grades.csv, canvas.csv, moodle.csv (grading.gradebook)
        GRADES/report.html       the class report (grading.report)
        GRADES/results/<exercise>/<file>.json   what the student sees
        GRADES/logs/<exercise>/<file>.txt       everything, for the instructor
        GRADES/logs/<exercise>/<file>.facts.json  for the report and release
        GRADES/released/<exercise>/<file>.json  with RELEASE: hidden tests' messages
        GRADES/hand-scores-template.csv

- GRADES is checked before anything is graded, and locked: a second `make grade` on the same
  GRADES refuses with a clear message instead of grading twice.
- Each submission is graded by grading.submission (its own judge process, the notebook in the
  sandbox, in the grading environment). A failure of any kind, including while writing its result,
  is recorded with a reason and the run goes on.
- Resume: a result is kept when it was ``graded`` from the same file (its SHA-256) by the same
  autograder (its fingerprint); anything else (``error``, an older autograder, a changed file) is
  graded again. ``only`` regrades the named students whatever their results.
- The gradebook holds the submissions present now: the result of a file that is gone moves to
  GRADES/removed/, and the run's summary says so.
- Files: one per student is chosen deterministically (`name.ipynb`, then an upper-case extension,
  then anything else, which is invalid), the others are noted; dotfiles and folders are ignored
  with a note; symbolic links are refused without reading their target. A file's results are named
  after it plus a hash of its exact name, so no two files share one; names that are not valid
  UTF-8 are shown with backslash escapes.
"""
from __future__ import annotations

import concurrent.futures as cf
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

from . import cgroups, gradebook, report, results, submission
from .limits import Limits


def display(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by the OS as surrogates) as \\x..
    escapes."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def safe_name(student: str) -> str:
    """The file name of a student's results: a readable prefix and a hash of the exact name, so no
    two students ever share one."""
    plain = unicodedata.normalize("NFKD", display(student)).encode("ascii", "ignore").decode()
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", plain).strip("._")[:60] or "student"
    return f"{cleaned}-{hashlib.sha256(os.fsencode(student)).hexdigest()[:12]}"


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


def discover(submissions: Path, exercises: list[str]) -> tuple[list[dict], list[str]]:
    """One task per (exercise, student file stem), and general notes."""
    tasks, notes = [], []
    for entry in sorted(os.scandir(submissions), key=lambda e: e.name):
        if entry.name not in exercises:
            notes.append(f"ignored {display(entry.name)}: not an exercise folder (expected one of "
                         f"{', '.join(exercises)})")
    for name in exercises:
        folder = submissions / name
        if not folder.is_dir() or folder.is_symlink():
            continue
        students: dict[str, list[os.DirEntry]] = {}
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.startswith("."):
                notes.append(f"{name}/{display(entry.name)}: ignored (a hidden file)")
            elif entry.is_dir(follow_symlinks=False):
                notes.append(f"{name}/{display(entry.name)}: ignored (a folder)")
            else:
                students.setdefault(os.path.splitext(entry.name)[0], []).append(entry)
        seen: dict[str, str] = {}
        for student, entries in students.items():
            def rank(e):
                ext = os.path.splitext(e.name)[1]
                return (e.is_symlink(), ext != ".ipynb", ext.lower() != ".ipynb", e.name)
            entries.sort(key=rank)
            chosen, rest = entries[0], entries[1:]
            extra = [f"several files ({', '.join(display(e.name) for e in entries)}); graded "
                     f"{display(chosen.name)}"] if rest else []
            ext = os.path.splitext(chosen.name)[1]
            task = {"exercise": name, "student": student, "path": Path(chosen.path),
                    "invalid": None, "notes": extra, "file": safe_name(student)}
            if task["file"] in seen:  # two names, one hash: never write one over the other
                task["invalid"] = (f"its results would share a file with "
                                   f"{display(seen[task['file']])}: rename one of them")
            elif chosen.is_symlink():
                task["invalid"] = "a symbolic link: refused, its target was not read"
            elif ext.lower() != ".ipynb":
                task["invalid"] = f"not a notebook (a {display(ext) or 'extension-less'} file)"
            elif ext != ".ipynb":
                extra.append(f"the extension {display(ext)} is not lower-case .ipynb; "
                             "graded anyway")
            seen.setdefault(task["file"], student)
            tasks.append(task)
    return tasks, notes


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", errors="backslashreplace") as f:
        f.write(text)
    tmp.replace(path)     # atomic: a result is complete or absent


def _load(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def grade(submissions: Path, out: Path, autograders: dict[str, Path], jobs: int = 2,
          limits: Limits | None = None, python: str | Path | None = None, progress: bool = True,
          only: str | None = None, roster: Path | None = None, hand: Path | None = None,
          release: bool = False, site_url: str = "") -> dict:
    """Grade SUBMISSIONS into `out` with the autograder folders {exercise: path}."""
    submissions, out = Path(submissions), Path(out)
    if not submissions.is_dir():
        raise SystemExit(f"{submissions} is not a folder of submissions")
    lock = check_grades(out, submissions)
    try:
        return _grade(submissions, out, autograders, jobs, limits or Limits(), python, progress,
                      only, roster, hand, release, site_url)
    finally:
        cgroups.release()
        os.close(lock)


def _identity(task: dict, roster: gradebook.Roster | None) -> dict:
    """Who a task's row belongs to: {key, name, id, email, note}."""
    stem = display(task["student"])
    if roster is None:
        return {"key": stem, "name": stem, "id": "", "email": "", "note": ""}
    entry, note = roster.match(task["student"])
    if entry is None:
        return {"key": f"file:{stem}", "name": stem, "id": "", "email": "", "note": note}
    key = entry.get("id") or entry.get("email") or entry.get("name")
    return {"key": key, "name": entry.get("name") or key, "id": entry.get("id", ""),
            "email": entry.get("email", ""), "note": ""}


def _grade(submissions, out, autograders, jobs, limits, python, progress, only, roster_path,
           hand_path, release, site_url) -> dict:
    meta = {n: json.loads((p / "exercise.json").read_text()) for n, p in autograders.items()}
    tasks, notes = discover(submissions, list(autograders))
    roster = gradebook.Roster.read(Path(roster_path)) if roster_path else None
    for t in tasks:
        t["who"] = _identity(t, roster)
        if t["who"]["note"]:
            notes.append(f"{t['exercise']}/{display(t['student'])}: {t['who']['note']}")
    if only is not None:
        chosen = [t for t in tasks
                  if only in (t["student"], display(t["student"]), t["who"]["key"],
                              t["who"]["id"], t["who"]["email"])]
        if not chosen:
            raise SystemExit(f"ONLY={only}: no submission of that name (a file name without "
                             ".ipynb, or a roster id or email)")
    exercises = sorted({t["exercise"] for t in tasks})
    manual = {(t["who"]["key"], t["exercise"], q["name"]): q["points"] for t in tasks
              for q in meta[t["exercise"]]["questions"] if q["manual"]}
    hand_scores = gradebook.read_hand_scores(Path(hand_path), manual) if hand_path else {}
    mode, warning = probe_sandbox(python, next(iter(autograders.values())) / "grader")
    if warning:
        print(warning)
    checked = {"GRADING_SANDBOX": mode, "GRADING_SANDBOX_CHECKED": mode}
    removed = _remove_stale(out, tasks, autograders)
    # The fallback sandbox covers these (bubblewrap never mounts them): the course repository
    # (masters, history), every submission, and GRADES.
    hide = [Path(__file__).resolve().parents[2], submissions.resolve(), out.resolve()]
    todo, kept = [], 0
    for t in tasks:
        dest = out / "results" / t["exercise"] / f"{t['file']}.json"
        t["dest"] = dest
        t["sha"] = sha256(t["path"]) if not t["invalid"] else ""
        old = (_load(dest) or {}).get("extra_data", {})
        forced = only is not None and t in chosen
        if not forced and (only is not None or (
                old.get("status") == "graded" and old.get("submission_sha256") == t["sha"]
                and old.get("fingerprint") == meta[t["exercise"]]["fingerprint"] and t["sha"])):
            kept += 1
            continue
        todo.append(t)

    def work(t):
        questions = meta[t["exercise"]]["questions"]
        log, facts = "", {}
        if t["invalid"]:
            result = results.failure(questions, "invalid", t["invalid"])
        else:
            try:
                cells = submission.code_cells(t["path"])
            except (submission.Invalid, OSError) as exc:
                result = results.failure(questions, "invalid", str(exc))
            else:
                result, log, facts = submission.judge(autograders[t["exercise"]], cells, limits,
                                                      name=t["exercise"], python=python, hide=hide,
                                                      env=checked)
        return result, log, facts

    counts: dict[str, int] = {}
    t0 = time.perf_counter()
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=len(todo), unit="notebook", desc="grading", leave=True,
                   postfix=f"{kept} already graded" if kept else None)
    with cf.ThreadPoolExecutor(max(1, jobs)) as pool:
        futures = {pool.submit(work, t): t for t in todo}
        for fut in cf.as_completed(futures):
            t = futures[fut]
            try:
                result, log, facts = fut.result()
            except Exception as exc:  # a bug in the grader itself: record it, keep going
                result = results.failure(meta[t["exercise"]]["questions"], "error",
                                         "the grader failed; it will be graded again")
                log, facts = f"grader error: {exc!r}", {}
            result["extra_data"].update(exercise=t["exercise"], student=display(t["student"]),
                                        file=display(t["path"].name), submission_sha256=t["sha"],
                                        fingerprint=meta[t["exercise"]]["fingerprint"],
                                        notes=t["notes"])
            status = result["extra_data"]["status"]
            counts[status] = counts.get(status, 0) + 1
            t["result"] = result
            try:
                _write(t["dest"], json.dumps(result, indent=1))
                _write(out / "logs" / t["exercise"] / f"{t['file']}.txt", log)
                _write(out / "logs" / t["exercise"] / f"{t['file']}.facts.json",
                       json.dumps(facts, indent=1))
            except OSError as exc:
                notes.append(f"{t['exercise']}/{display(t['student'])}: the result could not be "
                             f"written ({exc}); it is in grades.csv")
            if status != "graded":
                notes.append(f"{t['exercise']}/{display(t['student'])}: {status}: "
                             f"{result['extra_data']['reason']}")
            if bar:
                bar.set_postfix_str(f"{t['exercise']}/{display(t['student'])[:30]}: "
                                    f"{result['score']:g} ({status})")
                bar.update()
    if bar:
        bar.close()
    for t in tasks:
        if "result" not in t:
            t["result"] = _load(t["dest"]) or results.failure(
                meta[t["exercise"]]["questions"], "error", "its result file could not be read; it "
                "will be graded again")
        t["facts"] = _load(out / "logs" / t["exercise"] / f"{t['file']}.facts.json") or {}
    files = write_gradebook(out, tasks, meta, exercises, roster, hand_scores)
    if release:
        for t in tasks:
            released = t["facts"].get("released")
            if released:
                _write(out / "released" / t["exercise"] / f"{t['file']}.json",
                       json.dumps(released, indent=1))
        files.append(out / "released")
    files.append(report.write(out / "report.html", tasks, meta, exercises, site_url))
    summary = dict(counts, kept=kept, graded_now=len(todo), removed=len(removed),
                   seconds=round(time.perf_counter() - t0, 1))
    print(f"graded {len(todo)} submission(s) in {summary['seconds']} s "
          f"({kept} kept from earlier runs): " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    for note in [*notes, *removed]:
        print("  " + note)
    for f in files:
        print(f"wrote {f}")
    return summary


def probe_sandbox(python, grader_dir: Path) -> tuple[str, str]:
    """(mode, warning) as the judges will see them: asked of the grading environment's Python (the
    mode depends on which Python runs the notebooks), once for the whole batch."""
    proc = subprocess.run([str(python or sys.executable), "-I",
                           str(grader_dir / "grading" / "judge.py"), "--probe"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"the sandbox cannot be used: {proc.stderr.strip()[-500:]}")
    mode, _, warning = proc.stdout.partition("\n")
    return mode.strip(), warning.strip()


def _remove_stale(out: Path, tasks: list[dict], autograders) -> list[str]:
    """Move the results of files no longer submitted to GRADES/removed/; notes saying so."""
    present = {(t["exercise"], t["file"]) for t in tasks}
    notes = []
    for name in autograders:
        folder = out / "results" / name
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            if (name, path.stem) in present:
                continue
            who = ((_load(path) or {}).get("extra_data") or {}).get("student", path.stem)
            for src in (path, out / "logs" / name / f"{path.stem}.txt",
                        out / "logs" / name / f"{path.stem}.facts.json"):
                if src.exists():
                    dest = out / "removed" / src.relative_to(out)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(str(src), dest)
            notes.append(f"removed {name}/{who}: its file is no longer in the submissions; its "
                         "result moved to removed/ and its row left the gradebook")
    return notes


def _notes_of(result: dict) -> str:
    extra = result.get("extra_data", {})
    parts = [extra.get("reason", "")]
    parts += [f"cell {c} skipped: {why}" for c, why in (extra.get("skipped_cells") or {}).items()]
    parts += [f"cell {c}: {what}" for c, what in (extra.get("cell_errors") or {}).items()]
    parts += list(extra.get("notes") or [])
    return " | ".join(p for p in parts if p)


def write_gradebook(out: Path, tasks: list[dict], meta: dict, exercises: list[str],
                    roster: gradebook.Roster | None, hand_scores: dict) -> list[Path]:
    """grades.csv (and the exports, with a roster) from this run's tasks; hand scores merged."""
    people: dict[str, dict] = {}
    if roster is not None:
        for e in roster.entries:
            key = e.get("id") or e.get("email") or e.get("name")
            people[key] = {"key": key, "name": e.get("name") or key, "id": e.get("id", ""),
                           "email": e.get("email", ""), "work": {}}
    for t in tasks:
        who = t["who"]
        person = people.setdefault(
            who["key"], {**{k: who[k] for k in ("key", "name", "id", "email")}, "work": {}})
        if t["exercise"] in person["work"]:
            other = person["work"][t["exercise"]]
            t["result"]["extra_data"].setdefault("notes", []).append(
                f"{display(other['student'])} also belongs to this student; both are listed in "
                "the notes")
        person["work"].setdefault(t["exercise"], t)
    columns = ["student", "id", "email"]
    possible = {}
    for name in exercises:
        qs = meta[name]["questions"]
        columns += [f"{name}:{q['name']}" + (" (manual)" if q["manual"] else "") for q in qs]
        columns += [f"{name}:total", f"{name}:status", f"{name}:notes"]
        possible[name] = sum(q["points"] for q in qs)
    columns.append("total")
    max_row = {"student": gradebook.MAX_ROW, "total": f"{sum(possible.values()):g}"}
    for name in exercises:
        for q in meta[name]["questions"]:
            max_row[f"{name}:{q['name']}" + (" (manual)" if q["manual"] else "")] = (
                f"{q['points']:g}")
        max_row[f"{name}:total"] = f"{possible[name]:g}"
    rows, template, lms = [max_row], [], []
    for key in sorted(people, key=lambda k: (people[k]["name"].casefold(), k)):
        person = people[key]
        row = {"student": person["name"], "id": person["id"], "email": person["email"]}
        totals = {}
        for name in exercises:
            t = person["work"].get(name)
            if t is None:
                row[f"{name}:status"] = "missing"
                totals[name] = None
                continue
            result = t["result"]
            scores = {x["name"]: float(x.get("score") or 0) for x in result.get("tests", [])}
            total = 0.0
            for q in meta[name]["questions"]:
                column = f"{name}:{q['name']}" + (" (manual)" if q["manual"] else "")
                if q["manual"]:
                    points = hand_scores.get((key, name, q["name"]))
                    row[column] = "" if points is None else f"{points:g}"
                    total += points or 0.0
                    template.append({"student": key, "name": person["name"], "exercise": name,
                                     "question": q["name"], "max_points": f"{q['points']:g}",
                                     "points": "" if points is None else f"{points:g}"})
                else:
                    row[column] = f"{scores.get(q['name'], 0.0):g}"
                    total += scores.get(q["name"], 0.0)
            row[f"{name}:total"] = f"{total:g}"
            row[f"{name}:status"] = result.get("extra_data", {}).get("status", "")
            row[f"{name}:notes"] = _notes_of(result)
            totals[name] = total
        row["total"] = f"{sum(v or 0 for v in totals.values()):g}"
        rows.append(row)
        if person["id"] or person["email"]:     # a learning platform can only match roster students
            lms.append({**{k: person[k] for k in ("name", "id", "email")}, "totals": totals})
    files = [gradebook.write_rows(out / "grades.csv", columns, rows)]
    template_path = out / "hand-scores-template.csv"
    gradebook.hand_template(template_path, template)
    files.append(template_path)
    if roster is not None:
        files.append(gradebook.canvas(out / "canvas.csv", exercises, possible, lms))
        files.append(gradebook.moodle(out / "moodle.csv", exercises, lms))
    return files
