"""Fixes for the book's PDF (the LaTeX builder, make pdf); the website is not touched.

- Sphinx's own `manual` class instead of sphinx-jupyterbook-latex's `jupyterBook` class: that
  class loads `bbm`, which Debian ships only in texlive-fonts-extra (1.4 GB), for \\mathbbm
  shortcuts (\\RR, \\NN, ...) that this book never uses. The two environments it defines around
  code cells (input, output) are defined here instead.
- Chapter and section numbers as on the website: `_toc.yml` numbers only the "Chapters" part
  (`numbered: true`), but LaTeX numbers every chapter. Each part of the PDF sets LaTeX's
  numbering depth from its own `numbered` entry, so "Graded exercises" and "Reference" are
  unnumbered there, as in the site's sidebar.
- The landing page (intro.md) follows the table of contents; its pages are headed with the
  book's title, not with "Contents".
- Warm rebuilds: sphinx-jupyterbook-latex raises numfig_secnum_depth to 2 when the LaTeX
  builder starts (so that, under parts, figures and equations are numbered per chapter, as on
  the site). Sphinx stores that setting with its environment, so the next build saw a changed
  configuration and executed every notebook again. The configured value is put back for
  reading (and storing the environment), and the LaTeX value set again for writing.
- The title page gives the release tag (from _config.yml's `release`) and the website's
  address, not the build date.
- Links that pages write as HTML (<a href="...">, e.g. the exercise pages' download, Colab and
  Binder links) become real links in the PDF; a link relative to the page points at the
  published site (html.baseurl), since the PDF has no files next to it.
- A widget prints its picture at its starting setting, captioned with the widget's own text
  ("The figure at this setting: ...", mlp.widgets), as a numbered figure kept in place.
- Build-machine timings: a cell tagged `machine-timings` prints a note in place of its
  outputs, a duration in any other output prints as a dash, and pages listed in
  `pdf_leave_out` (the timings page) are left out of the PDF.
- Tables: small type, and no column narrower than a common word, so none runs into the margin.
- The bibliography is the References chapter itself (LaTeX's would open a second, headed
  "Bibliography", after an empty References page).
"""
import re
import urllib.parse
from html.parser import HTMLParser
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.latex import LaTeXBuilder
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.texescape import escape

# The environments sphinx-jupyterbook-latex wraps around a code cell's input and its outputs:
# inputs on a grey panel, outputs indented on a lighter one, as on the website.
CELL_ENVIRONMENTS = r"""
\usepackage[strict]{changepage}
\definecolor{CodeBlockInputBorderColor}{RGB}{204,204,204}
\definecolor{CodeBlockInputColor}{RGB}{247,247,247}
\definecolor{CodeBlockOutputBorderColor}{RGB}{247,247,247}
\definecolor{CodeBlockOutputColor}{RGB}{252,252,252}
\newenvironment{sphinxVerbatimInput}
  {\colorlet{VerbatimBorderColor}{CodeBlockInputBorderColor}%
   \colorlet{VerbatimColor}{CodeBlockInputColor}%
   \begin{adjustwidth}{5pt}{}}
  {\end{adjustwidth}}
\newenvironment{sphinxVerbatimOutput}
  {\colorlet{VerbatimBorderColor}{CodeBlockOutputBorderColor}%
   \colorlet{VerbatimColor}{CodeBlockOutputColor}%
   \begin{adjustwidth}{20pt}{}}
  {\end{adjustwidth}}
% Tables: small type, no column narrower than a common word (tabulary's \tymin)
\usepackage{etoolbox}
\AtBeginEnvironment{tabulary}{\small}
\setlength{\tymin}{5.5em}
% The bibliography as a list inside the References chapter, without a chapter of its own
\makeatletter
\renewenvironment{sphinxthebibliography}[1]
  {\list{\@biblabel{\@arabic\c@enumiv}}%
     {\settowidth\labelwidth{\@biblabel{#1}}\leftmargin\labelwidth
      \advance\leftmargin\labelsep\@openbib@code\usecounter{enumiv}%
      \let\p@enumiv\@empty\renewcommand\theenumiv{\@arabic\c@enumiv}}%
   \sloppy\clubpenalty4000\@clubpenalty\clubpenalty\widowpenalty4000\sfcode`\.\@m}
  {\def\@noitemerr{\@latex@warning{Empty `thebibliography' environment}}\endlist}
\makeatother
"""


def secnumdepth(numbered) -> int:
    """LaTeX's secnumdepth for a toctree's `numbered` value: True numbers every heading level
    (chapter 0, section 1, subsection 2, subsubsection 3); n numbers n levels; False none (-1:
    the part itself keeps its number)."""
    if numbered is True:
        return 3
    return int(numbered) - 1 if numbered else -1


