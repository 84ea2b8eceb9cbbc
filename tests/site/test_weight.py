"""Page weight: the bytes a phone receives for each page, scrolled to the bottom, assets
included, served as GitHub Pages serves them (benchmarks/bench_pages.py, which `make bench`
runs too): at most 2.5 MB for a chapter (it has sliders), 0.8 MB for any other page. The
table goes to _build/site-test/page-weight.md."""
from __future__ import annotations

import json

import pytest
from site_helpers import ARTIFACTS, by_page, toc_pages

from benchmarks import bench_pages

ROWS = ARTIFACTS / "page-weight"


@pytest.fixture(scope="module")
def weights():
    """Each page's row goes to a file of its own (the pages are weighed by several test workers);
    whichever worker finishes last writes the table of every page of the book."""
    rows = {}
    yield rows
    ROWS.mkdir(parents=True, exist_ok=True)
    for path, row in rows.items():
        (ROWS / (path.replace("/", "--") + ".json")).write_text(json.dumps(row))
    found = {r["page"]: r for r in (json.loads(f.read_text()) for f in ROWS.glob("*.json"))}
    ordered = [found[p] for p in toc_pages() if p in found]
    if ordered:
        (ARTIFACTS / "page-weight.md").write_text(bench_pages.table(ordered) + "\n")


@pytest.mark.parametrize("path", by_page(toc_pages()))
def test_page_weight_within_budget(browser, base_url, weights, path):
    row = bench_pages.weigh(browser, base_url, path)
    weights[path] = row
    biggest = ", ".join(f"{n / 1e3:.0f} kB {u}" for n, u in row["biggest"])
    assert row["bytes"] <= row["budget"], (
        f"{path}: {row['bytes'] / 1e6:.2f} MB received, budget {row['budget'] / 1e6:.1f} MB; "
        f"largest: {biggest}")
    assert row["requests"] < 60, f"{path}: {row['requests']} requests"


def test_weighing_counts_what_the_browser_received(browser, base_url, tmp_path):
    """The measurement itself: a page with a 300 kB picture that only shows after a scroll
    weighs at least 300 kB, and text is counted compressed (as GitHub Pages sends it)."""
    import numpy as np
    from PIL import Image

    from benchmarks.bench_pages import serve

    noise = np.random.default_rng(0).integers(0, 256, (320, 320, 3), dtype=np.uint8)
    Image.fromarray(noise).save(tmp_path / "big.png")          # about 300 kB, a valid picture
    assert (tmp_path / "big.png").stat().st_size > 300_000
    words = " ".join(["weight"] * 50_000)
    (tmp_path / "page.html").write_text(
        f'<!DOCTYPE html><html><body><p style="height: 3000px">{words}</p>'
        '<img loading="lazy" src="big.png" width="10" height="10"></body></html>')
    with serve(tmp_path) as url:
        row = bench_pages.weigh(browser, url, "page.html")
    assert row["bytes"] >= 300_000, row
    assert row["bytes"] < 300_000 + len(words) / 4, "the text was not counted compressed"
    assert row["uncompressed"] >= 300_000 + len(words)
