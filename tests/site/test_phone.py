"""The site on a phone (390 x 844, touch): the two drawers open and their links work, no page
scrolls sideways (wide maths, code and figures scroll inside their own box), and the panels of
every figure keep at least 60% of the screen's width. With SITE_SCREENSHOTS=1, screenshots of
every chapter, light and dark, go to _build/site-test/phone/ to be looked at."""
from __future__ import annotations

import base64
import hashlib
import os
from urllib.parse import urlparse

import pytest
from site_helpers import ARTIFACTS, ROOT, by_page, chapter_pages, page_name, toc_pages

from tools import build_book

SCREEN = 390
MIN_PANEL = 0.6 * SCREEN


def open_drawer(v, button: str, dialog: str, name: str):
    """Tap the one visible `button` of a phone's page; its drawer (`dialog`) must open."""
    toggle = v.page.locator(f"{button}:visible")
    assert toggle.count() == 1, f"one visible {name} button on a phone, not {toggle.count()}"
    toggle.tap()
    drawer = v.page.locator(dialog)
    drawer.wait_for(state="visible", timeout=5000)
    assert drawer.evaluate("d => d.open"), f"the {name} drawer did not open"
    return drawer


def test_the_menu_drawer_opens_and_its_links_work(visit):
    v = visit("chapters/04-backprop.html", device="phone")
    drawer = open_drawer(v, "button.primary-toggle", "#pst-primary-sidebar-modal", "menu")
    drawer.locator("a.reference", has_text="Optimizers").first.tap()
    v.page.wait_for_url("**/chapters/05-optimizers.html", timeout=10000)
    assert "Optimizers" in v.page.evaluate("document.querySelector('h1').textContent")


def test_the_contents_drawer_opens_and_its_links_work(visit):
    v = visit("chapters/04-backprop.html", device="phone")
    drawer = open_drawer(v, "button.secondary-toggle", "#pst-secondary-sidebar-modal",
                         "'On this page'")
    link = drawer.locator("a.nav-link").nth(2)
    target = urlparse(link.evaluate("a => a.href")).fragment
    link.tap()
    v.page.wait_for_function(f"location.hash === '#{target}'", timeout=5000)
    heading_top = v.page.evaluate(f"document.getElementById('{target}')"
                                  ".getBoundingClientRect().top")
    assert 0 <= heading_top < 844, "the section it links to is on screen"


def test_drawer_test_fails_without_the_fix(visit):
    """The bug these tests guard: with the theme's hidden header (navbar_persistent set), the
    first .primary-toggle in the page is a hidden copy, and the theme's script binds it."""
    v = visit("chapters/04-backprop.html", device="phone")
    count = v.page.evaluate("document.querySelectorAll('.primary-toggle').length")
    assert count == 1, f"{count} .primary-toggle buttons: the theme's script binds only the first"


SIDEWAYS = ("""() => ({scroll: document.documentElement.scrollWidth, """
            """width: document.documentElement.clientWidth,
  body: document.body.scrollWidth})""")


@pytest.mark.parametrize("path", by_page(toc_pages()))
def test_no_page_scrolls_sideways(page_as_loaded, path):
    v = page_as_loaded(path, "light", "phone")
    for where in ("top", "bottom"):
        if where == "bottom":
            v.page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        size = v.page.evaluate(SIDEWAYS)
        assert size["scroll"] <= size["width"] and size["body"] <= size["width"], (
            f"{path} is {size['scroll']} px wide on a {size['width']} px screen ({where})")
    v.page.evaluate("window.scrollTo(0, 0)")


FIGURES = ("""() => Array.from(document.querySelectorAll('.cell_output img, """
           """.mlp-figure-slider__frames img:not([hidden])'))
  .filter(img => img.offsetParent !== null && /_images\\//.test(img.getAttribute('src')))
  .map(img => ({src: img.getAttribute('src'), width: img.getBoundingClientRect().width,
                frame: img.classList.contains('mlp-figure'), """
           """panels: img.dataset.panels || null}))""")


def notebook_panels(path: str) -> dict:
    """{file name in _images/: panels side by side} for the figures of a chapter, as its
    execution recorded them (each figure's text, mlp.widgets.note_panel_columns)."""
    from mlp.widgets import PANELS

    nb = build_book.executed(ROOT / path.replace(".html", ".ipynb"))
    assert nb is not None, f"{path}: not in the jupyter-cache (make test-notebooks)"
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "image/png" in data and "application/vnd.jupyter.widget-view+json" not in data:
                m = PANELS.search(str(data.get("text/plain", "")))
                name = hashlib.sha256(base64.b64decode(data["image/png"])).hexdigest() + ".png"
                found[name] = int(m.group(1)) if m else None
    return found


@pytest.mark.parametrize("path", by_page(chapter_pages()))
def test_every_panel_keeps_60_percent_of_a_phone_screen(page_as_loaded, path):
    v = page_as_loaded(path, "light", "phone")
    figures = v.page.evaluate(FIGURES)
    assert figures, f"{path}: no figures found"
    counts = notebook_panels(path)
    narrow, unknown = [], []
    for f in figures:
        name = f["src"].split("/")[-1]
        panels = int(f["panels"]) if f["frame"] else counts.get(name)
        if panels is None:
            unknown.append(name)
        elif f["width"] / panels < MIN_PANEL:
            narrow.append(f"{name[:12]}: {panels} panels in {f['width']:.0f} px")
    assert unknown == [], f"{path}: figures whose panels were not counted: {unknown}"
    assert narrow == [], f"{path}: panels narrower than {MIN_PANEL:.0f} px: {narrow}"
    assert any(p > 1 for p in counts.values() if p), f"{path}: no figure with several panels?"


@pytest.mark.skipif(os.environ.get("SITE_SCREENSHOTS") != "1",
                    reason="phone screenshots to look at: SITE_SCREENSHOTS=1 make test-site")
@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("path", by_page(chapter_pages()))
def test_phone_screenshots(page_as_loaded, path, mode):
    v = page_as_loaded(path, mode, "phone")
    out = ARTIFACTS / "phone"
    out.mkdir(parents=True, exist_ok=True)
    v.scroll_through()
    v.page.evaluate("window.scrollTo(0, 0)")
    shot = v.full_screenshot(out / f"{page_name(path)}-{mode}.png")
    assert len(shot) > 10000
