"""The grading environment of `make grade`: the one the Gradescope zip installs, built the same way.

    python -m grading.environment            # build _build/grading/venv if it is out of date

``setup.sh`` (the zip's setup script) installs ``requirements.txt`` (pinned from the lock by
`make lock`) into ``<root>/venv``; the judge and the submission's notebook both run in it. So a
notebook can import exactly what it could import on Gradescope: numpy, matplotlib, ipywidgets,
IPython and the course package, nothing else of the machine's.

The environment is built from a Python that an unprivileged user can run (the sandbox runs
notebooks under user ids of their own): GRADING_PYTHON if set, else the system's python3, else
the Python running this.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1] / "_build" / "grading"
REQUIREMENTS = HERE / "requirements.txt"
SETUP = HERE / "setup.sh"


def fingerprint() -> str:
    return "\n".join(hashlib.sha256(p.read_bytes()).hexdigest() for p in (REQUIREMENTS, SETUP))


def _version_ok(python: str) -> bool:
    try:
        return subprocess.run([python, "-c", "import sys, venv, ensurepip; "
                               "sys.exit(0 if sys.version_info >= (3, 10) else 1)"],
                              capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _others_can_run(python: str) -> bool:
    """Every folder on the way to the interpreter's files lets other users in."""
    real = Path(os.path.realpath(python))
    prefix = subprocess.run([python, "-c", "import sys; print(sys.base_prefix)"],
                            capture_output=True, text=True).stdout.strip()
    for path in {real, Path(prefix)}:
        for folder in [path, *path.parents]:
            try:
                if folder.is_dir() and not os.stat(folder).st_mode & 0o001:
                    return False
            except OSError:
                return False
    return True


def base_python() -> str:
    """The Python to build the environment from (see the module's docstring)."""
    if os.environ.get("GRADING_PYTHON"):
        return os.environ["GRADING_PYTHON"]
    candidates = ["/usr/bin/python3", "/usr/local/bin/python3",
                  getattr(sys, "_base_executable", sys.executable)]
    usable = [c for c in candidates if os.path.exists(c) and _version_ok(c)]
    for c in usable:
        if os.geteuid() != 0 or _others_can_run(c):
            return c
    if usable:
        return usable[0]
    raise SystemExit("no Python 3.10 or newer with the venv module was found to build the grading "
                     "environment; set GRADING_PYTHON")


def python(root: Path = ROOT) -> Path:
    return root / "venv" / "bin" / "python"


def up_to_date(root: Path = ROOT) -> bool:
    stamp = root / "venv" / "installed-from"
    return python(root).exists() and stamp.exists() and stamp.read_text().strip() == fingerprint()


def ensure(root: Path = ROOT, quiet: bool = False) -> Path:
    """The grading environment's python, (re)built first when requirements.txt or setup.sh
    changed."""
    if up_to_date(root):
        return python(root)
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o755)       # the sandbox's user ids run this environment's python
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), SETUP_PYTHON=base_python(), SKIP_APT="1")
    env.pop("PYTHONPATH", None)
    if not quiet:
        print(f"building the grading environment in {root / 'venv'} from {env['SETUP_PYTHON']}",
              flush=True)
    proc = subprocess.run(["bash", str(SETUP)], env=env, capture_output=True, text=True)
    if proc.returncode != 0 or not up_to_date(root):
        raise SystemExit(f"building the grading environment failed:\n{proc.stdout[-2000:]}"
                         f"{proc.stderr[-2000:]}")
    return python(root)


if __name__ == "__main__":
    print(ensure())
