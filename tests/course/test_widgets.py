"""mlp.widgets: the kernel-free slider embeds one picture per value, linked in the browser, and
the kernel-driven version calls the same draw function."""
import base64
import html
import io
import json
import re

import pytest

pytest.importorskip("ipywidgets")
import ipywidgets as W  # noqa: E402

from mlp.widgets import (  # noqa: E402
    PANELS,
    compress_png,
    describe,
    figure_slider,
    live_figure,
    note_panel_columns,
    panel_columns,
    plain_text,
    render_png,
)


def draw_line(fig, slope, offset=0.0):
    ax = fig.add_subplot()
    ax.plot([0, 1], [offset, offset + slope])
    ax.set(xlabel="x", ylabel="y", ylim=(-3, 3))


def pngs(box):
    return [base64.b64decode(re.search(r'base64,([^"]+)"', p.value).group(1))
            for p in box.children[1].children]


def alt_of(img_html: str) -> str:
    return html.unescape(re.search(r'alt="([^"]*)"', img_html).group(1))


def pixels(png: bytes) -> tuple[int, int]:
    from PIL import Image

    return Image.open(io.BytesIO(png)).size


def same_picture(a: bytes, b: bytes, tolerance: int = 16) -> bool:
    """Two PNGs of one drawing: equal size, every pixel within the palette's rounding."""
    import numpy as np
    from PIL import Image

    x, y = (np.asarray(Image.open(io.BytesIO(p)).convert("RGB"), dtype=int) for p in (a, b))
    return x.shape == y.shape and np.percentile(np.abs(x - y).max(axis=2), 99.9) <= tolerance


def test_one_picture_per_value_linked_to_the_slider():
    calls = []

    def draw(fig, slope, offset):
        calls.append((slope, offset))
        draw_line(fig, slope, offset)

    box = figure_slider(draw, "slope", [-2, 0, 2], description="slope w", start=1, offset=0.5,
                        alt="A straight line")
    slider, stack = box.children
    assert calls == [(-2, 0.5), (0, 0.5), (2, 0.5)]
    assert isinstance(slider, W.SelectionSlider) and isinstance(stack, W.Stack)
    assert slider.index == stack.selected_index == 1
    assert [label for label, _ in slider.options] == ["-2", "0", "2"]
    images = pngs(box)
    assert all(png.startswith(b"\x89PNG") for png in images)
    assert len(set(images)) == 3, "different values must give different pictures"
    # drawn for high-density screens: twice the pixels of the size shown (6 x 4 in at 80 dpi)
    assert [pixels(png) for png in images] == [(960, 640)] * 3
    assert 'width="480" height="320"' in stack.children[2].value
    assert same_picture(images[2], render_png(draw_line, (6.0, 4.0), 160, slope=2, offset=0.5))
    assert alt_of(stack.children[2].value) == "A straight line. At slope w = 2: y against x."
    # the link lives in the browser (a jslink widget), so it works with no kernel
    from ipywidgets.widgets.widget_link import Link

    created = []
    original = W.jslink
    W.jslink = lambda *args: created.append(original(*args)) or created[-1]
    try:
        slider, stack = figure_slider(draw_line, "slope", [-2, 0, 2]).children
    finally:
        W.jslink = original
    assert len(created) == 1 and isinstance(created[0], Link)
    assert created[0].source == (slider, "index") and created[0].target == (stack, "selected_index")


def test_alt_text_is_escaped_and_says_what_the_picture_shows():
    box = figure_slider(draw_line, "slope", [1.0], labels=['"one" <1>'])
    value = box.children[1].children[0].value
    assert 'alt="At slope = &quot;one&quot; &lt;1&gt;: y against x."' in value
    assert "draw_line" not in value, "the alt text names what is shown, not the function"


def draw_titled(fig, lam):
    """Two panels whose titles say what the setting changes, in mathtext, with a legend."""
    left, right = fig.subplots(1, 2)
    left.plot([0, 1], [0, lam], label="$\\sin x$ (truth)")
    left.legend()
    left.set(title=f"$\\lambda$ = {lam:g}: $\\|W\\|^2$ = {10 * lam:.1f}", xlabel="input $x$",
             ylabel="output")
    right.set(title="weight norm", xlabel="$\\lambda$", ylabel="$\\|W\\|^2$")


