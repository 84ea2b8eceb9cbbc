"""Build the whole book as one PDF: _build/pdf/book.pdf.

    python -m tools.build_pdf          # make pdf; log in _build/pdf/pdf.log

How: Jupyter Book's LaTeX builder writes the book as one LaTeX file, with every notebook
executed, and latexmk runs xelatex on it (Sphinx's own Makefile, `make all-pdf`). The TeX
programs and fonts come from Debian's TeX Live packages; when some are missing they are
installed with apt-get if this runs as root, otherwise the message says what to install.

Why LaTeX and not Chromium printing a single-page build (`--builder singlehtml`, then
Debian's Chromium with Playwright's page.pdf()): both were built from the same book and
compared. Chromium's 158 A4 pages clipped every code line wider than the page (the theme's
`pre` blocks scroll on screen, so print cuts them), showed each slider as an empty box (a
single-page build embeds no widget state) and split tall code cells into empty panels; it
held 41 images, the site's figures only. The LaTeX book has 129 pages (one-sided) and 51
images (the 41 figures and the starting pictures of the 10 sliders shown), wraps long code
lines, numbers chapters and sections as the site does, sets the maths with TeX, and has a
table of contents and PDF bookmarks. Build times were alike when measured together, both
executing every notebook: 114 s for Chromium (99 s Sphinx, 15 s printing), 133 s for LaTeX
(106 s Sphinx, 27 s xelatex).

The notebooks are executed once, by tools/build_book.py, into the jupyter-cache that the
website's build reads too; a LaTeX build that had to execute one itself fails. The PDF build
keeps its own Sphinx environment (_build/pdf/_build), apart from the website's
(_build/.doctrees): the LaTeX builder changes a setting Sphinx stores with the environment
(numfig_secnum_depth), so with a shared one every site build after a PDF build, and every PDF
build after a site build, would read every page again.

When the PDF exists, the next site build copies it to _build/html/book.pdf and links it from
every page's download menu (_ext/pdf_download.py).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import project  # the kernels' environment: inline figures, this project's kernelspec
from .build_book import build_fingerprint, execute_or_explain, executed_by_sphinx

ROOT = project.ROOT
OUT = ROOT / "_build" / "pdf"
LATEX_DIR = OUT / "_build" / "latex"
PDF = OUT / "book.pdf"
LOG = OUT / "pdf.log"
STAMP = OUT / ".pdf-inputs"

# Debian packages for xelatex with Sphinx's LaTeX writer: texlive-xetex (xelatex, and through
# its dependencies texlive-latex-extra: fncychap, ucharclasses, ...), the FreeFont fonts Sphinx
# picks for xelatex, and latexmk, which runs xelatex as often as the cross-references need.
DEBIAN_PACKAGES = ["texlive-xetex", "texlive-latex-extra", "texlive-fonts-recommended",
                   "fonts-freefont-otf", "latexmk"]
PROGRAMS = ["xelatex", "latexmk", "makeindex", "kpsewhich", "fc-list"]
LATEX_PACKAGES = ["fncychap.sty", "ucharclasses.sty", "unicode-math.sty", "changepage.sty",
                  "polyglossia.sty", "tabulary.sty", "capt-of.sty", "needspace.sty"]
FONTS = ["FreeSerif", "FreeSans", "FreeMono"]


def missing_tex() -> list[str]:
    """What of TeX (programs, LaTeX packages, fonts) this build needs and cannot find."""
    missing = [p for p in PROGRAMS if shutil.which(p) is None]
    if "kpsewhich" not in missing:
        found = subprocess.run(["kpsewhich", *LATEX_PACKAGES], capture_output=True,
                               text=True).stdout
        missing += [sty for sty in LATEX_PACKAGES if sty not in found]
    if "fc-list" not in missing:
        families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
        missing += [f"font {f}" for f in FONTS if f not in families.split()]
    return missing


def ensure_tex() -> bool:
    """Install the Debian packages when something is missing and this may (root, apt-get)."""
    missing = missing_tex()
    if not missing:
        return True
    print(f"TeX for the PDF is incomplete; missing: {', '.join(missing)}")
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"installing Debian packages: {' '.join(DEBIAN_PACKAGES)} (takes a minute or two)",
              flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *DEBIAN_PACKAGES]
        for cmd in (["apt-get", "update", "-q"], install):
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                print(proc.stdout[-2000:], proc.stderr[-2000:])
                print(f"'{' '.join(cmd)}' failed (exit {proc.returncode})")
                return False
        missing = missing_tex()
        if not missing:
            return True
        print(f"still missing after the install: {', '.join(missing)}")
        return False
    print("Install them and run 'make pdf' again. On Debian or Ubuntu, as root:\n"
          f"    apt-get install --no-install-recommends {' '.join(DEBIAN_PACKAGES)}\n"
          "Elsewhere: a TeX Live with xelatex, latexmk and the LaTeX packages above, and the "
          "GNU FreeFont fonts (FreeSerif, FreeSans, FreeMono).")
    return False


def run(cmd: list[str], log, **kwargs) -> int:
    print("$", " ".join(cmd), flush=True)
    log.write(f"$ {' '.join(cmd)}\n")
    log.flush()
    return subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, **kwargs).returncode


OVERFULL_LIMIT_PT = 5.0     # a line or page this much too big shows: text runs into the margin


def overfull_boxes(tex_log: str, limit: float = OVERFULL_LIMIT_PT) -> list[str]:
    """TeX's overfull boxes larger than `limit` points, each with where it is and what it holds."""
    found = []
    for m in re.finditer(r"^Overfull \\([hv])box \(([\d.]+)pt too (?:wide|high)\) (.*)\n(.*)",
                         tex_log, re.M):
        kind, size, where, content = m.groups()
        if float(size) > limit:
            found.append(f"overfull {kind}box, {float(size):.1f} pt too "
                         f"{'wide' if kind == 'h' else 'high'} {where.strip()}: "
                         f"{content.strip()[:100]}")
    return found


