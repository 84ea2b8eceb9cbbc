"""Small fixes to the theme's pages, each for a problem a reader (or a screen reader) would hit.

In the configuration (_config.yml):
- Phones: the theme's ☰ and "On this page" buttons open the sidebars only when the page has
  one button of each (pydata-sphinx-theme issue 2451, sphinx-book-theme issue 988): its
  script binds the first `.primary-toggle`, and since pydata-sphinx-theme 0.17 the hidden
  header that `navbar_persistent` adds holds a second one. `navbar_persistent: []` leaves out
  that header; the search button it held is in the sidebar and the article header.

Here, while Sphinx reads and writes each page:
- Table headers that a screen reader finds empty are named for it (axe: empty-table-header):
  "No." above a column of numbers, the formula as text in a header of maths only; an empty
  corner above row names becomes a data cell. The page looks the same.
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

from docutils import nodes
from sphinx.transforms import SphinxTransform


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


def rewrite_pages(app, fix, skip=()) -> None:
    for page in written_pages(app):
        if page.relative_to(app.outdir).with_suffix("").as_posix() in skip:
            continue
        text = page.read_text(encoding="utf-8")
        fixed = fix(text)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def _fix_pages(app, exception):
    if exception is None and app.builder.format == "html":
        rewrite_pages(app, fix_page)


def _entry_text(entry) -> str:
    return entry.astext().strip()


def _hidden(text: str) -> nodes.inline:
    return nodes.inline("", text, classes=["visually-hidden"])


class NameTableHeaders(SphinxTransform):
    """Table header cells that a screen reader (and axe: empty-table-header) finds empty get a
    name for screen readers only; the page looks the same. An empty cell above a column of
    numbers (the chapters' and exercises' tables: "| | chapter | ...") is "No."; a cell holding
    only maths ("$f(z)$"), which MathJax draws with CSS, gets the formula as text ("f(z)").
    An empty corner above row names stays empty and becomes a data cell (empty_corners)."""

    default_priority = 800

    def apply(self, **kwargs):
        from mlp.widgets import plain_text

        if self.app.builder.format != "html":       # the PDF sets maths as maths
            return
        for table in self.document.findall(nodes.table):
            head = next(table.findall(nodes.thead), None)
            body = next(table.findall(nodes.tbody), None)
            if head is None or body is None:
                continue
            for row in head.findall(nodes.row):
                for k, entry in enumerate(row.children):
                    maths = list(entry.findall(nodes.math))
                    words = "".join(t.astext() for t in entry.findall(nodes.Text)
                                    if not any(isinstance(a, nodes.math) for a in _ancestors(t)))
                    if words.strip():
                        continue
                    if maths:
                        label = _hidden(" ".join(plain_text(f"${m.astext()}$") for m in maths))
                    else:
                        column = [r.children[k].astext().strip() for r in body.children
                                  if len(r.children) > k]
                        if not (column and all(re.fullmatch(r"\d+", c) for c in column)):
                            continue
                        label = _hidden("No.")
                    if entry.children and isinstance(entry[0], nodes.paragraph):
                        entry[0] += label
                    else:
                        entry += nodes.paragraph("", "", label)


def _ancestors(node):
    while node is not None:
        yield node
        node = node.parent


EMPTY_HEADER = re.compile(r'<th class="head">(?:<p></p>)?</th>')


def empty_corners(app, pagename, templatename, context, doctree):
    """A header cell that is still empty (the corner above a column of row names) is a data
    cell: a header must name its column."""
    if context.get("body"):
        context["body"] = EMPTY_HEADER.sub('<td class="head"></td>', context["body"])


def setup(app):
    app.add_transform(NameTableHeaders)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", empty_corners)
    app.connect("build-finished", _fix_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
