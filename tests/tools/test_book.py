"""The book's source: configuration, table of contents and the conventions every notebook
follows."""
from __future__ import annotations

import concurrent.futures
import functools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import nbformat
import pytest
import yaml

from tools import build_book, colab_cell, config, project

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
CONFIG_TEXT = (ROOT / "_config.yml").read_text()
CONFIG = yaml.safe_load(CONFIG_TEXT)
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())


def _toc_files(entries=None) -> list[str]:
    """Every `file:` of _toc.yml, in reading order (parts, chapters, sections)."""
    if entries is None:
        entries = [chapter for part in TOC["parts"] for chapter in part["chapters"]]
    return [f for e in entries for f in [e["file"], *_toc_files(e.get("sections", []))]]


def _nb(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def _code(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def unstripped(paths) -> str:
    """nbstripout's verdict on notebooks, plus what it does not check: the kernelspec (the book
    runs the notebooks on the project's python3 kernel) and the nbformat 4.5 cell ids.
    Empty when every notebook is as it should be committed."""
    nbstripout = Path(sys.executable).with_name("nbstripout")
    out = subprocess.run([str(nbstripout), "--verify", "--keep-id", *map(str, paths)],
                         capture_output=True, text=True)
    problems = [out.stdout + out.stderr] if out.returncode else []
    for path in paths:
        with warnings.catch_warnings():
            warnings.simplefilter("error")           # a cell without an id only warns
            try:
                nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
                nbformat.validate(nb)
            except Exception as exc:  # noqa: BLE001  (any reason the file is not valid nbformat)
                problems.append(f"{path.name}: not valid nbformat: {str(exc).splitlines()[0]}")
                continue
        if nb.metadata.get("kernelspec", {}).get("name") != "python3":
            problems.append(f"{path.name}: kernelspec is {nb.metadata.get('kernelspec')}, "
                            "not python3")
    return "\n".join(problems)


def _is_stub(nb: dict) -> bool:
    return "coming soon" in _markdown(nb) and len(nb["cells"]) <= 3


def test_seven_chapters_in_order():
    names = [p.stem for p in CHAPTERS]
    assert names == ["01-xor", "02-structure", "03-loss", "04-backprop", "05-optimizers",
                     "06-double-descent", "07-digits"]
    assert [f for f in _toc_files() if f.startswith("chapters/")] == [f"chapters/{n}"
                                                                      for n in names]


def test_every_toc_entry_exists():
    for entry in [TOC["root"], *_toc_files()]:
        candidates = [ROOT / f"{entry}{ext}" for ext in (".md", ".ipynb")]
        assert any(c.exists() for c in candidates), f"_toc.yml lists {entry}, which does not exist"


def test_notebooks_committed_without_outputs():
    problems = unstripped(CHAPTERS)
    assert not problems, f"{problems}\nrun: nbstripout --keep-id chapters/*.ipynb"


@pytest.mark.parametrize("defect", ["outputs", "execution count", "widget state", "no cell id",
                                    "another kernel"])
def test_the_stripped_check_finds_each_defect(defect, tmp_path):
    path = tmp_path / "nb.ipynb"
    shutil.copy(CHAPTERS[0], path)
    assert unstripped([path]) == ""
    nb = nbformat.read(path, as_version=4)
    code = next(c for c in nb.cells if c.cell_type == "code")
    if defect == "outputs":
        code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi\n")]
    elif defect == "execution count":
        code.execution_count = 3
    elif defect == "widget state":
        nb.metadata.widgets = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    elif defect == "another kernel":
        nb.metadata.kernelspec = {"name": "myenv", "display_name": "My env", "language": "python"}
    nbformat.write(nb, path)
    # only an editor other than nbformat can leave a cell id out: nbformat adds it
    if defect == "no cell id":
        path.write_text(re.sub(r'\n   "id": "[^"]*",', "", path.read_text(), count=1))
    assert unstripped([path]) != ""


def test_colab_install_cell_up_to_date():
    assert colab_cell.check(CHAPTERS) == [], "run: python -m tools.colab_cell --fix"


def test_colab_cell_is_inert_outside_colab():
    src = colab_cell.install_cell_source()
    assert 'if "google.colab" in sys.modules:' in src
    url, _ = config.repository()
    assert f"git+{url}@{config.release()}" in src
    # every line that installs is inside the if-block
    body = src.split('if "google.colab" in sys.modules:', 1)[1]
    assert all(line.startswith("    ") for line in body.strip("\n").splitlines())


# IPython runs a setup cell as Colab would (google.colab importable); %pip and ! only record
# what they would run, after IPython's {variable} expansion.
_ON_COLAB = r"""
import json, shlex, sys, types
from IPython.core.interactiveshell import InteractiveShell
sys.modules["google.colab"] = types.ModuleType("google.colab")
sys.modules["otter"] = types.SimpleNamespace(Notebook=lambda tests_dir: tests_dir)
shell, calls = InteractiveShell.instance(), []
shell.register_magic_function(lambda line: calls.append(["pip", *shlex.split(line)]), "line", "pip")
import IPython.core.interactiveshell as ish   # the shell expands {variables}, then runs this
ish.system = lambda cmd: calls.append(["!", cmd]) or 0
result = shell.run_cell(sys.stdin.read())
print(json.dumps({"ok": result.success, "calls": calls,
                  "tests_dir": shell.user_ns.get("TESTS_DIR")}))
"""


def _run_on_colab(cell: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", _ON_COLAB], input=cell, capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_colab_cells_install_the_release_on_colab():
    url, _ = config.repository()
    chapter = _run_on_colab(colab_cell.install_cell_source())
    assert chapter["ok"] and chapter["calls"] == [["pip", "install", "-q", config.requirement()]]
    assert config.requirement().endswith(f"@{config.release()}")
    for name in EXERCISES:
        setup = _run_on_colab(exercises.setup_cell_source(name))
        assert setup["ok"], name
        (bang, clone) = setup["calls"][1]
        assert setup["calls"][0] == ["pip", "install", "-q", config.requirement(),
                                     f"otter-grader=={exercises.OTTER_VERSION}"]
        assert clone == (f"[ -d /content/nn-from-scratch ] || git clone -q --depth 1 --branch "
                         f"{config.release()} {url} /content/nn-from-scratch")
        assert setup["tests_dir"] == f"/content/nn-from-scratch/exercises/{name}/student/tests"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_has_the_required_parts(path):
    nb = _nb(path)
    if _is_stub(nb):
        pytest.skip(f"{path.name} is still a 'coming soon' page")
    md, code = _markdown(nb), _code(nb)
    assert re.search(r"learning objectives", md, re.I), "no learning objectives"
    assert re.search(r"check yourself", md, re.I), "no 'Check yourself' section"
    assert ":class: dropdown" in md, "check-yourself answers must be hidden in a dropdown"
    assert "{cite" in md, "no citation from references.bib"
    assert f"../exercises/{path.stem}.md" in md, "no link to the chapter's exercise"
    assert "figure_slider(" in code, "no kernel-free widget (mlp.widgets.figure_slider)"
    assert "import mlp" in code


def test_cited_keys_exist():
    keys = set(re.findall(r"^@\w+\{([^,]+),", (ROOT / "references.bib").read_text(), re.M))
    for path in CHAPTERS:
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", _markdown(_nb(path))):
            for key in group.split(","):
                assert key.strip() in keys, f"{path.name} cites unknown key {key.strip()!r}"


def test_config_is_safe_for_ci():
    assert CONFIG["only_build_toc_files"] is True
    assert CONFIG["execute"]["raise_on_error"] is True
    # the notebooks run once, into the cache both builds read (tools/build_book.py)
    assert CONFIG["execute"]["execute_notebooks"] == "cache"
    assert ROOT / CONFIG["execute"]["cache"] == build_book.CACHE
    assert CONFIG["sphinx"]["recursive_update"] is True, "without it the launch buttons vanish"
    assert CONFIG["launch_buttons"]["colab_url"] and CONFIG["launch_buttons"]["binderhub_url"]
    assert "references.bib" in CONFIG["bibtex_bibfiles"]


def test_repository_url_written_once():
    url, _ = config.repository()
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True,
                             text=True).stdout.split()
    holders = []
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".py", ".yml", ".yaml", ".toml", ".cfg", ".txt"} and path.is_file():
            if url in path.read_text(errors="ignore"):
                holders.append(name)
    # _config.yml is the source; pyproject's project URL is metadata that pip needs literally.
    assert set(holders) <= {"_config.yml", "pyproject.toml"}, holders


# ------------------------------------------------------------------------------------------------
# agreement: the release tag, the repository and the site address are written once (_config.yml)
from tools import exercises  # noqa: E402

EXERCISES = exercises.available()
TAG_LIKE = re.compile(r"\bv20\d\d\.\d+\b")   # what a release tag looks like (release: vYEAR.N)
TEXT_SUFFIXES = {".py", ".yml", ".yaml", ".toml", ".cfg", ".txt", ".md", ".ipynb", ""}


def _tracked_text() -> dict[str, str]:
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True,
                           text=True).stdout.split()
    return {n: (ROOT / n).read_text(errors="ignore") for n in names
            if (ROOT / n).suffix in TEXT_SUFFIXES and (ROOT / n).is_file()}


