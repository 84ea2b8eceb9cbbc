"""Small fixes to the theme's pages, each for a problem a reader (or a screen reader) would hit.

In the configuration (_config.yml):
- Phones: the theme's ☰ and "On this page" buttons open the sidebars only when the page has
  one button of each (pydata-sphinx-theme issue 2451, sphinx-book-theme issue 988): its
  script binds the first `.primary-toggle`, and since pydata-sphinx-theme 0.17 the hidden
  header that `navbar_persistent` adds holds a second one. `navbar_persistent: []` leaves out
  that header; the search button it held is in the sidebar and the article header.

Here, while Sphinx writes each page:
- sphinx-thebe registers its inline config script twice; the second `const` declaration is a
  JavaScript error on every page (the duplicate is dropped).
- The primary sidebar holds the book's title, outside every landmark (axe: region): it becomes
  a region named "Book".

In _static/site-fixes.js, in the browser (each comment there says what and why): icon-only
<summary> toggles get a name; buttons keep the name they show; the colour-mode button's icons
are hidden from screen readers; the bibliography's list items get role listitem; ipywidgets'
slider handles get their label; regions that scroll sideways (wide maths, code, figures) can be
focused from the keyboard.

In _static/site.css: contrast of the back-to-top button, visible focus, long words in titles,
and phones (wide content scrolls in its own box; figures are not shrunk below 3/4 of their size).
"""
from __future__ import annotations

import re
from pathlib import Path


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


# (pattern, replacement) applied once to each written page, for markup the theme's templates
# write (a template override would copy the theme's template).
PAGE_FIXES = [
    (re.compile(r'<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar"(?=>)'),
     '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar" role="region" '
     'aria-label="Book"'),
]


def fix_page(html: str) -> str:
    for pattern, replacement in PAGE_FIXES:
        html = pattern.sub(replacement, html, count=1)
    return html


def written_pages(app) -> list[Path]:
    """The HTML pages of the built site (not the vendored libraries' files)."""
    return [app.outdir / f"{name}.html" for name in (*app.env.found_docs, "search", "genindex")
            if (app.outdir / f"{name}.html").is_file()]


def rewrite_pages(app, fix) -> None:
    for page in written_pages(app):
        text = page.read_text(encoding="utf-8")
        fixed = fix(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def _fix_pages(app, exception):
    if exception is None and app.builder.format == "html":
        rewrite_pages(app, fix_page)


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("build-finished", _fix_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
