"""Training-speed benchmarks of `mlp`: the big MLP, the small MLP, and float64 against float32.

What "one epoch of mlp" means here: `mlp.train._train_epoch`, the loop inside `mlp.fit` (shuffle,
then per mini-batch forward, loss value and divergence check, backward, optimizer step).
`fit` itself also evaluates the loss and accuracy on all training data after every epoch for
its History; that costs one extra forward pass over the data and is reported on its own row,
against a floor that includes those forward products.

The floor is the matrix products alone, on the same shapes and dtype, with `.T` views exactly
as mlp uses them: 8 per step for 784-256-128-10 (3 forward, 3 dW, 2 dX: no dX for the input
layer) and 5 per step for 2-16-1.

PyTorch and scikit-learn are optional: each comparison is skipped, with a note, when the
package is not installed. PyTorch gets the same number of threads as numpy's BLAS.
"""
from __future__ import annotations

import numpy as np

import mlp
from common import interleaved, numpy_blas_threads, optional, summary

BIG_SIZES = [784, 256, 128, 10]
SMALL_SIZES = [2, 16, 1]


def _big_data(n, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, BIG_SIZES[0])).astype(dtype), rng.integers(0, 10, n)


def _small_data(n=1000, dtype=np.float32, seed=0):
    """XOR quadrants: label 1 where x0 * x1 > 0."""
    X = np.random.default_rng(seed).uniform(-1, 1, size=(n, 2)).astype(dtype)
    return X, (X[:, 0] * X[:, 1] > 0).astype(np.int64)


def _mlp_epoch(net, loss, opt, X, y, batch_size, seed=1):
    """One training epoch exactly as fit runs it (data checked and converted once, outside)."""
    Xp, _, Y = mlp.train._prepare(net, loss, X, y, "benchmark")
    rng = np.random.default_rng(seed)
    return lambda: mlp.train._train_epoch(net, loss, opt, Xp, Y, batch_size, rng, True, 1)


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
    """The forward products fit's History needs after every epoch (predict on all of X)."""
    Ws = [layer.W.data for layer in net.layers]

    def forward():
        a = X
        for W in Ws:
            a = a @ W.T
    return forward


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


def _sklearn_epoch(neural_network, X, y, hidden_sizes, activation, batch_size, lr, classes):
    clf = neural_network.MLPClassifier(
        hidden_layer_sizes=hidden_sizes, activation=activation, solver="sgd", batch_size=batch_size,
        learning_rate_init=lr, momentum=0.0, nesterovs_momentum=False, alpha=0.0, shuffle=True,
        random_state=0)
    clf.partial_fit(X[:batch_size], y[:batch_size], classes=classes)   # builds the network
    return lambda: clf.partial_fit(X, y)


def _optional_extras(quick):
    torch = optional("torch")
    sk = optional("sklearn.neural_network")
    notes = {}
    if torch is None:
        notes["torch"] = "PyTorch not installed: comparison skipped (pip install torch)"
    if sk is None:
        notes["sklearn"] = "scikit-learn not installed: comparison skipped (pip install scikit-learn)"
    return torch, sk, notes


