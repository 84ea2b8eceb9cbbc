"""The package's layout: the core apart from course support, one import path for each module
(the old `mlp.course.X` spelling warns), no import cycle, the core usable without matplotlib and
ipywidgets, one training step for every caller."""
from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest
import tomllib

import mlp

ROOT = Path(__file__).resolve().parents[2]
CORE = ["numerics", "activations", "losses", "init", "layers", "network", "optim", "train",
        "gradcheck", "autograd"]
SUPPORT = ["checks", "answers", "datasets", "plotting", "widgets", "double_descent"]


def test_core_and_support_stand_apart():
    assert sorted(p.stem for p in (ROOT / "mlp").glob("*.py")) == sorted(
        CORE + SUPPORT + ["__init__", "_validation"])
    doc = mlp.__doc__
    core, support = doc.split("The core: read these")[1].split("Course support")
    assert all(f"  {name} " in core for name in CORE)
    assert all(f"  {name} " in support for name in SUPPORT)


def test_one_import_path_for_each_module():
    """mlp.checks is the module itself (not an alias written into sys.modules); the forms the
    chapters, exercises and notebooks handed out use all reach it."""
    code = textwrap.dedent("""
        import sys, warnings
        warnings.simplefilter("error", DeprecationWarning)
        import mlp, mlp.datasets, mlp.widgets, mlp.plotting
        from mlp import checks, answers, double_descent as dd
        from mlp.checks import check_array, NOT_ANSWERED
        from mlp.widgets import figure_slider, live_figure
        from mlp.datasets import make_moons
        for name in ("checks", "answers", "datasets", "plotting", "widgets", "double_descent"):
            module = getattr(mlp, name)
            assert (module.__name__ == "mlp." + name
                    and module.__file__.endswith(f"mlp/{name}.py")), name
        assert "mlp.course" not in sys.modules, "importing mlp never loads the old spelling"
    """)
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    assert "sys.modules" not in (ROOT / "mlp" / "__init__.py").read_text()


@pytest.mark.parametrize("name", SUPPORT)
def test_the_old_spelling_warns_and_says_until_when(name):
    from mlp.course import REMOVE_AFTER

    code = f"import warnings\nwarnings.simplefilter('error')\nimport mlp.course.{name}"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode != 0 and "DeprecationWarning" in out.stderr
    assert f"mlp.course.{name} is now mlp.{name}" in out.stderr and REMOVE_AFTER in out.stderr
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        old = __import__(f"mlp.course.{name}", fromlist=["x"])
    new = getattr(mlp, name)
    public = [k for k in vars(new) if not k.startswith("_") and callable(getattr(new, k))]
    assert public and all(getattr(old, k) is getattr(new, k) for k in public)


def imports_of(package: Path, name: str) -> dict[str, set[str]]:
    """{module: the modules of the package it imports}, from every import statement in its source
    (those inside functions too), relative or absolute."""
    graph = {}
    for path in package.glob("*.py"):
        module = path.stem
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                if node.level == 1:
                    targets = [node.module] if node.module else [a.name for a in node.names]
                elif node.level == 0 and node.module and node.module.split(".")[0] == name:
                    rest = node.module.split(".")[1:]
                    targets = rest[:1] if rest else [a.name for a in node.names]
                else:
                    targets = []
            elif isinstance(node, ast.Import):
                targets = [a.name.split(".")[1] for a in node.names
                           if a.name.startswith(name + ".") and len(a.name.split(".")) > 1]
            else:
                continue
            found |= {t.split(".")[0] for t in targets
                      if (package / f"{t.split('.')[0]}.py").exists()}
        graph[module] = found - {module, "__init__"}
    return graph


def cycles(graph: dict) -> list[list[str]]:
    """The import cycles of a graph, as lists of modules (depth-first search)."""
    found, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"
    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_mlp_has_no_import_cycle_and_the_core_does_not_need_course_support():
    graph = imports_of(ROOT / "mlp", "mlp")
    assert cycles(graph) == []
    assert graph["checks"] >= {"network"}, "the graph sees the modules' imports"
    leaks = {m: sorted(graph[m] & set(SUPPORT)) for m in CORE if graph[m] & set(SUPPORT)}
    assert leaks == {}, f"core modules import course support: {leaks}"


def test_the_cycle_finder_finds_a_cycle(tmp_path):
    (tmp_path / "a.py").write_text("from .b import f\n")
    (tmp_path / "b.py").write_text("def f():\n    from . import c\n")
    (tmp_path / "c.py").write_text("import pkg.a\n")
    assert cycles(imports_of(tmp_path, "pkg")) == [["a", "b", "c", "a"]]


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
    own |= {node.name for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
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


def test_loss_and_grads_and_fit_take_the_same_step():
    """One full-batch epoch of fit with SGD is exactly one step w <- w - lr dC/dw with the
    gradients loss_and_grads gives (l2 penalty included): one training step for every caller."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 2)), rng.normal(size=6)
    a = mlp.MLP([2, 3, 1], activation="tanh", rng=0, l2=0.1)
    b = mlp.MLP([2, 3, 1], activation="tanh", rng=0, l2=0.1)
    value = a.loss_and_grads(X, y, mlp.MSE())
    assert value == pytest.approx(mlp.MSE()(a.predict(X), y) + a.penalty())
    expected = [p.data - 0.05 * p.grad for p in a.parameters()]
    mlp.fit(b, mlp.MSE(), mlp.optim.SGD(b.parameters(), lr=0.05), X, y, epochs=1, batch_size=6,
            shuffle=False)
    for p, e in zip(b.parameters(), expected):
        np.testing.assert_allclose(p.data, e, rtol=1e-12, atol=1e-15)
