"""mlp.optim: each update rule against its closed form and against a reference loop written
from the paper's algorithm box; convergence; per-parameter state (issue item 8)."""
from __future__ import annotations

import math

import numpy as np
import pytest

import mlp
from mlp import optim
from mlp.layers import Parameter

# ---- (a) one step from a hand-set state, against the closed form, in scalar arithmetic -------
W0, G = 0.5, -2.0   # the weight and its gradient


def _one_step(opt_cls, state=None, t=0, **kw):
    p = Parameter(np.array([W0]))
    opt = opt_cls([p], **kw)
    if state:
        opt.state[0].update({k: np.array([v]) for k, v in state.items()})
    opt.t = t
    p.grad = np.array([G])
    opt.step()
    return float(p.data[0]), {k: float(v[0]) for k, v in opt.state[0].items()}, opt


def test_sgd_one_step():
    w, _, opt = _one_step(optim.SGD, lr=0.1)
    assert w == pytest.approx(0.5 - 0.1 * -2.0, abs=1e-15)
    assert opt.t == 1


def test_momentum_lecture_form_one_step():
    # v <- 0.9 * 0.3 + 0.1 * (-2) = 0.07;  w <- 0.5 - 0.1 * 0.07
    w, s, _ = _one_step(optim.Momentum, {"v": 0.3}, lr=0.1, alpha=0.9)
    assert s["v"] == pytest.approx(0.07, abs=1e-15)
    assert w == pytest.approx(0.493, abs=1e-15)


def test_momentum_classical_form_one_step():
    # v <- 0.9 * 0.3 - 0.1 * (-2) = 0.47;  w <- 0.5 + 0.47
    w, s, _ = _one_step(optim.Momentum, {"v": 0.3}, lr=0.1, alpha=0.9, form="classical")
    assert s["v"] == pytest.approx(0.47, abs=1e-15)
    assert w == pytest.approx(0.97, abs=1e-15)


def test_nesterov_one_step():
    # v <- 0.9 * 0.3 + (-2) = -1.73;  w <- 0.5 - 0.1 * (-2 + 0.9 * -1.73) = 0.8557
    w, s, _ = _one_step(optim.Nesterov, {"v": 0.3}, lr=0.1, alpha=0.9)
    assert s["v"] == pytest.approx(-1.73, abs=1e-15)
    assert w == pytest.approx(0.8557, abs=1e-15)


def test_adagrad_one_step():
    # r <- 5 + 4 = 9;  w <- 0.5 - 0.1 * (-2) / (3 + 1e-8)
    w, s, _ = _one_step(optim.AdaGrad, {"r": 5.0}, lr=0.1)
    assert s["r"] == 9.0
    assert w == pytest.approx(0.5 + 0.2 / (3 + 1e-8), abs=1e-15)


def test_rmsprop_one_step():
    # r <- 0.9 * 5 + 0.1 * 4 = 4.9;  w <- 0.5 + 0.01 * 2 / (sqrt(4.9) + 1e-8)
    w, s, _ = _one_step(optim.RMSProp, {"r": 5.0}, lr=0.01, rho=0.9)
    assert s["r"] == pytest.approx(4.9, abs=1e-15)
    assert w == pytest.approx(0.5 + 0.02 / (math.sqrt(4.9) + 1e-8), abs=1e-15)


def test_adadelta_one_step():
    # r <- 0.95 * 5 + 0.05 * 4 = 4.95;  dw = -sqrt(0.2 + 1e-6) / sqrt(4.95 + 1e-6) * (-2)
    # w <- 0.5 + dw;  s <- 0.95 * 0.2 + 0.05 dw^2
    w, s, _ = _one_step(optim.AdaDelta, {"r": 5.0, "s": 0.2})
    dw = 2 * math.sqrt(0.2 + 1e-6) / math.sqrt(4.95 + 1e-6)
    assert s["r"] == pytest.approx(4.95, abs=1e-15)
    assert w == pytest.approx(0.5 + dw, abs=1e-15)
    assert s["s"] == pytest.approx(0.95 * 0.2 + 0.05 * dw ** 2, abs=1e-15)


def test_adam_one_step_at_t_5():
    # from step 4 to 5: m <- 0.9 * 0.1 + 0.1 * (-2) = -0.11;  v <- 0.999 * 0.3 + 0.001 * 4 = 0.3037
    w, s, opt = _one_step(optim.Adam, {"m": 0.1, "v": 0.3}, t=4, lr=0.01)
    assert opt.t == 5
    assert s["m"] == pytest.approx(-0.11, abs=1e-15)
    assert s["v"] == pytest.approx(0.3037, abs=1e-15)
    m_hat, v_hat = -0.11 / (1 - 0.9 ** 5), 0.3037 / (1 - 0.999 ** 5)
    assert w == pytest.approx(0.5 - 0.01 * m_hat / (math.sqrt(v_hat) + 1e-8), abs=1e-15)


