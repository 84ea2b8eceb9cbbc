"""Build an exercise's autograder: a folder, and the same content as a zip for Gradescope.

    <name>/exercise.json        questions and points, the release, the autograder's fingerprint
    <name>/tests/qN.py          every test of every question, hidden ones included (judge only)
    <name>/tests/data/          data only hidden tests read (exercise 7's held-out digits)
    <name>/public/tests/qN.py   the public tests students have (the notebook's grader.check)
    <name>/grader/grading/      this package: what runs the notebook and judges it
    <name>/grader/mlp/          the course package, unpacked from its wheel of the same commit
    <name>/requirements.txt     the grading environment's packages, pinned (grading.environment)
    <name>/setup.sh, run_autograder   Gradescope's entry points (see grading.gradescope)

Only ``grader/`` is visible inside the sandbox. The zip is standalone and installs from PyPI:
nothing is fetched from the repository, so later pushes cannot change an autograder already
uploaded. Files are written in a fixed order with fixed timestamps, so the same inputs give the
same zip and the same fingerprint (which keys the resume of `make grade`). The folder is 0700 and
the zip 0600: only the instructor's user reads them.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from ..project import (
    files_digest,  # building only: the zip's copy of this package never imports bundle
)

HERE = Path(__file__).resolve().parent
# The grading environment (grading.environment): the same requirements and the same setup script
# for `make grade` and the zip, so both grade with the same packages.
REQUIREMENTS = HERE / "requirements.txt"
SETUP_SH = HERE / "setup.sh"

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission: grade /autograder/submission into
# /autograder/results/results.json (see grader/grading/gradescope.py).
ROOT="${AUTOGRADER_ROOT:-/autograder}"
exec "$ROOT/venv/bin/python" -I "$ROOT/source/grader/grading/gradescope.py" --root "$ROOT"
"""
HIDDEN_VISIBILITY = ("visible", "after_due_date", "after_published")


def build_wheel(repo: Path, out: Path) -> Path:
    """The course package's wheel, built from a copy of the sources (no build/ in the repo)."""
    with tempfile.TemporaryDirectory(prefix="wheel-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(repo / name, src / name)
        shutil.copytree(repo / "mlp", src / "mlp", ignore=shutil.ignore_patterns("__pycache__"))
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                               "--disable-pip-version-check", "-w", str(out), str(src)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"building the mlp wheel failed:\n{proc.stdout}\n{proc.stderr}")
    return next(out.glob("*.whl"))


def build(name: str, questions: list[dict], tests: Path, public_tests: Path, wheel: Path,
          out: Path, release: str = "", data: list[Path] = (),
          hidden_visibility: str = "visible") -> str:
    """Write the autograder folder `out` and `out`.zip; return its fingerprint. `data`: files the
    hidden tests read (from tests/data/), which only the judge sees. `hidden_visibility`: on
    Gradescope, show the hidden tests' part of each question at once ("visible", with hints only)
    or, with their full messages, only "after_due_date" (or "after_published")."""
    if hidden_visibility not in HIDDEN_VISIBILITY:
        raise ValueError(f"hidden_visibility must be one of {HIDDEN_VISIBILITY}, "
                         f"got {hidden_visibility!r}")
    shutil.rmtree(out, ignore_errors=True)
    (out / "grader").mkdir(parents=True)
    shutil.copytree(tests, out / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    for f in data:
        (out / "tests" / "data").mkdir(exist_ok=True)
        shutil.copy(f, out / "tests" / "data" / f.name)
    shutil.copytree(public_tests, out / "public" / "tests",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(HERE, out / "grader" / "grading", ignore=shutil.ignore_patterns("__pycache__"))
    with zipfile.ZipFile(wheel) as whl:
        for member in whl.namelist():
            if member.startswith("mlp/"):
                target = out / "grader" / member
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(whl.read(member))
    shutil.copy(REQUIREMENTS, out / "requirements.txt")
    shutil.copy(SETUP_SH, out / "setup.sh")
    (out / "run_autograder").write_text(RUN_AUTOGRADER)
    for script in ("setup.sh", "run_autograder"):
        (out / script).chmod(0o755)
    meta = {"name": name, "questions": questions, "release": release,
            "hidden_visibility": hidden_visibility}
    (out / "exercise.json").write_text(json.dumps(meta, indent=1))
    for p in (out / "grader").rglob("*"):   # readable by the sandbox's user, whatever the umask
        p.chmod(0o755 if p.is_dir() else 0o644)
    (out / "grader").chmod(0o755)
    out.chmod(0o700)                # nobody else may read the hidden tests, the data or the zip
    fingerprint = files_digest([p for p in out.rglob("*") if p.is_file()], root=out)
    meta["fingerprint"] = fingerprint
    (out / "exercise.json").write_text(json.dumps(meta, indent=1))
    zip_path = out.with_suffix(".zip")
    zip_path.touch(mode=0o600)
    zip_path.chmod(0o600)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(p for p in out.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(str(p.relative_to(out)), date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if p.stat().st_mode & 0o111 else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, p.read_bytes())
    return fingerprint
