"""No broken internal links or anchors anywhere in the built site (no browser needed)."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

SKIP_DIRS = {"_sources", "_static", "_images", "mathjax", "jw", "_downloads"}


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])


def _parse(path: Path) -> _Collect:
    c = _Collect()
    c.feed(path.read_text(errors="ignore"))
    return c


def test_internal_links_and_anchors_resolve(site):
    pages = [p for p in site.rglob("*.html") if not (set(p.relative_to(site).parts) & SKIP_DIRS)]
    assert len(pages) >= 10
    parsed = {p: _parse(p) for p in pages}
    broken = []
    for page, info in parsed.items():
        for href in info.links:
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("//", "mailto:", "javascript:")):
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {href}")
                continue
            frag = unquote(parts.fragment)
            if frag and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if frag not in ids:
                    broken.append(f"{page.relative_to(site)} -> {href} (no anchor #{frag})")
    assert broken == [], "broken internal links:\n" + "\n".join(broken)
