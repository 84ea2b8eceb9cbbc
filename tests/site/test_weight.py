"""Page weight: the bytes a phone receives for each page, scrolled to the bottom, assets
included, served as GitHub Pages serves them (benchmarks/bench_pages.py, which `make bench`
runs too): at most 2.5 MB for a chapter (it has sliders), 0.8 MB for any other page. The
table goes to _build/site-test/page-weight.md. Each page is weighed in the phone's visit that
the other phone tests read (conftest's page_as_loaded), which records every response from the
moment the page is opened in its fresh browser context."""
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
def test_page_weight_within_budget(page_as_loaded, base_url, weights, path):
    row = page_as_loaded(path, "light", "phone").weigh(base_url, path)
    weights[path] = row
    biggest = ", ".join(f"{n / 1e3:.0f} kB {u}" for n, u in row["biggest"])
    assert row["bytes"] <= row["budget"], (
        f"{path}: {row['bytes'] / 1e6:.2f} MB received, budget {row['budget'] / 1e6:.1f} MB; "
        f"largest: {biggest}")
    assert row["requests"] < 60, f"{path}: {row['requests']} requests"


def test_weighing_counts_what_the_browser_received(browser, tmp_path):
    """The measurement itself, as the tests take it (a visit) and as `make bench` does: a page
    with a 300 kB picture that only shows after a scroll weighs at least 300 kB, and text is
    counted compressed (as GitHub Pages sends it)."""
    import numpy as np
    from conftest import Visit
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
        v = Visit(browser, f"{url}/page.html", device="phone")
        try:
            rows = [v.weigh(url, "page.html"), bench_pages.weigh(browser, url, "page.html")]
        finally:
            v.close()
    for row in rows:
        assert row["bytes"] >= 300_000, row
        assert row["bytes"] < 300_000 + len(words) / 4, "the text was not counted compressed"
        assert row["uncompressed"] >= 300_000 + len(words)
    # the same bodies; their HTTP headers may differ by a few hundred bytes (dates, routing)
    assert abs(rows[0]["bytes"] - rows[1]["bytes"]) < 0.01 * rows[1]["bytes"], \
        f"the visit and make bench weigh differently: {rows}"