def test_clipping_one_step():
    # two parameters, global norm ||(3, 4)|| = 5 > 1: both gradients are scaled by 1/5
    a, b = Parameter(np.array([0.0])), Parameter(np.array([0.0]))
    a.grad, b.grad = np.array([3.0]), np.array([4.0])
    optim.SGD([a, b], lr=1.0, clip_norm=1.0).step()
    np.testing.assert_allclose([a.data[0], b.data[0]], [-0.6, -0.8], rtol=1e-15)
    a.grad, b.grad = np.array([0.3]), np.array([0.4])  # norm 0.5 < 1: untouched
    optim.SGD([a, b], lr=1.0, clip_norm=1.0).step()
    np.testing.assert_allclose([a.data[0], b.data[0]], [-0.9, -1.2], rtol=1e-15)


# ---- (b) five steps against reference loops written from the papers' algorithm boxes -------
A = np.array([[3.0, 1.0], [1.0, 2.0]])
B = np.array([1.0, -1.0])


def grad_f(w):
    """Gradient of f(w) = 1/2 w^T A w + b^T w: it depends on w, so the state matters."""
    return A @ w + B


def ref_momentum_lecture(w, lr, alpha, steps):
    v = np.zeros_like(w)
    for _ in range(steps):            # lecture: v <- alpha v + (1 - alpha) grad L;  w <- w - lr v
        v = alpha * v + (1 - alpha) * grad_f(w)
        w = w - lr * v
    return w


def ref_momentum_classical(w, lr, mu, steps):
    v = np.zeros_like(w)
    for _ in range(steps):            # Sutskever et al. 2013, eq. (1)
        v = mu * v - lr * grad_f(w)
        w = w + v
    return w


def ref_nesterov(w, lr, mu, steps):
    """Sutskever et al. 2013, eq. (2)-(3): the gradient is taken at the look-ahead point.
    mlp stores phi = theta + mu v (Bengio et al. 2013), so that point is returned."""
    theta, v = w.copy(), np.zeros_like(w)
    for _ in range(steps):
        v = mu * v - lr * grad_f(theta + mu * v)
        theta = theta + v
    return theta + mu * v


def ref_adagrad(w, lr, eps, steps):
    r = np.zeros_like(w)
    # Duchi et al. 2011, diagonal: w -= lr g / (eps + sqrt(sum g^2))
    for _ in range(steps):
        g = grad_f(w)
        r = r + g * g
        w = w - lr * g / (eps + np.sqrt(r))
    return w


def ref_rmsprop(w, lr, rho, eps, steps):
    ms = np.zeros_like(w)
    for _ in range(steps):            # Tieleman & Hinton 2012, lecture 6e: MeanSquare
        g = grad_f(w)
        ms = rho * ms + (1 - rho) * g * g
        w = w - lr * g / (np.sqrt(ms) + eps)
    return w


def ref_adadelta(w, rho, eps, steps):
    Eg2, Edx2 = np.zeros_like(w), np.zeros_like(w)
    for _ in range(steps):            # Zeiler 2012, Algorithm 1
        g = grad_f(w)                                     # 4: compute gradient
        Eg2 = rho * Eg2 + (1 - rho) * g * g               # 5: accumulate gradient
        dx = -np.sqrt(Edx2 + eps) / np.sqrt(Eg2 + eps) * g  # 6: compute update
        Edx2 = rho * Edx2 + (1 - rho) * dx * dx           # 7: accumulate updates
        w = w + dx                                        # 8: apply update
    return w


def ref_adam(theta, alpha, beta1, beta2, eps, steps):
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    for t in range(1, steps + 1):     # Kingma & Ba 2015, Algorithm 1
        g = grad_f(theta)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        theta = theta - alpha * m_hat / (np.sqrt(v_hat) + eps)
    return theta


REFERENCES = {
    "SGD": (dict(lr=0.1), lambda w: _sgd(w, 0.1, 5)),
    "Momentum": (dict(lr=0.1, alpha=0.8), lambda w: ref_momentum_lecture(w, 0.1, 0.8, 5)),
    "Momentum-classical": (dict(lr=0.1, alpha=0.8, form="classical"),
                           lambda w: ref_momentum_classical(w, 0.1, 0.8, 5)),
    "Nesterov": (dict(lr=0.1, alpha=0.8), lambda w: ref_nesterov(w, 0.1, 0.8, 5)),
    "AdaGrad": (dict(lr=0.3, eps=1e-8), lambda w: ref_adagrad(w, 0.3, 1e-8, 5)),
    "RMSProp": (dict(lr=0.05, rho=0.9, eps=1e-8), lambda w: ref_rmsprop(w, 0.05, 0.9, 1e-8, 5)),
    "AdaDelta": (dict(rho=0.9, eps=1e-6), lambda w: ref_adadelta(w, 0.9, 1e-6, 5)),
    "Adam": (dict(lr=0.1, beta1=0.8, beta2=0.99, eps=1e-8),
             lambda w: ref_adam(w, 0.1, 0.8, 0.99, 1e-8, 5)),
}


