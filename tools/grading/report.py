"""The class report: what the class got wrong, for the lecturer, on one self-contained page.

``GRADES/report.html`` (written by every `make grade`; no network, no scripts, figures inline as
SVG):

- per exercise, a histogram of the scores of every question;
- the most frequent mistakes the checks recognised (the value-free ``hint`` of mlp.checks'
  diagnoses), with their counts and their share of the exercise's graded submissions, each linked
  to the chapter section that teaches it;
- the submissions that were not graded (invalid, error), that had cells skipped or stopped for
  time, and, for exercise 7, every held-out accuracy, with those that look too good flagged (a
  network that never saw the held-out digits reads about 97% of them).
"""
from __future__ import annotations

import collections
import functools
import html
import io
import json
import re
from pathlib import Path

TOO_GOOD = 99.5       # % of the held-out digits: trained on them at home, most likely
ACCURACY = re.compile(r"held-out accuracy ([\d.]+)%")
NOT_ANSWERED = "not answered yet"      # mlp.checks' words for a stub: not a mistake


def section_name(topic: str, root: Path | None = None) -> str:
    """'chapters/04-backprop.html#gradient-checking-as-a-habit' -> '04-backprop: Gradient
    checking as a habit', the heading as the chapter writes it (read from the notebook in `root`,
    the repository), or the anchor's words when the notebook has no heading with that anchor."""
    page, _, anchor = topic.partition("#")
    name = page.rsplit("/", 1)[-1].removesuffix(".html")
    if not anchor:
        return name
    heading = _headings(root, page.removesuffix(".html")).get(anchor, anchor.replace("-", " "))
    return f"{name}: {heading}"


