"""Build the graded exercises and grade submissions.

    python -m tools.exercises build            # make exercises: student notebooks + autograders
    python -m tools.exercises sync             # refresh the committed copies for Colab (see below)
    python -m tools.exercises grade DIR [--out GRADES] [--roster R] [--hand H] [--only NAME]
                                        [--cell-seconds S] [--release] [--jobs 2]   # make grade

`build` runs `otter assign` on every master notebook exercises/<name>/<name>.ipynb (otter strips the
solutions and splits public from hidden tests) and writes
    _build/exercises/student/<name>/        the student notebook (solutions stripped) + public tests
    _build/exercises/autograder/<name>/     the trusted autograder (tools/grading/bundle.py) ...
    _build/exercises/autograder/<name>.zip  ... and the same as a standalone zip for Gradescope
    _build/exercises/site/downloads/        what the site links: <name>.zip (notebook + tests)
Hidden tests only ever go into the autograder.

Colab opens notebooks from the repository, so a copy of each student notebook and its public tests
is committed under exercises/<name>/student/. `sync` regenerates those copies, the first cell of
every master (install + public tests on Colab, from _config.yml's repository) and the links on the
exercise pages; the test suite fails when any of them is out of date.

`grade` grades DIR/<exercise>/<student>.ipynb with tools/grading: each notebook runs in a sandbox
and hands back plain data; the tests run in a separate trusted process that decides every point,
in the grading environment the Gradescope zip installs (built under _build/grading on first use).
See tools/grading/batch.py for what it writes and how it resumes.

_build/exercises is 0700 and the zips 0600: only the instructor's user reads the hidden tests.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from . import colab_cell, config, project
from .grading import batch, bundle, environment
from .grading.limits import Limits

ROOT = Path(__file__).resolve().parents[1]

EXERCISES = ["01-xor", "02-structure", "03-loss", "04-backprop", "05-optimizers",
             "06-double-descent", "07-digits"]
SRC = ROOT / "exercises"
BUILD = ROOT / "_build" / "exercises"
OTTER_VERSION = "7.0.0"
SETUP_MARKER = colab_cell.MARKER
PYTHON = sys.executable


# ------------------------------------------------------------------------------------------------
# authoring: the first cell, the committed copies, the page links
def setup_cell_source(name: str) -> str:
    """The student's first cell: on Colab, install mlp and otter and fetch the public tests, all at
    the release tag of _config.yml (the tests then match the notebook the student opened). Then
    mlp's own versions of this exercise's answers are put out of reach of the notebook's code
    (mlp.answers), as they are when the notebook is graded, so that grader.check already
    says so when an answer calls one of them."""
    url, _ = config.repository()
    tag = config.release()
    clone = "/content/nn-from-scratch"
    extra = "\n".join([
        f'REPO, CLONE = "{url}", "{clone}"',
        f"![ -d {{CLONE}} ] || git clone -q --depth 1 --branch {tag} {{REPO}} {{CLONE}}",
        f'TESTS_DIR = "{clone}/exercises/{name}/student/tests"',
    ])
    return "\n".join([
        colab_cell.install_cell_source(extra, packages=(f"otter-grader=={OTTER_VERSION}",)),
        "else:",
        '    TESTS_DIR = "tests"  # the public tests next to this notebook',
        "import otter  # noqa: E402  (on Colab, the %pip above installs it)",
        "",
        "grader = otter.Notebook(tests_dir=TESTS_DIR)",
        "from mlp import answers  # noqa: E402",
        "",
        "# mlp's own code for this exercise's answers is out of reach of this notebook's code",
        f'answers.forbid("{name}")',
    ])


def colab_url(name: str) -> str:
    """Colab's address of the committed student notebook, at the release tag."""
    url, _ = config.repository()
    repo = url.split("github.com/", 1)[1]
    return (f"https://colab.research.google.com/github/{repo}/blob/{config.release()}/"
            f"exercises/{name}/student/{name}.ipynb")


