"""Make the generated student notebooks downloadable from the exercise pages.

`make exercises` writes them under _build/exercises/; this extension adds that folder's site
copy to html_extra_path so the links on the exercise pages resolve in the built site.
"""
from pathlib import Path

SITE_COPY = Path("_build") / "exercises" / "site"


def _configure(app, config):
    folder = Path(app.srcdir) / SITE_COPY
    if folder.is_dir():
        config.html_extra_path = list(config.html_extra_path) + [str(SITE_COPY)]


def setup(app):
    app.connect("config-inited", _configure, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
