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
                           threshold: float | None = None, padding: float = 0.1,
                           alpha: float = 0.25, title: str | None = None):
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
        raise ValueError(f"{where}: y must have one label per row of X; "
                         f"got {y.shape} for X {X.shape}.")
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
        ax.contour(xx, yy, out[:, 0].reshape(xx.shape), levels=[threshold], colors="k",
                   linewidths=1)
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


def _surface_grid(f, xlim, ylim, resolution, where):
    W1, W2 = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    Z = np.asarray(f(W1, W2), dtype=float)
    if Z.shape != W1.shape:
        raise ValueError(f"{where}: f(W1, W2) returned shape {Z.shape}, expected {W1.shape}: "
                         "f must work on arrays elementwise (use np.exp, not math.exp; or "
                         "np.vectorize).")
    return W1, W2, Z


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
    W1, W2, Z = _surface_grid(f, xlim, ylim, resolution, where)
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


def plot_optimizer_paths(paths: dict, surfaces: dict, fig=None, levels: int = 14,
                         resolution: int = 100):
    """Small multiples of optimizer paths on 2-D losses: one row per optimizer, one column per
    surface, one path per panel, so no path hides another.

    paths : {surface name: {optimizer name: array (T, 2) of iterates w_0 .. w_{T-1}}}
    surfaces : {surface name: dict(f=..., xlim=(lo, hi), ylim=(lo, hi), minima=[(w1, w2), ...],
        log_levels=False)}; f(W1, W2) works on arrays. log_levels spaces the contour levels
        geometrically (the valley of a steep function such as Rosenbrock's).

    Each panel shows the loss's contour lines (grey), the optimizer's path (a dot per step) from
    its start (white square) to where it stopped (star), every minimum of the loss (black x),
    and in a corner the number of steps and the distance from the end to the nearest minimum.
    A legend above the panels explains the markers. Returns the Axes, (optimizers, surfaces).
    """
    from matplotlib.lines import Line2D
    where = "plot_optimizer_paths"
    if (not isinstance(paths, dict) or not paths
            or not all(isinstance(v, dict) for v in paths.values())):
        raise TypeError(f"{where}: paths must be {{surface: {{optimizer: array (T, 2)}}}}; got "
                        f"{type(paths).__name__}.")
    missing = [name for name in paths if name not in surfaces]
    if missing:
        raise ValueError(f"{where}: no surface description for {missing}; surfaces has "
                         f"{list(surfaces)}.")
    names = list(paths)
    optimizers = list(dict.fromkeys(o for name in names for o in paths[name]))
    check_number(levels, "levels", where, low=2, integer=True)
    import matplotlib.pyplot as plt
    if fig is None:
        fig = plt.figure(figsize=(3.3 * len(names), 2.15 * len(optimizers) + 0.7),
                         layout="constrained")
    axes = fig.subplots(len(optimizers), len(names), squeeze=False, sharex="col", sharey="col")
    for c, name in enumerate(names):
        spec = surfaces[name]
        xlim, ylim = spec["xlim"], spec["ylim"]
        W1, W2, Z = _surface_grid(spec["f"], xlim, ylim, resolution, where)
        if spec.get("log_levels"):
            lv = np.geomspace(Z[Z > 0].min(), Z.max(), levels)
        else:
            lv = np.linspace(Z.min(), Z.max(), levels + 2)[1:-1]
        minima = np.atleast_2d(np.asarray(spec.get("minima", []), dtype=float).reshape(-1, 2))
        for r, opt in enumerate(optimizers):
            ax = axes[r, c]
            ax.contour(W1, W2, Z, levels=lv, colors="0.72", linewidths=0.6, linestyles="solid")
            ax.set(xlim=xlim, ylim=ylim)
            ax.locator_params(nbins=5)
            ax.tick_params(labelsize=7, length=2, pad=1, labelbottom=r == len(optimizers) - 1)
            if opt not in paths[name]:
                ax.text(0.5, 0.5, "not run", transform=ax.transAxes, ha="center", va="center")
                continue
            path = as_2d(paths[name][opt], f"paths[{name!r}][{opt!r}]", where, n_features=2)
            color = OKABE_ITO[r % len(OKABE_ITO)]
            if color == "#F0E442":          # the palette's yellow, darkened to show on white
                color = "#8C6D00"
            ax.plot(path[:, 0], path[:, 1], "-o", color=color, lw=1.3, ms=2, zorder=3)
            ax.plot(*path[0], "s", color="white", mec="k", ms=6, zorder=4)
            ax.plot(*path[-1], "*", color=color, mec="k", mew=0.7, ms=11, zorder=5)
            for m in minima:
                ax.plot(*m, "x", color="k", ms=7, mew=1.8, zorder=6)
            gap = np.min(np.linalg.norm(minima - path[-1], axis=1)) if len(minima) else np.nan
            ax.text(0.02, 0.97, f"{len(path) - 1} steps; end {gap:.1e} from a minimum",
                    transform=ax.transAxes, ha="left", va="top", fontsize=7, zorder=7,
                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
            if r == 0:
                ax.set_title(name, fontsize=10)
            if r == len(optimizers) - 1:
                ax.set_xlabel("$w_1$", fontsize=9)
            if c == 0:
                ax.set_ylabel(f"$\\bf{{{opt}}}$\n$w_2$", fontsize=9)
    handles = [Line2D([], [], color="0.3", marker="o", ms=2, lw=1.3, label="path, a dot per step"),
               Line2D([], [], ls="", marker="s", color="white", mec="k", ms=6, label="start"),
               Line2D([], [], ls="", marker="*", color="0.5", mec="k", ms=11,
                      label="where it stopped"),
               Line2D([], [], ls="", marker="x", color="k", mew=1.8, ms=7,
                      label="minimum of the loss (each one)"),
               Line2D([], [], color="0.72", lw=0.8, label="contour lines of the loss")]
    fig.legend(handles=handles, loc="outside upper center", ncol=3, fontsize=8, frameon=False)
    return axes


def _weights_of(net_or_weights) -> tuple[list, list]:
    """[(W, b)] and activation names (None when given bare weights) from an mlp.MLP or a list of
    (W, b) pairs, read through MLP.from_weights (its checks and messages)."""
    from .network import MLP
    if isinstance(net_or_weights, MLP):
        net, names = net_or_weights, [layer.f.name for layer in net_or_weights.layers]
    else:
        try:
            net = MLP.from_weights(net_or_weights)
        except (TypeError, ValueError) as exc:
            raise type(exc)("plot_network: pass an mlp.MLP or [(W^(1), b^(1)), ...]. "
                            f"{exc}") from None
        names = [None] * net.L
    return net.weights(), names


def _segment_hits_box(p, q, box) -> bool:
    """Whether the segment p-q (display coordinates) passes through the rectangle `box`."""
    (x0, y0), (x1, y1) = p, q
    t0, t1 = 0.0, 1.0
    for d, lo, hi, start in ((x1 - x0, box.x0, box.x1, x0), (y1 - y0, box.y0, box.y1, y0)):
        if abs(d) < 1e-12:
            if not lo <= start <= hi:
                return False
            continue
        a, b = (lo - start) / d, (hi - start) / d
        t0, t1 = max(t0, min(a, b)), min(t1, max(a, b))
        if t0 > t1:
            return False
    return True


def _place_labels(ax, labels: list, avoid: list, pad: float = 2.0) -> None:
    """Move each text along its segment to the spot where its box overlaps no other label and
    no unit, and is crossed by as few other segments as possible (so that a label is never read
    as another line's). labels: (Text, (x0, y0), (x1, y1), [t, ...]) with t the candidate
    fractions of the way from end 0 to end 1 (data coordinates); avoid: display-space boxes
    (Bbox) to keep clear of, e.g. the units' circles."""
    fig = ax.figure
    fig.draw_without_rendering()                  # the final layout: sizes on screen are known
    to_screen = ax.transData.transform
    segments = [(to_screen(a), to_screen(b)) for _, a, b, _ in labels]
    placed = list(avoid)
    for k, (text, (x0, y0), (x1, y1), candidates) in enumerate(labels):
        best, best_score = candidates[0], None
        for t in candidates:
            text.set_position((x0 + t * (x1 - x0), y0 + t * (y1 - y0)))
            box = text.get_window_extent().padded(pad)
            overlap = sum(max(0.0, min(box.x1, b.x1) - max(box.x0, b.x0)) *
                          max(0.0, min(box.y1, b.y1) - max(box.y0, b.y0)) for b in placed)
            crossed = sum(_segment_hits_box(p, q, box)
                          for j, (p, q) in enumerate(segments) if j != k)
            score = (overlap > 0, crossed, overlap)
            if best_score is None or score < best_score:
                best, best_score = t, score
            if score == (False, 0, 0):
                break
        text.set_position((x0 + best * (x1 - x0), y0 + best * (y1 - y0)))
        placed.append(text.get_window_extent().padded(pad))


def plot_network(net_or_weights, ax=None, show_weights: bool = True, input_labels=None,
                 output_labels=None, max_units: int = 30, folded: bool = False,
                 hidden_labels=None, bias_labels=None, fmt: str = "{:.2g}",
                 title: str | None = None):
    """Draw a network: a circle per unit, a line per weight, layers left to right.

    Line width grows with |w| (relative to the largest); positive weights are solid blue,
    negative ones dashed orange. With show_weights the value of w_ij^(l) is printed on its line,
    formatted with fmt, each label where it overlaps no other label and no unit. Biases: next
    to each unit ("b=..."), or with folded=True as the lectures draw them, as the weights of a
    constant unit 1 at the top of every layer but the last (x_0 = 1, h_0 = 1: the bias trick).
    Accepts an mlp.MLP or [(W^(1), b^(1)), ...] with W^(l) of shape (n_l, n_{l-1}), e.g. the
    hand-set XOR network of the lectures. Labels: input_labels, hidden_labels (a list for one
    hidden layer, or a list of lists), output_labels, bias_labels (one per constant unit).
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle
    pairs, acts = _weights_of(net_or_weights)
    sizes = [pairs[0][0].shape[1]] + [W.shape[0] for W, _ in pairs]
    if max(sizes) > max_units:
        raise ValueError(f"plot_network: a layer has {max(sizes)} units; more than "
                         f"max_units={max_units} cannot be drawn legibly.")
    L = len(pairs)
    wmax = max(max(np.abs(W).max(), np.abs(b).max() if folded else 0.0) for W, b in pairs) or 1.0
    extra = 1 if folded else 0                   # the constant unit on top of layers 0 .. L-1
    tall = max(n + (extra if l < L else 0) for l, n in enumerate(sizes))
    pos = [[(2.0 * l, (n - 1) / 2 - i) for i in range(n)] for l, n in enumerate(sizes)]
    const = [(2.0 * l, (n - 1) / 2 + 1.0) for l, n in enumerate(sizes[:-1])] if folded else []
    ax = _axes(ax, figsize=(1.8 * (L + 1) + 1, 0.9 * tall + 1.5))
    labels = []
    for l, (W, b) in enumerate(pairs, start=1):
        sources = ([(j, p) for j, p in enumerate(pos[l - 1])]
                   + ([("bias", const[l - 1])] if folded else []))
        for i, (x1, y1) in enumerate(pos[l]):
            for j, (x0, y0) in sources:
                w = b[i] if j == "bias" else W[i, j]
                ax.plot([x0, x1], [y0, y1], "-" if w >= 0 else "--", zorder=1,
                        color=POSITIVE if w >= 0 else NEGATIVE, linewidth=0.5 + 3 * abs(w) / wmax)
                if show_weights:
                    text = ax.text(x0, y0, fmt.format(w), fontsize=7, ha="center", va="center",
                                   zorder=3, bbox=dict(boxstyle="round,pad=0.1", fc="white",
                                                       ec="none", alpha=0.85))
                    # fractions of the way from the target back towards the source
                    labels.append((text, (x1, y1), (x0, y0),
                                   [0.3, 0.42, 0.22, 0.54, 0.36, 0.48, 0.62, 0.27, 0.7, 0.16,
                                    0.78, 0.58, 0.66, 0.74, 0.84]))
            if show_weights and not folded:
                ax.text(x1 + 0.22, y1 - 0.22, f"b={b[i]:.3g}", fontsize=7, va="top", color="0.2")
    circles = []
    for l, layer_pos in enumerate(pos):
        for (x, y_) in layer_pos:
            circles.append(ax.add_patch(Circle((x, y_), 0.2,
                                               facecolor="white" if l == 0 else "#dceaf7",
                                               edgecolor="k", zorder=2)))
    for l, (x, y_) in enumerate(const):
        circles.append(ax.add_patch(Circle((x, y_), 0.2, facecolor="0.85", edgecolor="k",
                                           zorder=2)))
        name = (bias_labels[l] if bias_labels else
                "$x_0 = 1$" if l == 0 else "$h_0 = 1$" if L == 2 else f"$a^{{({l})}}_0 = 1$")
        ax.text(x - 0.3, y_, name, ha="right", va="center", fontsize=9)
    ins = input_labels or [f"$x_{{{j + 1}}}$" for j in range(sizes[0])]
    outs = output_labels or [f"$a^{{({L})}}_{{{i + 1}}}$" for i in range(sizes[-1])]
    for (x, y_), s in zip(pos[0], ins):
        ax.text(x - 0.35, y_, s, ha="right", va="center")
    for (x, y_), s in zip(pos[-1], outs):
        ax.text(x + 0.35, y_ + 0.1, s, ha="left", va="bottom")
    if hidden_labels is not None:
        per_layer = hidden_labels if L > 2 else [hidden_labels]
        for layer_pos, names in zip(pos[1:-1], per_layer):
            for (x, y_), s in zip(layer_pos, names):
                ax.text(x, y_, s, ha="center", va="center", fontsize=8, zorder=4)
    names = ["input"] + [("output" if l == L else f"hidden {l}") + (f"\n{a}" if a else "")
                         for l, a in enumerate(acts, start=1)]
    ax.set_xticks([2.0 * l for l in range(L + 1)], [f"l = {l}: {s}" for l, s in enumerate(names)],
                  fontsize=8)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    top = max(y for _, y in const) + 0.35 if folded else max(sizes) / 2 + 0.1
    ax.set(xlim=(-1.2 - 0.4 * folded, 2.0 * L + 1.4), ylim=(-(max(sizes) - 1) / 2 - 0.5, top),
           aspect="equal", xlabel="layer", title=title or "network " + "-".join(map(str, sizes)))
    ax.legend(handles=[Line2D([], [], color=POSITIVE, label="w > 0"),
                       Line2D([], [], color=NEGATIVE, linestyle="--", label="w < 0")],
              fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if labels:
        fig = ax.figure
        avoid = []
        fig.draw_without_rendering()
        for c in circles:
            avoid.append(c.get_window_extent())
        _place_labels(ax, labels, avoid)
    return ax


def _crossings(layers: list, edges: set) -> int:
    """Crossings of the straight edges between consecutive layers (each a list of keys)."""
    total = 0
    for left, right in zip(layers, layers[1:]):
        at_l = {k: i for i, k in enumerate(left)}
        at_r = {k: i for i, k in enumerate(right)}
        pairs = sorted((at_l[a], at_r[b]) for a, b in edges if a in at_l and b in at_r)
        for i, (a1, b1) in enumerate(pairs):
            total += sum(1 for a2, b2 in pairs[i + 1:] if a2 > a1 and b2 < b1)
    return total


def _order_layers(layers: list, edges: set, rng) -> list:
    """Reorder each layer to reduce crossings: barycentre sweeps, then swaps of neighbours."""
    up = {}
    down = {}
    for a, b in edges:
        down.setdefault(a, []).append(b)
        up.setdefault(b, []).append(a)
    layers = [list(layer) for layer in layers]
    for layer in layers:
        rng.shuffle(layer)
    best, best_n = [list(x) for x in layers], _crossings(layers, edges)
    for sweep in range(8):
        order = range(1, len(layers)) if sweep % 2 == 0 else range(len(layers) - 2, -1, -1)
        for c in order:
            ref = layers[c - 1] if sweep % 2 == 0 else layers[c + 1]
            pos = {k: i for i, k in enumerate(ref)}
            links = up if sweep % 2 == 0 else down
            here = {k: i for i, k in enumerate(layers[c])}
            layers[c].sort(key=lambda k: np.mean([pos[n] for n in links.get(k, []) if n in pos])
                           if any(n in pos for n in links.get(k, [])) else here[k])
        improved = True
        while improved:                          # swap neighbours while that removes crossings
            improved = False
            for layer in layers:
                for i in range(len(layer) - 1):
                    n = _crossings(layers, edges)
                    layer[i], layer[i + 1] = layer[i + 1], layer[i]
                    if _crossings(layers, edges) < n:
                        improved = True
                    else:
                        layer[i], layer[i + 1] = layer[i + 1], layer[i]
        n = _crossings(layers, edges)
        if n < best_n:
            best, best_n = [list(x) for x in layers], n
    return best


def _graph_layout(nodes: list) -> tuple[dict, dict, dict]:
    """Column and row of every node (keyed by id), and the bends of the edges that skip a column.

    Columns: an operation's result sits one column right of its latest input; an input sits
    just left of its first use, or further left when that is what it takes to draw the graph
    without crossing edges (an input used by two branches that meet again). Rows: in each column
    the order with the fewest crossings found by barycentre sweeps from several starts; an edge
    that skips columns bends through a free row of each column it crosses.
    Returns (col, row, bends) with bends[(id(parent), id(child), k)] = [(col, row), ...].
    """
    import itertools

    children: dict[int, list] = {id(v): [] for v in nodes}
    for v in nodes:
        for p in v.parents:
            children[id(p)].append(v)
    base: dict[int, int] = {}
    for v in nodes:                                     # parents come first in topological order
        base[id(v)] = 1 + max((base[id(p)] for p in v.parents), default=-1)
    leaves = [v for v in nodes if not v.parents and children[id(v)]]
    for v in leaves:
        base[id(v)] = min(base[id(c)] for c in children[id(v)]) - 1
    movable = [v for v in leaves if len(children[id(v)]) > 1][:6]
    rng = np.random.default_rng(0)
    best = None
    for shifts in itertools.product((0, 1), repeat=len(movable)):
        col = dict(base)
        for v, s in zip(movable, shifts):
            col[id(v)] -= s
        low = min(col.values())
        col = {k: c - low for k, c in col.items()}
        layers = [[] for _ in range(max(col.values()) + 1)]
        for v in nodes:
            layers[col[id(v)]].append(("node", id(v)))
        edges, chains = set(), {}
        for v in nodes:
            for k, p in enumerate(v.parents):
                a = ("node", id(p))
                chain = []
                for c in range(col[id(p)] + 1, col[id(v)]):
                    d = ("bend", id(p), id(v), k, c)
                    layers[c].append(d)
                    chain.append(d)
                    edges.add((a, d))
                    a = d
                edges.add((a, ("node", id(v))))
                chains[(id(p), id(v), k)] = chain
        tries = [_order_layers(layers, edges, rng) for _ in range(6)]
        layers = min(tries, key=lambda ls: _crossings(ls, edges))
        score = (_crossings(layers, edges), sum(shifts))
        if best is None or score < best[0]:
            best = (score, col, layers, chains)
        if score[0] == 0:
            break
    _, col, layers, chains = best
    row = {}
    for layer in layers:
        for r, key in enumerate(layer):
            row[key] = (len(layer) - 1) / 2 - r
    rows = {k[1]: r for k, r in row.items() if k[0] == "node"}
    cols = {k: c for k, c in col.items()}
    bends = {key: [(d[4], row[d]) for d in chain] for key, chain in chains.items()}
    return cols, rows, bends


_OP_NAMES = {"*": "·", "+": " + ", "-": " − ", "/": " / "}


def _node_labels(nodes: list, longest: int = 14) -> dict:
    """A label for every node: its own, else an expression of its parents' labels when short
    ("V11·x1", "tanh(n)"), else a numbered value (v1, v2, ...); a constant shows its value."""
    labels, k = {}, 0
    for v in nodes:                                       # parents come first
        if v.label:
            labels[id(v)] = v.label
            continue
        names = [labels[id(p)] for p in v.parents]
        if not v.parents:
            text = f"{v.data + 0.0:.4g}"
        elif len(names) == 2 and v.op in _OP_NAMES:
            text = _OP_NAMES[v.op].join(n if len(n) <= 3 or v.op in "+-" else f"({n})"
                                        for n in names)
        else:
            text = f"{v.op}({', '.join(names)})"
        if len(text) > longest:
            k += 1
            text = f"v{k}"
        labels[id(v)] = text
    return labels


def plot_graph(root, ax=None, fontsize: float = 8, max_nodes: int = 60):
    """Draw the computation graph below an mlp.autograd.Value, inputs left, `root` right.

    Each Value is a box "label | data | grad" (the fields stacked, as graphviz draws records in
    left-to-right graphs); a Value without a label is named by its operation and inputs
    ("V11·x1"), or v1, v2, ... when that is long, and a constant by its value. Each operation
    ("+", "*", "tanh", ...) is a small circle between its inputs and its result; arrows follow
    the forward pass (backward runs right to left). The layout avoids crossing edges where it
    can (_graph_layout). Inputs are blue, the output orange. Legible up to about 25 values.
    """
    from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
    from matplotlib.path import Path

    from .autograd import Value, topological_order
    if not isinstance(root, Value):
        raise TypeError("plot_graph: root must be an mlp.autograd.Value; "
                        f"got {type(root).__name__}.")
    nodes = topological_order(root)
    if len(nodes) > max_nodes:
        raise ValueError(f"plot_graph: the graph has {len(nodes)} values; more than "
                         f"max_nodes={max_nodes} cannot be drawn legibly. Draw a smaller part.")
    col, row, bends = _graph_layout(nodes)
    labels = _node_labels(nodes)
    step, gap, box_w, box_h, r_op = 1.9, 0.62, 1.05, 0.5, 0.2    # data units ~ inches
    rows_used = [r for r in row.values()] + [r for b in bends.values() for _, r in b]
    n_cols, n_rows = max(col.values()) + 1, max(abs(r) for r in rows_used) * 2 + 1
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
        lines = [labels[id(v)], f"data {v.data + 0.0:.4g}", f"grad {v.grad + 0.0:.4g}"]
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
            via = [(step * c, gap * r) for c, r in bends[(id(p), id(v), k)]]
            if via:      # through the free rows of the columns it skips
                points = [(px + box_w / 2, py)] + [
                    q for c in via for q in ((c[0] - box_w / 2, c[1]), (c[0] + box_w / 2, c[1]))]
                points.append((ox - r_op, y))
                ax.add_patch(FancyArrowPatch(path=Path(points), **arrow))
            else:
                ax.add_patch(FancyArrowPatch((px + box_w / 2, py), (ox - r_op, y),
                                             connectionstyle=f"arc3,rad={bend}", **arrow))
    ax.set(xlim=(-box_w / 2 - 0.1, width - box_w / 2 - 0.1), ylim=(-height / 2, height / 2),
           aspect="equal", xticks=[], yticks=[],
           xlabel="forward pass: inputs (left) to output (right); backward runs right to left",
           title=f"computation graph of {labels[id(root)]}")
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
                         f"inputs); got {np.asarray(w).tolist()!r}. For a layer, pass W[i] for "
                         "unit i.")
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
             ylabel="$h_2 = a^{(1)}_2$ (hidden unit 2)",
             title="hidden space: where the inputs land")
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
        raise ValueError(f"{where}: no width p <= p_max={p_max}; "
                         f"the sweep starts at p = {p.min()}.")
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
