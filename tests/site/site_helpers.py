"""Shared by the browser tests: where the site is, and which pages the table of contents lists."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
ARTIFACTS = ROOT / "_build" / "site-test"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def toc_pages() -> list[str]:
    """HTML paths of every page in _toc.yml, e.g. 'chapters/01-xor.html'."""
    toc = (ROOT / "_toc.yml").read_text()
    return [f"{entry}.html" for entry in re.findall(r"(?:file|root):\s*(\S+)", toc)]


def chapter_pages() -> list[str]:
    return [p for p in toc_pages() if p.startswith("chapters/")]


def by_page(paths: list[str]) -> list:
    """Parameters that keep every test of one page on one test worker (--dist loadgroup), so the
    page is loaded once (conftest's page_as_loaded) while different pages spread over workers."""
    return [pytest.param(p, id=p, marks=pytest.mark.xdist_group(p)) for p in paths]
