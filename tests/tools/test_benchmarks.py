"""benchmarks.run keeps what a run did not measure: the figures stay, with the date they were
taken."""
from __future__ import annotations

import json
from pathlib import Path

from benchmarks import run

ROOT = Path(__file__).resolve().parents[2]


def test_lighthouse_scores_stay_with_their_date_when_not_measured_again():
    committed = json.loads((ROOT / "benchmarks" / "results.json").read_text())
    rows = committed["results"]["pages"]["rows"]
    scores = [{"page": "chapters/01-xor.html", "performance": 67, "accessibility": 100,
               "lcp_s": 4.8, "tbt_ms": 509}]
    first = {"date": "2026-01-01 10:00 UTC",
             "results": {"pages": {"rows": rows, "lighthouse": scores}}}
    carried = run._lighthouse_carried(first)
    assert carried == {"lighthouse": scores, "lighthouse_measured_at": "2026-01-01 10:00 UTC"}
    second = {"date": "2026-02-01 10:00 UTC",        # carried once more: the first date stays
              "results": {"pages": {"rows": rows, **carried}}}
    assert run._lighthouse_carried(second)["lighthouse_measured_at"] == "2026-01-01 10:00 UTC"
    text = "\n".join(run._pages_rows({"rows": rows, **carried}))
    assert "measured 2026-01-01 10:00 UTC" in text and "| `chapters/01-xor.html` | 67 |" in text
    assert run._lighthouse_carried({"date": "x", "results": {"pages": {"rows": rows}}}) == {}
