"""Tests for mlp.plotting (Agg backend): what each function draws, labels and returns."""
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch  # noqa: E402

import mlp  # noqa: E402
from mlp import plotting as P  # noqa: E402
from mlp.autograd import Value, topological_order  # noqa: E402
from mlp.gradcheck import ScalarMLP, squared_error  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def labelled(ax) -> bool:
    return bool(ax.get_xlabel()) and bool(ax.get_title())


def contour_levels(ax) -> list:
    return [list(c.levels) for c in ax.collections if hasattr(c, "levels")]


def legend_texts(ax) -> list:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_import_mlp_does_not_load_matplotlib_or_ipywidgets():
    code = ("import sys, mlp, mlp.plotting, mlp.autograd, mlp.datasets; "
            "bad = [m for m in ('matplotlib', 'ipywidgets') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_decision_boundary_probabilities_and_logits():
    X, y = mlp.datasets.make_xor(n=40, rng=0)
    ax = P.plot_decision_boundary(lambda Z: 1 / (1 + np.exp(-(Z[:, 0] - 0.5))), X, y, resolution=30)
    assert labelled(ax) and ax.get_ylabel()
    assert [0.5] in contour_levels(ax)                 # probabilities: threshold 0.5
    assert legend_texts(ax) == ["class 0", "class 1"]
    assert len([c for c in ax.collections if c.get_label().startswith("class")]) == 2
    fig, ax2 = plt.subplots()
    out = P.plot_decision_boundary(lambda Z: Z[:, :1] - 0.5, X, y, ax=ax2, resolution=30)
    assert out is ax2 and [0.0] in contour_levels(ax2)     # logits: threshold 0
    # the axes cover the data with padding
    assert ax2.get_xlim()[0] < X[:, 0].min() and ax2.get_ylim()[1] > X[:, 1].max()


def test_decision_boundary_multiclass_and_mlp():
    X, y = mlp.datasets.make_blobs(n=30, centers=3, rng=0)
    net = mlp.MLP([2, 4, 3], activation="relu", rng=0)
    ax = P.plot_decision_boundary(net, X, y, resolution=20)
    assert legend_texts(ax) == ["class 0", "class 1", "class 2"]
    with pytest.raises(ValueError, match="3 classes"):
        P.plot_decision_boundary(lambda Z: Z[:, 0], X, y, resolution=20)
    with pytest.raises(ValueError, match="predict returned shape"):
        P.plot_decision_boundary(lambda Z: Z[:5], X, y, resolution=20)
    with pytest.raises(TypeError, match="callable"):
        P.plot_decision_boundary(np.zeros(3), X, y)
    with pytest.raises(ValueError, match="2 columns"):
        P.plot_decision_boundary(net, np.zeros((5, 3)), np.zeros(5))


def test_history():
    hist = mlp.History(epoch=[0, 1, 2, 3], train_loss=[1.0, 0.5, 0.3, 0.2],
                       val_loss=[1.1, 0.6, 0.5, 0.55], train_acc=[None] * 4, val_acc=[None] * 4,
                       time=[0, 1, 2, 3], best_epoch=2)
    ax = P.plot_history(hist, log=True)
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss" and ax.get_yscale() == "log"
    assert legend_texts(ax) == ["training", "validation", "best epoch (2)"]
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), hist.val_loss)
    with pytest.raises(ValueError, match="no 'acc' values"):
        P.plot_history(hist, metric="acc")
    with pytest.raises(ValueError, match="metric"):
        P.plot_history(hist, metric="accuracy")
    fig, ax2 = plt.subplots()
    d = {"epoch": [0, 1], "train_acc": [0.5, 0.75]}
    assert P.plot_history(d, ax=ax2, metric="acc") is ax2 and ax2.get_ylabel() == "accuracy"