def _sgd(w, lr, steps):
    for _ in range(steps):
        w = w - lr * grad_f(w)
    return w


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_five_steps_match_the_paper(name):
    kw, reference = REFERENCES[name]
    cls = getattr(optim, name.split("-")[0])
    w0 = np.array([1.0, -2.0])
    p = Parameter(w0.copy())
    opt = cls([p], **kw)
    for _ in range(5):
        p.grad = grad_f(p.data)
        opt.step()
    np.testing.assert_allclose(p.data, reference(w0), rtol=1e-13, atol=1e-15)
    assert not np.allclose(p.data, w0)


def test_every_optimizer_has_a_reference():
    assert {n.split("-")[0] for n in REFERENCES} == set(optim.OPTIMIZERS)


# ---- (c) convergence on an ill-conditioned quadratic ----------------------------------------
CONVERGENCE = {   # hyperparameters for f(w) = 1/2 (w1^2 + 50 w2^2), condition number 50
    "SGD": dict(lr=0.035),
    "Momentum": dict(lr=0.035, alpha=0.9),
    "Nesterov": dict(lr=0.01, alpha=0.9),
    "AdaGrad": dict(lr=0.5),
    "RMSProp": dict(lr=0.01),
    "AdaDelta": dict(lr=1.0),
    "Adam": dict(lr=0.05),
}


@pytest.mark.parametrize("name", sorted(optim.OPTIMIZERS))
def test_converges_on_an_ill_conditioned_quadratic(name):
    H = np.diag([1.0, 50.0])
    p = Parameter(np.array([1.0, 1.0]))
    opt = optim.OPTIMIZERS[name]([p], **CONVERGENCE[name])
    f0 = 0.5 * p.data @ H @ p.data
    for _ in range(1000):
        p.grad = H @ p.data
        opt.step()
    assert 0.5 * p.data @ H @ p.data < 1e-3 * f0


def test_momentum_beats_plain_descent_on_the_ill_conditioned_quadratic():
    H = np.diag([1.0, 50.0])
    losses = {}
    for name, cls, kw in [("sgd", optim.SGD, dict(lr=0.01)),
                          ("nesterov", optim.Nesterov, dict(lr=0.01, alpha=0.9))]:
        p = Parameter(np.array([1.0, 1.0]))
        opt = cls([p], **kw)
        for _ in range(100):
            p.grad = H @ p.data
            opt.step()
        losses[name] = 0.5 * p.data @ H @ p.data
    assert losses["nesterov"] < 1e-3 * losses["sgd"]


# ---- (d) separate state per parameter ---------------------------------------------------------
@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_state_is_separate_per_parameter(name, rng):
    kw, _ = REFERENCES[name]
    cls = getattr(optim, name.split("-")[0])
    shapes = [(3, 2), (3,)]
    inits = [rng.normal(size=s) for s in shapes]
    grads = [[rng.normal(size=s) for s in shapes] for _ in range(4)]
    together = [Parameter(w.copy()) for w in inits]
    opt = cls(together, **kw)
    for gs in grads:
        for p, g in zip(together, gs):
            p.grad = g
        opt.step()
    for i, s in enumerate(shapes):     # the same parameter optimised on its own
        alone = Parameter(inits[i].copy())
        opt_alone = cls([alone], **kw)
        for gs in grads:
            alone.grad = gs[i]
            opt_alone.step()
        np.testing.assert_array_equal(together[i].data, alone.data)
        for arr in opt.state[i].values():
            assert arr.shape == s
    ids = [id(a) for st in opt.state for a in st.values()]
    assert len(ids) == len(set(ids))