def binder_url(name: str) -> str:
    """Binder's address of the committed student notebook, at the release tag, in JupyterLab (as
    the theme's launch button builds it for the chapters; Binder has otter, so grader.check
    works)."""
    url, _ = config.repository()
    repo = url.split("github.com/", 1)[1]
    hub = config.binderhub_url()
    return (f"{hub}/v2/gh/{repo}/{config.release()}?urlpath=lab/tree/"
            f"exercises/{name}/student/{name}.ipynb")


def links_block(name: str) -> str:
    """The exercise page's links: the download (built with the site), Colab and Binder at the
    release."""
    return "\n".join([
        "<!-- links: written by tools/exercises.py sync -->",
        f'<a href="../downloads/{name}.zip" download>Download the notebook and its public tests '
        f"({name}.zip)</a> &middot; "
        f'<a href="{colab_url(name)}">Open in Colab</a> &middot; '
        f'<a href="{binder_url(name)}">Open in Binder</a>',
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
                          | {p.relative_to(committed) for p in committed.rglob("*")
                             if p.is_file()}):
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


def _inputs_digest() -> str:
    """What every autograder is built from besides its master: the grader, mlp, this tool."""
    grading = ROOT / "tools" / "grading"
    return project.files_digest([*grading.glob("*.py"), *grading.glob("*.sh"),
                                 grading / "requirements.txt",
                                 *(ROOT / "mlp").rglob("*.py"), *(ROOT / "mlp").rglob("*.npz"),
                                 *SRC.glob("*/*.npz"), Path(__file__), ROOT / "tools" / "config.py",
                                 ROOT / "tools" / "colab_cell.py", ROOT / "_config.yml",
                                 ROOT / "pyproject.toml"])


def _fingerprint(master_text: str, inputs: str) -> str:
    return hashlib.sha256(master_text.encode() + inputs.encode()).hexdigest()


def _wheel(build_dir: Path, inputs: str) -> Path:
    """The course package's wheel for these inputs (built once, shared by every exercise)."""
    folder = build_dir / "wheel" / inputs[:16]
    found = sorted(folder.glob("*.whl"))
    if found:
        return found[0]
    shutil.rmtree(build_dir / "wheel", ignore_errors=True)
    folder.mkdir(parents=True)
    return bundle.build_wheel(ROOT, folder)


def build_one(name: str, build_dir: Path = BUILD, force: bool = False, inputs: str | None = None,
              hidden_visibility: str = "visible") -> str:
    master_text = fixed_master(name)
    inputs = inputs or _inputs_digest()
    stamp = build_dir / "autograder" / f"{name}.json"
    fp = _fingerprint(master_text, inputs + hidden_visibility)
    if not force and stamp.is_file() and json.loads(stamp.read_text()).get("fingerprint") == fp \
            and (build_dir / "autograder" / f"{name}.zip").is_file():
        return f"{name}: up to date"
    stage = build_dir / "stage" / name
    dist = build_dir / "dist" / name
    shutil.rmtree(stage, ignore_errors=True)
    shutil.rmtree(dist, ignore_errors=True)
    stage.mkdir(parents=True)
    (stage / f"{name}.ipynb").write_text(master_text)
    (stage / "requirements.txt").write_text("")   # otter's zip is not used: grading.bundle's is
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
    questions = _questions(master_text)
    # data the hidden tests read (exercise 7's held-out digits) goes to the judge's side only
    data = sorted((SRC / name).glob("*.npz"))
    bundle.build(name, questions, dist / "autograder" / "tests", student / "tests",
                 _wheel(build_dir, inputs), build_dir / "autograder" / name, config.release(), data,
                 hidden_visibility)
    site = build_dir / "site" / "downloads"
    site.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(site / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(student.rglob("*")):
            if p.is_file() and "__pycache__" not in p.parts:
                zf.write(p, f"{name}/{p.relative_to(student)}")
    shutil.rmtree(stage, ignore_errors=True)
    stamp.write_text(json.dumps({"fingerprint": fp, "questions": questions}, indent=1))
    return f"{name}: built in {time.perf_counter() - t0:.1f} s"


def build(names=None, build_dir: Path = BUILD, force: bool = False, jobs: int = 2,
          hidden_visibility: str = "visible") -> None:
    names = names or available()
    build_dir.mkdir(parents=True, exist_ok=True)
    build_dir.chmod(0o700)       # hidden tests and held-out data: the instructor's user only
    inputs = _inputs_digest()
    _wheel(build_dir, inputs)    # once, before the parallel builds share it
    with cf.ThreadPoolExecutor(jobs) as pool:
        for msg in pool.map(lambda n: build_one(n, build_dir, force, inputs, hidden_visibility),
                            names):
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
# grading (tools/grading: the notebook runs sandboxed, the trusted judge decides every point)
def _questions_of(name: str, build_dir: Path = BUILD) -> list[dict]:
    """[{name, points, manual}] of a built exercise."""
    return json.loads((build_dir / "autograder" / f"{name}.json").read_text())["questions"]


def autograder_dir(name: str, build_dir: Path = BUILD) -> Path:
    return build_dir / "autograder" / name


def grade(submissions: Path, out: Path, jobs: int = 2, limits=None, build_dir: Path = BUILD,
          progress: bool = True, only: str | None = None, roster: Path | None = None,
          hand: Path | None = None, release: bool = False, python: Path | None = None) -> dict:
    """Grade SUBMISSIONS/<exercise>/<student>.ipynb into `out` (see tools/grading/batch.py)."""
    names = [n for n in available()]
    build(names, build_dir)      # quick when up to date; grading never runs an outdated autograder
    python = python or environment.ensure()
    return batch.grade(Path(submissions), Path(out),
                       {n: autograder_dir(n, build_dir) for n in names},
                       jobs=jobs, limits=limits, python=python, progress=progress, only=only,
                       roster=roster, hand=hand, release=release, site_url=config.site_url())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="generate student notebooks and autograders")
    b.add_argument("names", nargs="*", metavar="NAME", help=f"some of {EXERCISES} (default: all)")
    b.add_argument("--force", action="store_true", help="rebuild even when up to date")
    b.add_argument("--hidden-feedback", default="visible",
                   choices=("visible", "after_due_date", "after_published"),
                   help="on Gradescope, show the hidden tests' part of each question at once "
                        "(with hints only) or, with their full messages, only after the due date "
                        "or publication")
    sy = sub.add_parser("sync",
                        help="update the committed student copies, setup cells and page links")
    sy.add_argument("names", nargs="*", metavar="NAME", help="some exercises (default: all)")
    g = sub.add_parser("grade", help="grade a folder of submissions")
    g.add_argument("submissions", type=Path)
    g.add_argument("--out", type=Path, default=ROOT / "_build" / "grades")
    g.add_argument("--jobs", type=int, default=2, help="submissions graded at once (default 2)")
    g.add_argument("--cell-seconds", type=float, default=None,
                   help="CPU seconds a cell or a test's call may use (default 60)")
    g.add_argument("--memory-mb", type=int, default=None,
                   help="memory of a submission (default 3072)")
    g.add_argument("--only", default=None, help="regrade only this student (file name without "
                   ".ipynb, or roster id or email)")
    g.add_argument("--roster", type=Path, default=None, help="CSV with the columns name, id, email")
    g.add_argument("--hand", type=Path, default=None,
                   help="hand scores (fill GRADES/hand-scores-template.csv)")
    g.add_argument("--release", action="store_true",
                   help="also write GRADES/released/: results with the hidden tests' full messages")
    args = ap.parse_args(argv)
    if args.command == "build":
        unknown = set(args.names) - set(EXERCISES)
        if unknown:
            ap.error(f"unknown exercise(s) {sorted(unknown)}; choose from {EXERCISES}")
        build(args.names or None, force=args.force, hidden_visibility=args.hidden_feedback)
    elif args.command == "sync":
        sync(args.names or None)
    else:
        limits = Limits().replace(cell_cpu_s=args.cell_seconds, memory_mb=args.memory_mb)
        grade(args.submissions, args.out, args.jobs, limits, only=args.only, roster=args.roster,
              hand=args.hand, release=args.release)
    return 0


if __name__ == "__main__":
    sys.exit(main())