class NumberPartsAsTheSite(SphinxPostTransform):
    """At the start of each part, set LaTeX's numbering depth from that part's toctree.

    sphinx-jupyterbook-latex turns each caption of `_toc.yml` into a part: a top-level
    toctree-wrapper > start_of_file > section whose `docname` is the caption (its post-transform
    runs at priority 700).
    """

    default_priority = 800
    formats = ("latex",)

    def run(self, **kwargs):
        site_map = getattr(self.config, "external_site_map", None)
        if site_map is None or not getattr(self.env, "jblatex_captions_to_parts", False):
            return
        numbered = {tree.caption: tree.numbered for tree in site_map.root.subtrees if tree.caption}
        for wrapper in self.document.children:
            if not (isinstance(wrapper, nodes.compound) and wrapper.children
                    and isinstance(wrapper[0], addnodes.start_of_file)):
                continue
            for part in wrapper[0].children:
                if isinstance(part, nodes.section) and part.get("docname") in numbered:
                    depth = secnumdepth(numbered[part["docname"]])
                    part.insert(1, nodes.raw("", rf"\setcounter{{secnumdepth}}{{{depth}}}",
                                             format="latex"))


def _remember_numfig_depth(app, config):
    app.numfig_depth_configured = config.numfig_secnum_depth


def _numfig_depth_for_reading(app):
    """builder-inited, after sphinx-jupyterbook-latex's handler (priority 500)."""
    if isinstance(app.builder, LaTeXBuilder):
        app.numfig_depth_latex = app.config.numfig_secnum_depth
        app.config.numfig_secnum_depth = app.numfig_depth_configured


def _numfig_depth_for_writing(app, doctree, docname):
    """doctree-resolved: the LaTeX builder resolves the assembled book (after the environment
    is stored) just before its writer reads the setting."""
    if isinstance(app.builder, LaTeXBuilder):
        app.config.numfig_secnum_depth = app.numfig_depth_latex


def book_release(srcdir) -> str:
    """The release tag, from the `release:` line of _config.yml (written there once)."""
    import yaml

    return str(yaml.safe_load((Path(srcdir) / "_config.yml").read_text()).get("release", ""))


def _use_sphinx_manual_class(app, config):
    """Runs after sphinx-jupyterbook-latex has set its own class (priority 500)."""
    config["latex_theme"] = "manual"
    elements = config["latex_elements"]
    elements["preamble"] = elements.get("preamble", "") + CELL_ENVIRONMENTS
    # the title page: "Release v2026.1" and the website's address, not the date of the build
    config["release"] = config["version"] = book_release(app.srcdir)
    site = config.html_baseurl or ""
    config["today"] = rf"\url{{{site}}}" if site else " "     # in place of the date
    elements.setdefault("figure_align", "H")      # a captioned picture stays by its text
    title = escape(config.html_title or config.project)  # Jupyter Book sets html_title
    elements["tableofcontents"] = (elements.get("tableofcontents", r"\sphinxtableofcontents")
                                   + rf"\markboth{{{title}}}{{{title}}}")


class _Anchors(HTMLParser):
    def __init__(self):
        super().__init__()
        self.href = None

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.href = dict(attrs).get("href")


def _anchor(raw: nodes.raw) -> str | None:
    """The href of a raw HTML node that is only an opening <a href="..."> tag."""
    text = raw.astext().strip()
    if "html" not in raw.get("format", "").split() or not re.fullmatch(r"<a\s[^>]*>", text):
        return None
    parser = _Anchors()
    parser.feed(text)
    return parser.href