def _code_cells(path: Path) -> list[str]:
    return ["".join(c["source"]) for c in _nb(path)["cells"] if c["cell_type"] == "code"]


def test_release_tag_written_once_and_used_by_launch_buttons():
    tag = config.release()
    assert TAG_LIKE.fullmatch(tag), f"release {tag!r} does not follow the vYEAR.N convention"
    assert len(re.findall(re.escape(tag), CONFIG_TEXT)) == 1, (
        "write the tag once, as `release: &release TAG`")
    assert re.search(r"^release:\s*&release\s+\S+", CONFIG_TEXT, re.M)
    # Jupyter Book's Binder and Colab buttons take repository.branch: it is an alias of the tag.
    assert re.search(r"^  branch:\s*\*release\b", CONFIG_TEXT, re.M), (
        "repository.branch must be *release")
    assert config.repository()[1] == tag


def test_release_tag_everywhere_students_install():
    tag, (url, _) = config.release(), config.repository()
    assert config.requirement() == f"nn-from-scratch @ git+{url}@{tag}"   # Gradescope, Colab
    for path in CHAPTERS:
        assert f'"nn-from-scratch @ git+{url}@{tag}"' in _code_cells(path)[0], path.name
    for name in EXERCISES:
        for nb in (ROOT / "exercises" / name / f"{name}.ipynb",
                   ROOT / "exercises" / name / "student" / f"{name}.ipynb"):
            setup = _code_cells(nb)[0]
            assert f"git+{url}@{tag}" in setup and f"--branch {tag} " in setup, nb
            assert f'REPO, CLONE = "{url}", ' in setup, nb
        page = (ROOT / "exercises" / f"{name}.md").read_text()
        assert f"/blob/{tag}/exercises/{name}/student/{name}.ipynb" in page, f"{name}.md Colab link"
    readme = (ROOT / "README.md").read_text()
    assert f"git clone --branch {tag} {url}.git" in readme


