"""No broken link in the built site: every internal href and src, every anchor and every download,
checked offline by pytest-check-links (no browser needed).

pytest-check-links collects the links of each page as test items; it runs here in a pytest of
its own, over _build/html, so that this file can report all broken links at once. External
URLs are left out (the tests must pass offline); a broken link, a missing anchor and a missing
download are each shown to fail on a small site built in a temporary folder.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# folders of assets, not pages: vendored libraries (MathJax, the widgets' JS), sources, images
NOT_PAGES = ("_sources", "_static", "_images", "mathjax", "jw", "_downloads")


def check_links(site: Path) -> subprocess.CompletedProcess:
    """pytest --check-links --check-anchors over the site's HTML pages, offline."""
    ignore = [f"--ignore-glob={site}/**/{name}/*" for name in NOT_PAGES]
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(site), "-q", "-p", "no:cacheprovider", "--noconftest",
         "--rootdir", str(site), "--check-links", "--check-anchors",
         "--links-ext", "html", "--check-links-ignore", r"https?://.*", *ignore],
        capture_output=True, text=True, cwd=site)


def test_internal_links_anchors_and_downloads_resolve(site):
    out = check_links(site)
    assert out.returncode == 0, "broken links in the site:\n" + out.stdout[-6000:]
    checked = int(out.stdout.split(" passed")[0].split()[-1])
    assert checked >= 300, f"only {checked} links were checked:\n{out.stdout[-2000:]}"


def _page(body: str) -> str:
    return f"<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>"


def test_the_check_finds_a_broken_link_anchor_and_download(tmp_path):
    (tmp_path / "_downloads").mkdir()
    (tmp_path / "_downloads" / "ex.ipynb").write_text("{}")
    (tmp_path / "b.html").write_text(_page('<h2 id="there">B</h2><a href="#there">self</a>'))
    good = ['<a href="b.html">b</a>', '<a href="b.html#there">anchor</a>',
            '<a href="_downloads/ex.ipynb">download</a>', '<a href="https://example.invalid/x">out</a>',
            '<a href="mailto:a@b.c">mail</a>']
    (tmp_path / "a.html").write_text(_page("".join(good)))
    out = check_links(tmp_path)
    assert out.returncode == 0, out.stdout          # external URLs are not fetched: offline
    bad = {"missing.html": "No such file", "b.html#nowhere": "Missing anchor: nowhere",
           "_downloads/missing.ipynb": "No such file"}
    (tmp_path / "a.html").write_text(_page("".join(good)
                                           + "".join(f'<a href="{h}">x</a>' for h in bad)))
    out = check_links(tmp_path)
    assert out.returncode != 0 and "3 failed" in out.stdout, out.stdout[-2000:]
    for href, message in bad.items():
        assert any(href in line and message in line for line in out.stdout.splitlines()), \
            (href, out.stdout)