def test_history_from_fit():
    X, y = mlp.datasets.xor()
    net = mlp.MLP([2, 3, 1], activation="tanh", output="sigmoid", rng=0)
    hist = mlp.fit(net, mlp.BCE(), mlp.optim.SGD(net.parameters(), lr=0.5), X, y, epochs=3,
                   validation=(X, y), rng=0)
    ax = P.plot_history(hist, metric="acc")
    assert len(ax.lines) >= 2


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_activation(name):
    z = np.linspace(-3, 3, 50)
    ax = P.plot_activation(name, z=z)
    assert labelled(ax) and legend_texts(ax) == ["f(z)", "f'(z)"]
    act = mlp.get_activation(name)
    f_line, df_line = [ln for ln in ax.lines if not ln.get_label().startswith("_")]
    np.testing.assert_allclose(f_line.get_ydata(), act.f(z))
    np.testing.assert_allclose(df_line.get_ydata(), act.fprime(z))
    fig, ax2 = plt.subplots()
    assert P.plot_activation(mlp.activations.leaky_relu(0.1), ax=ax2) is ax2


def test_loss_surface():
    f = lambda a, b: a ** 2 + 10 * b ** 2   # noqa: E731
    paths = {"SGD": np.array([[1.5, 1.0], [1.0, -0.5], [0.2, 0.1]]), "Adam": [[-1, 1], [0, 0]]}
    ax = P.plot_loss_surface(f, paths=paths, log_levels=True, resolution=40)
    assert ax.get_xlabel() == "$w_1$" and ax.get_ylabel() == "$w_2$"
    assert legend_texts(ax) == ["SGD", "Adam"]
    assert len(ax.lines) == 3 * len(paths)           # path, start, end
    np.testing.assert_array_equal(ax.lines[0].get_xydata(), paths["SGD"])
    levels = contour_levels(ax)[0]
    assert np.allclose(np.diff(np.log(levels)), np.log(levels[1] / levels[0]))   # geometric
    fig, ax2 = plt.subplots()
    assert P.plot_loss_surface(f, ax=ax2, levels=5, resolution=20) is ax2
    with pytest.raises(ValueError, match="elementwise"):
        P.plot_loss_surface(lambda a, b: 1.0, resolution=10)
    with pytest.raises(ValueError, match=r"paths\['bad'\]"):
        P.plot_loss_surface(f, paths={"bad": np.zeros((3, 3))}, resolution=10)


def _label_boxes(ax):
    ax.figure.draw_without_rendering()
    return [t for t in ax.texts if t.get_bbox_patch() is not None]


def test_network_folded_draws_the_biases_as_constant_units_and_keeps_labels_apart():
    V = np.array([[0.10, 0.80, -0.50], [-0.30, 0.40, 0.90], [0.20, -0.60, 0.30]])
    W = np.array([[0.05, 1.20, -0.70, 0.40], [-0.10, -0.80, 0.60, 1.10]])
    fig = Figure(figsize=(6, 4), layout="constrained")    # small: labels at a fixed spot collide
    ax = P.plot_network([(V[:, 1:], V[:, 0]), (W[:, 1:], W[:, 0])], ax=fig.add_subplot(),
                        folded=True, fmt="{:+.2f}", hidden_labels=["$h_1$", "$h_2$", "$h_3$"])
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    assert len(circles) == 2 + 3 + 2 + 2               # units, and x_0 = 1, h_0 = 1
    assert sum(c.get_facecolor()[:3] == (0.85, 0.85, 0.85) for c in circles) == 2
    assert len(ax.lines) == V.size + W.size            # every weight, biases included
    labels = _label_boxes(ax)
    assert sorted(t.get_text() for t in labels) == sorted(f"{w:+.2f}"
                                                          for w in [*V.ravel(), *W.ravel()])
    texts = [t.get_text() for t in ax.texts]
    assert ("$x_0 = 1$" in texts and "$h_0 = 1$" in texts
            and not any(t.startswith("b=") for t in texts))
    boxes = [t.get_window_extent() for t in labels]
    overlapping = [(labels[i].get_text(), labels[j].get_text()) for i in range(len(boxes))
                   for j in range(i + 1, len(boxes)) if boxes[i].overlaps(boxes[j])]
    assert overlapping == [], f"weight labels on top of each other: {overlapping}"
    # each label sits on its own edge: the edge of the same value passes through its centre
    for t in labels:
        x, y = t.get_position()
        on_edge = []
        for ln in ax.lines:
            (x0, x1), (y0, y1) = ln.get_xdata(), ln.get_ydata()
            if abs((x1 - x0) * (y - y0) - (y1 - y0) * (x - x0)) < 1e-9:    # collinear
                on_edge.append(ln)
        assert on_edge, f"label {t.get_text()} is not on an edge"
    for c in circles:                                  # and clear of every unit
        assert not any(b.overlaps(c.get_window_extent()) for b in boxes)