def test_training_a_network_with_every_optimizer(rng):
    X = rng.normal(size=(32, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    for name, cls in optim.OPTIMIZERS.items():
        net = mlp.MLP([2, 8, 1], activation="tanh", rng=0)
        loss = mlp.losses.BCEWithLogits()
        opt = cls(net.parameters(), **({"lr": 0.05} if name != "AdaDelta" else {}))
        first = net.loss_and_grads(X, y, loss)
        for _ in range(30):
            net.loss_and_grads(X, y, loss)
            opt.step()
        assert net.loss_and_grads(X, y, loss) < first, name
        assert opt.t == 30


def test_zero_grad_repr_and_step_needs_gradients():
    p = Parameter(np.ones(3), name="w")
    opt = optim.Adam([p], lr=0.01)
    with pytest.raises(RuntimeError, match="no gradient"):
        opt.step()
    p.grad = np.ones(3)
    opt.zero_grad()
    np.testing.assert_array_equal(p.grad, np.zeros(3))
    assert repr(opt) == "Adam(lr=0.01, beta1=0.9, beta2=0.999, eps=1e-08, params=1)"
    assert "form='classical'" in repr(optim.Momentum([p], form="classical"))


# ---- (c) against PyTorch: torch.optim's trajectories for the same rules ---------------------
# w after each of five steps from w0 = [1, -2] on grad_f, computed by torch.optim (float64) with
# torch 2.13.0+cpu. Recorded here, so the comparison runs in every test run; torch is not a
# dependency (its Linux wheel on PyPI is a CUDA build of several GB), and where it is installed
# (`make bench` installs it and runs it) the test below recomputes these numbers with it.
TORCH_W0 = [1.0, -2.0]
TORCH_RULES = {   # ours (class, arguments) -> torch.optim's (class name, arguments)
    "Adam": ((optim.Adam, dict(lr=0.1)), ("Adam", dict(lr=0.1))),
    "Nesterov": ((optim.Nesterov, dict(lr=0.1, alpha=0.8)),
                 ("SGD", dict(lr=0.1, momentum=0.8, nesterov=True))),
    "RMSProp": ((optim.RMSProp, dict(lr=0.05, rho=0.9, eps=1e-8)),
                ("RMSprop", dict(lr=0.05, alpha=0.9, eps=1e-8))),
    "AdaGrad": ((optim.AdaGrad, dict(lr=0.3, eps=1e-10)), ("Adagrad", dict(lr=0.3, eps=1e-10))),
    "AdaDelta": ((optim.AdaDelta, dict(rho=0.9, eps=1e-6)), ("Adadelta", dict(rho=0.9, eps=1e-6))),
}
TORCH_TRAJECTORIES = {
    "Adam": [[0.9000000005, -1.90000000025], [0.8004122286910702, -1.8000739953318552],
             [0.7015848333310922, -1.7002742315672992], [0.6039300413593067, -1.6006554884044504],
             [0.5079298671579657, -1.5012754834752844]],
    "Nesterov": [[0.64, -1.28], [0.21679999999999996, -0.4983999999999999],
                 [-0.19792000000000012, 0.21368000000000015],
                 [-0.5491216000000001, 0.7796448000000002],
                 [-0.8042996800000002, 1.1689416000000004]],
    "RMSProp": [[0.841886119491581, -1.841886118241581], [0.7369376603396348, -1.7293945252544791],
                [0.6540522324186165, -1.6364599947061051],
                [0.5839675404731492, -1.5548701827353162],
                [0.5225074094216898, -1.4808330570389123]],
    "AdaGrad": [[0.700000000015, -1.7000000000075], [0.5279612967099557, -1.4962874055260105],
                [0.40587897076144586, -1.3353186342037149],
                [0.311831551196998, -1.1999541142554355],
                [0.23597696841461974, -1.0821922523444607]],
    "AdaDelta": [[0.9968377262926713, -1.996837723328043],
                 [0.9935981740760161, -1.9935945116798037],
                 [0.9903090418181523, -1.9902966208573871],
                 [0.9869840242605669, -1.9869569448857933],
                 [0.9836312725109332, -1.983583115247553]],
}


def _trajectory(step, w):
    """w after each of five calls of step(w, g), with g = grad_f(w) of the current w."""
    out = []
    for _ in range(5):
        w = step(w, grad_f(w))
        out.append(w.copy())
    return np.array(out)


@pytest.mark.parametrize("name", sorted(TORCH_RULES))
def test_five_steps_match_torch_optim(name):
    (ours, kw), _ = TORCH_RULES[name]
    p = Parameter(np.array(TORCH_W0))
    opt = ours([p], **kw)

    def step(w, g):
        p.grad = g
        opt.step()
        return p.data

    np.testing.assert_allclose(_trajectory(step, p.data), TORCH_TRAJECTORIES[name], rtol=1e-10,
                               atol=1e-14, err_msg=name)


@pytest.mark.parametrize("name", sorted(TORCH_RULES))
def test_the_recorded_trajectories_are_torchs(name):
    torch = pytest.importorskip("torch")
    _, (theirs, kw) = TORCH_RULES[name]
    t = torch.tensor(TORCH_W0, dtype=torch.float64, requires_grad=True)
    opt = getattr(torch.optim, theirs)([t], **kw)

    def step(w, g):
        t.grad = torch.from_numpy(g)
        opt.step()
        return t.detach().numpy()

    np.testing.assert_allclose(_trajectory(step, t.detach().numpy().copy()),
                               TORCH_TRAJECTORIES[name], rtol=1e-12, atol=1e-15, err_msg=name)
