"""Guards for mlp's speed and precision: float32 stays float32, every speed trick computes the
same numbers as the plain formula, the memory a step uses is what it must use (measured with
tracemalloc, which sees every numpy array), and no gross slowdown creeps in.

Timing tests compare ratios measured in the same process (mlp against the bare matrix
products it cannot avoid, or against a minimal hand-written numpy step), with generous margins
and the best of several interleaved repeats, so they fail on a real regression (a copied
transpose, a Python loop over samples, per-batch validation) but not on a busy machine.
Absolute times live in `make bench` (benchmarks/), never in tests.
"""
from __future__ import annotations

import time
import tracemalloc
from contextlib import contextmanager

import numpy as np
import pytest

import mlp
from mlp.activations import ACTIVATIONS
from mlp.losses import LOSSES

OPTIMIZERS = {
    # numpy float64 hyperparameters on purpose: they must not drag a float32 update to float64
    "SGD": lambda ps: mlp.optim.SGD(ps, lr=np.float64(0.01)),
    "Momentum": lambda ps: mlp.optim.Momentum(ps, lr=0.01, alpha=np.float64(0.9)),
    "Momentum-classical": lambda ps: mlp.optim.Momentum(ps, lr=0.01, form="classical"),
    "Nesterov": lambda ps: mlp.optim.Nesterov(ps, lr=0.01, alpha=np.float64(0.9)),
    "AdaGrad": lambda ps: mlp.optim.AdaGrad(ps, lr=0.01),
    "RMSProp": lambda ps: mlp.optim.RMSProp(ps, lr=0.01, rho=np.float64(0.9)),
    "AdaDelta": lambda ps: mlp.optim.AdaDelta(ps, clip_norm=np.float64(1.0)),
    "Adam": lambda ps: mlp.optim.Adam(ps, lr=np.float64(1e-3), clip_norm=0.5),
}

# loss -> (output activation, targets maker for N rows and K outputs)
LOSS_SETUPS = {
    "SquaredError": ("identity", 2, lambda rng, N, K: rng.normal(size=(N, K))),
    "MSE": ("identity", 2, lambda rng, N, K: rng.normal(size=(N, K))),
    "MAE": ("identity", 2, lambda rng, N, K: rng.normal(size=(N, K))),
    "BCE": ("sigmoid", 1, lambda rng, N, K: rng.integers(0, 2, N)),
    "BCEWithLogits": ("identity", 1, lambda rng, N, K: rng.integers(0, 2, (N, 1)).astype(float)),
    "SoftmaxCrossEntropy": ("identity", 3, lambda rng, N, K: rng.integers(0, K, N)),
    "Hinge": ("identity", 1, lambda rng, N, K: rng.choice([-1, 1], N)),
}


def _arrays_of_a_step(net, opt):
    """Every array a training step leaves behind: caches, deltas, weights, grads, optimizer
    state."""
    found = {}
    for cache in ("z", "a", "delta"):
        for l, arr in getattr(net, cache).items():
            found[f"net.{cache}[{l}]"] = arr
    for p in net.parameters():
        found[f"{p.name}.data"], found[f"{p.name}.grad"] = p.data, p.grad
    for p, state in zip(opt.params, opt.state):
        for key, arr in state.items():
            found[f"state[{p.name}][{key}]"] = arr
    return found


@pytest.mark.parametrize("opt_name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("loss_name", sorted(LOSS_SETUPS))
def test_float32_training_stays_float32_for_every_loss_and_optimizer(loss_name, opt_name):
    output, K, make_y = LOSS_SETUPS[loss_name]
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3))                         # float64 data: fit converts it once
    y = make_y(rng, 20, K)
    net = mlp.MLP([3, 4, K], activation="tanh", output=output, rng=0, dtype=np.float32,
                  l2=np.float64(1e-3))
    opt = OPTIMIZERS[opt_name](net.parameters())
    loss = LOSSES[loss_name]()
    hist = mlp.fit(net, loss, opt, X, y, epochs=2, batch_size=8, rng=0, validation=(X, y))
    assert np.isfinite(hist.train_loss[-1])
    found = _arrays_of_a_step(net, opt)
    assert len(found) >= 3 * 2 + 4 * 2
    wrong = {k: v.dtype for k, v in found.items() if v.dtype != np.float32}
    assert not wrong, f"float32 training left arrays of another dtype: {wrong}"
    out = net.forward(X)
    assert out.dtype == np.float32 and loss.grad(out, y).dtype == np.float32
    # the explicit API path (loss_and_grads + step) stays float32 as well
    net.loss_and_grads(X, y, loss)
    opt.step()
    wrong = {k: v.dtype for k, v in _arrays_of_a_step(net, opt).items() if v.dtype != np.float32}
    assert not wrong, f"loss_and_grads/step left arrays of another dtype: {wrong}"


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_float32_activations_and_derivatives(name):
    act = ACTIVATIONS[name]
    z = np.linspace(-3, 3, 13, dtype=np.float32)
    a = act.f(z)
    assert a.dtype == np.float32, f"{name}: f(z) is {a.dtype}"
    assert act.fprime(z, a).dtype == np.float32, f"{name}: fprime(z, a) is {act.fprime(z, a).dtype}"


