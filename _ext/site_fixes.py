"""Small fixes to the theme's pages, each for a problem a reader (or a screen reader) would hit.

- sphinx-thebe registers its inline config script twice; the second `const` declaration is a
  JavaScript error on every page.
- The ipywidgets embed manager typesets labels with the MathJax 2 API, absent from MathJax 3.
- Theme and widget elements that fail WCAG checks: the expand/collapse toggles of the sidebar are
  <summary> elements with only an icon; the search button's aria-label and that of myst-nb's
  "Show code cell source" toggle (hide-input cells) hide their visible text;
  the colour-mode button's icons carry titles ("Light", "Dark") that its aria-label does not
  contain; sphinxcontrib-bibtex's citation list holds deprecated doc-biblioentry items where
  role="list" needs list items; code blocks that scroll are not keyboard-focusable; ipywidgets'
  slider handles (role="slider") have no accessible name, so each gets the
  text of its slider's label once the widget manager has drawn it.
"""

# The widget manager typesets labels with the MathJax 2 API (MathJax.Hub.Queue), which MathJax 3
# (what Sphinx loads) does not have. Give every object assigned to window.MathJax a Hub.Queue that
# forwards to MathJax 3's typesetPromise, so widgets do not throw on pages with maths.
MATHJAX2_SHIM = """(function () {
  var current = window.MathJax;
  function shim(mj) {
    if (mj && typeof mj === "object" && !mj.Hub) {
      Object.defineProperty(mj, "Hub", {enumerable: false, value: {Queue: function (job) {
        var el = Array.isArray(job) ? job[2] : undefined;
        if (window.MathJax && window.MathJax.typesetPromise) { window.MathJax.typesetPromise(el ? [el] : undefined); }
      }}});
    }
    return mj;
  }
  Object.defineProperty(window, "MathJax", {configurable: true, enumerable: true,
    get: function () { return current; }, set: function (v) { current = shim(v); }});
  shim(current);
})();"""


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    """Drop repeated inline scripts: sphinx-thebe registers its config snippet twice, and the
    second `const THEBE_JS_URL` declaration is a JavaScript error on every page."""
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = (getattr(script, "filename", None) or "",  # inline scripts have None or ""
               repr(sorted(getattr(script, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


A11Y_FIXES = """(function () {
  function fix() {
    document.querySelectorAll("summary:not([aria-label])").forEach(function (s) {
      if (!s.textContent.trim()) { s.setAttribute("aria-label", "Show or hide the pages of this section"); }
    });
    // myst-nb's hide-input toggle: aria-label "Toggle hidden content" hides its visible text
    // ("Show code cell source"), which is the better name.
    document.querySelectorAll("details.hide > summary[aria-label]").forEach(function (s) {
      if (s.textContent.trim()) { s.removeAttribute("aria-label"); }
    });
    document.querySelectorAll("button.search-button__button[aria-label]").forEach(function (b) {
      b.removeAttribute("aria-label");  // its visible text "Search" is the accessible name
    });
    // Decorative icons (Font Awesome may already have turned them into <svg><title>): the
    // button's aria-label names it.
    document.querySelectorAll(".theme-switch-button [title], .theme-switch-button svg title")
      .forEach(function (e) { if (e.tagName.toLowerCase() === "title") { e.remove(); } else { e.removeAttribute("title"); } });
    document.querySelectorAll(".theme-switch-button i, .theme-switch-button svg")
      .forEach(function (e) { e.setAttribute("aria-hidden", "true"); });
    // doc-biblioentry is deprecated in ARIA 1.2 and a role="list" must hold list items.
    document.querySelectorAll('.citation-list > [role="doc-biblioentry"]')
      .forEach(function (e) { e.setAttribute("role", "listitem"); });
    document.querySelectorAll(".widget-slider [role=slider]:not([aria-label])").forEach(function (h) {
      var box = h.closest(".widget-slider");
      var label = box && box.querySelector(".widget-label");
      var text = label && label.textContent.trim();
      if (text) { h.setAttribute("aria-label", text); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    // A code block wider than the page scrolls: keyboard users must be able to focus it.
    document.querySelectorAll("pre:not([tabindex])").forEach(function (p) {
      if (p.scrollWidth > p.clientWidth || p.scrollHeight > p.clientHeight) { p.setAttribute("tabindex", "0"); }
    });
    fix();
    // widgets and icons are drawn after the page has loaded
    new MutationObserver(fix).observe(document.body, {childList: true, subtree: true});
  });
})();"""


def setup(app):
    app.add_js_file(None, body=MATHJAX2_SHIM, priority=100)
    app.add_js_file(None, body=A11Y_FIXES, priority=900)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
