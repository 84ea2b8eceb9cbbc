"""Accessibility, checked with axe-core on every page: no violation of any impact (WCAG 2 A and
AA, and axe's best practices), on a desktop and on a phone, in light and dark mode, at the top
of the page and scrolled to the bottom (where the back-to-top button and lazily loaded pictures
appear); and the keyboard reaches every control, with its focus visible."""
from __future__ import annotations

import pytest
from site_helpers import ARTIFACTS, by_page, chapter_pages, page_name, toc_pages

MODES = [("desktop", "light"), ("desktop", "dark"), ("phone", "light"), ("phone", "dark")]
# make test checks every page on the desktop in light mode; the other three are the matrix that
# `make test-matrix` (CI, after make test) adds.
AXE_MODES = [pytest.param(d, m, id=f"{d}-{m}",
                          marks=() if (d, m) == MODES[0] else pytest.mark.matrix)
             for d, m in MODES]

RUN_AXE = ("""async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' """
           """+ (n.failureSummary || '').split('\\n')[1])}));
}""")


def axe_violations(page, axe_source: str) -> list[str]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    return [f"{v['id']} ({v['impact']}): {v['help']} -- e.g. {v['nodes']}"
            for v in page.evaluate(RUN_AXE)]


@pytest.mark.parametrize("device, mode", AXE_MODES)
@pytest.mark.parametrize("path", by_page(toc_pages()))
def test_no_accessibility_violations(page_as_loaded, axe_source, path, device, mode):
    v = page_as_loaded(path, mode, device)
    found = {"top": axe_violations(v.page, axe_source)}
    v.page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    v.page.wait_for_timeout(600)          # the back-to-top button appears after a scroll
    found["bottom"] = axe_violations(v.page, axe_source)
    v.page.evaluate("window.scrollTo(0, 0)")
    problems = [f"{where}: {x}" for where, xs in found.items() for x in xs]
    assert problems == [], f"{path} ({device}, {mode}):\n" + "\n".join(problems)


def test_axe_finds_what_it_is_asked_to(visit, axe_source):
    """The check is real: on a page with an unnamed button and white text on orange, axe
    reports both (the two faults the site had on phones and after scrolling)."""
    v = visit("intro.html")
    v.page.evaluate("""() => {
        const b = document.createElement('button'); """
                    """b.innerHTML = '<i class="fa-solid fa-bars"></i>';
        const t = document.createElement('p'); t.textContent = 'low contrast';
        t.style.cssText = 'color: #fff; background: #e89217';
        document.querySelector('main').prepend(b, t); }""")
    ids = {x.split(" ")[0] for x in axe_violations(v.page, axe_source)}
    assert {"button-name", "color-contrast"} <= ids


# Every control a mouse can use, that a keyboard user must reach with Tab: each is numbered
# (data-kbd), so that a control whose markup changes when focused (the page's contents marks
# its current section) is still recognised. MathJax's formulas, which it makes focusable for its
# menu and draws anew as they come into view, are extra stops, not controls of the page.
CONTROLS = ("""() => Array.from(document.querySelectorAll(
    'a[href], button, input, select, textarea, summary, """
            """[tabindex]:not([tabindex="-1"]):not(mjx-container)'))
  .filter(e => !e.disabled && e.checkVisibility({visibilityProperty: true})
               && !e.closest('[inert], [aria-hidden="true"], dialog:not([open]), """
            """details:not([open]) > :not(summary)'))
  .map((e, i) => { e.dataset.kbd = i; return [String(i), e.outerHTML.slice(0, 120)]; })""")

FOCUSED = """() => { const e = document.activeElement; if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const ring = s.boxShadow && s.boxShadow !== 'none';
  return {id: e.dataset.kbd || e.outerHTML.slice(0, 120), html: e.outerHTML.slice(0, 120),
          visible: outline || ring}; }"""


@pytest.mark.parametrize("device", ["desktop", pytest.param("phone", marks=pytest.mark.matrix)])
@pytest.mark.parametrize("path",
                         ["intro.html", *chapter_pages()[:1], "chapters/05-optimizers.html"])
def test_keyboard_reaches_every_control_with_visible_focus(visit, path, device):
    v = visit(path, device=device)
    v.page.wait_for_timeout(500)            # scripts that make scrolling boxes focusable
    controls = dict(v.page.evaluate(CONTROLS))
    reached, hidden_focus, first = set(), [], None
    for _ in range(len(controls) * 3 + 50):
        v.page.keyboard.press("Tab")
        focused = v.page.evaluate(FOCUSED)
        if focused is None:
            continue
        if focused["id"] == first:            # round the page once: every stop seen
            break
        first = first or focused["id"]
        reached.add(focused["id"])
        if not focused["visible"]:
            hidden_focus.append(focused["html"])
    missed = sorted(controls[k] for k in set(controls) - reached)
    assert missed == [], \
        f"{path} ({device}): {len(missed)} controls the Tab key never reaches: {missed[:5]}"
    assert hidden_focus == [], f"{path} ({device}): focus not visible on {hidden_focus[:5]}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"tab-order-{page_name(path)}-{device}.txt").write_text(
        "\n".join(controls.get(k, k)
                  for k in sorted(reached, key=lambda k: int(k) if k.isdigit() else 1e9)))
