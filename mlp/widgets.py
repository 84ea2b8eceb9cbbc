"""Interactive figures that work both on the static course website and in a live notebook.

A slider in a notebook normally needs a running Python kernel, so on a published web page it
is dead. `figure_slider` avoids that: it draws the figure for every slider position in advance
and links the slider to the pictures in the browser (ipywidgets' jslink), so moving it works
with no kernel. `live_figure` is the kernel-driven version for Colab, Binder or a laptop: it
redraws for any value. Both call the same `draw(fig, **params)`, so they show the same pictures.

Both widgets also display as a plain picture where no widget can be drawn (the book's PDF, a
notebook viewer): their display bundle holds the widget view and an `image/png` of the picture
they start with. A front end picks the richest type it can show; the website and Jupyter pick
the widget, LaTeX picks the picture (never the text `VBox(children=...)`).

ipywidgets and matplotlib are imported inside the functions, so `import mlp` stays light.
"""
from __future__ import annotations

import base64
import functools
import html
import io


def render_png(draw, figsize=(6.0, 4.0), dpi: int = 80, **params) -> bytes:
    """PNG bytes of a new figure on which draw(fig, **params) has drawn."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    draw(fig, **params)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


class _StaticPicture:
    """Mixed into a widget class: its display bundle also carries `_picture_png()`, a PNG of
    what the widget shows now (when the cell runs: its starting picture), if there is one."""

    def _picture_png(self) -> bytes | None:
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        png = self._picture_png() if bundle is not None else None  # None: a closed widget
        if png is not None:
            bundle["image/png"] = base64.b64encode(png).decode("ascii")
        return bundle


@functools.cache
def _widget_classes():
    """The two widget classes, defined on first use so that ipywidgets loads only then."""
    import ipywidgets as W

    class FigureSlider(_StaticPicture, W.VBox):
        """VBox(slider, pictures); its static picture is the one the slider points at."""

        def __init__(self, slider, stack, pngs):
            super().__init__([slider, stack])
            self._pngs = pngs

        def _picture_png(self):
            return self._pngs[self.children[0].index]

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


def figure_slider(draw, name: str, values, description: str | None = None, labels=None,
                  start: int = 0, figsize=(6.0, 4.0), dpi: int = 80, alt: str | None = None, **fixed):
    """A slider over `values` of parameter `name`, switching between precomputed figures.

    draw(fig, **{name: value}, **fixed) is called once per value when the cell runs; moving the
    slider afterwards only switches pictures, in the browser, so it works on a static page.

    Returns an ipywidgets VBox(slider, pictures) whose display also holds an image/png of the
    starting picture. `description` labels the slider (default: name). `alt` describes the
    figure for screen readers; each picture's text adds the slider's value.
    """
    import ipywidgets as W

    values = list(values)
    if not values:
        raise ValueError("figure_slider: values is empty; give at least one value to draw.")
    if len(values) > 60:
        raise ValueError(f"figure_slider: {len(values)} values would embed {len(values)} pictures in "
                         "the page; use at most 60.")
    labels = [_label(v) for v in values] if labels is None else list(labels)
    if len(labels) != len(values):
        raise ValueError(f"figure_slider: got {len(labels)} labels for {len(values)} values.")
    if not 0 <= start < len(values):
        raise ValueError(f"figure_slider: start={start} is not an index of the {len(values)} values; "
                         f"use 0 to {len(values) - 1}.")
    description = description or name
    what = alt or f"Figure drawn by {getattr(draw, '__name__', 'draw')}"
    # HTML <img> rather than an Image widget: only <img> can carry the alt text screen readers need.
    pngs = [render_png(draw, figsize, dpi, **{name: v}, **fixed) for v in values]
    pictures = [
        W.HTML(value=(f'<img class="mlp-figure" style="max-width: 100%; height: auto" '
                      f'alt="{html.escape(f"{what}, {description} = {label}")}" src="data:image/png;base64,'
                      f'{base64.b64encode(png).decode()}">'))
        for png, label in zip(pngs, labels)
    ]
    stack = W.Stack(pictures, selected_index=start)
    slider = W.SelectionSlider(options=list(zip(labels, range(len(values)))), index=start,
                               description=description, continuous_update=True,
                               style={"description_width": "initial"},
                               layout=W.Layout(width="min(100%, 32rem)"))
    W.jslink((slider, "index"), (stack, "selected_index"))
    FigureSlider, _ = _widget_classes()
    return FigureSlider(slider, stack, pngs)


def live_figure(draw, figsize=(6.0, 4.0), **controls):
    """A kernel-driven version: ipywidgets.interactive over draw(fig, **params).

    controls are ipywidgets abbreviations, e.g. lr=(0.01, 1.0, 0.01) for a float slider or
    depth=[2, 4, 8] for a dropdown, or widgets themselves. The display also holds an image/png
    of the starting picture, for front ends that cannot draw widgets.
    """
    _, LiveFigure = _widget_classes()
    return LiveFigure(draw, figsize, **controls)
