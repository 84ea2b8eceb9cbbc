"""The book's source: configuration, table of contents and the conventions every notebook follows."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import colab_cell  # noqa: E402
import nbtool  # noqa: E402

CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
CONFIG = (ROOT / "_config.yml").read_text()
TOC = (ROOT / "_toc.yml").read_text()


def _nb(path: Path) -> dict:
    return json.loads(path.read_text())


def _markdown(nb: dict) -> str:
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def _code(nb: dict) -> str:
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def _is_stub(nb: dict) -> bool:
    return "coming soon" in _markdown(nb) and len(nb["cells"]) <= 3


def test_seven_chapters_in_order():
    names = [p.stem for p in CHAPTERS]
    assert names == ["01-xor", "02-structure", "03-loss", "04-backprop", "05-optimizers",
                     "06-double-descent", "07-digits"]
    toc_files = re.findall(r"file:\s*(\S+)", TOC)
    assert [f for f in toc_files if f.startswith("chapters/")] == [f"chapters/{n}" for n in names]


def test_every_toc_entry_exists():
    for entry in re.findall(r"(?:file|root):\s*(\S+)", TOC):
        candidates = [ROOT / f"{entry}{ext}" for ext in (".md", ".ipynb")]
        assert any(c.exists() for c in candidates), f"_toc.yml lists {entry}, which does not exist"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_notebook_committed_without_outputs(path):
    assert nbtool.problems(_nb(path)) == [], f"{path.name}: run tools/nbtool.py strip on it"


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
    assert re.search(r"^only_build_toc_files:\s*true", CONFIG, re.M)
    assert re.search(r"raise_on_error:\s*true", CONFIG)
    assert re.search(r"execute_notebooks:\s*force", CONFIG)
    assert re.search(r"recursive_update:\s*true", CONFIG), "without it the launch buttons vanish"
    assert re.search(r"colab_url:", CONFIG) and re.search(r"binderhub_url:", CONFIG)
    assert "references.bib" in CONFIG


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