@functools.lru_cache(maxsize=None)
def _headings(root: Path | None, page: str) -> dict[str, str]:
    """{anchor: heading text} of a notebook's markdown headings, anchored as the site anchors
    them (lower case, runs of other characters as one '-')."""
    path = (root or Path(__file__).resolve().parents[2]) / f"{page}.ipynb"
    try:
        cells = json.loads(path.read_text())["cells"]
    except (OSError, ValueError, KeyError):
        return {}
    found = {}
    for cell in cells:
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "markdown":
            for title in re.findall(r"^#{1,6} +(.+?) *$", source, re.M):
                plain = re.sub(r"[`*_$\\]", "", title)
                found.setdefault(re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-"), plain)
    return found


def _histogram(values: list[float], maximum: float, title: str) -> str:
    """An inline SVG histogram of the scores (0 .. maximum)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "path"       # text as paths: no font to load
    fig, ax = plt.subplots(figsize=(3.2, 2.0), dpi=100)
    step = 0.5 if maximum <= 6 else 1.0
    edges = [i * step - step / 2 for i in range(int(round(maximum / step)) + 2)]
    ax.hist(values, bins=edges, color="#1f5f99", edgecolor="white")
    ax.set_xlabel("points")
    ax.set_ylabel("submissions")
    ax.set_title(title, fontsize=10)
    ax.set_xlim(edges[0], edges[-1])
    ax.yaxis.get_major_locator().set_params(integer=True)
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    counts = collections.Counter(values)
    label = f"{title}: " + ", ".join(f"{n} with {v:g} points" for v, n in sorted(counts.items()))
    return svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label)}" ', 1)


# A table scrolls sideways in its own box on a phone; the box takes the keyboard's focus so that
# it can be scrolled without a mouse, and says what it holds.
_WIDE = '<div class="wide" role="region" tabindex="0" aria-label="{}">'


def write(path, tasks: list[dict], meta: dict, exercises: list[str], site_url: str = ""):
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<title>Class report</title><style>",
             "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
             "padding:0 1rem;color:#1a1a1a;background:#fff;line-height:1.45}",
             "h1,h2,h3{line-height:1.2}table{border-collapse:collapse}",
             ".wide{overflow-x:auto;margin:0.5rem 0 1.5rem}",
             "td{overflow-wrap:break-word}td:first-child{min-width:12rem}",
             ".wide:focus-visible{outline:2px solid #0b4f8a}",
             "th,td{border:1px solid #999;padding:0.25rem 0.5rem;text-align:left;"
             "vertical-align:top}",
             "th{background:#e8eef5}.figures{display:flex;flex-wrap:wrap;gap:0.5rem}",
             ".flag{color:#8a1c00;font-weight:bold}a{color:#0b4f8a}svg{background:#fff}",
             "@media (prefers-color-scheme: dark){body{color:#e8e8e8;background:#151515}"
             "th{background:#2a3440}a{color:#8cc4ff}.flag{color:#ff9d7a}}",
             "</style></head><body><main>", "<h1>Class report</h1>"]
    by_exercise = collections.defaultdict(list)
    for t in tasks:
        by_exercise[t["exercise"]].append(t)
    parts.append("<p>Grading results of " + ", ".join(
        f"{len(by_exercise[n])} submission(s) of {e(n)}" for n in exercises) + ".</p>")
    for name in exercises:
        group = by_exercise[name]
        graded = [t for t in group if t["result"].get("extra_data", {}).get("status") == "graded"]
        parts.append(f"<section><h2>Exercise {e(name)}</h2>")
        parts.append(f"<p>{len(graded)} of {len(group)} submission(s) graded.</p>")
        figures = []
        for q in meta[name]["questions"]:
            if q["manual"]:
                continue
            scores = [next((float(x["score"]) for x in t["result"].get("tests", [])
                            if x["name"] == q["name"]), 0.0)
                      for t in graded]
            if scores:
                figures.append(_histogram(scores, q["points"],
                                          f"{name} {q['name']} (of {q['points']:g})"))
        if figures:
            parts.append("<h3>Scores per question</h3><div class=\"figures\">" + "".join(figures)
                         + "</div>")
        mistakes, unanswered = collections.Counter(), collections.Counter()
        topics, questions = {}, collections.defaultdict(set)
        for t in graded:
            seen = set()
            for case in t["facts"].get("cases", []):
                d = case.get("diagnosis")
                if d and NOT_ANSWERED in (d.get("hint") or ""):
                    if case["question"] not in seen:
                        seen.add(case["question"])
                        unanswered[case["question"]] += 1
                elif d and d.get("hint") and d["hint"] not in seen:
                    seen.add(d["hint"])
                    mistakes[d["hint"]] += 1
                    topics[d["hint"]] = d.get("topic")
                    questions[d["hint"]].add(case["question"])
        parts.append("<h3>Most frequent mistakes</h3>")
        if mistakes:
            parts.append(_WIDE.format(f"most frequent mistakes, {e(name)}") +
                         "<table><thead><tr><th scope=\"col\">mistake</th>"
                         "<th scope=\"col\">question</th>"
                         "<th scope=\"col\">submissions</th><th scope=\"col\">share</th>"
                         "<th scope=\"col\">where it is taught</th></tr></thead><tbody>")
            for hint, n in mistakes.most_common(15):
                topic = topics.get(hint)
                where = (f'<a href="{e(site_url.rstrip("/") + "/" + topic.lstrip("/"))}">'
                         f'{e(section_name(topic))}</a>'
                         if topic and site_url else e(section_name(topic) if topic else "—"))
                parts.append(f"<tr><td>{e(hint)}</td>"
                             f"<td>{e(', '.join(sorted(questions[hint])))}</td>"
                             f"<td>{n}</td><td>{100 * n / len(graded):.0f}%</td>"
                             f"<td>{where}</td></tr>")
            parts.append("</tbody></table></div>")
        else:
            parts.append("<p>No recognised mistake.</p>")
        if unanswered:
            parts.append("<p>Not answered: "
                         + ", ".join(f"{e(q)} by {n}" for q, n in sorted(unanswered.items()))
                         + " submission(s) (not counted as mistakes).</p>")
        trouble = []
        for t in group:
            extra = t["result"].get("extra_data", {})
            who = e(extra.get("student") or t["who"]["name"])
            if extra.get("status") != "graded":
                trouble.append((who, f"{e(extra.get('status', ''))}: {e(extra.get('reason', ''))}"))
            for cell, why in (extra.get("skipped_cells") or {}).items():
                trouble.append((who, f"cell {e(cell)} skipped: {e(why)}"))
            for cell, what in (extra.get("cell_errors") or {}).items():
                if what.startswith("TimeoutError"):
                    trouble.append((who, f"cell {e(cell)} stopped: {e(what)}"))
        parts.append("<h3>Not graded, crashed or out of time</h3>")
        if trouble:
            parts.append(_WIDE.format(f"not graded, {e(name)}") +
                         "<table><thead><tr><th scope=\"col\">submission</th>"
                         "<th scope=\"col\">what happened</th></tr></thead><tbody>"
                         + "".join(f"<tr><td>{w}</td><td>{what}</td></tr>" for w, what in trouble)
                         + "</tbody></table></div>")
        else:
            parts.append("<p>None.</p>")
        accuracies = []
        for t in graded:
            for case in t["facts"].get("cases", []):
                m = ACCURACY.search(case.get("remark") or "")
                if m:
                    accuracies.append((t["result"]["extra_data"].get("student", ""),
                                       float(m.group(1))))
        if accuracies:
            parts.append("<h3>Held-out accuracy</h3><p>A network that never saw the held-out "
                         f"digits reads about 97% of them; {TOO_GOOD:g}% or more is flagged: it "
                         "was most likely trained on them (scikit-learn ships them), so read "
                         "that notebook.</p>"
                         + _WIDE.format(f"held-out accuracy, {e(name)}") +
                         "<table><thead><tr><th scope=\"col\">submission</th>"
                         "<th scope=\"col\">accuracy</th></tr></thead><tbody>")
            for who, acc in sorted(accuracies, key=lambda a: -a[1]):
                flag = ' <span class="flag">too good</span>' if acc >= TOO_GOOD else ""
                parts.append(f"<tr><td>{e(who)}</td><td>{acc:.1f}%{flag}</td></tr>")
            parts.append("</tbody></table></div>")
        parts.append("</section>")
    parts.append("</main></body></html>")
    with open(path, "w", encoding="utf-8", errors="backslashreplace") as f:
        f.write("\n".join(parts))
    return path
