"""Interactive figures that work both on the static course website and in a live notebook.

A slider in a notebook normally needs a running Python kernel, so on a published web page it
is dead. `figure_slider` avoids that: it draws the figure for every slider position in advance
and links the slider to the pictures in the browser (ipywidgets' jslink), so moving it works
with no kernel. `live_figure` is the kernel-driven version for Colab, Binder or a laptop: it
redraws for any value. Both call the same `draw(fig, **params)`, so they show the same pictures.

What each front end shows of a `figure_slider`:
- Jupyter, Colab (a widget manager): the widget, VBox(slider, pictures).
- The course website: plain HTML, a range input and the pictures (`text/html`, which the book's
  configuration ranks first), switched by a few lines of JavaScript (_static/figure-slider.js);
  the site needs no widget manager, and it loads a picture only when it is shown.
- The book's PDF, or a viewer with no JavaScript: the picture at the starting setting
  (`image/png`), with its caption (`text/plain`, the widget's repr): "at this setting: ...".

Pictures are drawn at twice the resolution they are shown at (sharp on high-density screens);
the website stores them as palette PNGs when that changes no visible pixel (compress_png, about
a third of the bytes). Each picture's alt text says what it shows at its setting: the
figure's own titles and axis labels, after the author's description.

ipywidgets and matplotlib are imported inside the functions, so `import mlp` stays light.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import html
import io
import json
import re

HIDPI = 2          # pictures hold HIDPI x HIDPI pixels per pixel of the page


def render_png(draw, figsize=(6.0, 4.0), dpi: int = 80, **params) -> bytes:
    """PNG bytes of a new figure on which draw(fig, **params) has drawn."""
    fig = _drawn(draw, figsize, params)
    return _png(fig, dpi)


def _drawn(draw, figsize, params):
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    draw(fig, **params)
    return fig


def _png(fig, dpi: float) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def compress_png(png: bytes, max_error: int = 16, min_psnr: float = 40.0) -> bytes:
    """The same picture as a smaller PNG: at most 256 colours (a palette PNG, typically a third
    of the bytes of matplotlib's output) when that is faithful, that is when 99.9% of the
    pixels change by at most `max_error` of 255 in every channel and the peak signal-to-noise
    ratio stays above `min_psnr` dB; otherwise the picture re-encoded losslessly. Pictures
    that already use a palette are returned as they are."""
    import numpy as np
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    if image.mode == "P":
        return png
    rgb = image.convert("RGB")
    palette = rgb.quantize(256, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE)
    diff = np.abs(np.asarray(rgb, dtype=np.int16)
                  - np.asarray(palette.convert("RGB"), dtype=np.int16))
    mse = float(np.mean(np.square(diff, dtype=np.float32)))
    psnr = float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)
    faithful = np.percentile(diff.max(axis=2), 99.9) <= max_error and psnr >= min_psnr
    out = io.BytesIO()
    (palette if faithful else image).save(out, "PNG", optimize=True)
    return out.getvalue() if len(out.getvalue()) < len(png) else png


# TeX in titles and labels, as a screen reader should read it
_TEX = {r"\lambda": "λ", r"\eta": "η", r"\alpha": "α", r"\beta": "β", r"\gamma": "γ",
        r"\delta": "δ", r"\epsilon": "ε", r"\varepsilon": "ε", r"\theta": "θ", r"\sigma": "σ",
        r"\mu": "μ", r"\rho": "ρ", r"\phi": "φ", r"\psi": "ψ", r"\omega": "ω", r"\Omega": "Ω",
        r"\nabla": "∇", r"\partial": "∂", r"\cdot": "·", r"\times": "×", r"\leq": "≤",
        r"\geq": "≥", r"\le": "≤", r"\ge": "≥", r"\approx": "≈", r"\infty": "∞", r"\to": "→",
        r"\ldots": "…", r"\dots": "…", r"\|": "‖", r"\sqrt": "√", r"\pm": "±", r"\sum": "Σ"}


_SUP = str.maketrans("0123456789+-()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ⁿ")
_SUB = str.maketrans("0123456789+-()", "₀₁₂₃₄₅₆₇₈₉₊₋₍₎")


def _script(text: str, table: dict, mark: str) -> str:
    """A sub- or superscript in Unicode when it has the characters ("x₁", "a⁽¹⁾"), else marked
    ("w_ij", "e^(-x)")."""
    if all(c in table for c in map(ord, text)):
        return text.translate(table)
    return mark + (text if len(text) == 1 or text.startswith("(") else f"({text})")


def plain_text(text: str) -> str:
    """matplotlib text without its mathtext markup: "$\\lambda$ = 0.1" -> "λ = 0.1"."""
    if "$" not in text:
        return " ".join(text.split())

    def maths(m):
        s = m.group(1)
        for tex, uni in sorted(_TEX.items(), key=lambda kv: -len(kv[0])):
            s = s.replace(tex, uni)
        s = re.sub(r"\\(?:mathrm|mathbf|mathit|text|operatorname|hat|bar|tilde)\s*", "", s)
        s = re.sub(r"\^\{([^{}]*)\}|\^(\S)",
                   lambda g: _script(g.group(1) or g.group(2), _SUP, "^"), s)
        s = re.sub(r"_\{([^{}]*)\}|_(\S)",
                   lambda g: _script(g.group(1) or g.group(2), _SUB, "_"), s)
        s = re.sub(r"\\([A-Za-z]+)", r"\1", s)
        return s.replace("{", "").replace("}", "").replace("\\,", " ").replace("\\", "")

    return " ".join(re.sub(r"\$([^$]*)\$", maths, text).split())


def describe(fig) -> str:
    """What a matplotlib figure shows, in words, from its own text: the figure's title, then
    each panel's title, its axes ("y against x") and its legend entries."""
    parts = []
    suptitle = getattr(fig, "_suptitle", None)          # Figure.get_suptitle() needs matplotlib 3.8
    if suptitle is not None and suptitle.get_text():
        parts.append(plain_text(suptitle.get_text()) + ".")
    axes = [ax for ax in fig.get_axes() if ax.get_visible() and ax.get_label() != "<colorbar>"]
    for k, ax in enumerate(axes, start=1):
        title = plain_text(" ".join(ax.get_title(loc) for loc in ("left", "center", "right")
                                    if ax.get_title(loc)))
        x, y = plain_text(ax.get_xlabel()), plain_text(ax.get_ylabel())
        bits = [f"“{title}”"] if title else []
        if x and y:
            bits.append(f"{y} against {x}")
        elif x or y:
            bits.append(x or y)
        legend = ax.get_legend()
        if legend is not None:
            entries = [plain_text(t.get_text()) for t in legend.get_texts() if t.get_text()]
            if entries:
                bits.append("legend: " + ", ".join(entries))
        if bits:
            panel = f"Panel {k} of {len(axes)}: " if len(axes) > 1 else ""
            parts.append(panel + "; ".join(bits) + ".")
    return " ".join(parts)


def panel_columns(fig) -> int:
    """How many panels a figure shows side by side: the distinct horizontal extents of its
    axes, colorbars aside. 3 for fig.subplots(1, 3) or three subfigures, 4 for a 2 x 4 grid,
    1 for panels stacked in one column, 1 for an axes with its colorbar."""
    spans = []
    for ax in fig.get_axes():
        if not ax.get_visible() or ax.get_label() == "<colorbar>":
            continue
        box = ax.get_position().transformed(ax.figure.transSubfigure)    # on the whole figure
        spans.append((box.x0, box.x1))
    columns = []
    for x0, x1 in sorted(spans):
        overlap = [c for c in columns
                   if min(x1, c[1]) - max(x0, c[0]) > 0.5 * min(x1 - x0, c[1] - c[0])]
        if not overlap:
            columns.append((x0, x1))
    return max(1, len(columns))


def note_panel_columns(shell=None) -> None:
    """In an IPython kernel: make the text of every matplotlib figure say how many panels it has
    side by side ("<Figure size 1300x430 with 3 Axes; panels side by side: 3>"). The book's
    build turns on (tools/project.py) so that the website can give each panel of a wide
    figure enough room on a phone; a notebook looks the same without it."""
    from IPython import get_ipython

    shell = shell or get_ipython()
    if shell is None:
        return
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    def text(fig, printer, cycle):
        printer.text(f"{repr(fig)[:-1]}; panels side by side: {panel_columns(fig)}>")

    def register(*args):
        formatter = shell.display_formatter.formatters["text/plain"]
        if formatter.type_printers.get(Figure) is not text:
            formatter.for_type(Figure, text)

    # The inline backend drops every formatter registered for Figure when it starts (with the
    # first figure) and whenever its settings change: start it now, and register again
    # before each cell.
    plt.close(plt.figure())
    register()
    shell.events.register("pre_run_cell", register)


PANELS = re.compile(r"; panels side by side: (\d+)>")


class _StaticPicture:
    """Mixed into a widget class: its display bundle also carries `_picture_png()`, a PNG of
    what the widget shows now (when the cell runs: its starting picture), if there is one, and
    `_static_html()`, a rendering for pages without a widget manager, if there is one."""

    def _picture_png(self) -> bytes | None:
        raise NotImplementedError

    def _static_html(self) -> str | None:
        return None

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:                      # a closed widget
            return None
        png = self._picture_png()
        if png is not None:
            bundle["image/png"] = base64.b64encode(png).decode("ascii")
        page = self._static_html()
        if page is not None:
            bundle["text/html"] = page
            bundle["text/plain"] = repr(self)        # in full: ipywidgets cuts it at 110 characters
        return bundle


class _Frame:
    """One precomputed picture of a figure slider: PNG bytes, shown size (page pixels), alt,
    and how many panels it has side by side."""

    def __init__(self, png: bytes, size: tuple[int, int], alt: str, columns: int = 1):
        self.png, self.size, self.alt, self.columns = png, size, alt, columns

    def img(self, shown: bool) -> str:
        w, h = self.size
        return (f'<img class="mlp-figure" width="{w}" height="{h}" loading="lazy" decoding="async" '
                f'data-panels="{self.columns}" alt="{html.escape(self.alt)}"'
                f'{"" if shown else " hidden"} '
                f'src="data:image/png;base64,{base64.b64encode(self.png).decode()}">')


@functools.cache
def _widget_classes():
    """The two widget classes, defined on first use so that ipywidgets loads only then."""
    import ipywidgets as W

    class FigureSlider(_StaticPicture, W.VBox):
        """VBox(slider, pictures); its static picture is the one the slider points at, and its
        text the caption of that picture."""

        def __init__(self, slider, stack, frames, description, labels):
            super().__init__([slider, stack])
            self._frames, self._description, self._labels = frames, description, labels

        @property
        def _pngs(self):
            return [f.png for f in self._frames]

        def _picture_png(self):
            return self._frames[self.children[0].index].png

        def __repr__(self):
            k = self.children[0].index
            others = _listing(self._labels)
            return (f"The figure at this setting: {self._description} = {self._labels[k]}. "
                    f"On the course website and in a running notebook a slider shows it for "
                    f"{self._description} = {others}.")

        def _static_html(self):
            k = self.children[0].index
            uid = "mlp-slider-" + hashlib.sha256(
                b"".join(f.png for f in self._frames) + self._description.encode()).hexdigest()[:10]
            labels = html.escape(json.dumps(self._labels, ensure_ascii=False))
            frames = "\n".join(f.img(i == k) for i, f in enumerate(self._frames))
            name = html.escape(self._description)
            return (f'<div class="mlp-figure-slider" id="{uid}">\n'
                    f'<div class="mlp-figure-slider__control">'
                    f'<label for="{uid}-input">{name}</label>'
                    f'<input type="range" id="{uid}-input" min="0" max="{len(self._frames) - 1}" '
                    f'step="1" value="{k}" data-labels="{labels}" data-name="{name}" '
                    f'aria-valuetext="{name} = {html.escape(self._labels[k])}" disabled>'
                    f'<output for="{uid}-input">{html.escape(self._labels[k])}</output></div>\n'
                    f'<div class="mlp-figure-slider__frames">\n{frames}\n</div>\n</div>')

    class LiveFigure(_StaticPicture, W.interactive):
        """ipywidgets.interactive over draw(fig, **params), one new inline figure per change; its
        static picture is the figure it showed last, saved as an inline figure is (100 dpi)."""

        def __init__(self, draw, figsize, /, **controls):
            self._draw, self._figsize, self._figure = draw, figsize, None
            super().__init__(self._show, **controls)

        def _show(self, **params):
            import matplotlib.pyplot as plt

            fig = plt.figure(figsize=self._figsize, layout="constrained")
            self._draw(fig, **params)
            self._figure = fig  # kept to save it again, not drawn again, when displayed
            plt.show()

        def _picture_png(self):
            if self._figure is None:  # draw() failed: the widget shows the error
                return None
            buf = io.BytesIO()
            self._figure.savefig(buf, format="png", dpi=100)
            return buf.getvalue()

    return FigureSlider, LiveFigure


def _label(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _listing(labels: list[str], most: int = 8) -> str:
    if len(labels) <= most:
        return ", ".join(labels[:-1]) + (" or " if len(labels) > 1 else "") + labels[-1]
    return ", ".join(labels[:3]) + ", …, " + ", ".join(labels[-2:])


def figure_slider(draw, name: str, values, description: str | None = None, labels=None,
                  start: int = 0, figsize=(6.0, 4.0), dpi: int = 80, alt=None, **fixed):
    """A slider over `values` of parameter `name`, switching between precomputed figures.

    draw(fig, **{name: value}, **fixed) is called once per value when the cell runs; moving the
    slider afterwards only switches pictures, in the browser, so it works on a static page.
    Each picture is shown at figsize x dpi page pixels and drawn with twice as many.

    Returns an ipywidgets VBox(slider, pictures) whose display also holds the page's HTML
    version and an image/png of the starting picture. `description` labels the slider
    (default: name). `alt` describes the figure for screen readers: a text that holds for
    every value, or a function of the value; each picture's alt text adds the setting and
    what the picture itself says (its titles, axis labels and legends).
    """
    import ipywidgets as W

    values = list(values)
    if not values:
        raise ValueError("figure_slider: values is empty; give at least one value to draw.")
    if len(values) > 60:
        raise ValueError(f"figure_slider: {len(values)} values would embed {len(values)} pictures "
                         "in the page; use at most 60.")
    labels = [_label(v) for v in values] if labels is None else [str(v) for v in labels]
    if len(labels) != len(values):
        raise ValueError(f"figure_slider: got {len(labels)} labels for {len(values)} values.")
    if not 0 <= start < len(values):
        raise ValueError(f"figure_slider: start={start} is not an index of the {len(values)} "
                         f"values; use 0 to {len(values) - 1}.")
    if alt is not None and not (isinstance(alt, str) or callable(alt)):
        raise TypeError(f"figure_slider: alt must be a text or a function of the value; got "
                        f"{type(alt).__name__}.")
    description = description or name
    frames = []
    for value, label in zip(values, labels):
        fig = _drawn(draw, figsize, {name: value, **fixed})
        png = _png(fig, HIDPI * dpi)                 # the site compresses it (compress_png)
        what = alt(value) if callable(alt) else alt
        text = " ".join(t for t in (what and what.rstrip(".") + ".", f"At {description} = {label}:",
                                    describe(fig)) if t)
        frames.append(_Frame(png, (round(figsize[0] * dpi), round(figsize[1] * dpi)), text,
                             panel_columns(fig)))
    fit_width = 'class="mlp-figure" style="max-width: 100%; height: auto"'
    # HTML <img> rather than an Image widget: only <img> can carry the alt text screen readers need.
    pictures = [W.HTML(value=f.img(True).replace('class="mlp-figure"', fit_width)) for f in frames]
    stack = W.Stack(pictures, selected_index=start)
    slider = W.SelectionSlider(options=list(zip(labels, range(len(values)))), index=start,
                               description=description, continuous_update=True,
                               style={"description_width": "initial"},
                               layout=W.Layout(width="min(100%, 32rem)"))
    W.jslink((slider, "index"), (stack, "selected_index"))
    FigureSlider, _ = _widget_classes()
    return FigureSlider(slider, stack, frames, description, labels)


def live_figure(draw, figsize=(6.0, 4.0), **controls):
    """A kernel-driven version: ipywidgets.interactive over draw(fig, **params).

    controls are ipywidgets abbreviations, e.g. lr=(0.01, 1.0, 0.01) for a float slider or
    depth=[2, 4, 8] for a dropdown, or widgets themselves. The display also holds an image/png
    of the starting picture, for front ends that cannot draw widgets.
    """
    _, LiveFigure = _widget_classes()
    return LiveFigure(draw, figsize, **controls)
