"""The course's standard pictures: decision boundaries, learning curves, activations, loss
surfaces, network diagrams and computation graphs.

Every chapter draws these, so they live here once, drawn the same way everywhere. Each function
takes `ax=None` (a new figure is made) or an existing Axes (e.g. from a widget's `draw(fig)`),
labels its axes, returns the Axes and never calls plt.show(). matplotlib is imported inside the
functions, so `import mlp` does not load it. Colours are the Okabe-Ito palette (colour-blind safe),
and classes also differ by marker, so figures survive grey-scale printing.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ._validation import as_2d, check_choice, check_number

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
POSITIVE, NEGATIVE = "#0072B2", "#D55E00"


def _axes(ax, figsize=(5.0, 4.0)):
    if ax is None:
        import matplotlib.pyplot as plt
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def plot_decision_boundary(predict: Callable, X, y, ax=None, resolution: int = 200,
                           threshold: float | None = None, padding: float = 0.1, alpha: float = 0.25,
                           title: str | None = None):
    """Colour the plane by the class `predict` assigns, and scatter the data on top.

    predict : any callable mapping an (M, 2) array to outputs: an mlp.MLP, a lambda, ...
        (M,) or (M, 1) outputs are one score per point: class 1 where output >= threshold.
        threshold defaults to 0.5 when every output on the grid lies in [0, 1] (probabilities)
        and to 0 otherwise (logits, or +-1 scores); the boundary output = threshold is drawn.
        (M, K) outputs with K >= 2 are class scores: class = argmax_k output_k.
    X : (N, 2) points; y : (N,) class labels (region k is coloured like the k-th smallest label).
    padding : margin around the data, as a fraction of its range.
    """
    where = "plot_decision_boundary"
    if not callable(predict):
        raise TypeError(f"{where}: predict must be callable (e.g. an MLP or a lambda X: ...); "
                        f"got {type(predict).__name__}.")
    X = as_2d(X, "X", where, n_features=2)
    y = np.asarray(y).reshape(-1)
    if len(y) != len(X):
        raise ValueError(f"{where}: y must have one label per row of X; got {y.shape} for X {X.shape}.")
    check_number(resolution, "resolution", where, low=2, integer=True)
    classes = np.unique(y)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = padding * np.maximum(hi - lo, 1e-9)
    xs, ys = (np.linspace(lo[i] - pad[i], hi[i] + pad[i], resolution) for i in range(2))
    xx, yy = np.meshgrid(xs, ys)
    out = np.asarray(predict(np.c_[xx.ravel(), yy.ravel()]), dtype=float)
    out = out.reshape(len(out), -1) if out.ndim == 1 else out
    if out.ndim != 2 or len(out) != xx.size:
        raise ValueError(f"{where}: predict returned shape {out.shape} for {xx.size} grid points; "
                         "expected (M,), (M, 1) or (M, K).")
    if out.shape[1] == 1:
        if threshold is None:
            threshold = 0.5 if out.min() >= 0 and out.max() <= 1 else 0.0
        region, n_regions = (out[:, 0] >= threshold).astype(int), 2
    else:
        region, n_regions = out.argmax(axis=1), out.shape[1]
    if len(classes) > n_regions:
        raise ValueError(f"{where}: y has {len(classes)} classes but predict separates only "
                         f"{n_regions}; use one output column per class.")

    from matplotlib.colors import ListedColormap
    ax = _axes(ax)
    colors = [OKABE_ITO[k % len(OKABE_ITO)] for k in range(n_regions)]
    ax.contourf(xx, yy, region.reshape(xx.shape), levels=np.arange(n_regions + 1) - 0.5,
                cmap=ListedColormap(colors), alpha=alpha)
    if out.shape[1] == 1 and out.min() < threshold <= out.max():
        ax.contour(xx, yy, out[:, 0].reshape(xx.shape), levels=[threshold], colors="k", linewidths=1)
    for k, c in enumerate(classes):
        pts = X[y == c]
        ax.scatter(pts[:, 0], pts[:, 1], color=colors[k], marker=MARKERS[k % len(MARKERS)],
                   edgecolors="k", linewidths=0.5, s=25, label=f"class {c}")
    ax.set(xlim=(xs[0], xs[-1]), ylim=(ys[0], ys[-1]), xlabel="$x_1$", ylabel="$x_2$",
           title=title or "decision regions")
    ax.legend(loc="best", fontsize="small")
    return ax


def plot_history(history, ax=None, metric: str = "loss", log: bool = False):
    """Learning curves: the training and validation `metric` ("loss" or "acc") against epoch.

    history : an mlp.History (or a dict with the keys epoch, train_loss, val_loss, train_acc,
        val_acc, best_epoch). Epoch 0 is the untrained network. A vertical dotted line marks
        best_epoch (lowest validation loss) when set. log=True uses a logarithmic y axis.
    """
    check_choice(metric, {"loss", "acc"}, "metric", "plot_history")
    get = history.get if isinstance(history, dict) else lambda k: getattr(history, k, None)
    curves = {}
    for part, label, style in (("train", "training", "-"), ("val", "validation", "--")):
        pts = [(e, v) for e, v in zip(get("epoch") or [], get(f"{part}_{metric}") or [])
               if v is not None]                       # fit stores None where there is no value
        if pts:
            curves[label] = (pts, style, POSITIVE if part == "train" else NEGATIVE)
    if not curves:
        raise ValueError(f"plot_history: the history has no '{metric}' values (train_{metric} "
                         f"and val_{metric} are empty or None).")
    ax = _axes(ax)
    for label, (pts, style, color) in curves.items():
        ax.plot(*zip(*pts), style, color=color, label=label)
    if get("best_epoch") is not None:
        ax.axvline(get("best_epoch"), color="0.4", linestyle=":",
                   label=f"best epoch ({get('best_epoch')})")
    if log:
        ax.set_yscale("log")
    ax.set(xlabel="epoch", ylabel="loss" if metric == "loss" else "accuracy",
           title="learning curves")
    ax.legend(fontsize="small")
    return ax


def plot_activation(activation, ax=None, z=None):
    """f(z) and its derivative f'(z) on one axes, for an activation name or mlp Activation."""
    from .activations import get_activation
    act = get_activation(activation)
    z = np.linspace(-5, 5, 401) if z is None else np.asarray(z, dtype=float)
    ax = _axes(ax)
    ax.axhline(0, color="0.8", linewidth=0.8)
    ax.axvline(0, color="0.8", linewidth=0.8)
    ax.plot(z, act.f(z), color=POSITIVE, label="f(z)")
    ax.plot(z, act.fprime(z), "--", color=NEGATIVE, label="f'(z)")
    ax.set(xlabel="pre-activation z", ylabel="value", title=f"activation: {act.name}")
    ax.legend(fontsize="small")
    return ax