def test_no_other_release_tag_or_main_in_what_students_open():
    tag = config.release()
    for name, text in _tracked_text().items():
        if name == "requirements-lock.txt" or name.startswith(("binder/requirements", "tests/")):
            continue   # package versions and test examples, not the course's tag
        others = set(TAG_LIKE.findall(text)) - {tag}
        assert not others, (
            f"{name} names release tag(s) {sorted(others)}, not {tag}: run the fixers")
        if name.startswith(("chapters/", "exercises/")):
            assert not re.search(r"@main\b|/blob/main/|--branch main\b", text), \
                f"{name} installs or opens `main`, not the release"


def test_site_address_written_once_and_links_derive_from_it():
    site, (url, _) = config.site_url(), config.repository()
    assert site.startswith("https://") and site.endswith("/")
    owner, repo = url.split("github.com/", 1)[1].split("/")
    if ".github.io" in site:   # GitHub Pages serves a project site at OWNER.github.io/REPO/
        assert site == f"https://{owner.lower()}.github.io/{repo}/", (site, url)
    texts = _tracked_text()
    for name, text in texts.items():
        for link in re.findall(r"https?://[\w.-]+\.github\.io[^\s)\"'<>\]]*", text):
            assert link.startswith(site), f"{name} links {link}, outside html.baseurl {site}"
    students = [f"exercises/{n}/student/{n}.ipynb" for n in EXERCISES]
    for name in ["README.md", *[f"exercises/{n}/{n}.ipynb" for n in EXERCISES], *students]:
        links = [m.group(0) for m in colab_cell.SITE_LINK.finditer(texts[name])]
        assert links, f"{name} has no link to the site"
        for link in links:
            assert link.startswith(site), f"{name}: {link} does not start with {site}"
            page = link[len(site):]
            if page.endswith(".html"):
                source = page[:-len(".html")]
                assert any((ROOT / f"{source}{ext}").exists() for ext in (".ipynb", ".md")), link
    assert f"{site}chapters/01-xor.html" in texts["exercises/01-xor/01-xor.ipynb"]
    assert colab_cell.check() == [], "run: python -m tools.colab_cell --fix"


