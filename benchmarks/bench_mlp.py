"""Training-speed benchmarks of `mlp`: the big MLP, the small MLP, and float64 against float32.

What "one epoch of mlp" means here: `mlp.train.train_epoch`, the loop inside `mlp.fit` (shuffle,
then per mini-batch forward, loss value and divergence check, backward, optimizer step).
`fit` itself also checks its inputs and evaluates the loss and accuracy on all training data
for its History; `fit(epochs=1)` is timed on its own row, against a floor that includes the
products of its two evaluations (before and after the epoch).

Every implementation is measured against two references, interleaved in the same process:
- the floor: the matrix products alone, on the same shapes and dtype, with `.T` views exactly
  as mlp uses them: 8 per step for 784-256-128-10 (3 forward, 3 dW, 2 dX: no dX for the input
  layer) and 5 per step for 2-16-1. No implementation can be faster.
- numpy: the same epoch hand-written in plain numpy with as few calls as we could manage and no
  Python structure around them (`_numpy_epoch`): the least work any numpy implementation does
  besides the products. mlp / numpy is mlp's own overhead; numpy / floor is numpy's.

PyTorch and scikit-learn are optional (the `bench` extra installs PyTorch): each comparison is
skipped, with a note, when the package is not installed. PyTorch gets the same number of threads
as numpy's BLAS, and every timed call starts after a pause (common.SETTLE_S) so that no library
runs while another one's idle threads still spin. `profile` shows where mlp's epoch spends its
time, line by line (line_profiler, also in the `bench` extra).
"""
from __future__ import annotations

import contextlib
import linecache
import math
import re
from pathlib import Path

import numpy as np

import mlp

from .common import (
    SETTLE_S,
    baseline_mlp,
    interleaved,
    numpy_blas,
    numpy_blas_threads,
    optional,
    summary,
)

BIG_SIZES = [784, 256, 128, 10]
SMALL_SIZES = [2, 16, 1]


def _big_data(n, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, BIG_SIZES[0])).astype(dtype), rng.integers(0, 10, n)


def _small_data(n=1000, dtype=np.float32, seed=0):
    """XOR quadrants: label 1 where x0 * x1 > 0."""
    X = np.random.default_rng(seed).uniform(-1, 1, size=(n, 2)).astype(dtype)
    return X, (X[:, 0] * X[:, 1] > 0).astype(np.int64)


def _blas_threads(threads):
    """A context that limits numpy's BLAS to `threads` threads (None: leave it as found)."""
    if threads is None:
        return contextlib.nullcontext()
    tpc = optional("threadpoolctl")
    if tpc is None:
        raise RuntimeError("limiting BLAS threads needs threadpoolctl (pip install threadpoolctl)")
    return tpc.threadpool_limits(threads, user_api="blas")


def _mlp_epoch(net, loss, opt, X, y, batch_size, seed=1, package=mlp):
    """One training epoch exactly as fit runs it (data checked and converted once, outside).

    package=baseline_mlp() runs the mlp of the baseline commit, whose loop had private names."""
    rng = np.random.default_rng(seed)
    if package is mlp:
        Xp, Y = net.check_data(X, y, loss)
        return lambda: mlp.train.train_epoch(net, loss, opt, Xp, Y, batch_size, rng)
    Xp, _, Y = package.train._prepare(net, loss, X, y, "benchmark")
    return lambda: package.train._train_epoch(net, loss, opt, Xp, Y, batch_size, rng, True, 1)


def _fit_one_epoch(sizes, activation, loss, X, y, batch_size, lr, dtype=np.float32):
    """mlp.fit(epochs=1) on a network of its own: checks, evaluation, one epoch, evaluation."""
    net = mlp.MLP(sizes, activation=activation, rng=0, dtype=dtype)
    opt = mlp.optim.SGD(net.parameters(), lr=lr)
    rng = np.random.default_rng(1)
    return lambda: mlp.fit(net, loss, opt, X, y, epochs=1, batch_size=batch_size, rng=rng)


def _floor_epoch(net, X, batch_size):
    """The matrix products of one epoch and nothing else: 3L - 1 per step for L layers."""
    Ws = [layer.W.data for layer in net.layers]
    L, N = len(Ws), len(X)

    def epoch():
        for s in range(0, N, batch_size):
            a = [X[s:s + batch_size]]
            for W in Ws:                                   # forward: A_l = A_{l-1} W_l^T
                a.append(a[-1] @ W.T)
            d = a[L]                                       # stands in for Delta_L
            for l in range(L, 0, -1):
                g = d.T @ a[l - 1]                         # dW_l (transposed view)
                if l > 1:
                    d = d @ Ws[l - 1]                      # dX_l = Delta_l W_l
            del g
    return epoch


