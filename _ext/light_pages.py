"""Lighter pages: what a reader's browser downloads for each page of the website.

- The ipywidgets embed manager (require.js and embed-amd.js, 3.7 MB) and the widget state are
  kept only on pages that show a widget. The book's figure sliders do not need them: on the
  site they are plain HTML (mlp.widgets), picked before the widget view by
  `nb_mime_priority_overrides` in _config.yml. Likewise _static/figure-slider.js only where
  there is a slider, and _static/mathjax2-shim.js only where there is a widget (first, as it
  must see MathJax arrive).
- A slider's pictures become files in _images/ instead of data: URLs inside the page, so the
  browser loads a picture only when it is shown; every figure loads as the reader scrolls to it
  (<img loading="lazy">), so the text and the maths of the first screen come first.
- Scripts load without blocking the page (defer, in their order), the search index too; only
  documentation_options.js, which inline scripts use, stays synchronous.
- Font Awesome's script (fontawesome.js, 1.5 MB, which turns icon elements into SVG) is not
  loaded: the theme's CSS draws the same icons from web fonts, and those fonts are cut down to
  the glyphs this site uses (fontTools), 275 kB to a few kB; _static/site.css points at them.
- Figures are stored as palette PNGs where that is faithful (mlp.widgets.compress_png: about
  a third of the bytes); the compressed files are kept in _build/.png-cache by content.
- Every figure carries its width (--mlp-natural-width) and how many panels it has side by side
  (--mlp-panels: the book's kernels count them, mlp.widgets.note_panel_columns), which
  _static/site.css uses on phones to give every panel at least 60% of the screen's width.
"""
from __future__ import annotations

import base64
import hashlib
import posixpath
import re
from pathlib import Path