def test_fixer_rebases_links_and_tag_on_a_new_config(monkeypatch):
    old = config.config()
    new = dict(old, release="v2099.3", html=dict(old["html"], baseurl="https://example.org/nn"))
    new["repository"] = dict(old["repository"], branch="v2099.3")
    readme = (ROOT / "README.md").read_text()
    monkeypatch.setattr(config, "config", lambda: new)
    fixed = colab_cell.fixed_links(readme)
    assert "https://example.org/nn/chapters/04-backprop.html" in fixed
    assert "git clone --branch v2099.3 " in fixed
    assert config.site_url() not in readme and "github.io" not in fixed
    assert exercises.colab_url("04-backprop").split("/blob/")[1].startswith("v2099.3/")
    assert exercises.binder_url("04-backprop").endswith(
        "/course/v2099.3?urlpath=lab/tree/exercises/04-backprop/student/04-backprop.ipynb")
    assert "--branch v2099.3 " in exercises.setup_cell_source("04-backprop")
    assert "@v2099.3\"" in colab_cell.install_cell_source()


@pytest.mark.parametrize("bad, message", [
    ({"release": "v2026 .1"}, "git tag name"),
    ({"release": None}, "git tag name"),
    ({"html": {"baseurl": "nn.github.io/course"}}, "https://"),
    ({"repository": {"url": "https://gitlab.com/a/b", "branch": "x"}}, "github.com"),
])
def test_config_errors_say_what_to_fix(monkeypatch, bad, message):
    monkeypatch.setattr(config, "config", lambda: dict(CONFIG, **bad))
    with pytest.raises(ValueError, match=message):
        config.release(), config.site_url(), config.repository()


# ------------------------------------------------------------------------------------------------
# pinned environments: the lock, Binder, Colab
def _pins(path: Path) -> list:
    from packaging.requirements import Requirement
    out = []
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(Requirement(line))
    return out


def _project() -> dict:
    import tomllib
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _requirements(*extras: str) -> list:
    """The core requirements and those of `extras`, with the package's references to its own
    extras (nn-from-scratch[plots]) replaced by what they list."""
    from packaging.requirements import Requirement
    project, out, todo, seen = _project(), [], list(extras), set()
    lines = list(project["dependencies"])
    while todo:
        extra = todo.pop()
        if extra not in seen:
            seen.add(extra)
            lines += project["optional-dependencies"][extra]
    for line in lines:
        req = Requirement(line)
        if req.name == project["name"]:
            out += _requirements(*req.extras)
        else:
            out.append(req)
    return out


