"""What the chapters promise their readers, checked on the notebooks' source (no execution).

Every figure is described for screen readers; advanced material sits in boxes marked optional;
each box that points out a slip in the slides quotes the slide's numbers, so that it can be read
without the slides; the text speaks to students, not to the course's maintainers; and the pages
stay light, with the code a student should read visible and the drawing code folded away.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("0*.ipynb"))
FOLDED = {"hide-input", "remove-input", "remove-cell"}      # code a reader does not see unfolded
VISIBLE_CODE_BUDGET = 400      # lines per chapter; the longest chapter had 407 before the rewrite


def cells(path: Path) -> list[dict]:
    nb = json.loads(path.read_text())
    for c in nb["cells"]:
        c["text"] = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
    return nb["cells"]


def markdown(path: Path) -> str:
    return "\n".join(c["text"] for c in cells(path) if c["cell_type"] == "markdown")


def admonitions(text: str) -> list[tuple[str, str, str]]:
    """(title, class line, body) of every ```{admonition} block."""
    return re.findall(r"```\{admonition\}\s*([^\n]*)\n(?::class:\s*([^\n]*)\n)?(.*?)\n```", text, re.S)


def visible_code_lines(path: Path) -> int:
    return sum(sum(1 for line in c["text"].splitlines() if line.strip())
               for c in cells(path)
               if c["cell_type"] == "code" and not FOLDED & set(c["metadata"].get("tags", [])))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_figure_cell_describes_its_figure(path):
    """A cell that shows a figure carries the alt text myst-nb puts on the image."""
    missing = []
    for c in cells(path):
        if c["cell_type"] == "code" and "plt.show()" in c["text"]:
            alt = c["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
            if len(alt.split()) < 12 or alt.endswith(".png"):
                missing.append(c.get("id"))
    assert missing == [], (f"{path.name}: figure cells without a description (metadata "
                           f"mystnb.image.alt, what is plotted against what and what it shows): {missing}")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_slip_boxes_quote_the_slides(path):
    """A slip box names the deck and quotes the slide's numbers or formula, so it can be read alone."""
    slips = [(t, cls, body) for t, cls, body in admonitions(markdown(path)) if t.startswith("Slip")]
    for title, cls, body in slips:
        assert "warning" in cls, f"{path.name}: {title!r} should be a warning box"
        assert re.search(r"\b(Zuluaga|Eum|deck 00[34]|the slides)", body, re.I), f"{title!r}: which deck?"
        quoted = re.findall(r'\d+\.\d+|\$[^$]*[=][^$]*\$|"[^"]+"', body)
        assert len(quoted) >= 2, f"{path.name}: {title!r} quotes neither the slide's numbers nor its words"
    numbers = [int(m) for m in re.findall(r"Slip (\d+)", " ".join(t for t, _, _ in slips))]
    assert numbers == sorted(numbers), f"{path.name}: slips out of order {numbers}"


def test_slips_are_numbered_once_across_the_book():
    numbers = [int(n) for p in CHAPTERS for t, _, _ in admonitions(markdown(p))
               for n in re.findall(r"^Slip (\d+)", t)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 7


@pytest.mark.parametrize("stem, words", [
    ("02-structure", ["Hornik", "measure", "L^p"]),                          # universal approximation
    ("06-double-descent", ["singular value decomposition", "pseudo-inverse", "row space"]),
])
def test_advanced_material_is_in_optional_boxes(stem, words):
    text = markdown(ROOT / "chapters" / f"{stem}.ipynb")
    optional = [body for title, cls, body in admonitions(text)
                if title.startswith("Optional") and "dropdown" in cls]
    assert optional, f"{stem}: no box titled 'Optional: ...' that folds away"
    for word in words:
        assert any(word in body for body in optional), f"{stem}: {word!r} is not taught in an optional box"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_maintenance_notes_in_student_text(path):
    notes = re.findall(r"reference machine|2-core|this course's|running time|\bCI\b|\bmake test\b",
                       markdown(path))
    assert notes == [], f"{path.name}: notes for the maintainers in a student's page: {notes}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_visible_code_stays_within_budget(path):
    n = visible_code_lines(path)
    assert n <= VISIBLE_CODE_BUDGET, (f"{path.name}: {n} lines of visible code; fold drawing code "
                                      "(tag hide-input) or move reusable figures into mlp.plotting")


def test_the_box_parser_reads_titles_classes_and_bodies():
    text = ("```{admonition} Slip 9: x\n:class: warning dropdown\nThe slides write $a = 1.5$.\n```\n"
            "```{admonition} Answer\n:class: dropdown\n42\n```")
    assert admonitions(text) == [("Slip 9: x", "warning dropdown", "The slides write $a = 1.5$."),
                                 ("Answer", "dropdown", "42")]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_headings_carry_no_numbers_of_their_own(path):
    """The site and the PDF number chapters and sections; a typed number would read '1.1 1. ...'."""
    numbered = [line for line in markdown(path).splitlines()
                if re.match(r"#{1,6}\s+(\d+(\.\d+)*\.?|[IVX]+\.)\s", line)]
    assert numbered == [], (f"{path.name}: headings that type their own number (remove it; the "
                            f"book numbers them): {numbered}")
