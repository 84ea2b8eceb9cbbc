"""Keep the first code cell of every notebook in sync with _config.yml's repository.

Every chapter and exercise notebook starts with a cell that installs the course package when it
runs on Google Colab and does nothing anywhere else. The repository URL and branch are read from
_config.yml, the one place they are written down.

    python tools/colab_cell.py --check      # exit 1 and list notebooks whose cell is missing/stale
    python tools/colab_cell.py --fix        # rewrite those cells
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = "# Colab setup"


def repository() -> tuple[str, str]:
    """(url, branch) from _config.yml's `repository:` block (no YAML library needed)."""
    text = (ROOT / "_config.yml").read_text()
    block = re.search(r"^repository:\n((?:[ \t]+.*\n)+)", text, re.M).group(1)
    url = re.search(r"url:\s*(\S+)", block).group(1)
    branch = re.search(r"branch:\s*(\S+)", block).group(1)
    return url.rstrip("/"), branch


def install_cell_source(extra: str = "") -> str:
    url, branch = repository()
    lines = [
        f"{MARKER}: on Google Colab, install the course package (this cell does nothing elsewhere).",
        "import sys",
        'if "google.colab" in sys.modules:',
        f'    %pip install -q "nn-from-scratch @ git+{url}@{branch}"',
    ]
    if extra:
        lines += ["    " + line for line in extra.splitlines()]
    return "\n".join(lines)


def notebooks() -> list[Path]:
    return sorted((ROOT / "chapters").glob("*.ipynb"))


def first_code_cell(nb: dict):
    return next((c for c in nb["cells"] if c["cell_type"] == "code"), None)


def check(paths) -> list[str]:
    expected = install_cell_source()
    bad = []
    for p in paths:
        cell = first_code_cell(json.loads(p.read_text()))
        if cell is None or "".join(cell["source"]) != expected:
            bad.append(str(p.relative_to(ROOT)))
    return bad


def fix(paths) -> None:
    for p in paths:
        nb = json.loads(p.read_text())
        cell = first_code_cell(nb)
        new = {"cell_type": "code", "execution_count": None, "id": "colab-setup",
               "metadata": {"tags": ["remove-cell"]}, "outputs": [], "source": install_cell_source()}
        if cell is not None and "".join(cell["source"]).startswith(MARKER):
            cell["source"] = new["source"]
            cell.setdefault("id", new["id"])  # nbformat 4.5 requires every cell to have an id
        else:
            first_md = next((i for i, c in enumerate(nb["cells"]) if c["cell_type"] != "code"), -1)
            nb["cells"].insert(first_md + 1, new)
        p.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fix", action="store_true")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    if args.fix:
        fix(notebooks())
    bad = check(notebooks())
    if bad:
        print("notebooks whose Colab install cell is missing or stale:\n  " + "\n  ".join(bad))
        sys.exit(1)
    print(f"Colab install cell OK in {len(notebooks())} notebooks ({repository()[0]})")
