"""The README's "On your own computer" steps, followed on a fresh virtual environment.

The shell block of the README is run as written (only `jupyter lab`, which would wait for a
browser, becomes `jupyter lab --version`), in a copy of this checkout's tracked files standing in
for the `git clone`, with a bare Python. Then an exercise notebook from that copy runs in that
environment: its setup cell, an unanswered question and an answered one, each checked with
`grader.check`. Slow (it installs JupyterLab and otter-grader): `make test-readme`, not `make test`.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tools import colab_cell, config

ROOT = Path(__file__).resolve().parents[2]
EXERCISE = "01-xor"
# Question 1 of exercise 1, answered: AND, OR and NAND as single step units (w·x + b, no input on
# a boundary). Each truth table holds by hand: e.g. AND fires only for x = (1, 1), where
# 1+1-1.5 > 0.
ANSWER = """AND = (np.array([1.0, 1.0]), -1.5)
OR = (np.array([1.0, 1.0]), -0.5)
NAND = (np.array([-1.0, -1.0]), 1.5)"""


def readme_block() -> list[str]:
    """The README's shell block for working locally, one command per line (comments removed)."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", readme, re.S)
    block = next((b for b in blocks if 'pip install -e ".[student]"' in b), None)
    assert block is not None, "the README has no ```bash block with the student install"
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


def test_readme_block_is_the_one_tested():
    url = config.repository()[0]
    lines = readme_block()
    assert lines[0] == f"git clone --branch {config.release()} {url}.git"
    assert lines[1] == f"cd {url.rsplit('/', 1)[1]}"
    assert lines[2:] == ["python -m venv .venv", "source .venv/bin/activate",
                         'python -m pip install -e ".[student]"', "jupyter lab"]


@pytest.fixture(scope="module")
def student_env(tmp_path_factory):
    """A copy of the checkout set up by the README's commands; yields (folder, env)."""
    tmp = tmp_path_factory.mktemp("readme")
    clone = tmp / "course"   # stands in for `git clone`: the tracked files, as committed or edited
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split("\0")
    for name in filter(None, names):
        src = ROOT / name
        if src.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, clone / name)
    # A bare Python first on PATH as `python` (not this project's environment), and a HOME and
    # JUPYTER_PATH of its own, so no kernel or setting from this machine leaks in.
    bindir = tmp / "bin"
    bindir.mkdir()
    (bindir / "python").symlink_to(getattr(sys, "_base_executable", sys.executable))
    env = {k: v for k, v in os.environ.items()
           if k not in {"VIRTUAL_ENV", "PYTHONPATH", "JUPYTER_PATH", "MPLBACKEND", "PYTHONHOME"}}
    env.update(PATH=f"{bindir}{os.pathsep}{env['PATH']}", HOME=str(tmp / "home"))
    (tmp / "home").mkdir()
    script = [line.replace("jupyter lab", "jupyter lab --version") if line == "jupyter lab"
              else line for line in readme_block()[2:]]
    t0 = time.perf_counter()
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", "\n".join(script)], cwd=clone, env=env,
                          capture_output=True, text=True, timeout=1500)
    seconds = time.perf_counter() - t0
    assert proc.returncode == 0, \
        f"the README's steps failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    print(f"\nREADME install on a fresh environment: {seconds:.0f} s")
    lab_version = proc.stdout.strip().splitlines()[-1]
    assert re.fullmatch(r"4\.\d+\.\d+\S*", lab_version), \
        f"`jupyter lab --version` said {lab_version!r}"
    venv = clone / ".venv"
    env = dict(env, VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}")
    yield clone, env


def test_the_environment_has_what_the_readme_promises(student_env):
    clone, env = student_env
    py = clone / ".venv" / "bin" / "python"
    code = ("import mlp, otter, jupyterlab, matplotlib, ipywidgets; "
            "print(mlp.__file__); print(otter.__version__)")
    out = subprocess.run([str(py), "-c", code], env=env, capture_output=True, text=True,
                         cwd=clone / "exercises")
    assert out.returncode == 0, out.stderr
    mlp_file, otter_version = out.stdout.split()
    assert Path(mlp_file).is_relative_to(clone), "the editable install must use the clone's mlp"
    assert otter_version == "7.0.0"
    kernels = subprocess.run([str(clone / ".venv" / "bin" / "jupyter"), "kernelspec", "list",
                              "--json"], env=env, capture_output=True, text=True)
    spec = json.loads(kernels.stdout)["kernelspecs"]["python3"]
    assert Path(spec["resource_dir"]).is_relative_to(clone / ".venv"), spec["resource_dir"]


def test_exercise_notebook_runs_and_grader_check_answers(student_env):
    import nbformat
    clone, env = student_env
    folder = clone / "exercises" / EXERCISE / "student"
    nb = nbformat.read(folder / f"{EXERCISE}.ipynb", as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    setup, context = code[0], code[1]
    assert setup.startswith(colab_cell.MARKER) and "grader = otter.Notebook" in setup
    assert code[2].strip().startswith("AND = ...") and code[3].strip() == 'grader.check("q1")'
    cells = [setup, "import mlp\nprint('mlp from', mlp.__file__)", context,
             code[2], 'grader.check("q1")',        # as the student receives it: unanswered
             ANSWER, 'grader.check("q1")']         # answered
    run = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    run.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                  "language": "python"}
    path = folder / "readme-check.ipynb"   # beside the notebook, where grader.check finds tests/
    nbformat.write(run, path)
    proc = subprocess.run([str(clone / ".venv" / "bin" / "jupyter"), "nbconvert",
                           "--to", "notebook", "--execute", "--inplace",
                           "--ExecutePreprocessor.timeout=300", path.name],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    done = nbformat.read(path, as_version=4)

    def text(i: int) -> str:
        out = []
        for o in done.cells[i].outputs:
            out.append(o.get("text", "") + o.get("data", {}).get("text/plain", ""))
        return "\n".join(out)

    assert f"mlp from {clone}" in text(1)
    unanswered, answered = text(4), text(6)
    assert "q1" in unanswered and "not answered" in unanswered.lower(), unanswered
    assert "passed" not in unanswered.split("\n", 1)[0].lower()
    assert "public check passed" in answered, answered