def test_each_pictures_alt_text_describes_it_at_its_setting():
    box = figure_slider(draw_titled, "lam", [0.1, 0.5], description="λ",
                        alt=lambda lam: f"A fit with penalty {lam}")
    alts = [alt_of(p.value) for p in box.children[1].children]
    assert alts == [
        "A fit with penalty 0.1. At λ = 0.1: Panel 1 of 2: “λ = 0.1: ‖W‖² = 1.0”; output against "
        "input x; legend: sin x (truth). Panel 2 of 2: “weight norm”; ‖W‖² against λ.",
        "A fit with penalty 0.5. At λ = 0.5: Panel 1 of 2: “λ = 0.5: ‖W‖² = 5.0”; output against "
        "input x; legend: sin x (truth). Panel 2 of 2: “weight norm”; ‖W‖² against λ."]
    with pytest.raises(TypeError, match="alt must be a text or a function"):
        figure_slider(draw_line, "slope", [1.0], alt=3)


def test_plain_text_reads_mathtext_aloud():
    assert plain_text("$\\lambda$ = 0.1") == "λ = 0.1"
    assert plain_text("$h_1 = a^{(1)}_1$ (hidden unit 1)") == "h₁ = a⁽¹⁾₁ (hidden unit 1)"
    assert plain_text("$w_{ij}$ and $e^{-x}$") == "w_(ij) and e^(-x)"
    assert plain_text("$\\mathrm{MSE}$ of $\\hat y$") == "MSE of y"
    assert plain_text("no  maths\nhere") == "no maths here"


def test_describe_skips_colorbars_and_reads_the_figure_title():
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    image = ax.imshow([[0, 1], [1, 0]])
    fig.colorbar(image, ax=ax, label="count")
    ax.set(title="a checkerboard", xlabel="column", ylabel="row")
    fig.suptitle("Two by two")
    assert describe(fig) == "Two by two. “a checkerboard”; row against column."


def test_compressed_pictures_are_smaller_and_faithful():
    import numpy as np
    from PIL import Image

    png = render_png(draw_titled, (6.0, 4.0), 144, lam=0.3)
    small = compress_png(png)
    assert len(small) < 0.6 * len(png), (len(small), len(png))
    a = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)
    b = np.asarray(Image.open(io.BytesIO(small)).convert("RGB"), dtype=float)
    assert a.shape == b.shape and np.percentile(np.abs(a - b).max(axis=2), 99.9) <= 16
    assert compress_png(small) == small, "compressing twice changes nothing"
    # a photograph-like picture with thousands of colours is kept lossless
    noisy = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (64, 64, 3),
                                                      dtype=np.uint8)).save(noisy, "PNG")
    kept = compress_png(noisy.getvalue())
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(kept)).convert("RGB")),
                          np.asarray(Image.open(noisy).convert("RGB")))


@pytest.mark.parametrize("kwargs, message", [
    (dict(values=[]), "values is empty"),
    (dict(values=range(61)), "use at most 60"),
    (dict(values=[1, 2], labels=["a"]), "got 1 labels for 2 values"),
    (dict(values=[1, 2], start=2), "start=2 is not an index"),
])
def test_bad_arguments_are_explained(kwargs, message):
    with pytest.raises(ValueError, match=message):
        figure_slider(draw_line, "slope", **kwargs)


def test_live_figure_calls_the_same_draw():
    seen = []

    def draw(fig, slope):
        seen.append(slope)
        draw_line(fig, slope)

    w = live_figure(draw, slope=(0.0, 2.0, 0.5))
    assert isinstance(w, W.interactive)
    w.children[0].value = 1.5
    assert seen and seen[-1] == 1.5


WIDGET = "application/vnd.jupyter.widget-view+json"


def displayed(widget) -> dict:
    """The mime bundle IPython sends to the front end when a cell's value is `widget`."""
    from IPython.core.formatters import DisplayFormatter

    data, _ = DisplayFormatter().format(widget)
    return data


def test_slider_displays_as_widget_and_as_its_current_picture():
    box = figure_slider(draw_line, "slope", [-2, 0, 2], start=1)
    data = displayed(box)
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == box.model_id
    assert base64.b64decode(data["image/png"]) == pngs(box)[1]
    assert same_picture(pngs(box)[1], render_png(draw_line, dpi=160, slope=0))
    box.children[0].index = 2  # moved in a live notebook: a re-display shows the new picture
    assert base64.b64decode(displayed(box)["image/png"]) == pngs(box)[2]


def test_slider_caption_says_at_this_setting():
    """Where only its picture can be shown (the PDF), the caption is the widget's text."""
    box = figure_slider(draw_line, "slope", [-2, 0, 2], description="slope w", start=1)
    caption = displayed(box)["text/plain"]
    assert caption == ("The figure at this setting: slope w = 0. On the course website and in a "
                       "running notebook a slider shows it for slope w = -2, 0 or 2.")
    assert "move" not in caption.lower() and "VBox" not in caption
    many = figure_slider(draw_line, "slope", list(range(10)), start=4)
    assert "slope = 0, 1, 2, …, 8, 9." in repr(many)