# -- the speed tricks compute exactly the plain formulas ---------------------------------------

@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_sigmoid_numerator_trick_equals_np_where(dtype):
    z = np.concatenate([np.linspace(-40, 40, 801), [0.0, -0.0, 1e3, -1e3, np.inf, -np.inf, np.nan,
                                                      1e-30, -1e-30]]).astype(dtype)
    e = np.exp(-np.abs(z))
    plain = np.where(z >= 0, 1.0, e) / (1.0 + e)
    fast = mlp.numerics.sigmoid(z)
    assert fast.dtype == plain.dtype == dtype
    np.testing.assert_array_equal(fast, plain)                        # NaN matches NaN here
    assert np.array_equal(np.signbit(fast), np.signbit(plain))


def test_minibatches_are_the_rows_of_the_shuffled_order():
    # one shuffled copy per epoch, then slices: the same batches as indexing every batch
    X, y = np.arange(26.0).reshape(13, 2), np.arange(13)
    order = np.random.default_rng(7).permutation(13)
    batches = list(mlp.minibatches(X, y, 5, rng=np.random.default_rng(7)))
    assert [len(b[0]) for b in batches] == [5, 5, 3]
    for k, (Xb, yb) in enumerate(batches):
        idx = order[5 * k:5 * k + 5]
        np.testing.assert_array_equal(Xb, X[idx])
        np.testing.assert_array_equal(yb, y[idx])
    Xb[0, 0] = -1.0                              # batches never alias the caller's data
    assert X.min() == 0.0


# -- memory, measured: tracemalloc counts every numpy array's data --------------------------

@pytest.fixture
def traced():
    """Trace allocations for the whole test, so that frees of arrays made before a measured block
    count too (tracemalloc ignores blocks allocated while it was off)."""
    tracemalloc.start()
    yield
    tracemalloc.stop()


@contextmanager
def _allocations():
    """{"held": bytes allocated at the end above the start, "peak": the most allocated at once
    above the start}: what the block costs in memory, whatever it does inside."""
    assert tracemalloc.is_tracing(), "use the traced fixture"
    start = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    found = {}
    yield found
    now, peak = tracemalloc.get_traced_memory()
    found.update(held=now - start, peak=peak - start)


def _big_first_layer(dtype=np.float64, N=64):
    """A net whose W^(1) (64 x 2000) dwarfs everything else, and a batch for it."""
    rng = np.random.default_rng(0)
    net = mlp.MLP([2000, 64, 3], activation="tanh", rng=0, dtype=dtype)
    return net, rng.normal(size=(N, 2000)).astype(dtype), rng.integers(0, 3, N)


@pytest.mark.parametrize("opt_name", sorted(OPTIMIZERS))
def test_a_step_updates_the_weights_in_place_and_holds_no_new_memory(opt_name, traced):
    # The arrays a user holds (W = net.layer(1).W.data, the optimizer's state) are the ones that
    # change: no step hands back new ones, and once the state exists a step keeps nothing.
    net, X, y = _big_first_layer()
    loss = mlp.losses.SoftmaxCrossEntropy()
    opt = OPTIMIZERS[opt_name](net.parameters())
    net.loss_and_grads(X, y, loss)
    opt.step()                                                     # the state is made here
    W = net.layer(1).W.data
    before = W.copy()
    arrays = [p.data for p in net.parameters()] + [a for s in opt.state for a in s.values()]
    net.loss_and_grads(X, y, loss)
    with _allocations() as used:
        opt.step()
    assert net.layer(1).W.data is W and not np.array_equal(W, before), (
        "W^(1) was not updated in place")
    now = [p.data for p in net.parameters()] + [a for s in opt.state for a in s.values()]
    assert len(now) == len(arrays) and all(a is b for a, b in zip(now, arrays))
    assert used["held"] < 4096, f"{opt_name}.step() kept {used['held']} bytes"
    # numpy needs a temporary for each product in a formula (it has no fused multiply-add), so a
    # step holds a few arrays of one parameter's size at a time: one for SGD and the momentum
    # rules, five for Adam's lecture form with m_hat and v_hat; never more than that
    largest = W.nbytes
    assert used["peak"] <= 5 * largest + 65536, \
        f"{opt_name}.step() peaked at {used['peak'] / largest:.1f} times W^(1)'s size"