def plot_loss_surface(f: Callable, ax=None, xlim=(-2, 2), ylim=(-2, 2), levels: int = 30,
                      paths: dict | None = None, log_levels: bool = False, resolution: int = 200):
    """Contour lines of a loss f(w_1, w_2) over a rectangle, with optional optimizer paths.

    f must accept arrays (it is called once on the whole meshgrid, f(W1, W2) -> same shape).
    paths : {label: array (T, 2)} of iterates w_0 .. w_{T-1}, drawn with markers; the start is a
        square and the end a star. log_levels=True spaces the levels geometrically between the
        smallest positive and the largest value of f, which shows the valley of steep functions.
    """
    where = "plot_loss_surface"
    check_number(levels, "levels", where, low=2, integer=True)
    W1, W2 = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    Z = np.asarray(f(W1, W2), dtype=float)
    if Z.shape != W1.shape:
        raise ValueError(f"{where}: f(W1, W2) returned shape {Z.shape}, expected {W1.shape}: f must "
                         "work on arrays elementwise (use np.exp, not math.exp; or np.vectorize).")
    if log_levels:
        if not np.any(Z > 0):
            raise ValueError(f"{where}: log_levels=True needs positive values of f.")
        lv = np.geomspace(Z[Z > 0].min(), Z.max(), levels)
    else:
        lv = levels
    ax = _axes(ax)
    ax.contour(W1, W2, Z, levels=lv, cmap="viridis", linewidths=0.8)
    for k, (label, path) in enumerate((paths or {}).items()):
        path = as_2d(path, f"paths[{label!r}]", where, n_features=2)
        c = OKABE_ITO[k % len(OKABE_ITO)]
        ax.plot(path[:, 0], path[:, 1], "-o", color=c, markersize=3, linewidth=1.2, label=label)
        ax.plot(*path[0], "s", color=c, markersize=7)
        ax.plot(*path[-1], "*", color=c, markersize=12, markeredgecolor="k")
    ax.set(xlim=xlim, ylim=ylim, xlabel="$w_1$", ylabel="$w_2$", title="loss surface")
    if paths:
        ax.legend(fontsize="small")
    return ax


