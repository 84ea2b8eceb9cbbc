"""The package's layout: the core apart from course support, old import paths still valid, the
core usable without matplotlib and ipywidgets, modules short, one training step for every caller."""
from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import numpy as np
import pytest

import mlp

ROOT = Path(__file__).resolve().parents[1]
CORE = ["numerics", "activations", "losses", "init", "layers", "network", "optim", "train",
        "gradcheck", "autograd"]
SUPPORT = ["checks", "answers", "datasets", "plotting", "widgets", "double_descent"]


def test_core_and_support_stand_apart():
    assert sorted(p.stem for p in (ROOT / "mlp").glob("*.py")) == sorted(
        CORE + ["__init__", "_validation"])
    assert sorted(p.stem for p in (ROOT / "mlp" / "course").glob("*.py")) == sorted(SUPPORT + ["__init__"])
    doc = mlp.__doc__
    core, support = doc.split("The core: read these")[1].split("Course support")
    assert all(f"  {name} " in core for name in CORE)
    assert all(f"  {name} " in support for name in SUPPORT)


@pytest.mark.parametrize("name", CORE)
def test_each_core_module_reads_in_one_sitting(name):
    lines = len((ROOT / "mlp" / f"{name}.py").read_text().splitlines())
    assert lines <= 250, f"mlp/{name}.py has {lines} lines; the limit is 250"


def test_the_old_module_paths_of_course_support_still_work():
    # every form used by chapters, exercises and student notebooks already handed out
    code = textwrap.dedent("""
        import mlp, mlp.datasets, mlp.widgets, mlp.plotting
        from mlp import checks, double_descent as dd
        from mlp.checks import check_array, NOT_ANSWERED
        from mlp.widgets import figure_slider, live_figure
        from mlp.datasets import make_moons
        import mlp.course
        for name in ("checks", "datasets", "plotting", "widgets", "double_descent"):
            old, new = getattr(mlp, name), getattr(mlp.course, name)
            assert old is new and __import__("sys").modules["mlp." + name] is new, name
        assert mlp.datasets.xor()[1].tolist() == [0, 1, 1, 0]
        assert checks.check_array is check_array and dd is mlp.course.double_descent
        from mlp.autograd import ScalarMLP, squared_error, mean_loss, Value
        assert ScalarMLP is mlp.gradcheck.ScalarMLP
    """)
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


BLOCKED = textwrap.dedent("""
    import sys

    class Blocked:
        # what a machine without the "plots" extra does: matplotlib and ipywidgets cannot load
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("matplotlib", "ipywidgets"):
                raise ImportError(f"No module named {name!r} (blocked by the test)")

    sys.meta_path.insert(0, Blocked())
""")


def test_import_and_training_need_neither_matplotlib_nor_ipywidgets():
    code = BLOCKED + textwrap.dedent("""
        import numpy as np
        import mlp
        X, y = mlp.datasets.make_moons(60, rng=0)
        net = mlp.MLP([2, 8, 1], activation="tanh", rng=0)
        hist = mlp.fit(net, mlp.BCEWithLogits(), mlp.optim.Adam(net.parameters(), lr=0.05), X, y,
                       epochs=30, batch_size=16, rng=0)
        assert hist.train_loss[-1] < hist.train_loss[0]
        assert mlp.check_gradients(mlp.MLP([2, 3, 1], activation="tanh", rng=0), mlp.MSE(),
                                   X[:4], y[:4].astype(float)).passed
        mlp.checks.check_array(np.ones(2), np.ones(2), "a")
        assert not [m for m in sys.modules if m.split(".")[0] in ("matplotlib", "ipywidgets")]
        try:
            mlp.plotting.plot_history(hist)
        except ImportError as exc:
            print("plotting:", exc)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "plotting: No module named 'matplotlib" in out.stdout


def test_matplotlib_and_ipywidgets_are_an_extra_that_the_book_installs():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = lambda reqs: {r.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip()  # noqa: E731
                          for r in reqs}
    assert names(project["dependencies"]) == {"numpy"}
    extras = project["optional-dependencies"]
    assert {"matplotlib", "ipywidgets"} <= names(extras["plots"])
    assert "nn-from-scratch[plots]" in extras["book"]


def _private_uses(path: Path) -> list[str]:
    """Names with a leading underscore that a module takes from another module: imported ones,
    and attributes it reads but never defines itself (a class of its own may use its own)."""
    tree = ast.parse(path.read_text())
    private = lambda name: name.startswith("_") and not name.startswith("__")  # noqa: E731
    own = {node.attr for node in ast.walk(tree)
           if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)}
    own |= {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found += [f"from {node.module} import {a.name}" for a in node.names if private(a.name)]
        elif isinstance(node, ast.Attribute) and private(node.attr) and node.attr not in own:
            found.append(f"{ast.unparse(node.value)}.{node.attr} (line {node.lineno})")
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "mlp").rglob("*.py")), ids=lambda p: p.stem)
def test_no_module_uses_another_modules_private_names(path):
    uses = _private_uses(path)
    assert uses == [], f"{path.relative_to(ROOT)} uses private names of other modules: {uses}"


def test_loss_and_grads_and_fit_run_the_same_step(monkeypatch):
    calls = []
    step = mlp.MLP.backprop

    def counted(self, X, Y, loss):
        calls.append(len(X))
        return step(self, X, Y, loss)

    monkeypatch.setattr(mlp.MLP, "backprop", counted)
    X, y = np.arange(10.0).reshape(5, 2), np.arange(5.0)
    net = mlp.MLP([2, 3, 1], activation="tanh", rng=0, l2=0.1)
    value = net.loss_and_grads(X, y, mlp.MSE())
    assert calls == [5] and value == pytest.approx(mlp.MSE()(net.predict(X), y) + net.penalty())
    mlp.fit(net, mlp.MSE(), mlp.optim.SGD(net.parameters(), lr=0.01), X, y, epochs=2, batch_size=2)
    assert calls == [5, 2, 2, 1, 2, 2, 1]


@pytest.mark.parametrize("path", sorted((ROOT / "mlp" / "course").glob("*.py")), ids=lambda p: p.stem)
def test_course_modules_reach_the_core_with_two_dots(path):
    # `from .activations import ...` inside mlp/course looks for mlp.course.activations: it fails
    # only when that line runs, which may be inside a function no test calls
    wrong = [f"line {node.lineno}: from .{node.module} import ..." for node in ast.walk(ast.parse(path.read_text()))
             if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module
             and node.module.split(".")[0] not in SUPPORT]
    assert wrong == [], f"mlp/course/{path.name} imports core modules as course ones (use '..'): {wrong}"
