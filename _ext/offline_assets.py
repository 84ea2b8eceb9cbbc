"""Serve MathJax and the ipywidgets embed manager from the site itself when they are vendored.

`make book` installs them from the npm registry into _vendor/ (see tools/vendor_assets.sh).
When _vendor/ is complete, this extension points Sphinx and myst-nb at the local copies, so the
published site renders maths and widgets with no network. When it is not, the defaults (CDN
URLs) stay, and the Makefile has already printed that the site is not self-contained.
"""
from pathlib import Path

VENDOR = "_vendor"
MATHJAX = "mathjax/tex-chtml.js"
REQUIRE = "jw/require.js"
EMBED = "jw/hm/embed-amd.js"


def _configure(app, config):
    vendor = Path(app.srcdir) / VENDOR
    if not all((vendor / f).is_file() for f in (MATHJAX, REQUIRE, EMBED)):
        return
    config.html_extra_path = list(config.html_extra_path) + [VENDOR]
    # Sphinx prefixes relative script paths with _static/, hence the "../".
    config.mathjax_path = f"../{MATHJAX}"
    config.nb_ipywidgets_js = {
        f"../{REQUIRE}": {},
        f"../{EMBED}": {"data-jupyter-widgets-cdn": "https://cdn.jsdelivr.net/npm/"},
    }


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


def setup(app):
    app.add_js_file(None, body=MATHJAX2_SHIM, priority=100)
    app.connect("config-inited", _configure, priority=100)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
