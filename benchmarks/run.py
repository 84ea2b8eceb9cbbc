"""Run the benchmark suite and write benchmarks/results.json and benchmarks/results.md.

    python -m benchmarks.run                  # what `make bench` runs (about 3-4 minutes)
    python -m benchmarks.run --make-test      # also time `make test` (several minutes more)
    python -m benchmarks.run --skip-book      # only the training benchmarks
    python -m benchmarks.run --lighthouse     # also Lighthouse's mobile scores of each chapter
    python -m benchmarks.run --quick          # fewer repeats and a smaller big-MLP set (smoke test)
    python -m benchmarks.run --threads 1      # limit numpy's BLAS (and torch) to 1 thread

The page-weight table (benchmarks/bench_pages.py) weighs the site last built in _build/html
(make book); without one it keeps the previous figures.

When numpy's BLAS runs several threads, the big MLP (and float64 vs float32) is measured twice:
with the threads as found (wall time, the figure the targets are about) and with one BLAS
thread (the process's CPU time, which a busy shared machine disturbs much less).

Benchmarks that are not run this time (the book with --skip-book, `make test` without
--make-test) keep their previous figures from results.json, marked with the date they were
measured, so the tables always show the latest measurement of everything.
results.md is generated: edit this script, not the table.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
import time
from pathlib import Path

from . import bench_book, bench_grading, bench_mlp, bench_pages
from .common import MachineShare, environment, load_average, numpy_blas_threads, optional

HERE = Path(__file__).resolve().parent

RESULTS_JSON = HERE / "results.json"
RESULTS_MD = HERE / "results.md"

TARGETS = {
    "new/baseline": 1.05,   # today's mlp against the baseline commit, big epoch and small step
    # the three speed targets, each a ratio measured in one process in one run
    "big_mlp/torch": 1.0, "big_mlp/floor": 1.4, "small/torch": 0.3,
    "big_mlp/sklearn": 0.7, "small_us_per_step": 30.0,
    "notebook_s": bench_book.NOTEBOOK_TARGET_S, "book_s": bench_book.BOOK_TARGET_S,
    "make_test_s": bench_book.MAKE_TEST_TARGET_S, "grading_s": bench_grading.TARGET_S,
}


def _previous() -> dict:
    try:
        return json.loads(RESULTS_JSON.read_text())
    except (OSError, ValueError):
        return {}


def _carry(previous: dict, key: str) -> dict | None:
    """A result from the previous run, stamped with when it was measured."""
    old = previous.get("results", {}).get(key)
    if old is None:
        return None
    old = dict(old)
    old.setdefault("measured_at", previous.get("date"))
    old["carried_over"] = True
    return old


# -- Markdown -----------------------------------------------------------------------------------

def _lighthouse_carried(previous: dict) -> dict:
    """Lighthouse's scores from the previous run, with the date they were measured, for a run
    without --lighthouse (which weighs the pages again but does not start Lighthouse)."""
    old = previous.get("results", {}).get("pages") or {}
    if not old.get("lighthouse"):
        return {}
    return {"lighthouse": old["lighthouse"],
            "lighthouse_measured_at": old.get("lighthouse_measured_at")
            or old.get("measured_at") or previous.get("date")}


def _range(s: dict, unit: str, digits: int = 1) -> str:
    return f"{s['median']:.{digits}f} {unit} [{s['min']:.{digits}f}–{s['max']:.{digits}f}]"


def _verdict(value, target, lower_is_better=True) -> str:
    if value is None:
        return "–"
    ok = value <= target if lower_is_better else value >= target
    return "met" if ok else f"missed by {100 * (value / target - 1):.0f}%"


def _blas_line(env: dict) -> str:
    parts = []
    for lib in env.get("blas", []):
        if lib.get("user_api") == "blas":
            parts.append(f"{lib.get('internal_api')} {lib.get('version')} "
                         f"({lib.get('architecture')} kernels, {lib.get('num_threads')} threads)")
    return "; ".join(parts) or "unknown (threadpoolctl not installed)"


def _big_rows(big: dict, label: str) -> list[str]:
    ms, ra = big["ms_per_epoch"], big["ratios"]
    clock = "CPU time" if big.get("clock") == "cpu" else "wall time"
    target = TARGETS["big_mlp/floor"]
    rows = [
        f"| big MLP, {label}: `mlp` training epoch ({clock}) | {_range(ms['mlp'], 'ms')} | "
        f"{ra['mlp/floor']:.2f}× the product floor ({_range(ms['floor'], 'ms')}); fastest repeats: "
        f"{ra['best mlp/floor']:.2f}× | ≤ {target}× | {_verdict(ra['mlp/floor'], target)} |",
        f"| big MLP, {label}: the same epoch hand-written in numpy | {_range(ms['numpy'], 'ms')} | "
        f"{ra['numpy/floor']:.2f}× the floor (fastest repeats: {ra['best numpy/floor']:.2f}×); "
        f"`mlp` is {ra['mlp/numpy']:.2f}× this | report | – |",
    ]
    if "fit" in ms:
        rows.append(f"| big MLP, {label}: `mlp.fit(epochs=1)`, with its checks and History "
                    f"evaluation | {_range(ms['fit'], 'ms')} | {ra['fit/floor_fit']:.2f}× the "
                    f"floor with the evaluation products ({ms['floor_fit']['median']:.1f} ms) | "
                    "report | – |")
    return rows


def _threads_label(res: dict, options: dict) -> str:
    n = res["threads"]
    if options.get("threads") is not None:
        how = ", set by --threads"
    else:
        how = "" if res.get("clock") == "cpu" and n == 1 else ", as found"
    return f"{n} BLAS thread{'s' if n != 1 else ''}{how}"


def _reading(r: dict, options: dict) -> list[str]:
    """Generated remarks: what the ratios say, and what limits the targets on this machine."""
    out = []
    small = r.get("small_mlp")
    if small:
        # CPU times: a busy machine stretches the wall times of these single-threaded loops
        cpu, calls = small["cpu_us_per_step"], small["numpy_calls_per_step"]
        per_call = cpu["numpy"]["median"] / calls
        bare = small["cpu_bare_call_us"]["median"]
        target = TARGETS["small_us_per_step"]
        out.append(
            f"- Small MLP: the hand-written numpy step makes {calls} numpy calls and takes "
            f"{cpu['numpy']['median']:.1f} µs of CPU time, {per_call:.2f} µs per call; the "
            f"cheapest numpy call (an in-place add on a 32×16 array) takes {bare:.2f} µs here. "
            f"`mlp` ({cpu['mlp']['median']:.1f} µs) adds "
            f"{100 * (cpu['mlp']['median'] / cpu['numpy']['median'] - 1):.0f}% to the "
            "hand-written step.")
        if calls * bare > target:
            out.append(
                f"- The {target:.0f} µs target needs at most {target / calls:.2f} µs per call: "
                f"{calls} calls at this machine's cheapest call already take "
                f"{calls * bare:.0f} µs, so no numpy implementation of this step can meet it here.")
    for key in ("big_mlp", "big_mlp_1thread"):
        big = r.get(key)
        if big:
            label = _threads_label(big, options)
            ra, ms = big["ratios"], big["ms_per_epoch"]
            spread = max(ms[k]["max"] / ms[k]["min"] for k in ("mlp", "numpy", "floor"))
            if spread > 1.5:
                out.append(
                    f"- Big MLP ({label}): the repeats of one implementation differ by up to "
                    f"{spread:.1f}×: other programs held the CPUs during this measurement, so its "
                    "medians are not reliable (the fastest repeats are steadier; with several BLAS "
                    "threads one busy core stalls every product).")
                continue
            out.append(
                f"- Big MLP ({label}): the hand-written numpy epoch is {ra['numpy/floor']:.2f}× "
                f"the product floor and `mlp` {ra['mlp/numpy']:.2f}× the hand-written epoch. The "
                "gap to the floor is the element-wise work (batch copy, bias adds, ReLU and its "
                "derivative, softmax, bias gradients, the SGD update), each a separate pass over "
                "memory in numpy.")
            target = TARGETS["big_mlp/floor"]
            if ra["numpy/floor"] > target and ra["best numpy/floor"] > target:
                out.append(
                    f"- Big MLP ({label}): even the hand-written epoch misses ≤ {target}× the "
                    f"floor (median {ra['numpy/floor']:.2f}×, fastest repeats "
                    f"{ra['best numpy/floor']:.2f}×): numpy runs each element-wise pass on one "
                    "core while the products use every BLAS thread, so no numpy implementation of "
                    "this epoch meets that target here.")
    return out


def _spread(times: dict, *names) -> float:
    """The largest max/min over the repeats of the named implementations."""
    return max(times[k]["max"] / times[k]["min"] for k in names)


def _headline(r: dict, options: dict) -> list[str]:
    """The three speed targets, as measured in this run (each ratio within one process)."""
    big, small = r.get("big_mlp"), r.get("small_mlp")
    if not big or not small:
        return []
    lines = ["The three targets. Each ratio compares medians measured in the same process in this "
             "run; beside it, the ratio of the fastest repeats, the ones other programs disturbed "
             "least. The big MLP is measured twice: with numpy's BLAS threads as found (wall time; "
             "torch gets as many threads) and with one thread each (CPU time, which a busy shared "
             "machine disturbs much less).", "",
             "| target | `mlp` | reference | ratio | target | verdict |",
             "|---|---|---|---|---|---|"]
    rows = []
    for key in ("big_mlp", "big_mlp_1thread"):
        run = r.get(key)
        if run:
            label = _threads_label(run, options)
            clock = "CPU time" if run.get("clock") == "cpu" else "wall time"
            rows.append((f"big MLP epoch / PyTorch CPU ({label}, {clock})", run["ms_per_epoch"],
                         run["ratios"], run["notes"], "torch", "mlp/torch", "big_mlp/torch", "ms"))
    for key in ("big_mlp", "big_mlp_1thread"):
        run = r.get(key)
        if run:
            label = _threads_label(run, options)
            clock = "CPU time" if run.get("clock") == "cpu" else "wall time"
            rows.append((f"big MLP epoch / matrix-product floor ({label}, {clock})",
                         run["ms_per_epoch"], run["ratios"], run["notes"], "floor", "mlp/floor",
                         "big_mlp/floor", "ms"))
    cpu_ratios = {"mlp/torch": small["ratios"].get("cpu mlp/torch"),
                  "best mlp/torch": small["ratios"].get("best cpu mlp/torch")}
    rows.append(("small MLP step / PyTorch CPU (one thread each, CPU time)",
                 small["cpu_us_per_step"], cpu_ratios, small["notes"], "torch", "mlp/torch",
                 "small/torch", "µs"))
    for what, times, ratios, notes, ref, ratio, target, unit in rows:
        if ref not in times:
            lines.append(f"| {what} | {_range(times['mlp'], unit)} | "
                         f"{notes.get(ref, 'not run')} | – | ≤ {TARGETS[target]} | not measured |")
            continue
        fastest = ratios.get("best " + ratio)
        spread = _spread(times, "mlp", ref)
        verdict = _verdict(ratios[ratio], TARGETS[target]) if spread <= 1.5 else \
            f"not reliable: repeats differ by up to {spread:.1f}× (busy machine)"
        lines.append(f"| {what} | {_range(times['mlp'], unit)} | "
                     f"{ref} {_range(times[ref], unit)} | **{ratios[ratio]:.2f}**"
                     f"{f' (fastest repeats: {fastest:.2f})' if fastest else ''} | "
                     f"≤ {TARGETS[target]} | {verdict} |")
    libs = ["numpy: "
            f"{_blas_line({'blas': [big['numpy_blas']]}) if big.get('numpy_blas') else 'unknown'}"]
    tb = big.get("torch_build")
    if tb:
        libs.append(f"torch {tb['version']}: {tb['blas']}, {tb['cpu_capability']} kernels, "
                    f"{tb['threads']} threads")
    lines += ["", "The libraries that computed them (numpy's BLAS from threadpoolctl, torch's from "
              "its build report): " + "; ".join(libs) + "."]
    return lines


def _profile_rows(prof: dict | None) -> list[str]:
    """Where the big epoch's time goes: mlp's own lines, from line_profiler."""
    lines = ["", "### Where the big epoch's time goes", ""]
    if not prof or "lines" not in prof:
        return lines + [(prof or {}).get("note", "Not measured in this run.")]
    total, products = prof["us_per_step"], prof["products_us_per_step"]
    lines += [f"{prof['what']}: {total:.0f} µs per step, of which the matrix products (lines "
              f"marked ×) take {products:.0f} µs ({100 * products / total:.0f}%). Each line that "
              "does work itself, with its time per training step; a line that calls another "
              "profiled function is counted in that function.", "",
              "| line | code | µs per step | share of the epoch |", "|---|---|---|---|"]
    for row in prof["lines"]:
        mark = " ×" if row["product"] else ""
        code = row["code"].split("  #")[0].replace("|", "\\|")
        lines.append(f"| {row['where']}{mark} | `{code}` | {row['us_per_step']:.1f} | "
                     f"{100 * row['share']:.1f}% |")
    rest = prof["other_lines"]
    lines.append(f"| {rest['count']} other lines (each under 1%) | | {rest['us_per_step']:.1f} | "
                 f"{100 * rest['us_per_step'] / total:.1f}% |")
    lines.append(f"| the profiler's own cost and loop overhead | | "
                 f"{prof['unattributed_us_per_step']:.1f} | "
                 f"{100 * prof['unattributed_us_per_step'] / total:.1f}% |")
    return lines


def _baseline_rows(base: dict | None) -> list[str]:
    """Today's mlp against mlp before its second pass, measured in the same process."""
    lines = ["", "### Against `mlp` before its second pass", ""]
    if not base or "ratios" not in base:
        return lines + [(base or {}).get("note", "Not measured in this run.")]
    target, ra = TARGETS["new/baseline"], base["ratios"]
    clock = "CPU time" if base["clock"] == "cpu" else "wall time"
    lines += [f"{base['what']}; {base['threads']} BLAS "
              f"thread{'s' if base['threads'] != 1 else ''}, {clock}. The ratio is the median of "
              "the ratios of adjacent repeats, with [min–max].", "",
              "| benchmark | now | before | now / before | target | verdict |",
              "|---|---|---|---|---|---|"]
    for net, key, unit in (("big", "big_ms_per_epoch", "ms"), ("small", "small_us_per_step", "µs")):
        what = "big MLP training epoch" if net == "big" else "small MLP training step"
        t, q = base[key], ra[f"{net} new/old"]
        lines.append(f"| {what} | {_range(t['new'], unit)} | {_range(t['old'], unit)} | "
                     f"{q['median']:.3f} [{q['min']:.3f}–{q['max']:.3f}] | ≤ {target} | "
                     f"{_verdict(q['median'], target)} |")
    return lines


