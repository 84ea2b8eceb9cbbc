"""Every page of the built site, as a reader's browser shows it, with the network cut."""
from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from site_helpers import ARTIFACTS, by_page, chapter_pages, toc_pages

from tools import config

IMAGES_LOADED = ("""() => Array.from(document.images).filter(
    img => img.offsetParent !== null && !(img.complete && img.naturalWidth > 0))"""
                 """.map(img => img.src)""")


# The page's text without code (code cells legitimately hold TeX in matplotlib labels).
PROSE = """() => { const main = document.querySelector('main').cloneNode(true);
    main.querySelectorAll('pre, code, .highlight, script').forEach(e => e.remove());
    return main.textContent; }"""


@pytest.mark.parametrize("path", by_page(toc_pages()))
def test_page_loads_offline_without_errors(page_as_loaded, base_url, path, site):
    with urllib.request.urlopen(f"{base_url}/{path}") as r:
        assert r.status == 200
    v = page_as_loaded(path)
    assert v.response.status == 200
    v.scroll_through()                     # lazily loaded pictures come in as a reader scrolls
    v.page.evaluate("window.scrollTo(0, 0)")
    assert v.failed == [], f"{path}: requests that failed: {v.failed}"
    assert v.errors == [], f"{path}: console errors {v.errors}"
    assert v.external == [], f"{path} needed the internet: {v.external}"
    try:                                   # on a busy machine a picture may still be decoding
        v.page.wait_for_function(f"({IMAGES_LOADED})().length === 0", timeout=10000)
    except PlaywrightTimeout:
        pass
    broken = v.page.evaluate(IMAGES_LOADED)
    assert broken == [], f"{path}: images that did not load: {broken}"
    html = (site / path).read_text()
    if 'class="math' in html:
        v.page.wait_for_selector("mjx-container", state="attached", timeout=15000)
        assert v.page.locator("mjx-container:visible").count() > 0, f"{path}: maths not rendered"
        text = v.page.evaluate(PROSE)
        assert "$$" not in text and "\\frac" not in text, f"{path}: raw TeX left on the page"


@pytest.mark.parametrize("path", by_page(chapter_pages()))
def test_launch_buttons_open_this_notebook(page_as_loaded, path):
    url, branch = config.repository()
    repo = url.removeprefix("https://github.com/")
    notebook = path.replace(".html", ".ipynb")
    v = page_as_loaded(path)
    hrefs = v.page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    colab = f"https://colab.research.google.com/github/{repo}/blob/{branch}/{notebook}"
    binder = f"https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree/{notebook}"
    assert colab in hrefs, \
        f"no Colab link to {notebook}; links: {[h for h in hrefs if 'colab' in h]}"
    assert binder in hrefs, \
        f"no Binder link to {notebook}; links: {[h for h in hrefs if 'binder' in h]}"


SLIDER = ("""box => ({shown: Array.from(box.querySelectorAll('img.mlp-figure'))
    .filter(img => img.offsetParent !== null)
    .map(img => ({src: img.getAttribute('src'), alt: img.alt, """
          """loaded: img.complete && img.naturalWidth > 0})),
  value: box.querySelector('input').getAttribute('aria-valuetext'),
  position: box.querySelector('input').value,
  output: box.querySelector('output').textContent, """
          """disabled: box.querySelector('input').disabled})""")


@pytest.mark.parametrize("path", by_page(chapter_pages()))
def test_kernel_free_slider_changes_the_figure(page_as_loaded, path):
    """Every chapter has a slider drawn without a widget manager: a range input that the
    keyboard moves, which shows another picture (loaded when first shown), says its setting to
    screen readers, and runs with no kernel, no widget manager and no error. The slider is put
    back where it was, for the other tests of the page."""
    v = page_as_loaded(path)
    boxes = v.page.locator(".mlp-figure-slider")
    assert boxes.count() >= 1, f"{path}: no kernel-free slider (mlp.widgets.figure_slider)"
    assert v.page.evaluate("typeof window.require") == "undefined", "the widget manager was loaded"
    box = boxes.first
    box.scroll_into_view_if_needed()
    shown_loaded = ("""b => { const img = Array.from(b.querySelectorAll('img.mlp-figure'))
        .find(i => i.offsetParent !== null); """
                    """return img && img.complete && img.naturalWidth > 0; }""")
    v.page.wait_for_function(shown_loaded, arg=box.element_handle(), timeout=10000)
    before = box.evaluate(SLIDER)
    assert not before["disabled"], "the slider's script did not take it over"
    assert len(before["shown"]) == 1 and before["shown"][0]["loaded"], before
    box.locator("input").focus()
    v.page.keyboard.press("End")
    v.page.wait_for_function(shown_loaded, arg=box.element_handle(), timeout=10000)
    after = box.evaluate(SLIDER)
    assert len(after["shown"]) == 1 and after["shown"][0]["src"] != before["shown"][0]["src"]
    assert after["shown"][0]["alt"] != before["shown"][0]["alt"], "alt text is per setting"
    assert after["value"] != before["value"] and after["output"] in after["value"]
    assert v.errors == [] and v.failed == [], (v.errors, v.failed)
    box.evaluate("(b, value) => { const i = b.querySelector('input'); i.value = value; "
                 "i.dispatchEvent(new Event('input')); }", before["position"])
    assert box.evaluate(SLIDER)["shown"] == before["shown"], "the slider was not put back"


