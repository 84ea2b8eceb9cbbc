"""Interactive figures that work both on the static course website and in a live notebook.

A slider in a notebook normally needs a running Python kernel, so on a published web page it
is dead. `figure_slider` avoids that: it draws the figure for every slider position in advance
and links the slider to the pictures in the browser (ipywidgets' jslink), so moving it works
with no kernel. `live_figure` is the kernel-driven version for Colab, Binder or a laptop: it
redraws for any value. Both call the same `draw(fig, **params)`, so they show the same pictures.

ipywidgets and matplotlib are imported inside the functions, so `import mlp` stays light.
"""
from __future__ import annotations

import base64
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


def _label(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def figure_slider(draw, name: str, values, description: str | None = None, labels=None,
                  start: int = 0, figsize=(6.0, 4.0), dpi: int = 80, alt: str | None = None, **fixed):
    """A slider over `values` of parameter `name`, switching between precomputed figures.

    draw(fig, **{name: value}, **fixed) is called once per value when the cell runs; moving the
    slider afterwards only switches pictures, in the browser, so it works on a static page.

    Returns an ipywidgets VBox(slider, pictures). `description` labels the slider (default: name).
    `alt` describes the figure for screen readers; each picture's text adds the slider's value.
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
    pictures = [
        W.HTML(value=(f'<img class="mlp-figure" style="max-width: 100%; height: auto" '
                      f'alt="{html.escape(f"{what}, {description} = {label}")}" src="data:image/png;base64,'
                      f'{base64.b64encode(render_png(draw, figsize, dpi, **{name: v}, **fixed)).decode()}">'))
        for v, label in zip(values, labels)
    ]
    stack = W.Stack(pictures, selected_index=start)
    slider = W.SelectionSlider(options=list(zip(labels, range(len(values)))), index=start,
                               description=description, continuous_update=True,
                               style={"description_width": "initial"},
                               layout=W.Layout(width="min(100%, 32rem)"))
    W.jslink((slider, "index"), (stack, "selected_index"))
    return W.VBox([slider, stack])


def live_figure(draw, figsize=(6.0, 4.0), **controls):
    """A kernel-driven version: ipywidgets.interactive over draw(fig, **params).

    controls are ipywidgets abbreviations, e.g. lr=(0.01, 1.0, 0.01) for a float slider or
    depth=[2, 4, 8] for a dropdown, or widgets themselves.
    """
    import ipywidgets as W
    import matplotlib.pyplot as plt

    def show(**params):
        fig = plt.figure(figsize=figsize, layout="constrained")
        draw(fig, **params)
        plt.show()

    return W.interactive(show, **controls)
