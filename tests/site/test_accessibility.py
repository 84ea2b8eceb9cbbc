"""WCAG 2 A/AA checks with axe-core on every page: no serious or critical violation."""
from __future__ import annotations

import pytest

from site_helpers import by_page, toc_pages

# Violations we accept, each with its reason. Keep this list short and justified.
ALLOWED: dict[str, str] = {}


@pytest.mark.parametrize("path", by_page(toc_pages()))
def test_no_serious_accessibility_violations(page_as_loaded, axe_source, path):
    v = page_as_loaded(path)
    v.page.add_script_tag(content=axe_source)
    result = v.page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})""")
    serious = [
        f"{x['id']} ({x['impact']}): {x['help']} -- e.g. {x['nodes'][0]['target']}"
        for x in result["violations"]
        if x["impact"] in ("serious", "critical") and x["id"] not in ALLOWED
    ]
    assert serious == [], f"{path}:\n" + "\n".join(serious)
