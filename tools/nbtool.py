"""Notebook housekeeping for authors.

    python tools/nbtool.py strip FILE.ipynb ...   # drop outputs, execution counts and widget state,
                                                 # set the python3 kernelspec (what we commit)
    python tools/nbtool.py check FILE.ipynb ...  # exit 1 if any notebook is not stripped
"""
from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}


def strip(nb: dict) -> dict:
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cell.get("metadata", {}).pop("execution", None)
        if nb.get("nbformat_minor", 0) < 5:
            cell.pop("id", None)
        else:  # nbformat 4.5 requires ids; a missing one is a warning in the build
            cell.setdefault("id", f"cell-{uuid.uuid4().hex[:8]}")
    md = nb.setdefault("metadata", {})
    md.pop("widgets", None)
    md["kernelspec"] = KERNELSPEC
    md.setdefault("language_info", {"name": "python"})
    return nb


def problems(nb: dict) -> list[str]:
    out = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count")):
            out.append(f"cell {i} has outputs or an execution count")
        if nb.get("nbformat_minor", 0) >= 5 and "id" not in cell:
            out.append(f"cell {i} has no id (nbformat 4.5 requires one)")
    if "widgets" in nb.get("metadata", {}):
        out.append("metadata holds saved widget state")
    if nb.get("metadata", {}).get("kernelspec", {}).get("name") != "python3":
        out.append("kernelspec is not python3")
    return out


if __name__ == "__main__":
    cmd, files = sys.argv[1], [Path(f) for f in sys.argv[2:]]
    bad = 0
    for f in files:
        nb = json.loads(f.read_text())
        if cmd == "strip":
            f.write_text(json.dumps(strip(nb), indent=1, ensure_ascii=False) + "\n")
        else:
            for p in problems(nb):
                print(f"{f}: {p}")
                bad += 1
    sys.exit(1 if bad else 0)