def test_network_from_mlp_and_pairs():
    net = mlp.MLP([2, 3, 2], activation="sigmoid", output="sigmoid", rng=0)
    ax = P.plot_network(net)
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    assert len(circles) == 2 + 3 + 2
    assert len(ax.lines) == 2 * 3 + 3 * 2            # one line per weight
    texts = [t.get_text() for t in ax.texts]
    assert f"{net.layer(1).W.data[0, 0]:.2g}" in texts
    assert sum(t.startswith("b=") for t in texts) == 3 + 2
    assert ax.get_xlabel() == "layer" and ax.get_title() == "network 2-3-2"
    # the hand-set XOR network of the lectures, as (W, b) pairs
    xor_net = [(np.array([[20, 20], [-20, -20]]), np.array([-10, 30])), ([[20, 20]], [-30])]
    fig, ax2 = plt.subplots()
    ax2 = P.plot_network(xor_net, ax=ax2, show_weights=False, input_labels=["A", "B"],
                         output_labels=["A xor B"])
    assert len([p for p in ax2.patches if isinstance(p, Circle)]) == 5
    widths = {ln.get_linewidth() for ln in ax2.lines}
    assert len(widths) == 1                          # all |w| = 20
    styles = [ln.get_linestyle() for ln in ax2.lines]
    assert styles.count("--") == 2                   # the two negative weights
    assert {"A", "B", "A xor B"} <= {t.get_text() for t in ax2.texts}
    with pytest.raises(ValueError, match=r"plot_network: .*W\^\(2\) has shape \(1, 3\)"):
        P.plot_network([(np.ones((2, 2)), np.ones(2)), (np.ones((1, 3)), np.ones(1))])
    with pytest.raises(ValueError, match="max_units"):
        P.plot_network(mlp.MLP([40, 2, 1], rng=0))