def latex_problems(tex_log: str) -> list[str]:
    """Characters the fonts lack (xelatex drops them from the page and only logs it), and boxes
    that stick out by more than OVERFULL_LIMIT_PT (text clipped at a table's edge or run into
    the margin)."""
    return (sorted(set(re.findall(r"Missing character: There is no .*", tex_log)))
            + overfull_boxes(tex_log))


def main() -> int:
    if not ensure_tex():
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    if not execute_or_explain():
        print("PDF build FAILED: a notebook does not run")
        return 1
    fingerprint = build_fingerprint()
    stale = not STAMP.is_file() or STAMP.read_text() != fingerprint
    jb = Path(sys.executable).with_name("jupyter-book")
    start = time.perf_counter()
    with open(LOG, "w") as log:
        rc = run([str(jb), "build", "--builder", "latex", "-W", "--keep-going",
                  "--path-output", str(OUT), *(["--all"] if stale else []), str(ROOT)],
                 log, cwd=ROOT, env=project.kernel_env())
        sphinx_seconds = time.perf_counter() - start
        problems = project.log_problems(LOG.read_text())
        problems += [f"ERROR {n}: executed by the LaTeX build, not taken from the cache"
                     for n in executed_by_sphinx(LOG.read_text())]
        if rc != 0 or problems:
            print("\n".join(problems) or LOG.read_text()[-3000:])
            print(f"LaTeX build FAILED (exit {rc}, {len(problems)} warnings); full log: {LOG}")
            return 1
        rc = run(["make", "all-pdf", "LATEXMKOPTS=-silent"], log, cwd=LATEX_DIR)
    seconds = time.perf_counter() - start
    tex_log = (LATEX_DIR / "book.log").read_text(errors="replace")
    problems = latex_problems(tex_log)
    if rc != 0 or problems or not (LATEX_DIR / "book.pdf").is_file():
        errors = re.findall(r"^!.*(?:\n.*){0,3}", tex_log, flags=re.M)
        print("\n".join(problems + errors[:5]) or LOG.read_text()[-3000:])
        print(f"xelatex FAILED (exit {rc}); logs: {LOG}, {LATEX_DIR / 'book.log'}")
        return 1
    shutil.copyfile(LATEX_DIR / "book.pdf", PDF)
    STAMP.write_text(fingerprint)
    pages = re.findall(r"Output written on book\.\w+ \((\d+) pages", tex_log)
    print(f"PDF OK in {seconds:.0f} s (Sphinx {sphinx_seconds:.0f} s, xelatex "
          f"{seconds - sphinx_seconds:.0f} s): {PDF.relative_to(ROOT)}, "
          f"{pages[-1] if pages else '?'} pages, {PDF.stat().st_size / 1e6:.1f} MB")
    print("The next 'make book' links it from the site (_build/html/book.pdf).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
