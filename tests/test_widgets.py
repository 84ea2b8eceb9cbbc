"""mlp.widgets: the kernel-free slider embeds one picture per value, linked in the browser, and
the kernel-driven version calls the same draw function."""
import base64
import re

import pytest

pytest.importorskip("ipywidgets")
import ipywidgets as W  # noqa: E402

from mlp.widgets import figure_slider, live_figure, render_png  # noqa: E402


def draw_line(fig, slope, offset=0.0):
    ax = fig.add_subplot()
    ax.plot([0, 1], [offset, offset + slope])
    ax.set(xlabel="x", ylabel="y", ylim=(-3, 3))


def pngs(box):
    return [base64.b64decode(re.search(r'base64,([^"]+)"', p.value).group(1)) for p in box.children[1].children]


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
    assert images[2] == render_png(draw_line, (6.0, 4.0), 80, slope=2, offset=0.5)
    assert 'alt="A straight line, slope w = 2"' in stack.children[2].value
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


def test_alt_text_is_escaped_and_has_a_default():
    box = figure_slider(draw_line, "slope", [1.0], labels=['"one" <1>'])
    value = box.children[1].children[0].value
    assert 'alt="Figure drawn by draw_line, slope = &quot;one&quot; &lt;1&gt;"' in value


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
    assert base64.b64decode(data["image/png"]) == pngs(box)[1] == render_png(draw_line, slope=0)
    box.children[0].index = 2  # moved in a live notebook: a re-display shows the new picture
    assert base64.b64decode(displayed(box)["image/png"]) == pngs(box)[2]


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