def _floor_forward(net, X):
    """The forward products of one evaluation of all of X (what fit's History needs)."""
    Ws = [layer.W.data for layer in net.layers]

    def forward():
        a = X
        for W in Ws:
            a = a @ W.T
    return forward


def _numpy_epoch(net, loss, X, y, batch_size, lr, seed=1):
    """The same SGD epoch in plain numpy, written for speed, on copies of net's weights.

    The same work as mlp: one shuffled copy of the data per epoch and slices of it, the same
    stable formulas (sigmoid from exp(-|z|), the max-shifted softmax, softplus), the batch loss
    computed and checked for divergence at every step, backprop, the SGD update. The numpy calls
    per step (each array operation, product or reduction counts one):
      2-16-1 sigmoid, BCE on logits: 9 + 2 forward, 9 loss value, 6 gradient, 8 backward,
        8 update = 42.
      784-256-128-10 ReLU, softmax cross-entropy: 3 + 3 + 2 forward, 10 loss value, 3
        gradient, 2 + 6 + 6 backward, 12 update = 47.
    """
    Ws = [layer.W.data.copy() for layer in net.layers]
    bs = [layer.b.data.copy() for layer in net.layers]
    relu = net.layer(1).f.name == "relu"
    softmax = isinstance(loss, mlp.losses.SoftmaxCrossEntropy)
    X, Y = net.check_data(X, y, loss)                           # Y: one-hot or (N, 1) floats
    rng = np.random.default_rng(seed)
    N, L = len(X), len(Ws)

    def epoch():
        order = rng.permutation(N)
        Xs, Ys = X[order], Y[order]
        for s in range(0, N, batch_size):
            a, yb = [Xs[s:s + batch_size]], Ys[s:s + batch_size]
            zs = []
            for l in range(L):                                          # forward
                z = a[l] @ Ws[l].T
                z += bs[l]
                zs.append(z)
                if l < L - 1:
                    if relu:
                        a.append(np.maximum(z, 0))
                    else:
                        e = np.exp(-np.abs(z))
                        a.append(np.maximum(e, z >= 0) / (1.0 + e))
            if softmax:                                                 # loss value, gradient
                m = z.max(axis=1, keepdims=True)
                e = np.exp(z - m)
                t = e.sum(axis=1, keepdims=True)
                total = (m + np.log(t)).sum() - (yb * z).sum()
                d = (e / t - yb) / len(yb)
            else:
                e = np.exp(-np.abs(z))
                total = (np.maximum(z, 0) + np.log1p(e) - yb * z).sum()
                d = (np.maximum(e, z >= 0) / (1.0 + e) - yb) / len(yb)
            if not math.isfinite(total):
                raise FloatingPointError("the numpy reference diverged")
            for l in range(L - 1, -1, -1):                              # backward and update
                gW, gb = d.T @ a[l], d.sum(axis=0)
                if l > 0:
                    fprime = (zs[l - 1] >= 0).astype(z.dtype) if relu else a[l] * (1.0 - a[l])
                    d = fprime * (d @ Ws[l])
                Ws[l] -= lr * gW
                bs[l] -= lr * gb
    return epoch


def _bare_call(shape=(32, 16), dtype=np.float32, calls=1000):
    """`calls` calls of the cheapest numpy operation (an in-place add) on a small array."""
    a, b = np.ones(shape, dtype), np.ones(shape, dtype)

    def run():
        for _ in range(calls):
            np.add(a, b, out=a)
    return run