from site_fixes import rewrite_pages, written_pages

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
SLIDER_CLASS = 'class="mlp-figure-slider"'
FRAME = re.compile(r'(<img class="mlp-figure" width="(\d+)" height="\d+"[^>]*? '
                   r'data-panels="(\d+)"[^>]*?) '
                   r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
FIGURE_SIZE = re.compile(r'(<img\b[^>]*? src="[^"]*_images/([0-9a-f]{64})\.png"'
                         r' style="width: (\d+)px; height: \d+px;)(")')
FONTAWESOME_JS = re.compile(r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*">'
                            r'</script>')
# Scripts that inline scripts of the page use while it is parsed: they stay synchronous.
SYNC_SCRIPTS = {"_static/documentation_options.js"}
# The theme loads the search index on every page, synchronously (its template): deferred too.
SEARCH_SCRIPTS = re.compile(r'<script src="((?:\.\./)*(?:_static/searchtools\.js|'
                            r'_static/language_data\.js|searchindex\.js))"></script>')
ICON_FONTS = {"fa-solid-900": "Font Awesome 6 Free", "fa-brands-400": "Font Awesome 6 Brands"}


def _filename(script) -> str:
    return getattr(script, "filename", None) or ""


def page_scripts(app, pagename, templatename, context, doctree):
    """Per page: the widget manager and its state only with a widget view, the slider script
    only with a slider, the MathJax 2 shim only with a widget and before everything else."""
    from sphinx.builders.html._assets import _JavaScript

    body = context.get("body", "")
    has_widget, has_slider = WIDGET_VIEW in body, SLIDER_CLASS in body
    # Sphinx files a script added as "x.js" under "_static/x.js"
    widget_js = {posixpath.join("_static", f)
                 for f in getattr(app.config, "nb_ipywidgets_js", {}) or {}}
    kept = []
    for script in context.get("script_files", []):
        name = str(_filename(script))
        is_widget = (name in widget_js or
                     getattr(script, "attributes", {}).get("type") == WIDGET_STATE)
        if (is_widget and not has_widget) or (name.endswith("figure-slider.js") and not has_slider):
            continue
        attributes = dict(getattr(script, "attributes", {}))
        priority = getattr(script, "priority", 500)
        if name.endswith("mathjax2-shim.js"):
            if not has_widget:
                continue
            priority = 1          # before MathJax's configuration: Sphinx sorts by priority next
        elif (name and name not in SYNC_SCRIPTS and pagename != "search"     # its own order
              and not {"async", "defer"} & set(attributes)):
            attributes["defer"] = "defer"         # not render-blocking; runs in order, parsed
        kept.append(_JavaScript(name, priority=priority, **attributes) if name else script)
    context["script_files"] = kept


def figure_panels(app) -> dict:
    """{sha256 of a figure's PNG: panels side by side}, from the executed notebooks in the
    jupyter-cache: the book's kernels write the count into each figure's text
    (mlp.widgets.note_panel_columns). myst-nb names a figure's file by the same hash."""
    if getattr(app, "_mlp_panels", None) is None:
        from jupyter_cache import get_cache

        from mlp.widgets import PANELS

        panels = {}
        folder = Path(app.srcdir) / (app.config.nb_execution_cache_path or "_build/.jupyter_cache")
        if folder.is_dir():
            cache = get_cache(str(folder))
            for record in cache.list_cache_records():
                for cell in cache.get_cache_bundle(record.pk).nb.cells:
                    for out in cell.get("outputs", []):
                        data = out.get("data", {})
                        m = PANELS.search(str(data.get("text/plain", "")))
                        if m and "image/png" in data:
                            png = base64.b64decode(data["image/png"])
                            panels[hashlib.sha256(png).hexdigest()] = int(m.group(1))
        app._mlp_panels = panels
    return app._mlp_panels


def frames_as_files(app, pagename, templatename, context, doctree):
    """A slider's pictures as compressed files in _images/ (named by their content), not data:
    URLs; and every figure's width and panels side by side as CSS variables."""
    body = context.get("body")
    if not body:
        return
    images = Path(app.outdir) / "_images"

    def to_file(m):
        data = compressed(app, base64.b64decode(m.group(4)))
        name = hashlib.sha256(data).hexdigest() + ".png"
        images.mkdir(exist_ok=True)
        target = images / name
        if not target.is_file():
            target.write_bytes(data)
        url = context["pathto"](f"_images/{name}", 1)
        return (f'{m.group(1)} style="--mlp-natural-width: {m.group(2)}px; '
                f'--mlp-panels: {m.group(3)}" src="{url}"')

    def sized(m):
        panels = figure_panels(app).get(m.group(2), 1)
        # loaded as the reader scrolls to it: the page's text and maths come first
        img = m.group(1).replace("<img ", '<img loading="lazy" decoding="async" ', 1)
        return f"{img} --mlp-natural-width: {m.group(3)}px; --mlp-panels: {panels};{m.group(4)}"

    context["body"] = FIGURE_SIZE.sub(sized, FRAME.sub(to_file, body))


def compressed(app, data: bytes) -> bytes:
    """mlp.widgets.compress_png(data), kept in _build/.png-cache by the content of the original
    (and of the result, so compressing a compressed picture finds it too)."""
    from mlp.widgets import compress_png

    cache = Path(app.outdir).parent / ".png-cache"
    cache.mkdir(exist_ok=True)
    key = cache / (hashlib.sha256(data).hexdigest() + ".png")
    if key.is_file():
        return key.read_bytes()
    small = compress_png(data)
    key.write_bytes(small)
    (cache / (hashlib.sha256(small).hexdigest() + ".png")).write_bytes(small)
    return small


def compress_figures(app) -> None:
    """Replace each PNG in _images/ by its compressed version (Sphinx copies the originals
    again on every build; the cache makes that cheap)."""
    for png in (Path(app.outdir) / "_images").glob("*.png"):
        data = png.read_bytes()
        small = compressed(app, data)
        if small != data:
            png.write_bytes(small)


def icons_in_use(outdir: Path, pages: list[Path]) -> set[str]:
    """Font Awesome class names (bars, github, ...) in the pages and the theme's scripts."""
    names = set()
    sources = [*pages, *(outdir / "_static").glob("*.js"),
               *(outdir / "_static" / "scripts").glob("*.js")]
    for path in sources:
        if path.name != "fontawesome.js":
            names.update(re.findall(r"\bfa-([a-z0-9-]+)",
                                    path.read_text(encoding="utf-8", errors="ignore")))
    return names


def codepoints(css_files: list[Path], icons: set[str]) -> set[int]:
    """The icon font's characters the site can show: those of the icon classes in use, and
    every character the stylesheets put in `content` or a variable themselves (admonition
    icons, the sidebar's arrows, ...)."""
    found = set()
    for css in css_files:
        text = css.read_text(encoding="utf-8", errors="ignore")
        found.update(ord(c) for c in re.findall(r"[\ue000-\uf8ff]", text))
        for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
            escapes = [int(h, 16) for h in re.findall(r"\\(f[0-9a-f]{3})", body)]
            if not escapes:
                continue
            selectors = [s.strip() for s in selector.split(",")]
            icon_rule = all(re.fullmatch(r"\.fa-[a-z0-9-]+:{1,2}before", s) for s in selectors)
            if not icon_rule:
                found.update(escapes)
            elif any(s.split(":")[0][len(".fa-"):] in icons for s in selectors):
                found.update(escapes)
    return found


def subset_icon_fonts(app, pages: list[Path]) -> None:
    """_static/icons/<font>.woff: the theme's two icon fonts with only the glyphs in use."""
    from fontTools import subset

    outdir = Path(app.outdir)
    fonts = outdir / "_static" / "vendor" / "fontawesome" / "webfonts"
    css_files = [p for p in (outdir / "_static").rglob("*.css") if "vendor" not in p.parts]
    wanted = codepoints(css_files, icons_in_use(outdir, pages))
    target = outdir / "_static" / "icons"
    target.mkdir(exist_ok=True)
    for name in ICON_FONTS:
        options = subset.Options()
        options.flavor = "woff"          # zlib; woff2 would need the brotli module
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        font = subset.load_font(str(fonts / f"{name}.ttf"), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(wanted))
        subsetter.subset(font)
        subset.save_font(font, str(target / f"{name}.woff"), options)


def lighten_site(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    pages = written_pages(app)
    rewrite_pages(app, lambda html: SEARCH_SCRIPTS.sub(r'<script defer src="\1"></script>',
                                                       FONTAWESOME_JS.sub("", html)),
                  skip={"search"})
    subset_icon_fonts(app, pages)
    compress_figures(app)


def setup(app):
    app.connect("html-page-context", page_scripts, priority=950)
    app.connect("html-page-context", frames_as_files, priority=950)
    app.connect("build-finished", lighten_site)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
