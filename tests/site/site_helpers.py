"""Shared by the browser tests: where the site is, which pages the table of contents lists, and
the two screens pages are checked on."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.bench_pages import CHROMIUM_ARGS, PHONE, budget, serve, toc_pages  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
ARTIFACTS = ROOT / "_build" / "site-test"

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
DEVICES = {"desktop": DESKTOP, "phone": PHONE}


def chapter_pages() -> list[str]:
    return [p for p in toc_pages() if p.startswith("chapters/")]


def by_page(paths: list[str]) -> list:
    """Parameters that keep every test of one page on one test worker (--dist loadgroup), so the
    page is loaded once (conftest's page_as_loaded) while different pages spread over workers."""
    return [pytest.param(p, id=p, marks=pytest.mark.xdist_group(p)) for p in paths]


def page_name(path: str) -> str:
    return re.sub(r"\.html$", "", path.split("/")[-1])