def test_lock_satisfies_pyproject():
    """Every requirement of the core package and the book, test and grading extras is pinned in
    requirements-lock.txt at a version in its range (else: run `make lock`)."""
    from packaging.utils import canonicalize_name
    lock = (ROOT / "requirements-lock.txt").read_text()
    assert "make lock" in lock.splitlines()[1], "the lock's header must say how to regenerate it"
    pins = {}
    for req in _pins(ROOT / "requirements-lock.txt"):
        assert len(req.specifier) == 1 and next(iter(req.specifier)).operator == "==", req
        if req.marker is None or req.marker.evaluate():
            pins[canonicalize_name(req.name)] = next(iter(req.specifier)).version
    wanted = _requirements("book", "test", "grading")
    assert {"matplotlib", "jupyter-book", "otter-grader"} <= {canonicalize_name(r.name)
                                                              for r in wanted}
    for req in wanted:
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not in requirements-lock.txt: run `make lock`"
        assert req.specifier.contains(pins[name], prereleases=True), \
            f"requirements-lock.txt pins {req.name}=={pins[name]}, outside {req}: run `make lock`"


def test_binder_installs_the_lock_then_the_package():
    from packaging.utils import canonicalize_name
    text = (ROOT / "binder" / "requirements.txt").read_text()
    # A local reference (-e ., a path) makes repo2docker install after copying the repository,
    # so every push would reinstall everything (see binder/postBuild).
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        assert not line or re.fullmatch(r"[A-Za-z0-9_.-]+==\S+", line), (
            f"unpinned or local: {line!r}")
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime)
    env = {"python_version": runtime.split("-")[1],
           "python_full_version": runtime.split("-")[1] + ".0",
           "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
           "platform_machine": "x86_64", "implementation_name": "cpython",
           "platform_python_implementation": "CPython"}
    lock = {}
    for req in _pins(ROOT / "requirements-lock.txt"):
        if req.marker is None or req.marker.evaluate(env):
            lock[canonicalize_name(req.name)] = str(req.specifier)
    binder = {canonicalize_name(r.name): str(r.specifier)
              for r in _pins(ROOT / "binder" / "requirements.txt")}
    assert {"numpy", "matplotlib", "ipywidgets", "otter-grader", "scikit-learn"} <= set(binder)
    assert not {"jupyter-book", "pytest", "nbval"} & set(binder), (
        "keep build and test tools out of Binder")
    differ = {n: (v, lock.get(n)) for n, v in binder.items() if lock.get(n) != v}
    assert not differ, (f"binder/requirements.txt differs from the lock for {runtime}: {differ}; "
                        "run `make lock`")
    post = ROOT / "binder" / "postBuild"
    assert post.stat().st_mode & 0o111, "binder/postBuild must be executable"
    body = post.read_text()
    assert body.startswith("#!/bin/bash") and "set -e" in body
    assert re.search(r"pip install .*--no-deps -e \.$", body, re.M)


# The versions preinstalled on Colab (googlecolab/backend-info, runtime 2026.07: Python 3.12,
# numpy 2.0.2, matplotlib 3.10.0). The Colab cell installs the course package with its own ranges,
# so these must satisfy them, or pip would replace Colab's numpy or matplotlib.
COLAB = {"python": "3.12.13", "numpy": "2.0.2", "matplotlib": "3.10.0"}


def test_package_ranges_keep_colabs_numpy_and_matplotlib():
    from packaging.specifiers import SpecifierSet
    project = _project()
    assert SpecifierSet(project["requires-python"]).contains(COLAB["python"])
    wanted = _requirements("plots")   # the package, and its figures' extra
    assert {"numpy", "matplotlib"} <= {r.name for r in wanted}
    for req in wanted:
        if req.name in COLAB:
            assert req.specifier.contains(COLAB[req.name]), (
                f"{req} would replace Colab's {req.name}")
    cell = colab_cell.install_cell_source()
    assert "requirements-lock" not in cell and "==" not in cell.split("%pip install", 1)[1], \
        "the Colab cell installs the package with its ranges, never pinned versions"


def test_readme_matches_config_and_gives_two_commands():
    readme = (ROOT / "README.md").read_text()
    url, _ = config.repository()
    assert url in readme, "README's repository URL differs from _config.yml's"
    assert url in (ROOT / "pyproject.toml").read_text(), (
        "pyproject's URL differs from _config.yml's")
    assert "make book" in readme and "make test" in readme
    assert f"{config.site_url()}intro.html" in readme, "README must link the site"


