"""The book's source: configuration, table of contents and the conventions every notebook follows."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import colab_cell  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
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
    and nbval run the notebooks on the project's python3 kernel) and the nbformat 4.5 cell ids.
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
            problems.append(f"{path.name}: kernelspec is {nb.metadata.get('kernelspec')}, not python3")
    return "\n".join(problems)


def _is_stub(nb: dict) -> bool:
    return "coming soon" in _markdown(nb) and len(nb["cells"]) <= 3


def test_seven_chapters_in_order():
    names = [p.stem for p in CHAPTERS]
    assert names == ["01-xor", "02-structure", "03-loss", "04-backprop", "05-optimizers",
                     "06-double-descent", "07-digits"]
    assert [f for f in _toc_files() if f.startswith("chapters/")] == [f"chapters/{n}" for n in names]


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
    if defect == "no cell id":   # only an editor other than nbformat can leave one out: nbformat adds it
        path.write_text(re.sub(r'\n   "id": "[^"]*",', "", path.read_text(), count=1))
    assert unstripped([path]) != ""


def test_colab_install_cell_up_to_date():
    assert colab_cell.check(CHAPTERS) == [], "run: python tools/colab_cell.py --fix"


def test_colab_cell_is_inert_outside_colab():
    src = colab_cell.install_cell_source()
    assert 'if "google.colab" in sys.modules:' in src
    url, branch = colab_cell.repository()
    assert f"git+{url}@{branch}" in src
    # every line that installs is inside the if-block
    body = src.split('if "google.colab" in sys.modules:', 1)[1]
    assert all(line.startswith("    ") for line in body.strip("\n").splitlines())


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
    assert CONFIG["execute"]["execute_notebooks"] == "force"
    assert CONFIG["sphinx"]["recursive_update"] is True, "without it the launch buttons vanish"
    assert CONFIG["launch_buttons"]["colab_url"] and CONFIG["launch_buttons"]["binderhub_url"]
    assert "references.bib" in CONFIG["bibtex_bibfiles"]


def test_repository_url_written_once():
    url, _ = colab_cell.repository()
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    holders = []
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".py", ".yml", ".yaml", ".toml", ".cfg", ".txt"} and path.is_file():
            if url in path.read_text(errors="ignore"):
                holders.append(name)
    # _config.yml is the source; pyproject's project URL is metadata that pip needs literally.
    assert set(holders) <= {"_config.yml", "pyproject.toml"}, holders


def test_binder_environment():
    req = (ROOT / "binder" / "requirements.txt").read_text().split()
    assert "-e" in req and "." in req, "Binder must install the course package from the repository"
    assert re.fullmatch(r"python-3\.\d+", (ROOT / "binder" / "runtime.txt").read_text().strip())
    assert not any("jupyter-book" in r for r in req), "keep book-building tools out of Binder"


def test_readme_matches_config_and_gives_two_commands():
    readme = (ROOT / "README.md").read_text()
    url, _ = colab_cell.repository()
    assert url in readme, "README's repository URL differs from _config.yml's"
    assert url in (ROOT / "pyproject.toml").read_text(), "pyproject's URL differs from _config.yml's"
    assert "make book" in readme and "make test" in readme
