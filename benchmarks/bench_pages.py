"""Page weight: what a reader's browser downloads for each page of the built site.

    python -m benchmarks.bench_pages            # the table, for _build/html (make book first)
    python -m benchmarks.bench_pages --lighthouse   # and Lighthouse's mobile scores per chapter

Each page of _toc.yml is opened in Debian's Chromium on a phone's screen (390 x 844) and
scrolled to the bottom, so every lazily loaded picture comes in; the bytes of every response
are added up as the browser received them (Chrome's encodedDataLength: headers and body as
transferred). The site is served the way GitHub Pages serves it: text (HTML, CSS, JavaScript,
JSON, SVG) compressed with gzip, images and fonts as they are. The uncompressed total is
reported next to it.

Budget: a chapter page (it has sliders) <= 2.5 MB, any other page <= 0.8 MB, assets included.

Lighthouse (npm `lighthouse`, installed into _build/test-assets/lighthouse on first use, run
with the system Chromium and no network) gives each chapter's mobile performance and
accessibility scores; its mobile preset simulates a slow 4G link and a 4x slower CPU.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import mimetypes
import os
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
ASSETS = ROOT / "_build" / "test-assets"
LIGHTHOUSE = "lighthouse@12.8.2"
CHAPTER_BUDGET = 2.5e6
PAGE_BUDGET = 0.8e6
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
COMPRESSED = ("text/", "application/javascript", "application/json", "image/svg+xml",
              "application/xml")


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder as GitHub Pages does: gzip for text, when the browser accepts it."""

    _gzipped: dict = {}
    _lock = threading.Lock()

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        ctype = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and wants_gzip and ctype.startswith(COMPRESSED)):
            return super().send_head()
        key = (str(path), path.stat().st_mtime_ns)
        with self._lock:
            body = self._gzipped.get(key)
            if body is None:
                body = self._gzipped[key] = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Bytes(body)


class _Bytes:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *args):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser that drops a connection (a picture no longer wanted) is no error."""
        if not isinstance(sys.exc_info()[1], (ConnectionError, BrokenPipeError)):
            super().handle_error(request, client_address)


@contextmanager
def serve(site: Path = SITE):
    """The site on http://127.0.0.1:<port> for the duration of the block."""
    handler = functools.partial(SiteHandler, directory=str(site))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def toc_pages() -> list[str]:
    """HTML paths of every page in _toc.yml, e.g. 'chapters/01-xor.html'."""
    import re

    toc = (ROOT / "_toc.yml").read_text()
    return [f"{entry}.html" for entry in re.findall(r"(?:file|root):\s*(\S+)", toc)]


def budget(path: str) -> float:
    return CHAPTER_BUDGET if path.startswith("chapters/") else PAGE_BUDGET


class Weigher:
    """Records, for one page, every response's transferred and decoded bytes."""

    def __init__(self, context, page):
        self.sent: dict[str, int] = {}
        self.decoded: dict[str, int] = {}
        self.urls: dict[str, str] = {}
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.dataReceived", self._data)
        cdp.on("Network.loadingFinished", self._finished)

    def _response(self, e):
        self.urls[e["requestId"]] = e["response"]["url"]

    def _data(self, e):
        self.decoded[e["requestId"]] = self.decoded.get(e["requestId"], 0) + e["dataLength"]

    def _finished(self, e):
        self.sent[e["requestId"]] = int(e["encodedDataLength"])

    def result(self, base: str) -> dict:
        biggest = sorted(((n, self.urls.get(k, "?").replace(base, "").split("?")[0])
                          for k, n in self.sent.items()), reverse=True)[:5]
        return {"bytes": sum(self.sent.values()), "uncompressed": sum(self.decoded.values()),
                "requests": len(self.sent), "biggest": biggest}


def weigh(browser, base: str, path: str) -> dict:
    """Open `path` on a phone's screen, scroll to the bottom, and add up what was received."""
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        weigher = Weigher(context, page)
        page.goto(f"{base}/{path}", wait_until="networkidle")
        height = page.evaluate("document.documentElement.scrollHeight")
        for y in range(0, height + 844, 600):          # as a reader scrolls: lazy pictures load
            page.evaluate(f"window.scrollTo(0, {y})")
            page.wait_for_timeout(40)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        return {"page": path, **weigher.result(base), "budget": budget(path)}
    finally:
        context.close()