STATIC_FIGURES = ("""() => Array.from(document.querySelectorAll("""
                  """'div.cell_output img:not(.mlp-figure)'))
    .filter(img => /(^|\\/)_images\\//.test(img.getAttribute('src') || ''))
    .map(img => ({src: img.getAttribute('src'), width: img.naturalWidth, height: img.naturalHeight,
                  alt: (img.getAttribute('alt') || '').trim()}))""")


@pytest.mark.parametrize("path", by_page(chapter_pages()))
def test_every_figure_is_drawn_and_described(page_as_loaded, path):
    """Each static figure loads with a non-zero size, is photographed on its own, and has alt
    text that describes it (not the file name myst-nb puts there by default)."""
    v = page_as_loaded(path)
    v.scroll_through()                     # figures load as a reader scrolls to them
    figures = v.page.evaluate(STATIC_FIGURES)
    assert figures, f"{path}: no static figures (see test_figures.py)"
    empty = [f["src"] for f in figures if not (f["width"] > 0 and f["height"] > 0)]
    assert empty == [], f"{path}: figures with no size (not loaded?): {empty}"
    undescribed = [f["src"] for f in figures if not f["alt"] or f["alt"].endswith(".png")]
    assert undescribed == [], (f"{path}: {len(undescribed)} figure(s) without alt text; give the "
                               "cell metadata mystnb.image.alt a description of the figure")
    out = ARTIFACTS / "figures" / path.split("/")[-1][:-5]
    out.mkdir(parents=True, exist_ok=True)
    images = v.page.locator("div.cell_output img[src*='_images/']:not(.mlp-figure)")
    for i in range(images.count()):
        shot = images.nth(i).screenshot(path=str(out / f"figure-{i + 1:02d}.png"))
        assert len(shot) > 1000, f"{path}: figure {i + 1} photographs as an empty region"


def test_search_finds_backpropagation(visit):
    v = visit("search.html?q=backpropagation")
    v.page.wait_for_selector("#search-results li", timeout=20000)
    hits = v.page.locator("#search-results li").count()
    assert hits > 0
    assert "Backpropagation" in v.page.inner_text("#search-results")


OPAQUE_FIGURES = """async () => {
  const out = [];
  for (const img of Array.from(document.querySelectorAll('.cell_output img'))) {
    if (!img.complete || img.naturalWidth === 0 || img.offsetParent === null) continue;
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const g = c.getContext('2d'); g.drawImage(img, 0, 0);
    const corners = [[1, 1], [c.width - 2, 1], [1, c.height - 2], [c.width - 2, c.height - 2]];
    const alpha = Math.min(...corners.map(([x, y]) => g.getImageData(x, y, 1, 1).data[3]));
    out.push({src: img.src.slice(-40), alpha});
  }
  return out;
}"""


@pytest.mark.parametrize("mode", ["light", pytest.param("dark", marks=pytest.mark.matrix)])
@pytest.mark.parametrize("path", by_page(chapter_pages()))
def test_chapter_screenshots_and_figures_readable(page_as_loaded, path, mode):
    v = page_as_loaded(path, color_scheme=mode)
    v.scroll_through()
    v.page.evaluate("window.scrollTo(0, 0)")
    theme = v.page.evaluate("document.documentElement.dataset.theme")
    assert theme == mode, f"the page did not follow the {mode} colour scheme ({theme!r})"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    v.full_screenshot(ARTIFACTS / f"{path.split('/')[-1][:-5]}-{mode}.png")
    figures = v.page.evaluate(OPAQUE_FIGURES)
    assert figures, f"{path}: no figures found"
    # Figures have an opaque (white) background, so dark text on them stays readable in dark mode.
    transparent = [f for f in figures if f["alpha"] < 255]
    assert transparent == [], f"{path}: figures with a transparent background: {transparent}"


def test_a_full_page_screenshot_that_times_out_is_taken_again(tmp_path):
    from types import SimpleNamespace

    from conftest import Visit
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    calls = []

    class Page:
        def screenshot(self, **options):
            calls.append(options)
            if len(calls) == 1:
                raise PlaywrightTimeout("Page.screenshot: Timeout 120000ms exceeded.")
            return b"picture"

        def evaluate(self, script):
            calls.append(script)

    assert Visit.full_screenshot(SimpleNamespace(page=Page()), tmp_path / "a.png") == b"picture"
    assert calls[1] == "window.scrollTo(0, 0)" and calls[2]["full_page"] is True
    assert calls[0]["timeout"] >= 120_000
