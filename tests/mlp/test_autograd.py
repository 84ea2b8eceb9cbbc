"""Tests for mlp.autograd: every operation, graph reuse, deep graphs, and the cross-check of
ScalarMLP against the vectorised backpropagation of mlp.MLP."""
import math

import numpy as np
import pytest

import mlp
from mlp.autograd import Value, topological_order
from mlp.gradcheck import ScalarMLP, mean_loss, squared_error

# name -> (operation on a Value, the same on a float, analytic derivative, point)
UNARY = {
    "add_number": (lambda v: v + 2.5, lambda x: x + 2.5, lambda x: 1.0, 0.7),
    "radd": (lambda v: 2.5 + v, lambda x: 2.5 + x, lambda x: 1.0, 0.7),
    "sub_number": (lambda v: v - 4.0, lambda x: x - 4.0, lambda x: 1.0, 0.7),
    "rsub": (lambda v: 4.0 - v, lambda x: 4.0 - x, lambda x: -1.0, 0.7),
    "mul_number": (lambda v: v * -3.0, lambda x: -3.0 * x, lambda x: -3.0, 0.7),
    "rmul": (lambda v: -3.0 * v, lambda x: -3.0 * x, lambda x: -3.0, 0.7),
    "div_number": (lambda v: v / 4.0, lambda x: x / 4.0, lambda x: 0.25, 0.7),
    "rdiv": (lambda v: 2.0 / v, lambda x: 2.0 / x, lambda x: -2.0 / x ** 2, 0.7),
    "neg": (lambda v: -v, lambda x: -x, lambda x: -1.0, 0.7),
    "pow_int": (lambda v: v ** 3, lambda x: x ** 3, lambda x: 3 * x ** 2, -1.3),
    "pow_float": (lambda v: v ** 0.5, lambda x: x ** 0.5, lambda x: 0.5 / math.sqrt(x), 2.0),
    "pow_negative": (lambda v: v ** -2, lambda x: x ** -2, lambda x: -2 * x ** -3, 1.5),
    "exp": (Value.exp, math.exp, math.exp, 0.4),
    "log": (Value.log, math.log, lambda x: 1 / x, 0.4),
    "tanh": (Value.tanh, math.tanh, lambda x: 1 / math.cosh(x) ** 2, -0.8),
    "sigmoid": (Value.sigmoid, lambda x: 1 / (1 + math.exp(-x)),
                lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2, 0.3),
    "relu_pos": (Value.relu, lambda x: max(x, 0.0), lambda x: 1.0, 0.3),
    "relu_neg": (Value.relu, lambda x: max(x, 0.0), lambda x: 0.0, -0.3),
}


@pytest.mark.parametrize("name", UNARY)
def test_unary_ops_value_and_derivative(name):
    op, ref, dref, x0 = UNARY[name]
    x = Value(x0)
    y = op(x)
    y.backward()
    assert y.data == pytest.approx(ref(x0), rel=1e-14)
    assert x.grad == pytest.approx(dref(x0), rel=1e-12, abs=1e-15)
    h = 1e-6
    central = (ref(x0 + h) - ref(x0 - h)) / (2 * h)
    assert x.grad == pytest.approx(central, rel=1e-7, abs=1e-9)


