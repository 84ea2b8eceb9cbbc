"""The course's three addresses, written once in _config.yml, and the files that copy them.

_config.yml holds them, each in one place (tools/config.py reads them). This script keeps the
copies in step:
- the first code cell of every chapter, which installs the course package on Google Colab (and
  does nothing elsewhere) from the repository at the release tag, with the package's own version
  ranges only, so Colab's preinstalled numpy and matplotlib are used as they are;
- the absolute links to the site in the exercise masters and the README, and the README's
  `git clone --branch <release>` command.
The exercise notebooks' own setup cells, page links and student copies are written by
`python -m tools.exercises sync`, from the same readers.

    python -m tools.colab_cell --check      # exit 1 and list the files that are out of date
    python -m tools.colab_cell --fix        # rewrite them
    python -m tools.colab_cell --release    # print the release tag (for `git tag`)
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from .config import ROOT, release, requirement, site_url

MARKER = "# Colab setup"
# An absolute link to one of the book's pages (chapters/NN-name.html, exercises/NN-name.html,
# intro.html) or to its PDF: everything before that path is the site's address.
SITE_LINK = re.compile(r"https?://[^\s()<>\"'\]]+?/"
                       r"((?:chapters|exercises)/\d\d-[\w-]+\.html|intro\.html|book\.pdf)")
CLONE = re.compile(r"(git clone (?:-\S+ )*--branch )(\S+)")


def install_cell_source(extra: str = "", packages: tuple[str, ...] = ()) -> str:
    """The first cell: on Colab, one `%pip install` of the course package (and `packages`), then
    the lines of `extra`, all inside `if "google.colab" in sys.modules:`. The package's
    requirement goes through a variable (IPython expands "{COURSE}" in the magic) so that no
    line runs past the linter's 100 characters."""
    specs = " ".join(['"{COURSE}"', *(f'"{p}"' for p in packages)])
    lines = [
        f"{MARKER}: on Google Colab, install the course package (this cell does nothing "
        "elsewhere).",
        "import sys",
        "",
        'if "google.colab" in sys.modules:',
        f'    COURSE = "{requirement()}"',
        f"    %pip install -q {specs}",
    ]
    if extra:
        lines += ["    " + line for line in extra.splitlines()]
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------
# the files that copy the addresses
def notebooks() -> list[Path]:
    return sorted((ROOT / "chapters").glob("*.ipynb"))


def link_files() -> list[Path]:
    """Files whose absolute site links and clone command derive from _config.yml."""
    return [ROOT / "README.md", *sorted((ROOT / "exercises").glob("*/*.ipynb"))]


def first_code_cell(nb: dict):
    return next((c for c in nb["cells"] if c["cell_type"] == "code"), None)


def fixed_links(text: str) -> str:
    """`text` with every absolute site link rebased on site_url() and every
    `git clone --branch X` set to the release."""
    site, tag = site_url(), release()
    text = SITE_LINK.sub(lambda m: site + m.group(1), text)
    return CLONE.sub(lambda m: m.group(1) + tag, text)


def check(paths=None) -> list[str]:
    """Files (relative to the repository) that --fix would change."""
    expected = install_cell_source()
    bad = []
    for p in notebooks() if paths is None else paths:
        cell = first_code_cell(json.loads(p.read_text()))
        if cell is None or "".join(cell["source"]) != expected:
            bad.append(str(p.relative_to(ROOT)))
    if paths is None:
        bad += [str(p.relative_to(ROOT)) for p in link_files()
                if p.read_text() != fixed_links(p.read_text())]
    return bad


def fix(paths=None) -> None:
    for p in notebooks() if paths is None else paths:
        nb = json.loads(p.read_text())
        cell = first_code_cell(nb)
        new = {"cell_type": "code", "execution_count": None, "id": "colab-setup",
               "metadata": {"tags": ["remove-cell"]}, "outputs": [],
               "source": install_cell_source()}
        if cell is not None and "".join(cell["source"]).startswith(MARKER):
            cell["source"] = new["source"]
            cell.setdefault("id", new["id"])  # nbformat 4.5 requires every cell to have an id
        else:
            first_md = next((i for i, c in enumerate(nb["cells"]) if c["cell_type"] != "code"), -1)
            nb["cells"].insert(first_md + 1, new)
        p.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    if paths is None:
        for p in link_files():
            text = p.read_text()
            if fixed_links(text) != text:
                p.write_text(fixed_links(text))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fix", action="store_true")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--release", action="store_true", help="print the release tag and exit")
    args = ap.parse_args()
    if args.release:
        print(release())
        sys.exit(0)
    if args.fix:
        fix()
    bad = check()
    if bad:
        print("out of date with _config.yml (run: python -m tools.colab_cell --fix):\n  "
              + "\n  ".join(bad))
        sys.exit(1)
    print(f"Colab cells and site links OK: release {release()}, site {site_url()}")
    if args.fix:
        print("now run: .venv/bin/python -m tools.exercises sync   "
              "(exercise setup cells and student copies)")