def test_readme_tells_students_how_to_work_locally():
    readme = (ROOT / "README.md").read_text()
    assert 'python -m pip install -e ".[student]"' in readme and "jupyter lab" in readme
    assert "exercises/<name>/student/<name>.ipynb" in readme
    for name in EXERCISES:   # the layout the README describes is the one in the repository
        assert (ROOT / "exercises" / name / "student" / f"{name}.ipynb").is_file()
        assert (ROOT / "exercises" / name / "student" / "tests").is_dir()
    student = [str(r) for r in _requirements("student")]
    for needed in ("jupyterlab", "matplotlib", "ipywidgets", "scikit-learn"):
        assert any(r.startswith(needed) for r in student), f"the student extra lacks {needed}"
    assert f"otter-grader=={exercises.OTTER_VERSION}" in student, "students need the grader's otter"
    intro = (ROOT / "intro.md").read_text()
    assert 'python -m pip install -e ".[student]"' in intro and "jupyter lab" in intro


def _readme_block(containing: str) -> str:
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    block = next((textwrap.dedent(b) for b in blocks if containing in b), None)
    assert block is not None, f"the README has no ```bash block with {containing!r}"
    return block


def test_readme_release_steps_cut_a_release(tmp_path):
    """The README's "Cut a new term's release", followed on a copy of the checkout: change the
    release line, run the README's fixers, then its commit-and-tag block (without the push)."""
    copy = tmp_path / "course"
    names = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, names):
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    run = functools.partial(subprocess.run, cwd=copy, env=env, capture_output=True, text=True)
    assert run(["git", "init", "-q"]).returncode == 0
    assert run(["git", "add", "-A"]).returncode == 0
    assert run(["git", "commit", "-qm", "term"]).returncode == 0, "cannot commit the copy"
    cfg = copy / "_config.yml"
    text, count = re.subn(r"^release: &release .*$", "release: &release v2099.1", cfg.read_text(),
                          flags=re.M)
    assert count == 1, "_config.yml has no `release: &release` line for the README's step 1"
    cfg.write_text(text)
    python = shlex.quote(sys.executable)
    assert run([sys.executable, "-m", "tools.colab_cell"]).returncode != 0, \
        "a changed release with stale cells passes the check"
    fixers = _readme_block("tools.colab_cell --fix").replace(".venv/bin/python", python)
    fixed = run(["bash", "-euc", fixers])
    assert fixed.returncode == 0, fixed.stderr
    check = run([sys.executable, "-m", "tools.colab_cell"])
    assert check.returncode == 0, check.stdout + check.stderr
    for name in EXERCISES:
        student = (copy / "exercises" / name / "student" / f"{name}.ipynb").read_text()
        assert "@v2099.1" in student, f"{name}: the student copy still installs the old release"
    release = _readme_block('git tag "$TAG"').replace(".venv/bin/python", python)
    release = "\n".join(line for line in release.splitlines() if not line.startswith("git push"))
    tagged = run(["bash", "-euc", release])
    assert tagged.returncode == 0, tagged.stderr
    assert run(["git", "tag", "--points-at", "HEAD"]).stdout.split() == ["v2099.1"]
    assert run(["git", "status", "--porcelain"]).stdout == "", "the release commit left files out"


# --- executing the notebooks once: tools/build_book.py ----------------------------------------
@pytest.fixture(autouse=True)
def _may_execute(monkeypatch):
    """These tests execute small notebooks of their own, also when CI forbids the book's
    notebooks to run again (BOOK_CACHED_ONLY=1 in make test's environment)."""
    monkeypatch.delenv("BOOK_CACHED_ONLY", raising=False)


def _notebook(path: Path, *sources: str, markdown: str = "Some text.") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(markdown), *map(nbformat.v4.new_code_cell, sources)]
    nbformat.write(nb, path)
    return path