def chromium() -> str:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    raise SystemExit("no Chromium found (apt-get install chromium, or set CHROMIUM=/path)")


def measure(pages: list[str] | None = None, site: Path = SITE) -> list[dict]:
    from playwright.sync_api import sync_playwright

    if not (site / "index.html").is_file():
        raise SystemExit(f"no built site in {site}: run 'make book'")
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        try:
            return [weigh(browser, base, path) for path in (pages or toc_pages())]
        finally:
            browser.close()


def lighthouse_cli() -> Path | None:
    """Lighthouse from npm, installed once into _build/test-assets/lighthouse."""
    cli = ASSETS / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
    if cli.is_file():
        return cli
    if shutil.which("npm") is None:
        return None
    (ASSETS / "lighthouse").mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", LIGHTHOUSE],
                          cwd=ASSETS / "lighthouse", capture_output=True, text=True)
    return cli if proc.returncode == 0 and cli.is_file() else None


def lighthouse(pages: list[str], site: Path = SITE) -> list[dict]:
    """Mobile performance and accessibility scores (0-100) of each page, or the reason why not."""
    cli = lighthouse_cli()
    if cli is None:
        return [{"page": p, "error": "lighthouse could not be installed from npm"} for p in pages]
    rows = []
    out = ASSETS / "lighthouse" / "report.json"
    with serve(site) as base:
        for path in pages:
            proc = subprocess.run(
                [str(cli), f"{base}/{path}", "--quiet", "--form-factor=mobile",
                 "--only-categories=performance,accessibility", "--output=json",
                 f"--output-path={out}", "--chrome-flags=--headless " + " ".join(CHROMIUM_ARGS)],
                env=dict(os.environ, CHROME_PATH=chromium()), capture_output=True, text=True,
                timeout=300)
            if proc.returncode != 0 or not out.is_file():
                rows.append({"page": path, "error": (proc.stderr or proc.stdout).strip()[-300:]})
                continue
            report = json.loads(out.read_text())
            cats = report["categories"]
            audits = report["audits"]
            rows.append({"page": path,
                         "performance": round(100 * (cats["performance"]["score"] or 0)),
                         "accessibility": round(100 * (cats["accessibility"]["score"] or 0)),
                         "lcp_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
                         "tbt_ms": audits["total-blocking-time"]["numericValue"],
                         "cls": audits["cumulative-layout-shift"]["numericValue"]})
            out.unlink()
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| page | transferred | uncompressed | requests | budget | verdict |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        over = 100 * (r["bytes"] / r["budget"] - 1)
        verdict = "met" if over <= 0 else f"missed by {over:.0f}%"
        lines.append(f"| `{r['page']}` | {r['bytes'] / 1e6:.2f} MB | "
                     f"{r['uncompressed'] / 1e6:.2f} MB | "
                     f"{r['requests']} | ≤ {r['budget'] / 1e6:.1f} MB | {verdict} |")
    return "\n".join(lines)


def lighthouse_table(rows: list[dict]) -> str:
    lines = ["| page | performance | accessibility | largest contentful paint | "
             "total blocking time |",
             "|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| `{r['page']}` | not measured: {r['error'][:80]} | | | |")
        else:
            lines.append(f"| `{r['page']}` | {r['performance']} | {r['accessibility']} | "
                         f"{r['lcp_s']:.1f} s | {r['tbt_ms']:.0f} ms |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lighthouse", action="store_true",
                        help="also run Lighthouse on the chapters")
    parser.add_argument("pages", nargs="*", help="pages to weigh (default: every page of _toc.yml)")
    args = parser.parse_args(argv)
    rows = measure(args.pages or None)
    print(table(rows))
    if args.lighthouse:
        print()
        print(lighthouse_table(lighthouse([r["page"] for r in rows
                                           if r["page"].startswith("chapters/")])))
    return 0 if all(r["bytes"] <= r["budget"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