def markdown(res: dict) -> str:
    env, r = res["environment"], res["results"]
    v = env["versions"]
    machine = res.get("machine", {})
    share = machine.get("others_cpu_share")
    load_end = machine.get("load_average_at_end")
    others = (f"; other programs used {100 * share:.0f}% of the CPUs during the run"
              if share is not None else "")
    variables = ", ".join(f"{k}={val}" for k, val in env["env"].items()) or "no BLAS variables set"
    lines = [
        "## Latest benchmark run",
        "",
        f"Measured {res['date']} by `make bench` on {env['cpu']} ({env['cpu_count']} CPUs, "
        f"load average {env['load_average_at_start'][0] if env['load_average_at_start'] else '?'} "
        f"at the start and {load_end[0] if load_end else '?'} at the end"
        f"{others}), "
        f"Python {env['python']}, numpy {v['numpy']}, BLAS: {_blas_line(env)}. "
        f"Environment: {variables}. "
        "Times are medians over interleaved repeats after a warm-up, with [min–max]; ratios "
        "compare medians measured in the same process. The machine is shared, so absolute times "
        "vary from run to run; the ratios are the stable figures. With one BLAS thread the CPU "
        "time of the process is reported, which leaves out the time spent waiting for a core held "
        "by another program.",
        "",
        "### Training speed",
        "",
    ]
    headline = _headline(r, res.get("options", {}))
    if headline:
        lines += headline + [""]
    lines += [
        "| benchmark | measured | ratio | target | verdict |",
        "|---|---|---|---|---|",
    ]
    big = r.get("big_mlp")
    if big:
        lines += _big_rows(big, _threads_label(big, res.get("options", {})))
        ms, ra = big["ms_per_epoch"], big["ratios"]
        for other, key in (("torch", "big_mlp/torch"), ("sklearn", "big_mlp/sklearn")):
            if other in ms:
                lines.append(f"| big MLP: `mlp` / {other} ({_range(ms[other], 'ms')}) | | "
                             f"{ra['mlp/' + other]:.2f} | ≤ {TARGETS[key]} | "
                             f"{_verdict(ra['mlp/' + other], TARGETS[key])} |")
            else:
                lines.append(f"| big MLP: `mlp` / {other} | "
                             f"{big['notes'].get(other, 'not run')} | – | "
                             f"≤ {TARGETS[key]} | not measured |")
    big1 = r.get("big_mlp_1thread")
    if big1:
        lines += _big_rows(big1, _threads_label(big1, res.get("options", {})))
    small = r.get("small_mlp")
    if small:
        us, ra, cpu = small["us_per_step"], small["ratios"], small["cpu_us_per_step"]
        lines.append(f"| small MLP: `mlp` training step | {_range(us['mlp'], 'µs')} "
                     f"(CPU time {cpu['mlp']['median']:.1f} µs) | "
                     f"{ra['mlp/floor']:.1f}× its 5 products ({us['floor']['median']:.1f} µs) | "
                     f"≤ {TARGETS['small_us_per_step']:.0f} µs | "
                     f"{_verdict(us['mlp']['median'], TARGETS['small_us_per_step'])} |")
        lines.append(f"| small MLP: the same step hand-written in numpy "
                     f"({small['numpy_calls_per_step']} numpy calls) | {_range(us['numpy'], 'µs')} "
                     f"(CPU time {cpu['numpy']['median']:.1f} µs) | "
                     f"`mlp` is {ra['mlp/numpy']:.2f}× this | report | – |")
        lines.append(f"| small MLP: the cheapest numpy call (in-place add, 32×16 float32) | "
                     f"{_range(small['bare_call_us'], 'µs', 2)} | | report | – |")
        lines.append(f"| small MLP: `mlp.fit` per step, with its History evaluation | "
                     f"{_range(us['fit'], 'µs')} | | report | – |")
        if "torch" in us:
            lines.append(f"| small MLP: `mlp` / torch ({_range(us['torch'], 'µs')}) | | "
                         f"{ra['mlp/torch']:.2f} | ≤ {TARGETS['small/torch']} | "
                         f"{_verdict(ra['mlp/torch'], TARGETS['small/torch'])} |")
        else:
            lines.append(f"| small MLP: `mlp` / torch | {small['notes'].get('torch', 'not run')} | "
                         f"– | ≤ {TARGETS['small/torch']} | not measured |")
        if "sklearn" in us:
            lines.append(f"| small MLP: `mlp` / sklearn ({_range(us['sklearn'], 'µs')}) | | "
                         f"{ra['mlp/sklearn']:.2f} | report | – |")
    for key in ("precision", "precision_1thread"):
        prec = r.get(key)
        if prec:
            ms = prec["ms_per_epoch"]
            clock = "CPU time" if prec.get("clock") == "cpu" else "wall time"
            lines.append(f"| big MLP epoch, {prec['threads']} BLAS "
                         f"thread{'s' if prec['threads'] != 1 else ''} "
                         f"({clock}): float64 ({_range(ms['float64'], 'ms')}) vs float32 "
                         f"({_range(ms['float32'], 'ms')}) | | "
                         f"{prec['ratios']['float64/float32']:.2f}× | report | – |")
    for key in ("big_mlp", "small_mlp", "precision"):
        if r.get(key):
            lines.append("")
            lines.append(f"- {key.replace('_', ' ')}: {r[key]['what']}.")
    reading = _reading(r, res.get("options", {}))
    if reading:
        lines += ["", "What the figures say:", ""] + reading
    lines += _profile_rows(r.get("profile"))
    lines += _baseline_rows(r.get("baseline"))
    lines += ["", "### Book execution", ""]
    bk = r.get("book")
    if bk:
        when = f" (measured {bk['measured_at']})" if bk.get("carried_over") else ""
        lines += [f"Each notebook on a fresh kernel{when}; a kernel that starts, runs one empty "
                  f"cell and shuts down costs {bk['kernel_fixed_cost_s']:.1f} s of every figure.",
                  "", "| notebook | code cells | seconds | target | verdict |",
                  "|---|---|---|---|---|"]
        for nb in bk["notebooks"]:
            verdict = (f"error: {nb['error']}" if nb["error"]
                       else _verdict(nb["seconds"], TARGETS["notebook_s"]))
            lines.append(f"| `{nb['notebook']}` | {nb['code_cells']} | {nb['seconds']:.1f} | "
                         f"≤ {TARGETS['notebook_s']:.0f} s | {verdict} |")
        lines.append(f"| **whole book** ({len(bk['notebooks'])} notebooks, one after another) | | "
                     f"**{bk['total_seconds']:.1f}** | ≤ {TARGETS['book_s']:.0f} s | "
                     f"{_verdict(bk['total_seconds'], TARGETS['book_s'])}"
                     f"{'' if bk['all_ran'] else ' (not every notebook ran)'} |")
    else:
        lines.append("Not measured yet: run `make bench`.")
    lines += ["", "### Grading", ""]
    gr = r.get("grading")
    if gr:
        when = f" (measured {gr['measured_at']})" if gr.get("carried_over") else ""
        lines += [f"One submission graded end to end, as `make grade` does it: a judge process and "
                  f"the notebook in the sandbox ({gr['sandbox']}){when}; every exercise's solution "
                  "and untouched student notebook, one at a time.", "",
                  "| exercise | median seconds per submission | target | verdict |",
                  "|---|---|---|---|"]
        for name, seconds in gr["per_exercise_median_s"].items():
            target = bench_grading.PROJECT_TARGET_S.get(name)
            lines.append(f"| {name} | {seconds:.2f} | "
                         f"{f'≤ {target:.0f} s' if target else 'report'} | "
                         f"{_verdict(seconds, target) if target else '–'} |")
        lines.append(f"| **honest submissions (the solutions)** | **{gr['median_s']:.2f}** | "
                     f"≤ {TARGETS['grading_s']:.0f} s | "
                     f"{_verdict(gr['median_s'], TARGETS['grading_s'])} |")
        if "median_all_s" in gr:
            lines.append(f"| all {gr['n']} (solutions and stubs) | {gr['median_all_s']:.2f} "
                         f"(slowest {gr['max_s']:.2f}) | report | – |")
    else:
        lines.append("Not measured yet: run `make bench`.")
    lines += _pages_rows(r.get("pages"))
    lines += ["", "### Test suite", ""]
    mt = r.get("make_test")
    if mt:
        when = f", measured {mt['measured_at']}" if mt.get("carried_over") else ""
        status = "passed" if mt["passed"] else f"FAILED (exit {mt['returncode']})"
        lines.append(f"`make test`: {mt['seconds']:.0f} s ({mt['seconds'] / 60:.1f} min, "
                     f"{status}{when}); target ≤ {TARGETS['make_test_s'] / 60:.0f} min: "
                     f"{_verdict(mt['seconds'], TARGETS['make_test_s'])}.")
    else:
        lines.append("`make test` has not been timed yet: "
                     "run `python -m benchmarks.run --make-test`.")
    return "\n".join(lines) + "\n"


