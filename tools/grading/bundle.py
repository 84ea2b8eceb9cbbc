"""Build an exercise's autograder: a folder, and the same content as a zip for Gradescope.

    <name>/exercise.json        questions and points, the release, the autograder's fingerprint
    <name>/tests/qN.py          every test of every question, hidden ones included (judge only)
    <name>/tests/data/          data only hidden tests read (exercise 7's held-out digits)
    <name>/public/tests/qN.py   the public tests students have (the notebook's grader.check)
    <name>/grader/grading/      this package: what runs the notebook and judges it
    <name>/grader/mlp/          the course package, unpacked from the wheel below
    <name>/wheels/*.whl         the course package built from the same commit
    <name>/requirements.txt     the grading environment's third-party packages, pinned
    <name>/setup.sh, run_autograder   Gradescope's entry points (see grading.gradescope)

Only ``grader/`` is visible inside the sandbox. The zip is standalone and installs offline from
PyPI plus the bundled wheel: nothing is fetched from the repository, so later pushes cannot change
an autograder already uploaded. Files are written in a fixed order with fixed timestamps, so the
same inputs give the same zip and the same fingerprint (which keys the resume of `make grade`).
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Third-party packages the grading environment needs, besides the course package's own
# dependencies (which come with the wheel): IPython to run the cells, psutil to stop the processes
# of the fallback sandbox. Not otter: the judge reads the tests itself (grading.testfiles) and the
# notebook's `import otter` gets a stand-in (grading.runner).
PINNED = ("numpy", "ipython", "psutil")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, when it builds the autograder's image. It installs the grading
# environment from PyPI and the bundled course package (nothing from the course repository), and
# bubblewrap for the sandbox when it can. AUTOGRADER_ROOT (default /autograder) and SETUP_PYTHON
# (default python3) let a test emulate Gradescope's layout under a temporary folder.
set -euo pipefail
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="${AUTOGRADER_ROOT:-/autograder}"
if [ -z "${SKIP_APT:-}" ] && command -v apt-get > /dev/null && [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap python3-venv > /dev/null) \\
        || echo "warning: could not install bubblewrap; grading will use the fallback sandbox"
fi
"${SETUP_PYTHON:-python3}" -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install -q --disable-pip-version-check \\
    -r "$SOURCE/requirements.txt" "$SOURCE"/wheels/*.whl
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission: grade /autograder/submission into
# /autograder/results/results.json (see grader/grading/gradescope.py).
ROOT="${AUTOGRADER_ROOT:-/autograder}"
exec "$ROOT/venv/bin/python" -I "$ROOT/source/grader/grading/gradescope.py" --root "$ROOT"
"""


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


def requirements() -> str:
    lines = [f"{name}=={metadata.version(name)}" for name in PINNED]
    return "# The grading environment, pinned to the versions the autograder was tested with.\n" + \
        "\n".join(lines) + "\n"


def build(name: str, questions: list[dict], tests: Path, public_tests: Path, wheel: Path,
          out: Path, release: str = "", data: list[Path] = ()) -> str:
    """Write the autograder folder `out` and `out`.zip; return its fingerprint. `data`: files the
    hidden tests read (from tests/data/), which only the judge sees."""
    shutil.rmtree(out, ignore_errors=True)
    (out / "grader").mkdir(parents=True)
    shutil.copytree(tests, out / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    for f in data:
        (out / "tests" / "data").mkdir(exist_ok=True)
        shutil.copy(f, out / "tests" / "data" / f.name)
    shutil.copytree(public_tests, out / "public" / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(HERE, out / "grader" / "grading", ignore=shutil.ignore_patterns("__pycache__"))
    with zipfile.ZipFile(wheel) as whl:
        for member in whl.namelist():
            if member.startswith("mlp/"):
                target = out / "grader" / member
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(whl.read(member))
    (out / "wheels").mkdir()
    shutil.copy(wheel, out / "wheels" / wheel.name)
    (out / "requirements.txt").write_text(requirements())
    for script, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
        (out / script).write_text(text)
        (out / script).chmod(0o755)
    meta = {"name": name, "questions": questions, "release": release}
    (out / "exercise.json").write_text(json.dumps(meta, indent=1))
    for p in (out / "grader").rglob("*"):   # readable by the sandbox's user, whatever the umask
        p.chmod(0o755 if p.is_dir() else 0o644)
    (out / "grader").chmod(0o755)
    (out / "tests").chmod(0o700)    # the fallback sandbox's user may not read the hidden tests
    # The wheel's own bytes carry build timestamps: its content is fingerprinted as grader/mlp.
    files = sorted(p for p in out.rglob("*") if p.is_file() and p.parent.name != "wheels")
    digest = hashlib.sha256()
    for p in files:
        digest.update(str(p.relative_to(out)).encode() + b"\0" + p.read_bytes())
    fingerprint = digest.hexdigest()
    meta["fingerprint"] = fingerprint
    (out / "exercise.json").write_text(json.dumps(meta, indent=1))
    zip_path = out.with_suffix(".zip")
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(p for p in out.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(str(p.relative_to(out)), date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (0o755 if p.stat().st_mode & 0o111 else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, p.read_bytes())
    return fingerprint