def test_sgd_step_needs_one_temporary_at_most(traced):
    """w <- w - lr g in place: the one temporary numpy needs for lr * g, nothing else."""
    net, X, y = _big_first_layer()
    opt = mlp.optim.SGD(net.parameters(), lr=0.1)
    net.loss_and_grads(X, y, mlp.losses.SoftmaxCrossEntropy())
    with _allocations() as used:
        opt.step()
    assert used["held"] < 4096
    assert used["peak"] <= net.layer(1).W.data.nbytes + 4096, used


def test_backward_allocates_its_results_and_no_copies(traced):
    # A transposed copy of the batch (X.T is 64 x 2000 here, 1 MB) or of a weight matrix would
    # show up: backward needs room for the gradients and the deltas, and for nothing larger.
    net, X, y = _big_first_layer()
    loss = mlp.losses.SoftmaxCrossEntropy()
    dC_da = loss.grad(net.forward(X), y)
    with _allocations() as used:
        net.backward(dC_da)
    results = (sum(p.grad.nbytes for p in net.parameters())
               + sum(d.nbytes for d in net.delta.values()))
    assert used["peak"] <= 1.5 * results + 8192, f"backward peaked at {used['peak']} bytes for " \
                                                 f"{results} bytes of gradients and deltas"


def test_training_memory_does_not_grow_with_the_steps(traced):
    # per step: one batch's caches, deltas and gradients, which the next step replaces
    net, X, y = _big_first_layer(N=256)
    loss, opt = mlp.losses.SoftmaxCrossEntropy(), mlp.optim.Adam(net.parameters(), lr=1e-3)
    Xp, Y = net.check_data(X, y, loss)
    rng = np.random.default_rng(0)
    mlp.train.train_epoch(net, loss, opt, Xp, Y, 32, rng)          # state and caches exist now
    with _allocations() as one:
        mlp.train.train_epoch(net, loss, opt, Xp, Y, 32, rng)
    with _allocations() as five:
        for _ in range(5):
            mlp.train.train_epoch(net, loss, opt, Xp, Y, 32, rng)
    assert abs(one["held"]) < 65536 and abs(five["held"]) < 65536, (one, five)
    assert five["peak"] <= one["peak"] + 65536, (one, five)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("loss_name", sorted(LOSS_SETUPS))
def test_the_training_steps_loss_and_gradient_are_the_two_formulas(loss_name, dtype):
    # backprop takes C and dC/da from loss.mean_and_dC_da, which may share work between them
    # (SoftmaxCrossEntropy: one log-softmax); it must give what mean and dC_da give apart.
    output, K, make_y = LOSS_SETUPS[loss_name]
    rng = np.random.default_rng(1)
    loss = LOSSES[loss_name]()
    z = rng.normal(scale=3.0, size=(40, K))
    if loss.expects_logits:
        z[:4] *= 400                                         # logits up to about +-1000
    a = mlp.numerics.sigmoid(z) if output == "sigmoid" else z
    a = a.astype(dtype)
    Y = loss.targets(make_y(rng, 40, K), a.shape, dtype)
    value, grad = loss.mean_and_dC_da(a, Y)
    assert isinstance(value, float) and grad.dtype == dtype and grad.shape == a.shape
    tol = 1e-5 if dtype == np.float32 else 1e-12
    assert value == pytest.approx(loss.mean(a, Y), rel=tol, abs=tol)
    np.testing.assert_allclose(grad, loss.dC_da(a, Y), rtol=tol, atol=tol / len(a))
    # and the value the training step reports is that loss
    net = mlp.MLP([3, K], activation="tanh", output=output, rng=0, dtype=dtype)
    Xb = rng.normal(size=(40, 3))
    assert net.loss_and_grads(Xb, Y, loss) == pytest.approx(loss(net.predict(Xb), Y), rel=tol,
                                                            abs=tol)