def _pages_rows(pages: dict | None) -> list[str]:
    """The page-weight table (and Lighthouse's scores, when measured)."""
    lines = ["", "### Page weight", ""]
    if not pages or "rows" not in pages:
        return lines + [(pages or {}).get("note",
                                          "Not measured yet: run `make book`, then `make bench`.")]
    when = f" (measured {pages['measured_at']})" if pages.get("carried_over") else ""
    about = bench_pages.__doc__.split(chr(10) + chr(10))
    lines += [f"{about[2].strip()} {about[3].strip()}{when}", "",
              bench_pages.table(pages["rows"])]
    if pages.get("lighthouse"):
        lh_when = (f" (measured {pages['lighthouse_measured_at']}; `make bench LIGHTHOUSE=1` "
                   "measures them again)" if pages.get("lighthouse_measured_at") else "")
        lines += ["", "Lighthouse, mobile (simulated slow 4G and a 4x slower CPU), each "
                  f"chapter{lh_when}:", "", bench_pages.lighthouse_table(pages["lighthouse"])]
    return lines


# -- main ---------------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer repeats, 2,000 big-MLP samples")
    ap.add_argument("--skip-book", action="store_true", help="do not execute the notebooks")
    ap.add_argument("--skip-grading", action="store_true", help="do not time grading")
    ap.add_argument("--make-test", action="store_true", help="also time `make test` (minutes)")
    ap.add_argument("--skip-pages", action="store_true", help="do not weigh the built site's pages")
    ap.add_argument("--lighthouse", action="store_true",
                    help="also run Lighthouse on every chapter")
    ap.add_argument("--threads", type=int, default=None,
                    help="limit BLAS threads (default: as found)")
    ap.add_argument("--no-write", action="store_true", help="print the Markdown, write nothing")
    args = ap.parse_args(argv)

    limit = contextlib.nullcontext()
    if args.threads is not None:
        tpc = optional("threadpoolctl")
        if tpc is None:
            ap.error("--threads needs threadpoolctl (pip install threadpoolctl)")
        limit = tpc.threadpool_limits(args.threads)

    previous = _previous()
    start = time.perf_counter()
    share = MachineShare().start()
    results: dict = {}
    with limit:
        env = environment()
        print(f"BLAS: {_blas_line(env)}; load average {env['load_average_at_start']}", flush=True)
        found = numpy_blas_threads() or 1
        reps = 3 if args.quick else 5
        n_big = 2_000 if args.quick else 10_000
        print(f"1/5 big MLP (784-256-128-10), {found} BLAS thread(s) ...", flush=True)
        # several BLAS threads on a shared machine: some repeats stall, so take more of them
        results["big_mlp"] = bench_mlp.big_mlp(repeats=reps if found == 1 else 3 * reps, n=n_big,
                                               clock="cpu" if found == 1 else "wall")
        ra = results["big_mlp"]["ratios"]
        print(f"    mlp/floor = {ra['mlp/floor']:.2f}"
              + (f", mlp/torch = {ra['mlp/torch']:.2f}" if "mlp/torch" in ra else
                 f"; {results['big_mlp']['notes'].get('torch', '')}"), flush=True)
        print("    line profile of mlp's epoch ...", flush=True)
        results["profile"] = bench_mlp.profile(epochs=2 if args.quick else 3, n=n_big)
        if found > 1:
            print("    again with 1 BLAS thread, CPU time ...", flush=True)
            results["big_mlp_1thread"] = bench_mlp.big_mlp(repeats=reps, n=n_big, threads=1,
                                                           clock="cpu", extras=("torch",))
            ra = results["big_mlp_1thread"]["ratios"]
            print(f"    mlp/floor = {ra['mlp/floor']:.2f}"
                  + (f", mlp/torch = {ra['mlp/torch']:.2f}" if "mlp/torch" in ra else ""),
                  flush=True)
        print("2/5 small MLP (2-16-1) ...", flush=True)
        results["small_mlp"] = bench_mlp.small_mlp(repeats=reps)
        print(f"    mlp = {results['small_mlp']['us_per_step']['mlp']['median']:.1f} us/step"
              + (f", mlp/torch = {results['small_mlp']['ratios']['mlp/torch']:.2f}"
                 if "mlp/torch" in results["small_mlp"]["ratios"] else ""), flush=True)
        print("    against mlp before its second pass (baseline commit), 1 BLAS thread ...",
              flush=True)
        results["baseline"] = bench_mlp.against_baseline(repeats=5 if args.quick else 11,
                                                         n=n_big)
        if "ratios" in results["baseline"]:
            ra = results["baseline"]["ratios"]
            print(f"    now/before: big epoch {ra['big new/old']['median']:.3f}, "
                  f"small step {ra['small new/old']['median']:.3f}", flush=True)
        else:
            print(f"    {results['baseline']['note']}", flush=True)
        print("3/5 float64 vs float32 ...", flush=True)
        prec_reps = 2 if args.quick else 3
        results["precision"] = bench_mlp.precision(repeats=prec_reps, n=n_big,
                                                   clock="cpu" if found == 1 else "wall")
        if found > 1:
            results["precision_1thread"] = bench_mlp.precision(repeats=prec_reps, n=n_big,
                                                               threads=1, clock="cpu")
        print(f"    float64/float32 = {results['precision']['ratios']['float64/float32']:.2f}",
              flush=True)
    machine = {"others_cpu_share": share.stop(), "load_average_at_end": load_average()}
    if args.skip_book:
        print("4/5 book execution: skipped (--skip-book)", flush=True)
        results["book"] = _carry(previous, "book")
    else:
        print("4/5 book execution, one fresh kernel per notebook ...", flush=True)
        results["book"] = bench_book.book()
        print(f"    whole book {results['book']['total_seconds']:.1f} s", flush=True)
    if args.skip_grading:
        print("grading: skipped (--skip-grading)", flush=True)
        results["grading"] = _carry(previous, "grading")
    else:
        print("grading: every exercise's solution and stub, one at a time ...", flush=True)
        results["grading"] = bench_grading.run(progress=lambda line: None)
        print(f"    median {results['grading']['median_s']:.2f} s per submission", flush=True)
    if args.skip_pages or not (bench_pages.SITE / "index.html").is_file():
        why = "--skip-pages" if args.skip_pages else "no site built in _build/html"
        print(f"page weight: skipped ({why})", flush=True)
        results["pages"] = _carry(previous, "pages")
    else:
        print("page weight: every page on a phone, scrolled to the bottom ...", flush=True)
        rows = bench_pages.measure()
        results["pages"] = {"rows": rows,
                            "all_within_budget": all(r["bytes"] <= r["budget"] for r in rows)}
        if args.lighthouse:
            chapters = [r["page"] for r in rows if r["page"].startswith("chapters/")]
            results["pages"]["lighthouse"] = bench_pages.lighthouse(chapters)
        else:
            results["pages"].update(_lighthouse_carried(previous))
        print(bench_pages.table(rows), flush=True)
    if args.make_test:
        print("5/5 make test ...", flush=True)
        results["make_test"] = bench_book.make_test()
        print(f"    {results['make_test']['seconds']:.0f} s", flush=True)
    else:
        print("5/5 make test: not timed (add --make-test)", flush=True)
        results["make_test"] = _carry(previous, "make_test")

    out = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "options": {"quick": args.quick, "threads": args.threads},
        "environment": env,
        "machine": machine,
        "targets": TARGETS,
        "results": {k: v for k, v in results.items() if v is not None},
        "seconds": time.perf_counter() - start,
    }
    md = markdown(out)
    if args.no_write:
        print(md)
    else:
        RESULTS_JSON.write_text(json.dumps(out, indent=1, default=float) + "\n")
        RESULTS_MD.write_text(md)
        print(md)
        print(f"wrote {RESULTS_JSON.relative_to(HERE.parent)} and "
              f"{RESULTS_MD.relative_to(HERE.parent)} in {out['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
