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


def setup(app):
    app.connect("config-inited", _configure, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