def test_optimizer_state_set_by_hand_is_used():
    p = mlp.Parameter(np.array([1.0, 2.0]))
    opt = mlp.optim.Momentum([p], lr=0.1, alpha=0.5)
    opt.state[0]["v"] = np.array([2.0, -2.0])
    p.grad = np.array([1.0, 1.0])
    opt.step()
    np.testing.assert_allclose(opt.state[0]["v"], [1.5, -0.5])    # 0.5 v + 0.5 g
    np.testing.assert_allclose(p.data, [0.85, 2.05])
    assert mlp.optim.Adam([mlp.Parameter(np.zeros(3))]).state[0] == {}   # nothing until read


def test_float32_softmax_cross_entropy_one_hot_and_labels_stay_float32():
    loss = mlp.losses.SoftmaxCrossEntropy()
    out = np.zeros((4, 3), dtype=np.float32)
    for y in (np.array([0, 1, 2, 1]), np.eye(3)[[0, 1, 2, 1]]):     # int labels, float64 one-hot
        assert loss.grad(out, y).dtype == np.float32


def _reference_fit(net, loss, opt, X, y, epochs, batch_size, rng):
    """fit() written with the public API only: the behaviour the fast loop must reproduce."""
    rng = np.random.default_rng(rng)
    losses = [loss(net.predict(X), y)]
    for _ in range(epochs):
        for Xb, yb in mlp.minibatches(X, y, batch_size, rng):
            net.loss_and_grads(Xb, yb, loss)
            opt.step()
        losses.append(loss(net.predict(X), y))
    return losses


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", ["sigmoid+BCE", "relu+SoftmaxCrossEntropy+l2",
                                  "tanh+SquaredError"])
def test_fit_gives_the_same_numbers_as_the_plain_api_loop(case, dtype):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(50, 2))
    if case == "sigmoid+BCE":
        args, loss, y = (dict(activation="sigmoid", output="sigmoid"), mlp.losses.BCE(),
                         rng.integers(0, 2, 50))
        sizes = [2, 5, 1]
    elif case.startswith("relu"):
        args, loss, y = (dict(activation="relu", l2=0.01), mlp.losses.SoftmaxCrossEntropy(),
                         rng.integers(0, 3, 50))
        sizes = [2, 6, 5, 3]
    else:
        args, loss, y = dict(activation="tanh"), mlp.losses.SquaredError(), rng.normal(size=(50, 1))
        sizes = [2, 4, 1]
    nets = [mlp.MLP(sizes, rng=7, dtype=dtype, **args) for _ in range(2)]
    opts = [mlp.optim.Adam(n.parameters(), lr=0.01) for n in nets]
    hist = mlp.fit(nets[0], loss, opts[0], X, y, epochs=4, batch_size=16, rng=11)
    expected = _reference_fit(nets[1], loss, opts[1], X, y, epochs=4, batch_size=16, rng=11)
    # l2: loss_and_grads adds the penalty to its value, fit's History records the data loss
    assert hist.train_loss == expected
    for p, q in zip(nets[0].parameters(), nets[1].parameters()):
        np.testing.assert_array_equal(p.data, q.data)


def test_divergence_still_names_epoch_and_batch():
    # the per-batch check: the loss overflows in the middle of the first epoch
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    net = mlp.MLP([3, 1], rng=0)
    opt = mlp.optim.SGD(net.parameters(), lr=1e4)
    with pytest.raises(FloatingPointError, match=r"loss became (inf|nan) at epoch 1, batch \d+"):
        with np.errstate(all="ignore"):
            mlp.fit(net, mlp.losses.SquaredError(), opt, X, X @ [1.0, 2.0, 3.0], epochs=5,
                    batch_size=1, rng=0)


# -- timing guards (ratios in one process, best of interleaved repeats, generous margins) -----

def _best_of(fns, repeats):
    """Interleave the timed functions `repeats` times and keep each one's fastest run.

    The clock is this process's CPU time: the tests run with one BLAS thread, and CPU time
    leaves out the waits for a core that another program holds on a shared machine.
    """
    best = [np.inf] * len(fns)
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            t0 = time.process_time()
            fn()
            best[i] = min(best[i], time.process_time() - t0)
    return best


