"""The book as one PDF (make pdf, tools/build_pdf.py) and the pieces that make it.

The PDF is built in its own CI step (make pdf test-pdf), not by make test, so the tests that
read it skip when it is missing or older than its sources, unless REQUIRE_PDF=1 (set by make
test-pdf) makes that a failure. The rest (which output LaTeX picks for a widget, the numbering
of parts, the download link, the TeX install) run everywhere.
"""
from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
import yaml

from tools import build_book, build_pdf, config

ROOT = Path(__file__).resolve().parents[2]
PDF = ROOT / "_build" / "pdf" / "book.pdf"
PDF_BUILD = ROOT / "_build" / "pdf" / "_build"
SITE = ROOT / "_build" / "html"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# What a widget prints where no widget can be drawn: its text repr.
WIDGET_REPR = re.compile(r"VBox\(|children=|(?<![\w.])(?:IntSlider|SelectionSlider|FloatSlider)\(")


# --- the chapters, as the site numbers them --------------------------------------------------
def numbered_chapters() -> list[Path]:
    """The notebooks of _toc.yml's numbered parts, in order: chapter 1, 2, ..."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] if part.get("numbered")
             for c in part["chapters"]]
    return [ROOT / f"{f}.ipynb" for f in files]


def headings(nb_path: Path, level: int) -> list[str]:
    """Markdown headings of one level, in order, outside fenced code."""
    found = []
    for cell in nbformat.read(nb_path, as_version=4).cells:
        if cell.cell_type != "markdown":
            continue
        fenced = False
        for line in cell.source.splitlines():
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
            elif not fenced and re.match(rf"#{{{level}}}\s", line):
                found.append(line[level:].strip())
    return found


def plain(markdown: str) -> str:
    """The leading plain text of a heading: up to its first maths or code (typeset differently)."""
    return re.split(r"[$`*]", markdown)[0].strip()


QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def normal(text: str) -> str:
    """Text as compared here: ligatures split (NFKC), typographic quotes made straight (the
    book's typesetting curls them), runs of whitespace made one space."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTES)
    return re.sub(r"\s+", " ", text).strip()


def squash(text: str) -> str:
    """Text without whitespace, case-folded: headings are set in capitals or bold, where the
    text layer often has no spaces between words."""
    return re.sub(r"\s+", "", normal(text)).casefold()


# --- the PDF ----------------------------------------------------------------------------------
class Book:
    def __init__(self, path: Path):
        import pypdf

        self.reader = pypdf.PdfReader(path)
        self.pages = [normal(p.extract_text() or "") for p in self.reader.pages]
        self.text = " ".join(self.pages)
        # the table of contents: the front pages numbered i, ii, ...
        listing = [i for i, p in enumerate(self.pages[:12]) if re.search(r"\s[ivx]+$", p)]
        self.contents = " ".join(self.pages[i] for i in listing)
        self.body = " ".join(p for i, p in enumerate(self.pages) if i not in listing)

    def uris(self) -> set[str]:
        """Every external link (URI annotation) of the PDF."""
        found = set()
        for page in self.reader.pages:
            for annot in page.get("/Annots") or []:
                action = annot.get_object().get("/A")
                if action is not None and action.get("/URI"):
                    found.add(str(action["/URI"]))
        return found

    def internal_links(self, index: int) -> int:
        """Links on a page that go to a place in the PDF."""
        count = 0
        for annot in self.reader.pages[index].get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if annot.get("/Dest") is not None or (action is not None
                                                  and action.get("/S") == "/GoTo"):
                count += 1
        return count

    def images_on(self, first: int, last: int) -> int:
        return sum(len(self.reader.pages[i].images) for i in range(first, last))

    def bookmarks(self) -> list[tuple[str, int, int]]:
        """(title, depth, page index) of every bookmark, in order."""
        out = []

        def walk(items, depth):
            for item in items:
                if isinstance(item, list):
                    walk(item, depth + 1)
                else:
                    out.append((normal(item.title), depth,
                                self.reader.get_destination_page_number(item)))

        walk(self.reader.outline, 0)
        return out


def pdf_state() -> str | None:
    """Why the PDF cannot be checked (missing, or older than mlp/_ext/the configuration or the
    notebooks' outputs), or None when it is current."""
    if not PDF.is_file():
        return "the PDF is not built"
    if (not build_pdf.STAMP.is_file()
            or build_pdf.STAMP.read_text() != build_book.build_fingerprint()):
        return "the PDF is older than the sources it is built from"
    return None


@pytest.fixture(scope="module")
def book() -> Book:
    reason = pdf_state()
    if reason:
        if os.environ.get("REQUIRE_PDF") == "1":
            pytest.fail(f"{reason}: run 'make pdf'")
        pytest.skip(f"{reason} ('make pdf'; CI checks it with 'make test-pdf')")
    return Book(PDF)


def chapter_page_ranges(book: Book) -> dict[str, tuple[int, int]]:
    """Pages [first, end) of each numbered chapter, by its title: from its bookmark to the next
    bookmark at its level or above (the next chapter, part or the bibliography)."""
    marks = book.bookmarks()
    ranges = {}
    for nb in numbered_chapters():
        title = normal(headings(nb, 1)[0])
        at = next((i for i, (name, _, _) in enumerate(marks) if name == title), None)
        assert at is not None, f"no PDF bookmark for the chapter {title!r}: {[m[0] for m in marks]}"
        _, depth, first = marks[at]
        end = next((page for _, d, page in marks[at + 1:] if d <= depth), len(book.pages))
        ranges[title] = (first, max(end, first + 1))
    return ranges


def test_page_count_is_sane(book):
    chapters = len(numbered_chapters())
    assert 12 * chapters <= len(book.pages) <= 60 * chapters, (
        f"{len(book.pages)} pages for {chapters} chapters: expected 12 to 60 per chapter")


def test_every_chapter_title_with_the_sites_number(book):
    """The contents list each chapter as "n Title" and each section as "n.m Title", numbered as
    on the site (the order of _toc.yml's numbered part, then of the ## headings)."""
    contents = book.contents
    assert "CONTENTS" in contents.upper(), "no table of contents in the first pages"
    for n, nb in enumerate(numbered_chapters(), start=1):
        title = normal(headings(nb, 1)[0])
        assert squash(title) in squash(book.body), (
            f"chapter {n}, {title!r}, is in the contents but not in the book")
        # an entry is "<number> <title> <page>"
        assert re.search(rf"(?<![\d.]){n} {re.escape(title)} \d", contents), (
            f"the contents do not list chapter {n} as '{n} {title}'")
        for m, section in enumerate(headings(nb, 2), start=1):
            lead = normal(plain(section))
            assert re.search(rf"(?<![\d.]){n}\.{m} {re.escape(lead)}", contents), (
                f"the contents do not list section {n}.{m} {lead!r} of {nb.name}")


def test_unnumbered_parts_stay_unnumbered(book):
    """The site numbers only the chapters; "Graded exercises" and "Reference" have no number."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    left_out = set(config["sphinx"]["config"].get("pdf_leave_out", []))
    for part in toc["parts"]:
        if part.get("numbered"):
            continue
        for chapter in part["chapters"]:
            if chapter["file"] in left_out:
                continue
            title = normal(plain(_first_heading(ROOT / chapter["file"])))
            assert f" {title} " in book.contents, f"{title!r} is missing from the contents"
            # numbered, it would read "<previous page> <number> <title>"
            assert not re.search(rf"\d+ \d+ {re.escape(title)}", book.contents), (
                f"{title!r} is numbered in the PDF but not on the site")


def _first_heading(stem: Path) -> str:
    for suffix in (".md", ".ipynb"):
        path = stem.with_suffix(suffix)
        if path.is_file():
            if suffix == ".ipynb":
                return headings(path, 1)[0]
            return next(line[2:].strip() for line in path.read_text().splitlines()
                        if line.startswith("# "))
    raise FileNotFoundError(stem)


def test_every_figure_and_widget_picture_is_in_the_pdf(book):
    """Each chapter's pages hold at least one image per plt.show() call and per figure_slider
    shown (its starting picture), and per image output of its executed notebook."""
    ranges = chapter_page_ranges(book)
    for nb in numbered_chapters():
        title = normal(headings(nb, 1)[0])
        cells = shown_cells(nbformat.read(nb, as_version=4))
        code = [c.source for c in cells if c.cell_type == "code"]
        pictures = sum(src.count("plt.show()") + src.count("figure_slider(") for src in code)
        outputs = image_outputs(nb)
        first, end = ranges[title]
        found = book.images_on(first, end)
        assert found >= max(pictures, outputs), (
            f"{nb.name}: {found} images on its pages {first + 1}-{end}, but it has {pictures} "
            f"plt.show() and figure_slider calls and {outputs} image outputs")


def shown_cells(nb):
    """Cells whose output the book shows: not those tagged remove-output (the live widgets,
    which need a kernel), remove-cell, or machine-timings (the PDF leaves out their outputs)."""
    hidden = {"remove-output", "remove-cell", "machine-timings"}
    return [c for c in nb.cells if not hidden & set(c.get("metadata", {}).get("tags", []))]


def executed(notebook: Path):
    """The notebook with the outputs the PDF was built from (the jupyter-cache)."""
    nb = build_book.executed(notebook)
    if nb is None:
        pytest.fail(f"{notebook.name} is not in the jupyter-cache: make pdf executes it")
    return nb


def image_outputs(notebook: Path) -> int:
    cells = shown_cells(executed(notebook))
    return sum("image/png" in out.get("data", {})
               for cell in cells for out in cell.get("outputs", []))


def test_the_pdf_holds_at_least_the_sites_figures(book):
    """At least one image per static figure of the built site's chapters (not a slider's
    pictures: the PDF prints each slider's starting one), except those of cells whose output
    the PDF leaves out (machine-timings)."""
    pages = [SITE / "chapters" / f"{nb.stem}.html" for nb in numbered_chapters()]
    if not all(p.is_file() for p in pages):
        pytest.skip("no built site to compare with (make book)")
    figures = {m.group(2) for m in re.finditer(r'<img ([^>]*)src="\.\./_images/'
                                                r'([0-9a-f]{64}\.png)"',
                                                "".join(p.read_text() for p in pages))
               if "mlp-figure" not in m.group(1)}
    left_out = sum("image/png" in out.get("data", {}) for nb in numbered_chapters()
                   for cell in executed(nb).cells
                   if "machine-timings" in cell.get("metadata", {}).get("tags", [])
                   for out in cell.get("outputs", []))
    found = book.images_on(0, len(book.pages))
    assert found >= len(figures) - left_out > 30, (
        f"{found} images in the PDF, {len(figures)} figures on the site ({left_out} left out)")


def test_widgets_print_their_picture_not_their_repr(book):
    widgets = [out["data"] for nb in numbered_chapters() for cell in executed(nb).cells
               for out in cell.get("outputs", []) if WIDGET_VIEW in out.get("data", {})]
    found = sorted(set(WIDGET_REPR.findall(book.text)))
    assert found == [], f"widget repr text in the PDF: {found}"
    assert widgets, "no widget outputs in the executed chapters"
    assert all("image/png" in data for data in widgets), "a widget output without a picture"


def test_widget_pictures_are_captioned_at_this_setting(book):
    """Each slider's picture in the PDF says which setting it shows (never "move the slider"):
    one caption per figure_slider the chapters show."""
    sliders = sum(c.source.count("figure_slider(") for nb in numbered_chapters()
                  for c in shown_cells(nbformat.read(nb, as_version=4)) if c.cell_type == "code")
    captions = re.findall(r"Fig\. \d+\.\d+: The figure at this setting: [^.]+ = [^.]+\.", book.text)
    assert len(captions) == sliders > 0, (len(captions), sliders)


def test_no_build_machine_timings(book):
    """The timings page is left out, and cells tagged machine-timings print a note, not their
    times: no duration appears in the book's monospaced text (code and outputs)."""
    assert "Notebook timings" not in book.text
    tagged = [c for nb in numbered_chapters() for c in nbformat.read(nb, as_version=4).cells
              if "machine-timings" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) >= 4
    assert book.text.count("Output left out of the PDF") == len(tagged)
    from latex_fixes import DURATION  # _ext/ is on pytest's pythonpath, as on Sphinx's

    durations = sorted({text for _, _, text in code_line_ends(book) if DURATION.search(text)})
    assert durations == [], f"durations in the PDF's code and outputs: {durations[:8]}"


@pytest.mark.parametrize("text, found", [
    ("9620 forward passes took 0.37 s, one forward and backward pass 0.05 ms",
     ["0.37 s", "0.05 ms"]),
    ("History(epochs=300, best_epoch=17, time=1.34s)", ["1.34s"]),
    ("measured: forward 51.9 ms, forward + backward 128.1 ms, ratio 2.5", ["51.9 ms", "128.1 ms"]),
    ('print(f" {p.name:7s} shape {str(p.shape):8s}")', []),
    ("{'':30s} {'range':>11s} 12 units", []),
])
def test_what_counts_as_a_duration(text, found):
    from latex_fixes import DURATION

    assert DURATION.findall(text) == found


def test_no_overfull_boxes(book):
    """TeX's log shows no box more than 5 pt too big (text into the margin, a clipped table)."""
    log = (PDF_BUILD / "latex" / "book.log").read_text(errors="replace")
    assert "Output written on book.pdf" in log
    assert build_pdf.overfull_boxes(log) == []


def test_overfull_boxes_are_found():
    log = ("Overfull \\hbox (20.41037pt too wide) in paragraph at lines 11346--11346\n"
           "\\TU/FreeSerif(0)/m/n/10 activation|\n"
           "Overfull \\hbox (3.0pt too wide) in paragraph at lines 12--12\n[]\n"
           "Overfull \\vbox (7.5pt too high) detected at line 4565\n []\n")
    found = build_pdf.overfull_boxes(log)
    assert len(found) == 2 and "20.4 pt too wide" in found[0] and "activation" in found[0]
    assert "7.5 pt too high" in found[1]


def test_title_page_gives_the_release_and_the_site(book):
    title = book.pages[0]
    assert squash(f"Release {config.release()}") in squash(title)
    assert config.site_url() in title.replace(" ", "")
    assert not re.search(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, 20\d\d\b",
                         title)
    assert config.site_url() in book.uris(), "the site's address is a link"


def test_links_work(book):
    """Every exercise's download, Colab and Binder links are links (to the published site, Colab
    and Binder), and the chapters' cross-references are internal links."""
    from tools import exercises

    uris = book.uris()
    for name in exercises.EXERCISES:
        assert exercises.colab_url(name) in uris, f"no Colab link for exercise {name}"
        assert exercises.binder_url(name) in uris, f"no Binder link for exercise {name}"
        assert any(u.endswith(f"/downloads/{name}.zip") and u.startswith("https://")
                   for u in uris), name
    ranges = chapter_page_ranges(book)
    for title, (first, end) in ranges.items():
        internal = sum(book.internal_links(i) for i in range(first, end))
        assert internal > 0, f"chapter {title!r}: no cross-reference is a link"


def test_bibliography_lists_the_cited_works(book):
    """The References chapter (not an empty page) lists every work the chapters cite."""
    bib = (ROOT / "references.bib").read_text()
    titles = dict(re.findall(r"@\w+\{([^,]+),.*?\btitle\s*=\s*[{\"]+(.+?)[}\"]+\s*,", bib, re.S))
    cited = {key.strip() for nb in numbered_chapters()
             for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`",
                                     "\n".join(c.source for c in nbformat.read(nb, 4).cells))
             for key in group.split(",")}
    assert cited, "the chapters cite nothing?"
    start = next(i for i, p in enumerate(book.pages) if p.lstrip().upper().startswith("REFERENCES"))
    def letters(text):           # hyphenation, dashes and TeX markup aside
        return re.sub(r"\W", "", squash(re.sub(r"\{\\.|[{}\\]", "", text)))

    listing = letters(" ".join(book.pages[start:]))
    missing = [key for key in sorted(cited) if letters(titles[key])[:40] not in listing]
    assert missing == [], f"cited but not listed: {missing}"
    assert len(squash(book.pages[start])) > 500, "the References page is (nearly) empty"


def code_line_ends(book: Book) -> list[tuple[float, int, str]]:
    """(right end in points, page number, text) of every run of monospaced text. FreeMono's
    glyphs are all 0.6 em wide, so a run ends at its start + 0.6 x font size x characters."""
    ends = []
    for number, page in enumerate(book.reader.pages, start=1):
        def visit(text, cm, tm, font, size):
            if text.strip() and font and "Mono" in str(font.get("/BaseFont", "")):
                x = tm[4] * cm[0] + cm[4]
                scale = abs(tm[0] * cm[0]) or 1.0
                ends.append((x + len(text.rstrip("\n")) * 0.6 * size * scale, number, text.strip()))
        page.extract_text(visitor_text=visit)
    return ends


def test_no_code_line_runs_off_the_page(book):
    """Long code and output lines wrap (sphinxsetup verbatimforcewraps) instead of running past
    the right margin, where a printed page cuts them off."""
    ends = code_line_ends(book)
    assert len(ends) > 1000, "hardly any monospaced text found: is the code font still FreeMono?"
    right = float(book.reader.pages[0].mediabox.width) - 36.0  # half an inch from the edge
    off = sorted({(round(end), page, text[:60]) for end, page, text in ends if end > right},
                 reverse=True)
    assert off == [], (f"{len(off)} code lines run past {right:.0f} pt (page width "
                       f"{right + 36:.0f} pt), e.g. {off[:5]}")


def test_the_site_links_the_pdf_when_built_after_it():
    if not (SITE / "book.pdf").is_file():
        pytest.skip("the site was built without the PDF (make pdf, then make book)")
    copy = SITE / "book.pdf"
    if copy.read_bytes() != PDF.read_bytes():
        if copy.stat().st_mtime < PDF.stat().st_mtime:
            pytest.skip("the PDF was rebuilt after the site: 'make book' copies the new one")
        pytest.fail("the site's book.pdf is newer than _build/pdf/book.pdf yet differs from it")
    for page, href in (("intro.html", "book.pdf"), ("chapters/01-xor.html", "../book.pdf")):
        assert f'href="{href}"' in (SITE / page).read_text(), f"{page} does not link {href}"


# --- the pieces, without a PDF ---------------------------------------------------------------
def test_latex_picks_a_widgets_picture_and_the_site_its_html():
    """myst-nb shows the highest-priority output type a builder supports, with the book's
    overrides (_config.yml): a figure slider's HTML on the site (no widget manager needed),
    its PNG in LaTeX (never the text repr), the widget view for any other widget."""
    from myst_nb.core.render import get_mime_priority

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    overrides = [tuple(o) for o in config["sphinx"]["config"]["nb_mime_priority_overrides"]]

    def chosen(builder, bundle):
        order = get_mime_priority(builder, overrides)
        return next(m for m in order if m in bundle)

    slider = {WIDGET_VIEW, "text/html", "image/png", "text/plain"}
    assert chosen("html", slider) == "text/html"
    assert chosen("latex", slider) == "image/png"
    assert chosen("html", {WIDGET_VIEW, "text/plain"}) == WIDGET_VIEW


def test_secnumdepth_follows_the_toc():
    from latex_fixes import secnumdepth

    assert secnumdepth(True) == 3        # every level: chapter, section, subsection, ...
    assert secnumdepth(2) == 1           # chapters and sections
    assert secnumdepth(1) == 0           # chapters only
    assert secnumdepth(False) == -1      # none (the part keeps its number)


def test_the_part_transform_numbers_only_numbered_parts():
    """On a doctree shaped as sphinx-jupyterbook-latex leaves it, each part gets the numbering
    depth of its own toctree."""
    from docutils import nodes
    from docutils.utils import new_document
    from latex_fixes import NumberPartsAsTheSite
    from sphinx import addnodes

    doc = new_document("book")
    for caption in ("Chapters", "Reference"):
        section = nodes.section("", nodes.title(text=caption), docname=caption)
        doc += nodes.compound("", addnodes.start_of_file("", section, docname=caption),
                              classes=["toctree-wrapper"])

    site_map = SimpleNamespace(root=SimpleNamespace(subtrees=[
        SimpleNamespace(caption="Chapters", numbered=True),
        SimpleNamespace(caption="Reference", numbered=False)]))
    doc.settings.env = SimpleNamespace(jblatex_captions_to_parts=True,
                                       config=SimpleNamespace(external_site_map=site_map))
    NumberPartsAsTheSite(doc).run()
    raws = [n.astext() for n in doc.findall(nodes.raw)]
    assert raws == [r"\setcounter{secnumdepth}{3}", r"\setcounter{secnumdepth}{-1}"]


def test_the_download_menu_gets_the_pdf_only_when_it_exists():
    from pdf_download import add_download_entry

    def page(book_pdf: bool, pagename: str):
        app = SimpleNamespace(config=SimpleNamespace(book_pdf=book_pdf))
        menu = {"label": "download-buttons", "buttons": [{"label": "download-source-button"}]}
        depth = pagename.count("/")
        context = {"header_buttons": [menu],
                   "pathto": lambda target, resource: "../" * depth + target}
        add_download_entry(app, pagename, "page.html", context, None)
        return [b.get("url") for b in menu["buttons"] if b["label"] == "download-book-pdf-button"]

    assert page(True, "chapters/01-xor") == ["../book.pdf"]
    assert page(True, "intro") == ["book.pdf"]
    assert page(False, "intro") == []




def test_missing_tex_without_root_says_what_to_install(monkeypatch, capsys):
    monkeypatch.setattr(build_pdf, "missing_tex", lambda: ["latexmk", "font FreeMono"])
    monkeypatch.setattr(build_pdf.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(build_pdf.subprocess, "run", lambda *a, **k: pytest.fail("ran a command"))
    assert build_pdf.ensure_tex() is False
    out = capsys.readouterr().out
    assert "missing: latexmk, font FreeMono" in out
    assert "apt-get install --no-install-recommends " + " ".join(build_pdf.DEBIAN_PACKAGES) in out


def test_missing_tex_as_root_installs_the_debian_packages(monkeypatch):
    state = {"missing": ["xelatex"]}
    ran = []

    def run(cmd, **kwargs):
        ran.append(cmd)
        if cmd[:2] == ["apt-get", "install"]:
            state["missing"] = []
        return SimpleNamespace(returncode=0, stdout="", stderr="")

    monkeypatch.setattr(build_pdf, "missing_tex", lambda: state["missing"])
    monkeypatch.setattr(build_pdf.os, "geteuid", lambda: 0)
    monkeypatch.setattr(build_pdf.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(build_pdf.subprocess, "run", run)
    assert build_pdf.ensure_tex() is True
    assert ran[0][:2] == ["apt-get", "update"]
    assert ran[1][:2] == ["apt-get", "install"] and ran[1][-len(build_pdf.DEBIAN_PACKAGES):] == \
        build_pdf.DEBIAN_PACKAGES


def test_missing_tex_finds_what_is_missing(monkeypatch):
    """missing_tex asks the system: a program not on PATH is reported by name."""
    real_which = build_pdf.shutil.which
    monkeypatch.setattr(build_pdf.shutil, "which",
                        lambda name: None if name == "latexmk" else real_which(name))
    assert "latexmk" in build_pdf.missing_tex()


def test_latex_numbers_figures_per_chapter_yet_stores_the_configured_depth():
    """The LaTeX writer gets sphinx-jupyterbook-latex's depth (figures and equations numbered
    per chapter), while the environment keeps the configured one, so a second PDF build does
    not execute every notebook again."""
    from latex_fixes import (
        _numfig_depth_for_reading,
        _numfig_depth_for_writing,
        _remember_numfig_depth,
    )
    from sphinx.builders.latex import LaTeXBuilder

    config = SimpleNamespace(numfig_secnum_depth=1)
    builder = LaTeXBuilder.__new__(LaTeXBuilder)
    app = SimpleNamespace(config=config, builder=builder)
    _remember_numfig_depth(app, config)
    config.numfig_secnum_depth = 2          # what sphinx-jupyterbook-latex sets
    _numfig_depth_for_reading(app)
    assert config.numfig_secnum_depth == 1  # read, and stored with the environment
    _numfig_depth_for_writing(app, None, "intro")
    assert config.numfig_secnum_depth == 2  # written


def test_the_pdf_numbers_figures_and_equations_per_chapter(book):
    tex = (PDF_BUILD / "latex" / "book.tex").read_text()
    assert "numfigreset=1" in tex, "the LaTeX writer got the site's depth, not the LaTeX one"
