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
"""
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


def _use_sphinx_manual_class(app, config):
    """Runs after sphinx-jupyterbook-latex has set its own class (priority 500)."""
    config["latex_theme"] = "manual"
    elements = config["latex_elements"]
    elements["preamble"] = elements.get("preamble", "") + CELL_ENVIRONMENTS
    title = escape(config.html_title or config.project)  # Jupyter Book sets html_title
    elements["tableofcontents"] = (elements.get("tableofcontents", r"\sphinxtableofcontents")
                                   + rf"\markboth{{{title}}}{{{title}}}")


def setup(app):
    app.connect("config-inited", _use_sphinx_manual_class, priority=600)
    app.connect("config-inited", _remember_numfig_depth)
    app.connect("builder-inited", _numfig_depth_for_reading, priority=600)
    app.connect("doctree-resolved", _numfig_depth_for_writing)
    app.add_post_transform(NumberPartsAsTheSite)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
