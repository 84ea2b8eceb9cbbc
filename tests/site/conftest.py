"""Fixtures for testing the built website in a real headless browser (Debian's Chromium).

The site in _build/html is served on 127.0.0.1 as GitHub Pages serves it (text gzip-compressed;
benchmarks/bench_pages.py); every request to any other host is blocked and recorded, so a page
that needs the internet to render fails its test. Pages are opened on two screens: a desktop
(1280 x 900) and a phone (390 x 844, touch, high density), in light or dark mode.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from site_helpers import ARTIFACTS, CHROMIUM_ARGS, DEVICES, ROOT, SITE, serve  # noqa: F401

from benchmarks.bench_pages import Weigher, budget


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").exists():
        pytest.fail("no built site in _build/html: run 'make book' (make test builds it first)")
    return SITE


@pytest.fixture(scope="session")
def base_url(site):
    with serve(site) as url:
        yield url


BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _runs(path: str) -> bool:
    """True if `path --version` answers like a browser (Ubuntu's chromium-browser can be a stub
    that only says the snap is missing)."""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return (out.returncode == 0
            and re.search(r"\b(Chromium|Chrome)\b.*\d+\.\d+", out.stdout) is not None)


def _chromium() -> tuple[str | None, list[str]]:
    """The browser to drive, and what was tried: $CHROMIUM if set, then Debian's chromium,
    Ubuntu's chromium-browser, Google Chrome (preinstalled on GitHub's Ubuntu runners)."""
    tried = []
    explicit = os.environ.get("CHROMIUM")
    candidates = [explicit] if explicit else [shutil.which(n) or n for n in BROWSER_NAMES]
    for path in candidates:
        if os.path.isfile(path) and _runs(path):
            return path, tried
        tried.append(f"{path}: {'does not run' if os.path.isfile(path) else 'not found'}")
    return None, tried


@pytest.fixture(scope="session")
def browser():
    executable, tried = _chromium()
    if executable is None:
        pytest.skip("no Chromium or Chrome to drive (tried " + "; ".join(tried) + "). Install "
                    "Debian's 'chromium' (.ci/run does when it can) or set "
                    "CHROMIUM=/path/to/browser: browser tests skipped")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Visit:
    """A page opened in a fresh context, with its console errors, blocked requests and failed
    requests (a network error, or an HTTP status of 400 or more, e.g. a missing favicon), and
    the bytes it received (its weight, test_weight.py)."""

    def __init__(self, browser, url: str, color_scheme: str = "light", device: str = "desktop"):
        self.device = device
        self.context = browser.new_context(color_scheme=color_scheme, **DEVICES[device])
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.external: list[str] = []
        self.failed: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}")
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})")
                     if r.url not in self.external else None)
        self.page.on("response", lambda r: self.failed.append(f"{r.url} (HTTP {r.status})")
                     if r.status >= 400 else None)
        self.page.route("**/*", self._route)
        self.weigher = Weigher(self.context, self.page)
        self.response = self.page.goto(url, wait_until="networkidle")

    def _route(self, route):
        url = route.request.url
        if url.startswith("http://127.0.0.1") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def scroll_through(self):
        """Scroll to the bottom as a reader does, so that lazily loaded pictures come in."""
        height = self.page.evaluate("document.documentElement.scrollHeight")
        for y in range(0, height + 900, 700):
            self.page.evaluate(f"window.scrollTo(0, {y})")
            self.page.wait_for_timeout(30)
        self.page.wait_for_load_state("networkidle")

    def weigh(self, base: str, path: str) -> dict:
        """Everything this page received since it was opened, once a reader has scrolled to the
        bottom (lazily loaded pictures included): bytes as sent, decoded, requests."""
        self.scroll_through()
        self.page.wait_for_timeout(300)
        return {"page": path, **self.weigher.result(base), "budget": budget(path)}

    def full_screenshot(self, path: Path) -> bytes:
        """The whole page as one picture. A long chapter is a tall picture: on a busy machine
        Chromium once took more than Playwright's default 30 s for it (dark chapter 4, in CI), so
        it gets 120 s, and one more try from the top of the page."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            return self.page.screenshot(path=str(path), full_page=True, timeout=120_000)
        except PlaywrightTimeout:
            self.page.evaluate("window.scrollTo(0, 0)")
            return self.page.screenshot(path=str(path), full_page=True, timeout=120_000)

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, base_url):
    opened = []

    def _open(path: str, color_scheme: str = "light", device: str = "desktop") -> Visit:
        v = Visit(browser, f"{base_url}/{path}", color_scheme, device)
        opened.append(v)
        return v

    yield _open
    for v in opened:
        v.close()


@pytest.fixture(scope="session")
def _open_pages(browser):      # closed before the browser is
    pages: dict = {}
    yield pages
    for v in pages.values():
        v.close()


@pytest.fixture
def page_as_loaded(_open_pages, browser, base_url):
    """A page opened once per screen and shared by the tests that only read it (each test of a
    page still passes or fails on its own); light and dark mode are switched in place, as when
    a reader's system changes its setting (the theme follows it). Tests are grouped by page
    (site_helpers.by_page, run with --dist loadgroup), so one worker opens each page once."""
    def _open(path: str, color_scheme: str = "light", device: str = "desktop") -> Visit:
        key = (path, device)
        if key not in _open_pages:
            while len(_open_pages) >= 2:
                _open_pages.pop(next(iter(_open_pages))).close()
            _open_pages[key] = Visit(browser, f"{base_url}/{path}", color_scheme, device)
        v = _open_pages[key]
        if v.page.evaluate("document.documentElement.dataset.theme") != color_scheme:
            v.page.emulate_media(color_scheme=color_scheme)
            v.page.wait_for_function(f"document.documentElement.dataset.theme === '{color_scheme}'",
                                     timeout=5000)
            v.page.wait_for_timeout(500)          # the theme's colour transitions end
        return v
    return _open


AXE = ROOT / "_build" / "test-assets" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core, vendored from the npm registry by `make vendor` (tools/vendor_assets.sh)."""
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run 'make vendor' (it needs npm)")
    return AXE.read_text()