def _torch_epoch(torch, X, y, sizes, hidden, batch_size, lr, threads, binary=False):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    nn = torch.nn
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU() if hidden == "relu" else nn.Sigmoid())
    model = nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    lossf = nn.BCEWithLogitsLoss() if binary else nn.CrossEntropyLoss()
    Xt = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
    yt = torch.from_numpy(y.astype(np.float32)[:, None] if binary else y.astype(np.int64))
    gen = torch.Generator().manual_seed(1)
    N = len(X)

    def epoch():
        perm = torch.randperm(N, generator=gen)
        for s in range(0, N, batch_size):
            idx = perm[s:s + batch_size]
            opt.zero_grad(set_to_none=True)
            loss = lossf(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
    return epoch


def torch_build(torch) -> dict:
    """What PyTorch computes with: its version, threads, the CPU kernels it dispatches to and its
    BLAS (linked into torch, so threadpoolctl does not list it)."""
    show = torch.__config__.show()
    mkl = re.search(r"Math Kernel Library Version ([\d.]+)", show)
    blas = f"MKL {mkl.group(1)}" if mkl else re.search(r"BLAS_INFO=(\w+)", show)
    return {"version": torch.__version__, "threads": torch.get_num_threads(),
            "cpu_capability": torch.backends.cpu.get_cpu_capability(),
            "blas": blas if isinstance(blas, str) else (blas.group(1) if blas else "unknown")}


def _sklearn_epoch(neural_network, X, y, hidden_sizes, activation, batch_size, lr, classes):
    clf = neural_network.MLPClassifier(
        hidden_layer_sizes=hidden_sizes, activation=activation, solver="sgd", batch_size=batch_size,
        learning_rate_init=lr, momentum=0.0, nesterovs_momentum=False, alpha=0.0, shuffle=True,
        random_state=0)
    clf.partial_fit(X[:batch_size], y[:batch_size], classes=classes)   # builds the network
    return lambda: clf.partial_fit(X, y)


def _optional_extras(enabled=True):
    """(torch, sklearn.neural_network, notes): enabled is True (both), False (neither) or a tuple
    of the names to compare with, e.g. ("torch",)."""
    wanted = {"torch", "sklearn"} if enabled is True else set(enabled or ())
    torch = optional("torch") if "torch" in wanted else None
    sk = optional("sklearn.neural_network") if "sklearn" in wanted else None
    notes = {}
    if "torch" in wanted and torch is None:
        notes["torch"] = "PyTorch not installed: comparison skipped (pip install torch)"
    if "sklearn" in wanted and sk is None:
        notes["sklearn"] = ("scikit-learn not installed: comparison skipped "
                            "(pip install scikit-learn)")
    return torch, sk, notes


def _summaries(times: dict, scale: float, clock: str, skip=()) -> dict:
    return {k: summary(v[clock], scale) for k, v in times.items() if k not in skip}


def big_mlp(repeats: int = 5, n: int = 10_000, batch_size: int = 128, threads: int | None = None,
            clock: str = "wall", extras: bool | tuple = True) -> dict:
    """784-256-128-10 ReLU, softmax cross-entropy, batch 128, float32, plain SGD: ms per epoch.

    threads limits numpy's BLAS (None: as found), and torch gets as many; clock is "wall" or
    "cpu" (see interleaved); extras: compare with torch and scikit-learn (True), neither, or
    the ones named, e.g. ("torch",).
    """
    X, y = _big_data(n, np.float32)
    net = mlp.MLP(BIG_SIZES, activation="relu", rng=0, dtype=np.float32)
    loss, opt = mlp.losses.SoftmaxCrossEntropy(), mlp.optim.SGD(net.parameters(), lr=0.01)
    fns = {"mlp": _mlp_epoch(net, loss, opt, X, y, batch_size),
           "numpy": _numpy_epoch(net, loss, X, y, batch_size, lr=0.01),
           "floor": _floor_epoch(net, X, batch_size),
           "fit": _fit_one_epoch(BIG_SIZES, "relu", loss, X, y, batch_size, lr=0.01),
           "floor_eval": _floor_forward(net, X)}
    with _blas_threads(threads):
        used = numpy_blas_threads() or 1
        torch, sk, notes = _optional_extras(extras)
        if torch is not None:
            fns["torch"] = _torch_epoch(torch, X, y, BIG_SIZES, "relu", batch_size, 0.01, used)
        if sk is not None:
            fns["sklearn"] = _sklearn_epoch(sk, X, y, (256, 128), "relu", batch_size, 0.01,
                                            np.arange(10))
        times = interleaved(fns, repeats, settle=SETTLE_S if torch or sk else 0.0)
    # fit(epochs=1) evaluates all of X before and after its epoch
    times["floor_fit"] = {c: [a + 2 * b for a, b in zip(times["floor"][c], times["floor_eval"][c])]
                          for c in ("wall", "cpu")}
    steps = -(-n // batch_size)
    res = {
        "what": f"784-256-128-10 ReLU, softmax cross-entropy, batch {batch_size}, float32, SGD, "
                f"{n} samples ({steps} steps per epoch)",
        "threads": used,
        "clock": clock,
        "ms_per_epoch": _summaries(times, 1e3, clock, skip=("floor_eval",)),
        "notes": notes,
        "numpy_blas": {k: v for k, v in (numpy_blas() or {}).items() if k != "filepath"},
    }
    if torch is not None:
        res["torch_build"] = torch_build(torch)
    if clock != "wall":
        res["wall_ms_per_epoch"] = _summaries(times, 1e3, "wall", skip=("floor_eval",))
    med = {k: v["median"] for k, v in res["ms_per_epoch"].items()}
    best = {k: v["min"] for k, v in res["ms_per_epoch"].items()}
    res["ratios"] = {"mlp/floor": med["mlp"] / med["floor"],
                     "numpy/floor": med["numpy"] / med["floor"],
                     "mlp/numpy": med["mlp"] / med["numpy"],
                     "fit/floor_fit": med["fit"] / med["floor_fit"],
                     # the fastest repeat of each: robust when other programs slow some repeats down
                     "best mlp/floor": best["mlp"] / best["floor"],
                     "best numpy/floor": best["numpy"] / best["floor"]}
    for other in ("torch", "sklearn"):
        if other in med:
            res["ratios"]["mlp/" + other] = med["mlp"] / med[other]
            res["ratios"][f"best mlp/{other}"] = best["mlp"] / best[other]
    return res


def small_mlp(repeats: int = 5, epochs_per_repeat: int = 20, batch_size: int = 32,
              extras: bool = True) -> dict:
    """2-16-1, sigmoid hidden layer, logistic output (BCE on logits), 1,000 XOR points: us/step."""
    X, y = _small_data()
    net = mlp.MLP(SMALL_SIZES, activation="sigmoid", output="identity", rng=0, dtype=np.float32)
    loss, opt = mlp.losses.BCEWithLogits(), mlp.optim.SGD(net.parameters(), lr=0.1)
    one = _mlp_epoch(net, loss, opt, X, y, batch_size)
    numpy_one = _numpy_epoch(net, loss, X, y, batch_size, lr=0.1)
    floor_one = _floor_epoch(net, X, batch_size)
    fit_net = mlp.MLP(SMALL_SIZES, activation="sigmoid", rng=0, dtype=np.float32)
    fit_opt = mlp.optim.SGD(fit_net.parameters(), lr=0.1)
    E = epochs_per_repeat
    fns = {"mlp": lambda: [one() for _ in range(E)],
           "numpy": lambda: [numpy_one() for _ in range(E)],
           "floor": lambda: [floor_one() for _ in range(E)],
           "fit": lambda: mlp.fit(fit_net, loss, fit_opt, X, y, epochs=E, batch_size=batch_size,
                                  rng=1)}
    torch, sk, notes = _optional_extras(extras)
    threads = numpy_blas_threads() or 1
    if torch is not None:
        # one thread: numpy runs products this small on one thread too, and so torch is at its
        # fastest (measured here: 148 us per step with 1 thread, 150 with 2); CPU time then
        # measures both fairly on a busy machine
        t_one = _torch_epoch(torch, X, y, SMALL_SIZES, "sigmoid", batch_size, 0.1, 1, binary=True)
        fns["torch"] = lambda: [t_one() for _ in range(E)]
    if sk is not None:
        s_one = _sklearn_epoch(sk, X, y, (16,), "logistic", batch_size, 0.1, np.array([0, 1]))
        fns["sklearn"] = lambda: [s_one() for _ in range(E)]
    bare_calls = 1000
    fns["bare_call"] = _bare_call(calls=bare_calls)
    times = interleaved(fns, repeats, settle=SETTLE_S if torch or sk else 0.0)
    steps = E * -(-len(X) // batch_size)
    res = {
        "what": f"2-16-1 sigmoid, BCE on logits, batch {batch_size}, float32, SGD, {len(X)} XOR "
                f"points; {E} epochs ({steps} steps) per repeat",
        "threads": threads,
        "us_per_step": _summaries(times, 1e6 / steps, "wall", skip=("bare_call",)),
        "cpu_us_per_step": _summaries(times, 1e6 / steps, "cpu", skip=("bare_call",)),
        "bare_call_us": summary(times["bare_call"]["wall"], 1e6 / bare_calls),
        "cpu_bare_call_us": summary(times["bare_call"]["cpu"], 1e6 / bare_calls),
        "numpy_calls_per_step": 42,
        "notes": notes,
    }
    if torch is not None:
        res["torch_build"] = torch_build(torch)
    med = {k: v["median"] for k, v in res["us_per_step"].items()}
    best = {k: v["min"] for k, v in res["us_per_step"].items()}
    cpu = {k: v["median"] for k, v in res["cpu_us_per_step"].items()}
    cpu_best = {k: v["min"] for k, v in res["cpu_us_per_step"].items()}
    res["ratios"] = {"mlp/floor": med["mlp"] / med["floor"], "mlp/numpy": med["mlp"] / med["numpy"]}
    for other in ("torch", "sklearn"):
        if other in med:
            res["ratios"]["mlp/" + other] = med["mlp"] / med[other]
            res["ratios"][f"best mlp/{other}"] = best["mlp"] / best[other]
            res["ratios"][f"cpu mlp/{other}"] = cpu["mlp"] / cpu[other]
            res["ratios"][f"best cpu mlp/{other}"] = cpu_best["mlp"] / cpu_best[other]
    return res


def precision(repeats: int = 3, n: int = 10_000, batch_size: int = 128, threads: int | None = None,
              clock: str = "wall") -> dict:
    """The big MLP's training epoch in float64 and in float32 (report only)."""
    fns = {}
    for dtype in (np.float32, np.float64):
        X, y = _big_data(n, dtype)
        net = mlp.MLP(BIG_SIZES, activation="relu", rng=0, dtype=dtype)
        loss, opt = mlp.losses.SoftmaxCrossEntropy(), mlp.optim.SGD(net.parameters(), lr=0.01)
        fns[np.dtype(dtype).name] = _mlp_epoch(net, loss, opt, X, y, batch_size)
    with _blas_threads(threads):
        used = numpy_blas_threads() or 1
        times = interleaved(fns, repeats)
    res = {"what": f"big MLP training epoch ({n} samples, batch {batch_size}) by dtype",
           "threads": used, "clock": clock,
           "ms_per_epoch": _summaries(times, 1e3, clock)}
    if clock != "wall":
        res["wall_ms_per_epoch"] = _summaries(times, 1e3, "wall")
    res["ratios"] = {"float64/float32": res["ms_per_epoch"]["float64"]["median"]
                     / res["ms_per_epoch"]["float32"]["median"]}
    return res


def against_baseline(repeats: int = 7, n: int = 10_000, batch_size: int = 128,
                     small_epochs: int = 20, threads: int | None = 1) -> dict:
    """Today's mlp against the mlp of the baseline commit, in one process, interleaved.

    The big MLP's training epoch (784-256-128-10 ReLU, float32, batch 128) and the small MLP's
    training step (2-16-1 sigmoid, BCE on logits, float32, batch 32), the same networks as
    big_mlp and small_mlp, each built by both packages from the same seed. One BLAS thread by
    default, timed in CPU time: the steadiest figure on a shared machine. Ratios new/old are
    the median of the ratios of adjacent repeats, and the ratio of the medians.
    """
    old, note = baseline_mlp()
    if old is None:
        return {"note": note}
    Xb, yb = _big_data(n, np.float32)
    Xs, ys = _small_data()
    fns = {}
    for name, pkg in (("new", mlp), ("old", old)):
        net = pkg.MLP(BIG_SIZES, activation="relu", rng=0, dtype=np.float32)
        fns[f"big {name}"] = _mlp_epoch(net, pkg.losses.SoftmaxCrossEntropy(),
                                        pkg.optim.SGD(net.parameters(), lr=0.01), Xb, yb,
                                        batch_size, package=pkg)
        net = pkg.MLP(SMALL_SIZES, activation="sigmoid", rng=0, dtype=np.float32)
        one = _mlp_epoch(net, pkg.losses.BCEWithLogits(), pkg.optim.SGD(net.parameters(), lr=0.1),
                         Xs, ys, 32, package=pkg)
        fns[f"small {name}"] = lambda one=one: [one() for _ in range(small_epochs)]
    with _blas_threads(threads):
        used = numpy_blas_threads() or 1
        times = interleaved(fns, repeats)
    clock = "cpu" if used == 1 else "wall"
    steps = {"big": -(-n // batch_size), "small": small_epochs * -(-len(Xs) // 32)}
    res = {"what": f"mlp now vs {note}: big MLP epoch ({n} samples, {steps['big']} steps) and "
                   f"small MLP step ({steps['small']} steps per repeat), "
                   f"{repeats} interleaved repeats",
           "threads": used, "clock": clock, "ratios": {}}
    for net in ("big", "small"):
        new, prev = times[f"{net} new"][clock], times[f"{net} old"][clock]
        scale = 1e3 if net == "big" else 1e6 / steps["small"]
        res[f"{net}_{'ms_per_epoch' if net == 'big' else 'us_per_step'}"] = {
            "new": summary(new, scale), "old": summary(prev, scale)}
        res["ratios"][f"{net} new/old"] = summary([a / b for a, b in zip(new, prev)])
        res["ratios"][f"{net} new/old (ratio of medians)"] = (summary(new)["median"]
                                                              / summary(prev)["median"])
    return res


# -- where the time goes: a line profile of mlp's big epoch ---------------------------------------

def _profiled_functions(net, loss, opt) -> list:
    """The functions a training epoch runs through, outermost first (a line that calls one of
    them is not counted again: its time is in that function's own lines)."""
    return [mlp.train.train_epoch, mlp.train.minibatches, type(net).backprop, type(net).propagate,
            type(net.layers[0]).pre_activation, type(loss).mean_and_dC_da, type(net).backward,
            type(opt).step, type(opt).update]


def profile(epochs: int = 3, n: int = 10_000, batch_size: int = 128, threads: int | None = None,
            min_share: float = 0.01) -> dict:
    """Line profile (line_profiler) of the big MLP's training epoch, as `fit` runs it.

    Every line of the step that does work itself (calls none of the other profiled functions)
    with its time per step and its share of the profiled epoch; lines under `min_share` are
    summed into one row. Lines with a matrix product (`@`) are marked: their sum is the epoch's
    share of the floor, the rest is what mlp spends around the products. The profiler adds
    about a microsecond per line executed, so the epoch is slower here than in `big_mlp`.
    """
    lp_module = optional("line_profiler")
    if lp_module is None:
        return {"note": "line_profiler not installed: profile skipped (pip install line_profiler, "
                        "or the bench extra)"}
    X, y = _big_data(n, np.float32)
    net = mlp.MLP(BIG_SIZES, activation="relu", rng=0, dtype=np.float32)
    loss, opt = mlp.losses.SoftmaxCrossEntropy(), mlp.optim.SGD(net.parameters(), lr=0.01)
    epoch = _mlp_epoch(net, loss, opt, X, y, batch_size)
    functions = _profiled_functions(net, loss, opt)
    profiler = lp_module.LineProfiler(*functions)
    with _blas_threads(threads):
        used = numpy_blas_threads() or 1
        epoch()                                                        # warm-up, not profiled
        for _ in range(epochs):
            profiler.runcall(epoch)
    stats = profiler.get_stats()
    steps = epochs * -(-n // batch_size)
    calls = [f.__name__ + "(" for f in functions] + ["step()"]
    rows = []
    for (filename, _, name), lines in stats.timings.items():
        for lineno, _hits, t in lines:
            seconds = t * stats.unit
            code = linecache.getline(filename, lineno).strip()
            if any(c in code for c in calls):
                continue                                               # counted in the callee
            rows.append({"where": f"{Path(filename).name}:{lineno} {name}", "code": code,
                         "product": " @ " in code, "us_per_step": 1e6 * seconds / steps})
    epoch_fn = next(k for k in stats.timings if k[2] == "train_epoch")
    total = sum(t for _, _, t in stats.timings[epoch_fn]) * stats.unit * 1e6 / steps
    rows.sort(key=lambda r: -r["us_per_step"])
    for r in rows:
        r["share"] = r["us_per_step"] / total
    shown = [r for r in rows if r["share"] >= min_share]
    rest = [r for r in rows if r["share"] < min_share]
    products = sum(r["us_per_step"] for r in rows if r["product"])
    return {"what": f"mlp's big MLP training epoch under line_profiler, {epochs} epochs "
                    f"({steps} steps) after one unprofiled, "
                    f"{used} BLAS thread{'s' if used != 1 else ''}",
            "threads": used, "us_per_step": total, "products_us_per_step": products,
            "lines": shown,
            "other_lines": {"count": len(rest), "us_per_step": sum(r["us_per_step"] for r in rest)},
            "unattributed_us_per_step": total - sum(r["us_per_step"] for r in rows)}