def big_mlp(repeats: int = 5, n: int = 10_000, batch_size: int = 128, quick: bool = False) -> dict:
    """784-256-128-10 ReLU, softmax cross-entropy, batch 128, float32, plain SGD: ms per epoch."""
    X, y = _big_data(n, np.float32)
    net = mlp.MLP(BIG_SIZES, activation="relu", rng=0, dtype=np.float32)
    loss, opt = mlp.losses.SoftmaxCrossEntropy(), mlp.optim.SGD(net.parameters(), lr=0.01)
    fns = {"mlp": _mlp_epoch(net, loss, opt, X, y, batch_size),
           "floor": _floor_epoch(net, X, batch_size),
           "floor_eval": _floor_forward(net, X)}
    torch, sk, notes = _optional_extras(quick)
    threads = numpy_blas_threads() or 1
    if torch is not None:
        fns["torch"] = _torch_epoch(torch, X, y, BIG_SIZES, "relu", batch_size, 0.01, threads)
    if sk is not None:
        fns["sklearn"] = _sklearn_epoch(sk, X, y, (256, 128), "relu", batch_size, 0.01, np.arange(10))
    times = interleaved(fns, repeats)
    # fit's own epochs: History.time differences are exactly one training epoch + one evaluation
    fit_net = mlp.MLP(BIG_SIZES, activation="relu", rng=0, dtype=np.float32)
    hist = mlp.fit(fit_net, loss, mlp.optim.SGD(fit_net.parameters(), lr=0.01), X, y,
                   epochs=repeats + 1, batch_size=batch_size, rng=1)
    times["fit"] = list(np.diff(hist.time)[1:])           # the first epoch is the warm-up
    times["floor_fit"] = [a + b for a, b in zip(times["floor"], times["floor_eval"])]
    steps = -(-n // batch_size)
    res = {
        "what": f"784-256-128-10 ReLU, softmax cross-entropy, batch {batch_size}, float32, SGD, "
                f"{n} samples ({steps} steps per epoch)",
        "threads": threads,
        "ms_per_epoch": {k: summary(v, 1e3) for k, v in times.items() if k != "floor_eval"},
        "notes": notes,
    }
    med = {k: v["median"] for k, v in res["ms_per_epoch"].items()}
    res["ratios"] = {"mlp/floor": med["mlp"] / med["floor"],
                     "fit/floor_fit": med["fit"] / med["floor_fit"]}
    if "torch" in med:
        res["ratios"]["mlp/torch"] = med["mlp"] / med["torch"]
    if "sklearn" in med:
        res["ratios"]["mlp/sklearn"] = med["mlp"] / med["sklearn"]
    return res


def small_mlp(repeats: int = 5, epochs_per_repeat: int = 20, batch_size: int = 32,
              quick: bool = False) -> dict:
    """2-16-1, sigmoid hidden layer, logistic output (BCE on logits), 1,000 XOR points: us/step."""
    X, y = _small_data()
    net = mlp.MLP(SMALL_SIZES, activation="sigmoid", output="identity", rng=0, dtype=np.float32)
    loss, opt = mlp.losses.BCEWithLogits(), mlp.optim.SGD(net.parameters(), lr=0.1)
    one = _mlp_epoch(net, loss, opt, X, y, batch_size)
    floor_one = _floor_epoch(net, X, batch_size)
    fns = {"mlp": lambda: [one() for _ in range(epochs_per_repeat)],
           "floor": lambda: [floor_one() for _ in range(epochs_per_repeat)]}
    fit_net = mlp.MLP(SMALL_SIZES, activation="sigmoid", rng=0, dtype=np.float32)
    fit_opt = mlp.optim.SGD(fit_net.parameters(), lr=0.1)
    fns["fit"] = lambda: mlp.fit(fit_net, loss, fit_opt, X, y, epochs=epochs_per_repeat,
                                 batch_size=batch_size, rng=1)
    torch, sk, notes = _optional_extras(quick)
    threads = numpy_blas_threads() or 1
    if torch is not None:
        t_one = _torch_epoch(torch, X, y, SMALL_SIZES, "sigmoid", batch_size, 0.1, threads, binary=True)
        fns["torch"] = lambda: [t_one() for _ in range(epochs_per_repeat)]
    if sk is not None:
        s_one = _sklearn_epoch(sk, X, y, (16,), "logistic", batch_size, 0.1, np.array([0, 1]))
        fns["sklearn"] = lambda: [s_one() for _ in range(epochs_per_repeat)]
    times = interleaved(fns, repeats)
    steps = epochs_per_repeat * -(-len(X) // batch_size)
    res = {
        "what": f"2-16-1 sigmoid, BCE on logits, batch {batch_size}, float32, SGD, {len(X)} XOR "
                f"points; {epochs_per_repeat} epochs ({steps} steps) per repeat",
        "threads": threads,
        "us_per_step": {k: summary(v, 1e6 / steps) for k, v in times.items()},
        "notes": notes,
    }
    med = {k: v["median"] for k, v in res["us_per_step"].items()}
    res["ratios"] = {"mlp/floor": med["mlp"] / med["floor"]}
    if "torch" in med:
        res["ratios"]["mlp/torch"] = med["mlp"] / med["torch"]
    if "sklearn" in med:
        res["ratios"]["mlp/sklearn"] = med["mlp"] / med["sklearn"]
    return res


def precision(repeats: int = 3, n: int = 10_000, batch_size: int = 128) -> dict:
    """The big MLP's training epoch in float64 and in float32 (report only)."""
    fns = {}
    for dtype in (np.float32, np.float64):
        X, y = _big_data(n, dtype)
        net = mlp.MLP(BIG_SIZES, activation="relu", rng=0, dtype=dtype)
        loss, opt = mlp.losses.SoftmaxCrossEntropy(), mlp.optim.SGD(net.parameters(), lr=0.01)
        fns[np.dtype(dtype).name] = _mlp_epoch(net, loss, opt, X, y, batch_size)
    times = interleaved(fns, repeats)
    res = {"what": f"big MLP training epoch ({n} samples, batch {batch_size}) by dtype",
           "ms_per_epoch": {k: summary(v, 1e3) for k, v in times.items()}}
    res["ratios"] = {"float64/float32": res["ms_per_epoch"]["float64"]["median"]
                     / res["ms_per_epoch"]["float32"]["median"]}
    return res
