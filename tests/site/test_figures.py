"""Every matplotlib figure of a chapter reaches its page as a static image.

The kernel-free sliders' pictures (img.mlp-figure) are not counted here: only the other <img>
elements in cell outputs whose file is in _build/html/_images/. A chapter needs at least one
such image per `plt.show()` in its source and per image output of its execution (read from the
jupyter-cache the build used). This is what failed silently when the kernels inherited
MPLBACKEND=Agg: every plt.show() drew nothing, and only slider frames remained.
"""
from __future__ import annotations

import re

import nbformat
import pytest
from bs4 import BeautifulSoup
from site_helpers import ROOT, SITE, chapter_pages

from tools import build_book

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def static_figures(page_html: str) -> list[str]:
    """src of every <img> in a cell output that points into _images/ (not a data: URL), except
    the pictures of the sliders (img.mlp-figure)."""
    soup = BeautifulSoup(page_html, "html.parser")
    return [img["src"] for out in soup.select("div.cell_output") for img in out.find_all("img")
            if re.search(r"(^|/)_images/", img.get("src", ""))
            and "mlp-figure" not in img.get("class", [])]


def expected_figures(stem: str) -> tuple[int, int]:
    """(plt.show() calls in the chapter's code, image outputs in its executed notebook)."""
    source = nbformat.read(ROOT / "chapters" / f"{stem}.ipynb", as_version=4)
    shows = sum(c.source.count("plt.show()") for c in source.cells if c.cell_type == "code")
    executed = build_book.executed(ROOT / "chapters" / f"{stem}.ipynb")
    images = 0
    if executed is not None:
        for cell in executed.cells:
            # a widget's output also holds a PNG of its starting picture (for the PDF); the
            # site shows the widget instead, so that PNG is no static figure
            images += sum("image/png" in out.get("data", {}) for out in cell.get("outputs", [])
                          if out.get("output_type") in ("display_data", "execute_result")
                          and WIDGET_VIEW not in out.get("data", {}))
    return shows, images


def test_site_has_an_images_folder():
    if not (SITE / "index.html").exists():
        pytest.fail("no built site in _build/html: run 'make book'")
    images = list((SITE / "_images").glob("*.png"))
    assert images, ("_build/html/_images/ holds no figures: the book's kernels drew nothing "
                    "(is MPLBACKEND exported to them? see tools/project.py)")


@pytest.mark.parametrize("path", chapter_pages())
def test_every_plt_show_is_a_figure_on_the_page(path):
    stem = path.split("/")[-1][:-len(".html")]
    page = SITE / path
    if not page.exists():
        pytest.fail(f"{path} was not built: run 'make book'")
    figures = static_figures(page.read_text())
    shows, images = expected_figures(stem)
    assert shows > 0, f"{stem}: no plt.show() at all? Every chapter has figures."
    assert len(figures) >= max(shows, images), (
        f"{path}: {len(figures)} static figures on the page, but the notebook has {shows} "
        f"plt.show() calls and {images} image outputs")
    missing = [src for src in figures if not (page.parent / src).resolve().is_file()]
    assert missing == [], f"{path}: figures whose file is not in _build/html/_images: {missing}"


def test_counting_ignores_slider_frames_and_data_urls():
    page = ("""<div class="cell_output"><img src="data:image/png;base64,AAAA">
        <img class="mlp-figure" src="../_images/frame.png"></div>
        <script type="application/vnd.jupyter.widget-state+json">"""
            """{"x": "<img src=\\"a.png\\">"}</script>
        <div class="cell_output"><img alt="a plot" src="../_images/abc.png"></div>""")
    assert static_figures(page) == ["../_images/abc.png"]