def test_big_mlp_epoch_is_close_to_its_matrix_product_floor():
    """784-256-128-10 ReLU, float32, batch 128: a training epoch <= 2x its 8 matmuls per step."""
    threadpool_limits = pytest.importorskip("threadpoolctl").threadpool_limits
    rng = np.random.default_rng(0)
    N, B, sizes = 1024, 128, [784, 256, 128, 10]
    X = rng.normal(size=(N, 784)).astype(np.float32)
    y = rng.integers(0, 10, N)
    net = mlp.MLP(sizes, activation="relu", rng=0, dtype=np.float32)
    loss, opt = mlp.losses.SoftmaxCrossEntropy(), mlp.optim.SGD(net.parameters(), lr=0.01)
    Xp, Y = net.check_data(X, y, loss)
    order = np.random.default_rng(1)

    def train_epoch():
        mlp.train.train_epoch(net, loss, opt, Xp, Y, B, order)

    Ws = [layer.W.data for layer in net.layers]
    bufs = {}

    def floor():
        # the same 8 products per step on the same shapes: 3 forward, 3 dW, 2 dX
        for s in range(0, N, B):
            a0 = X[s:s + B]
            a1 = a0 @ Ws[0].T
            a2 = a1 @ Ws[1].T
            a3 = a2 @ Ws[2].T
            bufs["g3"] = a3.T @ a2
            d2 = a3 @ Ws[2]
            bufs["g2"] = d2.T @ a1
            d1 = d2 @ Ws[1]
            bufs["g1"] = d1.T @ a0

    # One BLAS thread: on a busy machine two spinning BLAS threads make every product erratic.
    with threadpool_limits(1):
        train_epoch(), floor()                             # warm-up
        t_mlp, t_floor = _best_of([train_epoch, floor], repeats=5)
    ratio = t_mlp / t_floor
    assert ratio <= 2.0, f"big-MLP epoch {1e3 * t_mlp:.1f} ms is {ratio:.2f}x the product floor " \
                         f"{1e3 * t_floor:.1f} ms (expected about 1.1-1.3x)"


def test_small_mlp_step_overhead_is_close_to_a_hand_written_numpy_step():
    """2-16-1 sigmoid on XOR, batch 32: per-call overhead, compared with a flat numpy loop."""
    threadpool_limits = pytest.importorskip("threadpoolctl").threadpool_limits
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(1000, 2)).astype(np.float32)
    y = (X[:, 0] * X[:, 1] > 0).astype(np.float32)[:, None]
    B = 32
    net = mlp.MLP([2, 16, 1], activation="sigmoid", rng=0, dtype=np.float32)
    loss, opt = mlp.losses.BCEWithLogits(), mlp.optim.SGD(net.parameters(), lr=0.1)
    Xp, Y = net.check_data(X, y, loss)
    order = np.random.default_rng(1)

    def train_epoch():
        mlp.train.train_epoch(net, loss, opt, Xp, Y, B, order)

    W1, b1 = rng.normal(size=(16, 2)).astype(np.float32), np.zeros(16, np.float32)
    W2, b2 = rng.normal(size=(1, 16)).astype(np.float32), np.zeros(1, np.float32)
    flat_rng = np.random.default_rng(1)

    def flat_epoch():
        # the minimal numpy a course would write: forward, loss, backward, SGD, no checks
        nonlocal W1, b1, W2, b2
        perm = flat_rng.permutation(len(X))
        for s in range(0, len(X), B):
            idx = perm[s:s + B]
            xb, yb = X[idx], y[idx]
            h = 1 / (1 + np.exp(-(xb @ W1.T + b1)))
            z = h @ W2.T + b2
            value = np.mean(np.logaddexp(0, z) - yb * z)
            if not np.isfinite(value):
                raise FloatingPointError
            d2 = (1 / (1 + np.exp(-z)) - yb) / len(xb)
            d1 = (d2 @ W2) * h * (1 - h)
            W2 -= 0.1 * (d2.T @ h)
            b2 -= 0.1 * d2.sum(0)
            W1 -= 0.1 * (d1.T @ xb)
            b1 -= 0.1 * d1.sum(0)

    with threadpool_limits(1):
        train_epoch(), flat_epoch()
        t_mlp, t_flat = _best_of([train_epoch, flat_epoch], repeats=7)
    ratio = t_mlp / t_flat
    steps = -(-len(X) // B)
    assert ratio <= 2.5, f"mlp step {1e6 * t_mlp / steps:.0f} us is {ratio:.2f}x a flat numpy " \
                         f"step {1e6 * t_flat / steps:.0f} us (expected about 0.9-1.3x)"
