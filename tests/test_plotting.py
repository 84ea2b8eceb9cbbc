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
from mlp.autograd import ScalarMLP, Value, squared_error, topological_order  # noqa: E402


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
    np.testing.assert_allclose(df_line.get_ydata(), act.df(z))
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
    with pytest.raises(ValueError, match="layer 2"):
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
            (x0, _), (x1, _) = p._posA_posB
            assert x1 > x0


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