BINARY = {
    "+": (lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    "-": (lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    "*": (lambda a, b: a * b, lambda a, b: (b, a)),
    "/": (lambda a, b: a / b, lambda a, b: (1 / b, -a / b ** 2)),
}


@pytest.mark.parametrize("name", BINARY)
def test_binary_ops(name):
    op, grads = BINARY[name]
    a0, b0 = 1.7, -0.6
    a, b = Value(a0), Value(b0)
    c = op(a, b)
    c.backward()
    assert c.data == pytest.approx(op(a0, b0), rel=1e-15)
    assert (a.grad, b.grad) == pytest.approx(grads(a0, b0), rel=1e-14)
    h = 1e-6
    assert a.grad == pytest.approx((op(a0 + h, b0) - op(a0 - h, b0)) / (2 * h), rel=1e-7)
    assert b.grad == pytest.approx((op(a0, b0 + h) - op(a0, b0 - h)) / (2 * h), rel=1e-7)


def test_polynomial_at_3_is_29():
    x = Value(3.0)
    (x ** 3 + 2 * x).backward()
    assert x.grad == 29.0                      # 3 x^2 + 2 = 27 + 2


def test_reuse_sums_paths():
    a = Value(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0                       # dc/db = 2, db/da = 2
    x = Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0                       # the early-tinygrad bug gave 3


def test_diamond_by_hand():
    # q = p^2, r = q p + q = p^3 + p^2, dr/dp = 3 p^2 + 2 p = 12 + 4 = 16 at p = 2.
    # Paths: via q (dr/dq = p + 1 = 3, dq/dp = 2p = 4 -> 12) plus the direct p (q = 4) -> 16.
    p = Value(2.0)
    q = p * p
    r = q * p + q
    r.backward()
    assert r.data == 12.0
    assert q.grad == 3.0
    assert p.grad == 16.0


def test_deep_chain_has_no_recursion_error():
    # micrograd's recursive sort fails near depth 1000; one op per step keeps the test quick
    depth = 100_000
    x = Value(0.5)
    node = x
    for _ in range(depth):
        node = node.relu()
    node.backward()
    assert x.grad == 1.0 and node.data == 0.5
    assert len(topological_order(node)) == depth + 1


def test_backward_accumulates_and_zero_grad_resets():
    a, b = Value(2.0), Value(-3.0)
    h = a * b
    out = h.tanh() + h
    out.backward()
    first = (a.grad, b.grad, h.grad)
    out.backward()
    assert (a.grad, b.grad) == pytest.approx((2 * first[0], 2 * first[1]), rel=1e-15)
    assert h.grad == first[2]                    # intermediate nodes are recomputed, not summed
    out.zero_grad()
    assert all(v.grad == 0.0 for v in topological_order(out))
    # two losses sharing an intermediate node: the leaves get the sum of the two gradients
    loss1, loss2 = h * 2.0, h ** 2
    loss1.backward()
    loss2.backward()
    assert a.grad == pytest.approx(2 * b.data + 2 * h.data * b.data)


def test_topological_order_parents_first():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    order = topological_order(d)
    assert order[-1] is d and len(order) == 4
    pos = {id(v): i for i, v in enumerate(order)}
    for v in order:
        assert all(pos[id(p)] < pos[id(v)] for p in v.parents)


def test_errors():
    with pytest.raises(TypeError, match="exponent must be a plain number"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(ValueError, match="'x' has data 0.0 <= 0"):
        Value(0.0, label="x").log()
    with pytest.raises(ZeroDivisionError, match="is 0"):
        Value(1.0) / Value(0.0)
    with pytest.raises(ValueError, match="non-integer power"):
        Value(-2.0) ** 0.5
    with pytest.raises(TypeError, match="real number"):
        Value("3")
    with pytest.raises(TypeError, match="real number"):
        Value(np.array([1.0, 2.0]))


def test_repr_and_stable_sigmoid():
    assert repr(Value(2.0, label="w")) == "Value(data=2, grad=0, label='w')"
    assert repr(Value(0.5)) == "Value(data=0.5, grad=0)"
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        s = Value(-1000.0).sigmoid()
        s.backward()
    assert s.data == 0.0 and math.isfinite(s.data)


# -- the cross-check: ScalarMLP (graph of scalars) against mlp.MLP (delta recursion) -----------
CASES = [(hidden, output, depth, N)
         for hidden in ("sigmoid", "tanh", "relu")
         for output in ("identity", "sigmoid")
         for depth in (1, 2)
         for N in (1, 3)]


@pytest.mark.parametrize("hidden, output, depth, N", CASES)
def test_scalar_mlp_matches_vectorised_backprop(hidden, output, depth, N):
    seed = CASES.index((hidden, output, depth, N))
    rng = np.random.default_rng(seed)
    sizes = [3] + [4] * depth + [2]
    net = mlp.MLP(sizes, activation=hidden, output=output, rng=seed)
    X, Y = rng.normal(size=(N, 3)), rng.normal(size=(N, 2))
    value = net.loss_and_grads(X, Y, mlp.SquaredError())

    snet = ScalarMLP.from_mlp(net)
    loss = mean_loss(snet, X, Y, squared_error)
    loss.backward()
    assert loss.data == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose([o.data for o in snet(X[0])], net.predict(X[:1])[0], rtol=1e-12)
    grads = snet.gradients()
    for l in range(1, net.L + 1):
        dW, db = grads[l]
        assert dW.shape == net.layer(l).W.data.shape
        np.testing.assert_allclose(dW, net.layer(l).W.grad, rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(db, net.layer(l).b.grad, rtol=1e-10, atol=1e-15)
    snet.zero_grad()
    assert all(p.grad == 0.0 for p in snet.parameters())


def test_scalar_mlp_structure_and_errors():
    net = mlp.MLP([2, 3, 1], activation="tanh", output="identity", rng=0)
    snet = ScalarMLP.from_mlp(net)
    assert repr(snet) == "ScalarMLP(sizes=[2, 3, 1], activations=['tanh', 'identity'], params=13)"
    assert snet.W[1][2][1].data == net.layer(1).W.data[2, 1]
    assert snet.W[1][2][1].label == "W1[2,1]" and snet.b[2][0].label == "b2[0]"
    assert squared_error(snet([0.1, 0.2]), 0.5).data == pytest.approx(
        0.5 * (net.predict([[0.1, 0.2]])[0, 0] - 0.5) ** 2)
    with pytest.raises(ValueError, match="ONE example"):
        snet([[0.1, 0.2]])
    with pytest.raises(ValueError, match="ONE example"):
        snet([0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="targets"):
        squared_error(snet([0.1, 0.2]), [1.0, 2.0])
    with pytest.raises(ValueError, match="softplus"):
        ScalarMLP.from_mlp(mlp.MLP([2, 2, 1], activation="softplus", rng=0))
    with pytest.raises(TypeError, match="mlp.MLP"):
        ScalarMLP.from_mlp([1, 2])