def test_the_longest_notebook_starts_first(tmp_path, monkeypatch):
    """Two at a time, the notebook that takes longest must not start last, where it would run
    alone at the end: the order follows the times make bench recorded, longest first; one it has
    not timed comes first; without the record, reading order."""
    book = build_book.book_notebooks()
    committed = build_book.longest_first(book)
    assert committed[0].name == "07-digits.ipynb", [p.name for p in committed]
    assert sorted(committed) == sorted(book)
    rows = [{"notebook": build_book._name(p), "seconds": float(i + 1)} for i, p in enumerate(book)]
    bench = tmp_path / "results.json"
    bench.write_text(json.dumps({"results": {"book": {"notebooks": rows[1:]}}}))
    monkeypatch.setattr(build_book, "BENCH", bench)
    assert build_book.longest_first(book) == [book[0], *reversed(book[1:])]
    bench.write_text("not json")
    assert build_book.longest_first(book) == book
    # ...and it is the order in which execute_notebooks starts them
    a, b = _notebook(tmp_path / "a.ipynb", "print(1)"), _notebook(tmp_path / "b.ipynb", "print(2)")
    bench.write_text(json.dumps({"results": {"book": {"notebooks": [
        {"notebook": str(a), "seconds": 1.0}, {"notebook": str(b), "seconds": 9.0}]}}}))
    started = []

    class Pool:           # records the order of submission, runs nothing
        def __init__(self, workers):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def submit(self, fn, path, *args):
            started.append(Path(path).name)
            done = concurrent.futures.Future()
            done.set_result((path, None, 0.0, "not run"))
            return done

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Pool)
    build_book.execute_notebooks([a, b], workers=2, cache_folder=tmp_path / "cache",
                                 progress=lambda *a, **k: None)
    assert started == ["b.ipynb", "a.ipynb"]


def test_a_notebook_runs_once_and_the_builds_find_it_in_the_cache(tmp_path):
    """Executed once; found again by its code cells as myst-nb looks it up (so neither build
    executes it); a changed markdown cell keeps it, a changed code cell runs it again. Figures
    are drawn for high-density screens: twice the pixels of the size the page shows."""
    from jupyter_cache import get_cache

    cache = tmp_path / "cache"
    figure = ("import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()")
    nb = _notebook(tmp_path / "a.ipynb", "x = 6 * 7\nprint(x)", figure)
    runs = [build_book.execute_notebooks([nb], cache_folder=cache, progress=lambda *a, **k: None)]
    assert runs[0][0]["status"] == "executed" and runs[0][0]["error"] is None, runs
    source = nbformat.read(nb, as_version=4)
    record = get_cache(str(cache)).match_cache_notebook(source)     # what myst-nb's cache mode does
    executed = get_cache(str(cache)).get_cache_bundle(record.pk).nb    # its code cells
    assert executed.cells[0].outputs[0]["text"] == "42\n"
    png = next(o for o in executed.cells[1].outputs if "image/png" in o.get("data", {}))
    size = png["metadata"]["image/png"]                          # the size the page shows
    import base64
    import io

    from PIL import Image
    pixels = Image.open(io.BytesIO(base64.b64decode(png["data"]["image/png"]))).size
    assert pixels == (2 * size["width"], 2 * size["height"]), (pixels, size)

    _notebook(nb, "x = 6 * 7\nprint(x)", figure, markdown="Other text.")
    runs.append(build_book.execute_notebooks([nb], cache_folder=cache,
                                             progress=lambda *a, **k: None))
    assert runs[1][0]["status"] == "cached"
    _notebook(nb, "x = 6 * 9\nprint(x)", figure)
    runs.append(build_book.execute_notebooks([nb], cache_folder=cache,
                                             progress=lambda *a, **k: None))
    assert runs[2][0]["status"] == "executed"


def test_a_failing_notebook_is_reported_and_not_cached(tmp_path):
    cache = tmp_path / "cache"
    bad = _notebook(tmp_path / "bad.ipynb", "1 / 0")
    [row] = build_book.execute_notebooks([bad], cache_folder=cache, progress=lambda *a, **k: None)
    assert row["status"] == "failed" and "ZeroDivisionError" in row["error"], row
    [row] = build_book.execute_notebooks([bad], cache_folder=cache, progress=lambda *a, **k: None)
    assert row["status"] == "failed", "a failed notebook must not be taken from the cache"
    assert "FAILED: cell 1: ZeroDivisionError: division by zero" in build_book.report([row])