def absolute_url(href: str, docname: str, baseurl: str) -> str:
    """A link as the PDF needs it: relative ones resolved against the page's published address."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", href) or not baseurl:
        return href
    page = urllib.parse.urljoin(baseurl if baseurl.endswith("/") else baseurl + "/",
                                docname + ".html")
    return urllib.parse.urljoin(page, href)


class HtmlLinksAsLinks(SphinxPostTransform):
    """<a href="URL">text</a> written as HTML in a page: myst keeps the tags as raw HTML (which
    LaTeX drops) and the text as text. Put a reference node in their place."""

    default_priority = 200
    formats = ("latex",)

    def run(self, **kwargs):
        baseurl = self.config.html_baseurl
        for start in list(self.document.findall(nodes.raw)):
            href = _anchor(start)
            if href is None or start.parent is None:
                continue
            parent, inside = start.parent, []
            node = start.next_node(descend=False, siblings=True)
            while node is not None and not (isinstance(node, nodes.raw)
                                            and node.astext().strip() == "</a>"):
                inside.append(node)
                node = node.next_node(descend=False, siblings=True)
            if node is None:
                continue
            docname = start.get("docname") or self.env.docname
            for n in inside:
                parent.remove(n)
            url = absolute_url(href, _docname_of(start, docname), baseurl)
            ref = nodes.reference("", "", *inside, refuri=url)
            parent.replace(start, ref)
            parent.remove(node)


def _docname_of(node, default: str) -> str:
    """The document a node of the assembled book came from (its nearest start_of_file)."""
    while node is not None:
        if isinstance(node, addnodes.start_of_file):
            return node["docname"]
        node = node.parent
    return default


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class WidgetPictureCaptions(SphinxPostTransform):
    """A widget's output in the PDF is its picture (image/png); caption it with the widget's
    text (text/plain: "The figure at this setting: ..."). Runs before myst-nb picks the mime
    type (its priority 4)."""

    default_priority = 3
    formats = ("latex",)

    def run(self, **kwargs):
        for bundle in list(self.document.findall(
                lambda n: isinstance(n, nodes.container) and n.get("nb_element") == "mime_bundle")):
            parts = {c.get("mime_type"): c for c in bundle.children}
            if WIDGET_VIEW not in parts or "image/png" not in parts or "text/plain" not in parts:
                continue
            caption = parts["text/plain"].astext().strip()
            images = list(parts["image/png"].findall(nodes.image))
            if not caption.startswith("The figure at this setting") or len(images) != 1:
                continue
            image = images[0]
            figure = nodes.figure("", image.deepcopy(), nodes.caption(caption, caption))
            image.parent.replace(image, figure)


TIMINGS_NOTE = ("Output left out of the PDF: it shows times measured on the machine that built "
                "this book. The website and a run of the notebook show it.")


# A duration in printed output: "0.37 s", "51.9 ms", "time=1.34s" (not "7s" of a format spec)
DURATION = re.compile(r"(?<=[=\s(])\d+\.\d+\s?(?:ms|µs|s)\b|(?<![\w.])\d+(?:\.\d+)?\s?(?:ms|µs)\b")


class NoMachineTimings(SphinxPostTransform):
    """Cells tagged machine-timings print a note in place of their outputs, and in every other
    output a duration reads "–" (the History of a training run prints its time): times
    measured on the machine that built the book say nothing about the reader's."""

    default_priority = 5             # after myst-nb has picked the outputs
    formats = ("latex",)

    def run(self, **kwargs):
        for block in list(self.document.findall(nodes.literal_block)):
            if _in_output(block) and DURATION.search(block.astext()):
                text = DURATION.sub("–", block.astext())
                block.clear()
                block += nodes.Text(text)
        for cell in list(self.document.findall(
                lambda n: isinstance(n, nodes.container)
                and "tag_machine-timings" in n.get("classes", []))):
            outputs = [c for c in cell.children if isinstance(c, nodes.container)
                       and "cell_output" in c.get("classes", [])]
            for output in outputs:
                cell.remove(output)
            if outputs:
                cell.append(nodes.paragraph("", "", nodes.emphasis(TIMINGS_NOTE, TIMINGS_NOTE)))


def _in_output(node) -> bool:
    while node is not None:
        if isinstance(node, nodes.container) and "cell_output" in node.get("classes", []):
            return True
        node = node.parent
    return False


class WideTablesSmaller(SphinxPostTransform):
    """Tables of five or more columns in footnote size with narrower gaps between columns (the
    others are small, CELL_ENVIRONMENTS), so that a formula, which cannot break, fits its column."""

    default_priority = 400
    formats = ("latex",)

    def run(self, **kwargs):
        for table in list(self.document.findall(nodes.table)):
            groups = list(table.findall(nodes.tgroup))
            if groups and int(groups[0].get("cols", 0)) >= 5:
                parent = table.parent
                at = parent.index(table)
                parent.insert(at + 1, nodes.raw("", r"\endgroup", format="latex"))
                smaller = (r"\begingroup\footnotesize\let\small\footnotesize"
                           r"\setlength{\tabcolsep}{3pt}")
                parent.insert(at, nodes.raw("", smaller, format="latex"))


class LeaveOutPages(SphinxPostTransform):
    """Pages named in `pdf_leave_out` (e.g. the timings page, which shows the build machine's
    times) are not part of the PDF."""

    default_priority = 810
    formats = ("latex",)

    def run(self, **kwargs):
        leave_out = set(self.config.pdf_leave_out or [])
        for start in list(self.document.findall(addnodes.start_of_file)):
            if start.get("docname") in leave_out:
                start.parent.remove(start)


def setup(app):
    app.add_config_value("pdf_leave_out", [], "env")
    app.add_post_transform(HtmlLinksAsLinks)
    app.add_post_transform(WidgetPictureCaptions)
    app.add_post_transform(NoMachineTimings)
    app.add_post_transform(LeaveOutPages)
    app.add_post_transform(WideTablesSmaller)
    app.connect("config-inited", _use_sphinx_manual_class, priority=600)
    app.connect("config-inited", _remember_numfig_depth)
    app.connect("builder-inited", _numfig_depth_for_reading, priority=600)
    app.connect("doctree-resolved", _numfig_depth_for_writing)
    app.add_post_transform(NumberPartsAsTheSite)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
