"""Link the book's PDF from the website, when it has been built (make pdf).

If _build/pdf/book.pdf exists when the site is built, it is copied to _build/html/book.pdf and
every page's download menu gets a "Whole book (.pdf)" entry below the page's own .ipynb and
.pdf. Without it the site has no such entry, so a site built without the PDF has no dead link.

`book_pdf` is an html-level setting holding whether the PDF exists, so when the PDF appears (or
disappears) between two builds Sphinx rewrites every page, not only the changed ones.
"""
from __future__ import annotations

import shutil
from pathlib import Path

PDF_SOURCE = Path("_build") / "pdf" / "book.pdf"   # relative to the book's folder
PDF_TARGET = "book.pdf"                              # relative to the site's root


def _pdf(app) -> Path:
    return Path(app.srcdir) / PDF_SOURCE


def _note_the_pdf(app, config):
    config.book_pdf = _pdf(app).is_file()


def add_download_entry(app, pagename, templatename, context, doctree):
    """Append the book's PDF to the theme's download menu (sphinx-book-theme fills the menu at
    priority 501)."""
    if not app.config.book_pdf:
        return
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].append({
                "type": "link",
                "url": context["pathto"](PDF_TARGET, 1),
                "text": "Whole book (.pdf)",
                "tooltip": "Download the whole book as one PDF",
                "icon": "fas fa-book",
                "label": "download-book-pdf-button",
            })


def _copy_the_pdf(app, exception):
    if exception is None and app.builder.format == "html" and app.config.book_pdf:
        shutil.copyfile(_pdf(app), Path(app.outdir) / PDF_TARGET)


def setup(app):
    app.add_config_value("book_pdf", False, "html")
    app.connect("config-inited", _note_the_pdf)
    app.connect("html-page-context", add_download_entry, priority=600)
    app.connect("build-finished", _copy_the_pdf)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