def _weights_of(net_or_weights) -> tuple[list, list]:
    """[(W, b)] and activation names from an mlp.MLP or a list of (W, b) pairs."""
    from .network import MLP
    if isinstance(net_or_weights, MLP):
        layers = [net_or_weights.layer(l) for l in range(1, net_or_weights.L + 1)]
        return [(ly.W.data, ly.b.data) for ly in layers], [ly.f.name for ly in layers]
    pairs = []
    for l, pair in enumerate(net_or_weights, start=1):
        W, b = (np.atleast_2d(np.asarray(a, dtype=float)) for a in pair)
        b = b.reshape(-1)
        if len(b) != W.shape[0] or (pairs and W.shape[1] != pairs[-1][0].shape[0]):
            raise ValueError(f"plot_network: layer {l} has W {W.shape} and b {b.shape}; W^(l) must "
                             "be (n_l, n_(l-1)) and b^(l) (n_l,), each layer feeding the next.")
        pairs.append((W, b))
    if not pairs:
        raise ValueError("plot_network: pass an mlp.MLP or a non-empty list of (W, b) pairs.")
    return pairs, [None] * len(pairs)


def plot_network(net_or_weights, ax=None, show_weights: bool = True, input_labels=None,
                 output_labels=None, max_units: int = 30):
    """Draw a network: a circle per unit, a line per weight, layers left to right.

    Line width grows with |w| (relative to the largest); positive weights are solid blue,
    negative ones dashed orange. With show_weights the value of w_ij^(l) is printed on its line
    and every unit's bias b_i^(l) next to it. Accepts an mlp.MLP or [(W^(1), b^(1)), ...] with
    W^(l) of shape (n_l, n_{l-1}), e.g. the hand-set XOR network of the lectures.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle
    pairs, acts = _weights_of(net_or_weights)
    sizes = [pairs[0][0].shape[1]] + [W.shape[0] for W, _ in pairs]
    if max(sizes) > max_units:
        raise ValueError(f"plot_network: a layer has {max(sizes)} units; more than "
                         f"max_units={max_units} cannot be drawn legibly.")
    L, wmax = len(pairs), max(np.abs(W).max() for W, _ in pairs) or 1.0
    pos = [[(2.0 * l, (n - 1) / 2 - i) for i in range(n)] for l, n in enumerate(sizes)]
    ax = _axes(ax, figsize=(1.8 * (L + 1) + 1, 0.9 * max(sizes) + 1.5))
    for l, (W, b) in enumerate(pairs, start=1):
        for i, (x1, y1) in enumerate(pos[l]):
            for j, (x0, y0) in enumerate(pos[l - 1]):
                w = W[i, j]
                ax.plot([x0, x1], [y0, y1], "-" if w >= 0 else "--", zorder=1,
                        color=POSITIVE if w >= 0 else NEGATIVE, linewidth=0.5 + 3 * abs(w) / wmax)
                if show_weights:     # each source at its own distance: a fan's labels do not collide
                    t = 0.22 + 0.33 * j / max(len(pos[l - 1]) - 1, 1)
                    ax.text(x1 - t * (x1 - x0), y1 - t * (y1 - y0), f"{w:.2g}", fontsize=7,
                            ha="center", va="center", zorder=3,
                            bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8))
            if show_weights:
                ax.text(x1 + 0.22, y1 - 0.22, f"b={b[i]:.3g}", fontsize=7, va="top", color="0.2")
    for l, layer_pos in enumerate(pos):
        for (x, y_) in layer_pos:
            ax.add_patch(Circle((x, y_), 0.2, facecolor="white" if l == 0 else "#dceaf7",
                                edgecolor="k", zorder=2))
    ins = input_labels or [f"$x_{{{j + 1}}}$" for j in range(sizes[0])]
    outs = output_labels or [f"$a^{{({L})}}_{{{i + 1}}}$" for i in range(sizes[-1])]
    for (x, y_), s in zip(pos[0], ins):
        ax.text(x - 0.35, y_, s, ha="right", va="center")
    for (x, y_), s in zip(pos[-1], outs):
        ax.text(x + 0.35, y_ + 0.1, s, ha="left", va="bottom")
    names = ["input"] + [("output" if l == L else f"hidden {l}") + (f"\n{a}" if a else "")
                         for l, a in enumerate(acts, start=1)]
    ax.set_xticks([2.0 * l for l in range(L + 1)], [f"l = {l}: {s}" for l, s in enumerate(names)],
                  fontsize=8)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set(xlim=(-1.2, 2.0 * L + 1.4), ylim=(-max(sizes) / 2 - 0.3, max(sizes) / 2 + 0.1),
           aspect="equal", xlabel="layer", title="network " + "-".join(map(str, sizes)))
    ax.legend(handles=[Line2D([], [], color=POSITIVE, label="w > 0"),
                       Line2D([], [], color=NEGATIVE, linestyle="--", label="w < 0")],
              fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


def _graph_layout(nodes: list) -> tuple[dict, dict]:
    """Column and row of every node (keyed by id). Column = longest path from an input, except
    that an input sits just left of its first use (a constant used at the end stays there).
    Rows: a few sweeps placing each node at the mean row of its neighbours (fewer crossings)."""
    col: dict[int, int] = {}
    children: dict[int, list] = {id(v): [] for v in nodes}
    for v in nodes:                                     # parents come first in topological order
        col[id(v)] = 1 + max((col[id(p)] for p in v.parents), default=-1)
        for p in v.parents:
            children[id(p)].append(v)
    for v in nodes:
        if not v.parents and children[id(v)]:
            col[id(v)] = min(col[id(c)] for c in children[id(v)]) - 1
    columns: dict[int, list] = {}
    for v in nodes:
        columns.setdefault(col[id(v)], []).append(v)
    row = {id(v): float(r) for c in columns.values() for r, v in enumerate(c)}
    for _ in range(4):
        for c in sorted(columns):
            members = columns[c]
            members.sort(key=lambda v: np.mean([row[id(u)] for u in (*v.parents, *children[id(v)])]
                                               or [row[id(v)]]))
            for r, v in enumerate(members):
                row[id(v)] = (len(members) - 1) / 2 - r
    return col, row


def plot_graph(root, ax=None, fontsize: float = 8, max_nodes: int = 60):
    """Draw the computation graph below an mlp.autograd.Value, inputs left, `root` right.

    Each Value is a box "label | data | grad" (the fields stacked, as graphviz draws records in
    left-to-right graphs); each operation ("+", "*", "tanh", ...) is a small circle between its
    inputs and its result; arrows follow the forward pass (backward runs right to left).
    Inputs are blue, the output orange. Legible up to about 25 values.
    """
    from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
    from .autograd import Value, topological_order
    if not isinstance(root, Value):
        raise TypeError(f"plot_graph: root must be an mlp.autograd.Value; got {type(root).__name__}.")
    nodes = topological_order(root)
    if len(nodes) > max_nodes:
        raise ValueError(f"plot_graph: the graph has {len(nodes)} values; more than "
                         f"max_nodes={max_nodes} cannot be drawn legibly. Draw a smaller part.")
    col, row = _graph_layout(nodes)
    step, gap, box_w, box_h, r_op = 1.9, 0.62, 1.05, 0.5, 0.2    # data units ~ inches
    n_cols, n_rows = max(col.values()) + 1, max(abs(r) for r in row.values()) * 2 + 1
    width, height = step * (n_cols - 1) + box_w + 0.2, gap * n_rows + 0.1
    if ax is None:
        ax = _axes(ax, figsize=(width + 0.3, height + 0.9))
    else:   # shrink the text if the given axes has less than an inch per unit (boxes shrink too)
        (fig_w, fig_h), pos = ax.figure.get_size_inches(), ax.get_position()
        avail_w, avail_h = pos.width * fig_w, pos.height * fig_h
        if ax.figure.get_layout_engine() is not None and len(ax.figure.axes) == 1:
            avail_w, avail_h = fig_w - 0.3, fig_h - 0.9      # what the layout engine will give it
        fontsize *= min(1.0, avail_w / width, avail_h / height)
    xy = {id(v): (step * col[id(v)], gap * row[id(v)]) for v in nodes}
    arrow = dict(arrowstyle="-|>", mutation_scale=7, zorder=1, color="0.3", shrinkA=0, shrinkB=0)
    for v in nodes:
        x, y = xy[id(v)]
        face = "#fde9c9" if v is root else ("#dceaf7" if not v.parents else "white")
        ax.add_patch(FancyBboxPatch((x - box_w / 2, y - box_h / 2), box_w, box_h, facecolor=face,
                                    boxstyle="round,pad=0.02", edgecolor="k", zorder=2))
        # "+ 0.0" turns -0.0 into 0.0, so a product with a zero input does not print "-0"
        fields = [f"data {v.data + 0.0:.4g}", f"grad {v.grad + 0.0:.4g}"]
        lines = ([v.label] if v.label else []) + fields
        ax.text(x, y, "\n".join(lines), ha="center", va="center", fontsize=fontsize, zorder=3)
        if not v.parents:
            continue
        ox = x - box_w / 2 - 0.4                        # the operation's circle, left of its box
        ax.add_patch(Circle((ox, y), r_op, facecolor="#e5f2ec", edgecolor="k", zorder=2))
        op = {"*": "×", "sigmoid": "σ", "relu": "ReLU"}.get(v.op, v.op)
        ax.text(ox, y, op, ha="center", va="center", zorder=3,
                fontsize=fontsize * (1 if len(op) <= 2 else 0.75))
        ax.add_patch(FancyArrowPatch((ox + r_op, y), (x - box_w / 2, y), **arrow))
        for k, p in enumerate(v.parents):
            bend = 0.3 * sum(q is p for q in v.parents[:k])    # a + a: two visible arrows
            px, py = xy[id(p)]
            ax.add_patch(FancyArrowPatch((px + box_w / 2, py), (ox - r_op, y),
                                         connectionstyle=f"arc3,rad={bend}", **arrow))
    ax.set(xlim=(-box_w / 2 - 0.1, width - box_w / 2 - 0.1), ylim=(-height / 2, height / 2),
           aspect="equal", xticks=[], yticks=[],
           xlabel="forward pass: inputs (left) to output (right); backward runs right to left",
           title=f"computation graph of {root.label or 'the output'}")
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    return ax


def plot_unit_line(ax, w, b: float, level: float = 0.0, color="k", label: str | None = None,
                   arrow: bool = True, centre=None, **line_kw):
    """The line w . p + b = level in the plane of p = (p_1, p_2), with an arrow along w.

    For a unit with weights w = (w_1, w_2) and bias b this is where its pre-activation
    z = w . p + b equals `level` (0: the unit's decision line). The arrow starts on the line and
    points along w, to the side where z > level. The line is infinite (ax.axline) and does not
    change the axes limits; the arrow is drawn at the point of the line nearest to `centre`
    (default: the middle of the current view), so set the limits first. A unit with w = (0, 0) is
    constant and has no line: nothing is drawn and None is returned; otherwise the Line2D.
    """
    where = "plot_unit_line"
    w = np.asarray(w, dtype=float)
    if w.shape != (2,) or not np.all(np.isfinite(w)):
        raise ValueError(f"{where}: w must be 2 finite numbers (the weights of a unit with two "
                         f"inputs); got {np.asarray(w).tolist()!r}. For a layer, pass W[i] for unit i.")
    check_number(b, "b", where)
    check_number(level, "level", where)
    if not np.any(w):
        return None
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    c = np.array([(x0 + x1) / 2, (y0 + y1) / 2] if centre is None else centre, dtype=float)
    q = c - (w @ c + b - level) / (w @ w) * w      # the point of the line nearest to c
    unit = w / np.linalg.norm(w)
    line = ax.axline(q, q + np.array([-unit[1], unit[0]]), color=color, label=label,
                     **{"linewidth": 2, **line_kw})
    if arrow:
        size = 0.11 * np.hypot(x1 - x0, y1 - y0)
        ax.annotate("", q + size * unit, q, arrowprops=dict(arrowstyle="->", color=color, lw=2))
    return line


HIDDEN_UNIT_COLORS = ("#009E73", "#CC79A7")        # hidden unit 1 green, hidden unit 2 purple


def plot_hidden_views(net, X, y, fig=None, names=None, padding: float = 0.3,
                      fixed_layout: bool = False, resolution: int = 120):
    """Three views of a network with 2 inputs, 2 hidden units and 1 output (an mlp.MLP [2, 2, 1]).

    Left, the input plane: the data and each hidden unit's line z^(1)_i = W^(1)_i . x + b^(1)_i = 0,
    with an arrow towards the side where the unit's pre-activation is positive. Middle, the hidden
    space: every input drawn at its hidden activations h = a^(1) = f(z^(1)), the output unit's
    line z^(2) = W^(2) . h + b^(2) = 0, and, shaded, where the output unit says class 1
    (z^(2) >= 0). Right: the network's decision regions in the input plane and how many points
    it classifies correctly (an output >= 0.5 for a sigmoid or step output, >= 0 for a linear one).

    y : (N,) labels 0/1. names : optional label per point, printed next to it (points on the
    same spot share one label), and then each point's output is printed on the right. fig: a
    matplotlib Figure to draw in (e.g. from a widget); fixed_layout=True puts the panels at fixed
    positions, so a slider does not make them jump. Returns the three Axes.
    """
    where = "plot_hidden_views"
    sizes = getattr(net, "sizes", None)
    if sizes is None or list(sizes) != [2, 2, 1]:
        raise ValueError(f"{where}: net must be an mlp.MLP of sizes [2, 2, 1] (two inputs, two "
                         f"hidden units, one output); got sizes {sizes!r}.")
    X = as_2d(X, "X", where, n_features=2)
    y = np.asarray(y).reshape(-1)
    if len(y) != len(X) or not np.all(np.isin(y, (0, 1))):
        raise ValueError(f"{where}: y must hold one label 0 or 1 per row of X; got {len(y)} labels "
                         f"{np.unique(y)[:5].tolist()} for {len(X)} rows.")
    if names is not None and len(names) != len(X):
        raise ValueError(f"{where}: names must have one entry per row of X; got {len(names)} for "
                         f"{len(X)} rows.")
    check_number(padding, "padding", where, low=0)
    import matplotlib.pyplot as plt
    if fig is None:
        fig = plt.figure(figsize=(12, 4.6), layout=None if fixed_layout else "constrained")
    if fixed_layout:
        fig.set_layout_engine("none")
    grid = dict(left=0.05, right=0.99, bottom=0.2, top=0.86, wspace=0.3) if fixed_layout else None
    ax_in, ax_h, ax_out = fig.subplots(1, 3, gridspec_kw=grid)
    W1, b1 = net.layer(1).W.data, net.layer(1).b.data
    v, c = net.layer(2).W.data[0], net.layer(2).b.data[0]
    out = np.asarray(net.forward(X))[:, 0]
    H = np.asarray(net.a[1])
    threshold = 0.5 if net.layer(2).f.name in ("sigmoid", "step") else 0.0   # outputs in [0, 1]
    says_one = out >= threshold
    n_right = int(np.sum(says_one == (y == 1)))

    def limits(P):
        lo, hi = np.minimum(P.min(axis=0), 0.0), np.maximum(P.max(axis=0), 1.0)
        pad = padding * (hi - lo)
        return (lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1])

    def points(ax, P):
        for k in (0, 1):
            ax.scatter(*P[y == k].T, s=90 if names is not None else 20, color=OKABE_ITO[k],
                       marker=MARKERS[k], edgecolors="k", linewidths=0.5, zorder=3,
                       label=f"class {k}")
        spots: dict = {}
        for p, name in zip(P, names if names is not None else []):
            spots.setdefault(tuple(np.round(p, 2)), []).append(str(name))
        for (px, py), group in spots.items():
            ax.annotate(" ".join(group), (px, py), textcoords="offset points", xytext=(0, 8),
                        ha="center", va="bottom", fontsize=8)

    (xl, yl), (hxl, hyl) = limits(X), limits(H)
    ax_in.set(xlim=xl, ylim=yl, aspect="equal", xlabel="$x_1$", ylabel="$x_2$",
              title="input space: one line per hidden unit")
    points(ax_in, X)
    for i in range(2):
        plot_unit_line(ax_in, W1[i], b1[i], color=HIDDEN_UNIT_COLORS[i],
                       label=f"hidden unit {i + 1}: $z^{{(1)}}_{i + 1} = 0$")

    ax_h.set(xlim=hxl, ylim=hyl, aspect="equal", xlabel="$h_1 = a^{(1)}_1$ (hidden unit 1)",
             ylabel="$h_2 = a^{(1)}_2$ (hidden unit 2)", title="hidden space: where the inputs land")
    gx, gy = np.meshgrid(np.linspace(*hxl, resolution), np.linspace(*hyl, resolution))
    region = (np.c_[gx.ravel(), gy.ravel()] @ v + c >= 0).reshape(gx.shape).astype(float)
    ax_h.contourf(gx, gy, region, levels=[-0.5, 0.5, 1.5], colors=OKABE_ITO[:2], alpha=0.2)
    points(ax_h, H)
    output_line = plot_unit_line(ax_h, v, c, color="k", label="output unit: $z^{(2)} = 0$")

    plot_decision_boundary(net, X, y, ax=ax_out, threshold=threshold,
                           padding=padding, resolution=resolution)
    if ax_out.get_legend() is not None:
        ax_out.get_legend().remove()
    if names is not None:
        for k in (0, 1):                    # the few points again, as large as in the other panels
            ax_out.scatter(*X[y == k].T, s=90, color=OKABE_ITO[k], marker=MARKERS[k],
                           edgecolors="k", zorder=3)
        for p, o in zip(X, out):
            ax_out.annotate(f"{o:.2f}", p, textcoords="offset points", xytext=(0, 8),
                            ha="center", va="bottom", fontsize=8)
    ax_out.set(aspect="equal", title=f"output: {n_right} of {len(X)} correct")

    handles, labels = ax_in.get_legend_handles_labels()
    if output_line is not None:
        handles.append(output_line)
        labels.append("output unit: $z^{(2)} = 0$ (middle)")
    fig.legend(handles, labels, loc="lower center" if fixed_layout else "outside lower center",
               ncol=5, fontsize=9, frameon=False)
    return ax_in, ax_h, ax_out


def plot_sweep(result, ax=None, what: str = "test_mse", p_max: float | None = None,
               band: bool = True, label: str | None = None, color=None, log: bool = True):
    """One quantity of a random-features sweep against the number of features p.

    result : an mlp.double_descent.SweepResult (from sweep_random_features or sweep_ridges).
    Draws the median over the seeds of `what` ("test_mse", "train_mse" or "norm", the norm of the
    readout ||a||) at every p <= p_max, with the 25-75% range of the seeds shaded when band=True,
    and a dashed vertical line at the interpolation threshold p = n when it is in range.
    log=True uses logarithmic axes (p and the quantity); training errors, which reach 0, are
    drawn on a linear y axis. Returns the Axes.
    """
    where = "plot_sweep"
    check_choice(what, {"test_mse", "train_mse", "norm"}, "what", where)
    if not all(hasattr(result, k) for k in ("n_features", "n_train", "median", "quantiles")):
        raise TypeError(f"{where}: result must be a SweepResult (from mlp.double_descent."
                        f"sweep_random_features); got {type(result).__name__}.")
    p = np.asarray(result.n_features)
    keep = p <= (np.inf if p_max is None else p_max)
    if not np.any(keep):
        raise ValueError(f"{where}: no width p <= p_max={p_max}; the sweep starts at p = {p.min()}.")
    ax = _axes(ax, figsize=(6.0, 4.0))
    med = result.median(what)[keep]
    color = color or {"test_mse": NEGATIVE, "train_mse": POSITIVE, "norm": OKABE_ITO[2]}[what]
    ax.plot(p[keep], med, "o-", ms=3, color=color, label=label or "median over seeds")
    if band:
        lo, hi = result.quantiles(what)[:, keep]
        ax.fill_between(p[keep], lo, hi, color=color, alpha=0.2, label="25-75% of seeds")
    n = result.n_train
    if p[keep].min() <= n <= p[keep].max():
        ax.axvline(n, color="k", linestyle="--", lw=1, label=f"p = n = {n}")
    if log:
        ax.set_xscale("log")
        if what != "train_mse":
            ax.set_yscale("log")
    ylabel = {"test_mse": "test mean squared error", "train_mse": "training mean squared error",
              "norm": "norm of the readout $\\|a\\|$"}[what]
    ax.set(xlabel="hidden units p (= fitted parameters)", ylabel=ylabel,
           title=ylabel[0].upper() + ylabel[1:] + " against width")
    return ax