def test_slider_displays_as_html_for_pages_without_a_widget_manager():
    """A range input over the pictures, the starting one shown and the others hidden, each
    loaded and decoded only when shown; disabled until the page's script takes it over."""
    box = figure_slider(draw_line, "slope", [-2, 0, 2], description="slope w", start=1,
                        alt="A straight line")
    page = displayed(box)["text/html"]
    slider = re.search(r"<input [^>]*>", page).group(0)
    assert 'type="range"' in slider and 'min="0"' in slider and 'max="2"' in slider
    assert 'value="1"' in slider and " disabled" in slider
    assert json.loads(html.unescape(re.search(r'data-labels="([^"]*)"', slider).group(1))) == [
        "-2", "0", "2"]
    assert 'aria-valuetext="slope w = 0"' in slider
    label_for = re.search(r'<label for="([^"]+)">slope w</label>', page).group(1)
    assert f'id="{label_for}"' in slider, "the label names the slider"
    imgs = re.findall(r"<img [^>]*>", page)
    assert len(imgs) == 3 and [" hidden" in i for i in imgs] == [True, False, True]
    assert all('loading="lazy"' in i and 'decoding="async"' in i for i in imgs)
    assert [alt_of(i) for i in imgs] == [f"A straight line. At slope w = {v}: y against x."
                                         for v in ("-2", "0", "2")]
    srcs = [base64.b64decode(re.search(r'base64,([^"]+)"', i).group(1)) for i in imgs]
    assert srcs == pngs(box)
    assert displayed(figure_slider(draw_line, "slope", [1.0]))["text/html"] != page


def test_live_figure_displays_its_starting_picture():
    w = live_figure(draw_line, figsize=(5.0, 3.0), slope=(0.0, 2.0, 0.5), offset=(-1.0, 1.0, 0.5))
    data = displayed(w)
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == w.model_id
    start = base64.b64decode(data["image/png"])
    assert start == render_png(draw_line, (5.0, 3.0), 100, slope=1.0, offset=0.0)
    w.children[0].value = 2.0
    assert base64.b64decode(displayed(w)["image/png"]) == render_png(draw_line, (5.0, 3.0), 100,
                                                                      slope=2.0, offset=0.0)


def test_a_closed_widget_displays_only_its_text():
    box = figure_slider(draw_line, "slope", [1.0])
    box.close()
    assert list(displayed(box)) == ["text/plain"]


def test_live_figure_saves_the_shown_figure_without_drawing_again():
    calls = []

    def draw(fig, slope):
        calls.append(slope)
        draw_line(fig, slope)

    w = live_figure(draw, slope=(0.0, 2.0, 0.5))
    assert calls == [1.0]
    assert "image/png" in displayed(w)
    assert calls == [1.0], "displaying the widget must not run draw() again"


def test_live_figure_whose_draw_fails_displays_no_picture():
    def broken(fig, slope):
        raise ValueError("no picture today")

    w = live_figure(broken, slope=(0.0, 2.0, 0.5))
    data = displayed(w)
    assert WIDGET in data and "image/png" not in data


def _figure(kind: str):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 4), layout="constrained")
    if kind == "three":
        fig.subplots(1, 3)
    elif kind == "grid":
        fig.subplots(2, 4)
    elif kind == "stack":
        fig.subplots(3, 1)
    elif kind == "colorbar":
        ax = fig.add_subplot()
        fig.colorbar(ax.imshow([[0, 1]]), ax=ax)
    elif kind == "subfigures":
        for sub in fig.subfigures(1, 3):
            sub.subplots(2, 1)
    elif kind == "ratios":
        fig.subplots(1, 3, width_ratios=[1.4, 1, 1])
    return fig


@pytest.mark.parametrize("kind, columns", [("three", 3), ("grid", 4), ("stack", 1), ("colorbar", 1),
                                           ("subfigures", 3), ("ratios", 3)])
def test_panel_columns_counts_panels_side_by_side(kind, columns):
    assert panel_columns(_figure(kind)) == columns


def test_the_kernel_notes_each_figures_panels_in_its_text():
    """As the book's kernels run it (tools/project.py): the text of a figure says how many panels
    it has side by side, also after pyplot's inline backend has started."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    note_panel_columns(shell)
    text = shell.display_formatter.format(_figure("grid"))[0]["text/plain"]
    assert PANELS.search(text).group(1) == "4", text
    shell.events.trigger("pre_run_cell", None)          # registers again, once
    assert PANELS.search(
        shell.display_formatter.format(_figure("three"))[0]["text/plain"]).group(1) == "3"


def test_slider_pictures_say_how_many_panels_they_have():
    def draw(fig, k):
        fig.subplots(1, k)

    box = figure_slider(draw, "k", [1, 2, 3])
    page = displayed(box)["text/html"]
    assert re.findall(r'data-panels="(\d+)"', page) == ["1", "2", "3"]