def test_the_cache_is_emptied_when_mlp_changes(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    nb = _notebook(tmp_path / "a.ipynb", "print(1)")
    quiet = dict(cache_folder=cache, progress=lambda *a, **k: None)
    assert build_book.execute_notebooks([nb], **quiet)[0]["status"] == "executed"
    assert build_book.execute_notebooks([nb], **quiet)[0]["status"] == "cached"
    monkeypatch.setattr(build_book, "execution_fingerprint", lambda: "mlp changed")
    assert build_book.execute_notebooks([nb], **quiet)[0]["status"] == "executed"


def test_execution_fingerprint_covers_mlp_and_the_kernel_settings():
    assert build_book.execution_fingerprint() == build_book.execution_fingerprint()
    covered = {p for p in ROOT.glob("mlp/**/*") if p.is_file() and "__pycache__" not in p.parts}
    assert (ROOT / "mlp" / "network.py" in covered
            and ROOT / "mlp" / "course" / "widgets.py" in covered)
    assert any(p.suffix not in (".py",) for p in covered), "the package's data files count too"


def test_a_build_that_executes_a_notebook_itself_is_caught():
    log = ("/x/chapters/01-xor.ipynb: Using cached notebook: ID=3 [mystnb]\n"
           "/x/chapters/02-structure.ipynb: Executing notebook using local CWD [mystnb]\n")
    assert build_book.executed_by_sphinx(log) == ["/x/chapters/02-structure.ipynb"]


def test_cached_only_refuses_to_execute_again(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    nb = _notebook(tmp_path / "a.ipynb", "print(1)")
    quiet = dict(cache_folder=cache, progress=lambda *a, **k: None)
    monkeypatch.setenv("BOOK_CACHED_ONLY", "1")
    [row] = build_book.execute_notebooks([nb], **quiet)
    assert row["status"] == "failed" and "BOOK_CACHED_ONLY" in row["error"]
    monkeypatch.delenv("BOOK_CACHED_ONLY")
    assert build_book.execute_notebooks([nb], **quiet)[0]["status"] == "executed"
    monkeypatch.setenv("BOOK_CACHED_ONLY", "1")
    assert build_book.execute_notebooks([nb], **quiet)[0]["status"] == "cached"


def test_a_new_execution_makes_the_built_site_stale(tmp_path):
    """The site and the PDF are rebuilt from scratch when a notebook ran again (new outputs in
    the cache), even if no file changed: Sphinx alone would keep the old pages."""
    cache = tmp_path / "cache"
    nb = _notebook(tmp_path / "a.ipynb", "print(1)")
    quiet = dict(cache_folder=cache, progress=lambda *a, **k: None)
    build_book.execute_notebooks([nb], **quiet)
    first = build_book.outputs_fingerprint(cache, [nb])
    assert build_book.outputs_fingerprint(cache, [nb]) == first
    _notebook(nb, "print(2)")
    build_book.execute_notebooks([nb], **quiet)
    assert build_book.outputs_fingerprint(cache, [nb]) != first


def test_timings_page_quotes_the_budget_the_build_enforces():
    """timings.md explains the notebook budget; the number is project.NOTEBOOK_BUDGET_S, which
    the build's report flags (one place to change it)."""
    text = (ROOT / "timings.md").read_text()
    quoted = re.findall(r"budget is (\d+(?:\.\d+)?) seconds per notebook", text)
    assert quoted == [f"{project.NOTEBOOK_BUDGET_S:g}"], quoted
    slow = {"notebook": "chapters/x.ipynb", "status": "executed", "error": None,
            "seconds": project.NOTEBOOK_BUDGET_S + 1}
    assert f"over the {project.NOTEBOOK_BUDGET_S:.0f} s budget" in build_book.report([slow])