def _lecture_graph():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2, b = Value(-3.0, label="w1"), Value(1.0, label="w2"), Value(6.88, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o


@pytest.mark.parametrize("make", ["lecture", "reuse", "scalar_mlp"])
def test_graph(make):
    if make == "lecture":
        root = _lecture_graph()
    elif make == "reuse":
        a = Value(1.0, label="a")
        root = (a + a) * (a + a)
    else:
        snet = ScalarMLP.from_mlp(mlp.MLP([2, 2, 1], activation="sigmoid", output="sigmoid", rng=0))
        root = squared_error(snet([1.0, 0.0]), [1.0])
    nodes = topological_order(root)
    ops = [v for v in nodes if v.parents]
    ax = P.plot_graph(root)
    assert sum(isinstance(p, FancyBboxPatch) for p in ax.patches) == len(nodes)
    assert sum(isinstance(p, Circle) for p in ax.patches) == len(ops)
    assert sum(isinstance(p, FancyArrowPatch) for p in ax.patches) == \
        len(ops) + sum(len(v.parents) for v in ops)
    assert ax.get_xlabel() and ax.get_title()
    # every arrow points rightwards: parents sit in earlier columns
    for p in ax.patches:
        if isinstance(p, FancyArrowPatch):
            (x0, _), (x1, _) = _arrow_ends(p)
            assert x1 > x0


def _arrow_ends(patch):
    """(start, end) of a straight arrow, or of a bent one (drawn along a path)."""
    if patch._posA_posB is not None:
        return patch._posA_posB
    vertices = patch._path_original.vertices
    return vertices[0], vertices[-1]


def _arrow_segments(ax) -> list:
    """Every straight piece of every arrow, in data coordinates."""
    out = []
    for p in ax.patches:
        if isinstance(p, FancyArrowPatch):
            pts = ([np.asarray(q) for q in p._posA_posB] if p._posA_posB is not None
                   else list(p._path_original.vertices))
            out += [(np.asarray(a, float), np.asarray(b, float)) for a, b in zip(pts, pts[1:])]
    return out


def _cross(s1, s2) -> bool:
    """Whether two segments cross at a point inside both (touching ends do not count)."""
    (p, p2), (q, q2) = s1, s2
    r, t = p2 - p, q2 - q
    denom = r[0] * t[1] - r[1] * t[0]
    if abs(denom) < 1e-12:
        return False
    u = ((q - p)[0] * t[1] - (q - p)[1] * t[0]) / denom
    v = ((q - p)[0] * r[1] - (q - p)[1] * r[0]) / denom
    return 1e-6 < u < 1 - 1e-6 and 1e-6 < v < 1 - 1e-6


def _two_paths_graph():
    """Chapter 4's L = z1 z2: x1 and x2 each reach L along two paths (an 8-cycle)."""
    x1, x2 = Value(1.5, label="x1"), Value(-0.5, label="x2")
    V11, V12, V21, V22 = (Value(v, label=n) for v, n in
                          ((0.5, "V11"), (-1.0, "V12"), (2.0, "V21"), (0.3, "V22")))
    z1 = V11 * x1 + V12 * x2
    z1.label = "z1"
    z2 = V21 * x1 + V22 * x2
    z2.label = "z2"
    L = z1 * z2
    L.label = "L"
    L.backward()
    return L


def test_graph_of_two_paths_has_no_crossing_edges_and_every_node_named():
    root = _two_paths_graph()
    ax = P.plot_graph(root)
    segments = _arrow_segments(ax)
    crossings = [(a, b) for i, a in enumerate(segments) for b in segments[i + 1:] if _cross(a, b)]
    assert crossings == [], f"{len(crossings)} crossing edges"
    names = [t.get_text().split("\n")[0] for t in ax.texts if "\ndata " in t.get_text()]
    assert len(names) == len(topological_order(root)) == 13
    assert len(set(names)) == 13 and all(names), names
    assert {"V11·x1", "V12·x2", "V21·x1", "V22·x2", "z1", "z2", "L"} <= set(names)
    # no box sits on another: every pair of boxes is apart
    boxes = [p.get_bbox() for p in ax.patches if isinstance(p, FancyBboxPatch)]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0


def test_graph_names_unlabelled_values_by_their_expression_or_a_number():
    a, b = Value(2.0, label="a"), Value(3.0, label="b")
    long = Value(1.0, label="a_long_name") * Value(2.0, label="another_long_one")
    root = (a * b + 4.0).tanh() + long
    texts = [t.get_text().split("\n")[0] for t in P.plot_graph(root).texts
             if "\ndata " in t.get_text()]
    assert "a·b" in texts and "4" in texts and "a·b + 4" in texts, texts
    assert "v1" in texts, "an expression too long for its box is numbered"


def test_graph_texts_and_given_axes():
    root = _lecture_graph()
    fig = Figure(figsize=(4, 3))              # as inside a widget's draw(fig): no pyplot
    ax = fig.add_subplot()
    assert P.plot_graph(root, ax=ax) is ax
    texts = [t.get_text() for t in ax.texts]
    # n = 2 * (-3) + 0 * 1 + 6.88 = 0.88, o = tanh(0.88) = 0.70642..., do/dn = 1 - o^2 = 0.50097
    assert "o\ndata 0.7064\ngrad 1" in texts
    assert "n\ndata 0.88\ngrad 0.501" in texts
    assert "x1\ndata 2\ngrad -1.503" in texts   # do/dx1 = w1 (1 - o^2) = -3 * 0.50097
    assert "tanh" in texts and "×" in texts
    with pytest.raises(TypeError, match="Value"):
        P.plot_graph(3.0)
    deep = Value(1.0)
    for _ in range(80):
        deep = deep.relu()
    with pytest.raises(ValueError, match="max_nodes"):
        P.plot_graph(deep)


# --- plot_unit_line, plot_hidden_views, plot_sweep ------------------------------------------------

def _arrow(ax):
    """(start, head) of the last arrow annotation on ax."""
    ann = [t for t in ax.texts if getattr(t, "arrow_patch", None) is not None][-1]
    return np.asarray(ann.xyann, dtype=float), np.asarray(ann.xy, dtype=float)


@pytest.mark.parametrize("w, b, level", [((1.0, 1.0), -1.5, 0.0), ((2.0, -0.5), 0.3, 0.0),
                                         ((0.0, 3.0), -1.0, 1.0), ((-1.0, 0.0), 0.2, -1.0)])
def test_unit_line_is_the_level_set_and_the_arrow_points_along_w(w, b, level):
    fig, ax = plt.subplots()
    ax.set(xlim=(-2, 3), ylim=(-1, 2))
    line = P.plot_unit_line(ax, w, b, level=level, color="C1", label="unit")
    w = np.asarray(w)
    for point in (line.get_xy1(), line.get_xy2()):          # two points of the infinite line
        assert w @ np.asarray(point) + b == pytest.approx(level, abs=1e-9)
    start, head = _arrow(ax)
    assert w @ start + b == pytest.approx(level, abs=1e-9)   # the arrow starts on the line
    step = head - start
    assert w @ head + b > level                               # ... and points where z > level
    assert abs(step[0] * w[1] - step[1] * w[0]) < 1e-9        # ... along w
    assert ax.get_xlim() == (-2, 3) and ax.get_ylim() == (-1, 2)   # the limits are untouched
    assert line.get_label() == "unit" and line.get_color() == "C1"


def test_unit_line_without_weights_and_bad_input():
    fig, ax = plt.subplots()
    assert P.plot_unit_line(ax, [0.0, 0.0], 1.0) is None and not ax.lines and not ax.texts
    with pytest.raises(ValueError, match="2 finite numbers"):
        P.plot_unit_line(ax, [1.0, 2.0, 3.0], 0.0)
    with pytest.raises(ValueError, match="2 finite numbers"):
        P.plot_unit_line(ax, [1.0, np.nan], 0.0)
    with pytest.raises(ValueError, match="b must be finite"):
        P.plot_unit_line(ax, [1.0, 1.0], np.inf)


def _xor_step_net(W1=((1.0, 1.0), (-1.0, -1.0)), b1=(-0.5, 1.5), v=(1.0, 1.0), c=-1.5):
    net = mlp.MLP([2, 2, 1], activation="step", output="step", rng=0)
    net.layer(1).W.data[:], net.layer(1).b.data[:] = W1, b1
    net.layer(2).W.data[:], net.layer(2).b.data[:] = [v], [c]
    return net


@pytest.mark.parametrize("b2, right", [(1.5, 4), (-0.7, 2)])    # NAND, then a unit that is always 1
def test_hidden_views_draws_the_hidden_space_and_counts_correctly(b2, right):
    X, y = mlp.datasets.xor()
    net = _xor_step_net(b1=(-0.5, b2))
    names = [f"({a:.0f},{b:.0f})" for a, b in X]
    ax_in, ax_h, ax_out = P.plot_hidden_views(net, X, y, names=names)
    W1, b1 = np.array([[1.0, 1.0], [-1.0, -1.0]]), np.array([-0.5, b2])
    H = (X @ W1.T + b1 >= 0).astype(float)                    # the hidden step units, by hand
    hidden_points = np.vstack([c.get_offsets() for c in ax_h.collections
                               if hasattr(c, "get_offsets") and c.get_label().startswith("class")])
    assert sorted(map(tuple, hidden_points)) == sorted(map(tuple, H))
    for i, line in enumerate(ax_in.lines):                    # hidden unit i's line z_i = 0
        assert W1[i] @ np.asarray(line.get_xy1()) + b1[i] == pytest.approx(0, abs=1e-9)
    out_line = ax_h.lines[0]
    assert np.array([1.0, 1.0]) @ np.asarray(out_line.get_xy1()) - 1.5 == pytest.approx(0, abs=1e-9)
    y_hat = (H @ [1.0, 1.0] - 1.5 >= 0).astype(int)
    assert np.sum(y_hat == y) == right and ax_out.get_title() == f"output: {right} of 4 correct"
    assert all(labelled(ax) for ax in (ax_in, ax_h, ax_out))
    texts = {t.get_text() for t in ax_h.texts}
    assert "(0,1) (1,0)" in texts or right != 4            # two corners on one spot share a label
    labels = [t.get_text() for t in ax_in.figure.legends[0].get_texts()]
    assert labels[:2] == ["class 0", "class 1"] and any("output unit" in s for s in labels)


def test_hidden_views_in_a_given_figure_and_bad_input():
    X, y = mlp.datasets.xor()
    fig = Figure(figsize=(12, 4.6))
    axes = P.plot_hidden_views(_xor_step_net(), X, y, fig=fig, fixed_layout=True)
    assert all(ax.figure is fig for ax in axes) and fig.get_layout_engine() is None
    with pytest.raises(ValueError, match=r"sizes \[2, 2, 1\]"):
        P.plot_hidden_views(mlp.MLP([2, 3, 1], rng=0), X, y)
    with pytest.raises(ValueError, match="label 0 or 1"):
        P.plot_hidden_views(_xor_step_net(), X, y + 1)
    with pytest.raises(ValueError, match="one entry per row"):
        P.plot_hidden_views(_xor_step_net(), X, y, names=["a"])


@pytest.fixture(scope="module")
def sweep():
    X, y, _ = mlp.datasets.make_teacher_student(30, 4, noise=0.1, rng=0)
    Xt, _, yt = mlp.datasets.make_teacher_student(100, 4, noise=0.1, rng=1)
    return mlp.double_descent.sweep_random_features(X, y, Xt, yt, [5, 15, 30, 60, 120], seeds=3,
                                                    rng=0)


def test_sweep_draws_the_median_the_band_and_the_threshold(sweep):
    ax = P.plot_sweep(sweep)
    line = ax.lines[0]
    np.testing.assert_array_equal(line.get_xdata(), sweep.n_features)
    np.testing.assert_allclose(line.get_ydata(), np.median(sweep.test_mse, axis=0))
    assert len(ax.collections) == 1                            # the 25-75% band
    assert [l.get_xdata()[0] for l in ax.lines[1:]] == [30]     # the dashed line at p = n
    assert ax.get_xscale() == ax.get_yscale() == "log" and labelled(ax)
    ax2 = P.plot_sweep(sweep, what="train_mse", band=False, p_max=20)
    np.testing.assert_array_equal(ax2.lines[0].get_xdata(), [5, 15])
    assert ax2.get_yscale() == "linear" and not ax2.collections and len(ax2.lines) == 1
    np.testing.assert_allclose(ax2.lines[0].get_ydata(), np.median(sweep.train_mse, axis=0)[:2])


def test_sweep_bad_input(sweep):
    with pytest.raises(ValueError, match="unknown what"):
        P.plot_sweep(sweep, what="loss")
    with pytest.raises(TypeError, match="SweepResult"):
        P.plot_sweep({"n_features": [1]})
    with pytest.raises(ValueError, match="no width"):
        P.plot_sweep(sweep, p_max=1)


# --- plot_optimizer_paths -------------------------------------------------------------------------

def _surfaces():
    return {"bowl": dict(f=lambda a, b: a ** 2 + b ** 2, xlim=(-2, 2), ylim=(-2, 2),
                         minima=[(0, 0)]),
            "saddle": dict(f=lambda a, b: 0.5 * (a ** 2 - b ** 2) + b ** 4 / 4, xlim=(-2, 2),
                           ylim=(-1.5, 1.5), minima=[(0, 1), (0, -1)])}


def _paths():
    line = np.c_[np.linspace(1.5, 0.0, 11), np.linspace(1e-3, 0.9, 11)]
    return {"bowl": {"SGD": line[::-1] * 0.5, "Adam": line * 0.3},
            "saddle": {"SGD": line, "Adam": line[:5]}}


def test_optimizer_paths_one_panel_per_optimizer_and_surface():
    axes = P.plot_optimizer_paths(_paths(), _surfaces())
    assert axes.shape == (2, 2)                       # rows: SGD, Adam; columns: bowl, saddle
    assert [ax.get_title() for ax in axes[0]] == ["bowl", "saddle"]
    assert "SGD" in axes[0, 0].get_ylabel() and "Adam" in axes[1, 0].get_ylabel()
    assert all(ax.get_xlabel() == "$w_1$" for ax in axes[-1])
    for r, opt in enumerate(["SGD", "Adam"]):
        for c, name in enumerate(["bowl", "saddle"]):
            ax = axes[r, c]
            path = _paths()[name][opt]
            drawn = [ln for ln in ax.lines if ln.get_marker() == "o"]
            assert len(drawn) == 1 and np.allclose(drawn[0].get_xydata(), path)   # one path each
            starts = [ln for ln in ax.lines if ln.get_marker() == "s"]
            ends = [ln for ln in ax.lines if ln.get_marker() == "*"]
            minima = [ln for ln in ax.lines if ln.get_marker() == "x"]
            assert np.allclose(starts[0].get_xydata(), [path[0]])
            assert np.allclose(ends[0].get_xydata(), [path[-1]])
            # both minima of the saddle are marked
            assert sorted(tuple(m.get_xydata()[0]) for m in minima) == sorted(
                map(tuple, np.asarray(_surfaces()[name]["minima"], dtype=float)))
            note = [t.get_text() for t in ax.texts][0]
            gap = np.min(np.linalg.norm(np.asarray(_surfaces()[name]["minima"]) - path[-1], axis=1))
            assert note == f"{len(path) - 1} steps; end {gap:.1e} from a minimum"
    legend = axes[0, 0].figure.legends[0]
    texts = [t.get_text() for t in legend.get_texts()]
    assert {"start", "where it stopped"} <= set(texts) and any("minimum" in t for t in texts)
    markers = {h.get_marker() for h in legend.legend_handles}
    assert {"s", "*", "x"} <= markers, "the legend explains every marker"


def test_optimizer_paths_bad_input():
    with pytest.raises(TypeError, match="paths must be"):
        P.plot_optimizer_paths([np.zeros((3, 2))], _surfaces())
    with pytest.raises(ValueError, match="no surface description for \\['ridge'\\]"):
        P.plot_optimizer_paths({"ridge": {"SGD": np.zeros((3, 2))}}, _surfaces())
    with pytest.raises(ValueError, match=r"paths\['bowl'\]\['SGD'\]"):
        P.plot_optimizer_paths({"bowl": {"SGD": np.zeros((3, 3))}}, _surfaces())
