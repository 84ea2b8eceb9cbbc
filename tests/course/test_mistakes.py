"""Mistakes students make every week, each refused with an error that says what to fix.

One test per mistake, run as a student would make it; each asserts the message, not just the
exception type, because the message is what the student reads.
"""
from __future__ import annotations

import re

import numpy as np
import pytest
from helpers import XOR_X, XOR_Y

import mlp


def test_fit_with_the_optimizer_of_a_network_built_before():
    # the cell that builds net ran again: opt still holds the parameters of the first network
    net = mlp.MLP([2, 3, 1], activation="tanh", rng=0)
    opt = mlp.optim.SGD(net.parameters(), lr=0.5)
    net = mlp.MLP([2, 3, 1], activation="tanh", rng=0)
    with pytest.raises(ValueError, match=r"not this network's.*build the optimizer from "
                                         r"net\.parameters\(\) after building net"):
        mlp.fit(net, mlp.BCEWithLogits(), opt, XOR_X, XOR_Y, epochs=50)
    with pytest.raises(TypeError, match=r"opt must be an optimizer from mlp\.optim"):
        mlp.fit(net, mlp.BCEWithLogits(), "sgd", XOR_X, XOR_Y, epochs=1)


@pytest.mark.parametrize("opt", ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "AdaDelta",
                                 "Adam"])
def test_a_gradient_of_the_wrong_shape_is_refused_with_the_parameter_name(opt):
    # the 2-D demos set .grad by hand; a (1,) or (2, 1) gradient would broadcast into the update
    p = mlp.Parameter(np.zeros(2), name="w")
    optimizer = getattr(mlp.optim, opt)([p], lr=0.1)
    for wrong in (np.ones(1), np.ones((2, 1)), 3.0):
        p.grad = wrong
        with pytest.raises(ValueError,
                           match=rf"{opt}\.step: parameter w has a grad of shape "
                                 rf"{re.escape(str(np.shape(wrong)))}, but its data has "
                                 r"shape \(2,\)"):
            optimizer.step()
    np.testing.assert_array_equal(p.data, [0.0, 0.0])    # nothing was updated
    net = mlp.MLP([2, 3, 1], rng=0)
    net.layer(1).W.grad = np.ones((2, 3))                # dW computed as a_prev.T @ delta
    with pytest.raises(ValueError, match=r"parameter W\^\(1\) has a grad of shape \(2, 3\), "
                                         r"but its data has shape \(3, 2\)"):
        mlp.optim.Adam(net.parameters()).step()


def test_relative_error_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match=r"same shape; got \(3,\) and \(3, 1\)"):
        mlp.relative_error([1, 2, 3], [[1], [2], [3]])
    assert mlp.relative_error([1, 2, 3], [1, 2, 3]) == 0.0


@pytest.mark.parametrize("output", ["sigmoid", "tanh", "identity", "relu"])
def test_divergence_is_reported_for_every_output_activation(output):
    # lr = 1e300: bounded outputs (sigmoid, tanh) saturate and keep the loss finite
    net = mlp.MLP([2, 4, 1], activation="tanh", output=output, rng=0)
    net.layer(2).b.data[:] = 0.5                         # a live ReLU output: it gets a gradient
    opt = mlp.optim.SGD(net.parameters(), lr=1e300)
    with pytest.raises(FloatingPointError, match=r"diverged at epoch [12]\b.*smaller learning rate "
                                                 r"\(now 1e\+300\)"):
        with np.errstate(all="ignore"):
            mlp.fit(net, mlp.SquaredError(), opt, XOR_X, XOR_Y, epochs=20)


def test_optimizer_given_the_network_instead_of_its_parameters():
    net = mlp.MLP([2, 3, 1], rng=0)
    with pytest.raises(TypeError, match=r"pass the network's parameters, not the network: "
                                        r"SGD\(net\.parameters\(\), lr=\.\.\.\)"):
        mlp.optim.SGD(net)
    with pytest.raises(TypeError, match=r"Adam: expected mlp\.Parameter objects"):
        mlp.optim.Adam([net.layer(1).W.data])


def test_numerical_gradient_explains_its_calling_convention():
    x = np.array([1.0, 2.0])
    with pytest.raises(TypeError, match=r"calls f\(\) with no arguments.*not lambda x: \.\.\."):
        mlp.numerical_gradient(lambda v: float(np.sum(v ** 2)), x)
    with pytest.raises(TypeError, match=r"must return one real number.*shape \(2,\).*np\.mean"):
        mlp.numerical_gradient(lambda: x ** 2, x)
    with pytest.raises(TypeError, match=r"calls f\(\) with no arguments.*got float"):
        mlp.numerical_gradient(3.0, x)
    for eps in (0, -1e-6):
        with pytest.raises(ValueError, match=r"numerical_gradient: eps must be > 0"):
            mlp.numerical_gradient(lambda: float(np.sum(x ** 2)), x, eps=eps)
    np.testing.assert_array_equal(x, [1.0, 2.0])         # x is left as it was


def test_an_empty_batch_is_refused_with_the_expected_shape():
    net = mlp.MLP([2, 3, 1], rng=0)
    empty = np.zeros((0, 2))
    for call in (lambda: net.forward(empty), lambda: net.predict(empty),
                 lambda: net.loss_and_grads(empty, np.zeros(0), mlp.MSE()),
                 lambda: mlp.fit(net, mlp.MSE(), mlp.optim.SGD(net.parameters()), empty,
                                 np.zeros(0), epochs=1)):
        with pytest.raises(ValueError, match=r"X has no rows \(shape \(0, 2\)\); it must have "
                                             r"shape \(N, 2\) with N >= 1"):
            call()
    with pytest.raises(ValueError, match=r"MSE: output must be 2-D with shape \(N, K\), N >= 1"):
        mlp.MSE()(np.zeros((0, 1)), np.zeros(0))
    with pytest.raises(ValueError, match=r"SoftmaxCrossEntropy: output .* N >= 1"):
        mlp.SoftmaxCrossEntropy().grad(np.zeros((0, 3)), np.zeros(0, dtype=int))


def test_check_gradients_refuses_a_tolerance_or_step_that_is_not_positive(rng):
    net = mlp.MLP([2, 2, 1], activation="tanh", rng=0)
    X, y = rng.normal(size=(3, 2)), rng.normal(size=3)
    for kw, name in ((dict(tol=-1), "tol"), (dict(tol=0), "tol"), (dict(eps=-1e-6), "eps")):
        with pytest.raises(ValueError, match=rf"check_gradients: {name} must be > 0"):
            mlp.check_gradients(net, mlp.MSE(), X, y, **kw)


def test_complex_input_is_refused_not_truncated():
    net = mlp.MLP([2, 3, 1], rng=0)
    Xc = XOR_X + 1j
    for call, what in ((lambda: net.forward(Xc), "X"), (lambda: net.predict(Xc), "X"),
                       (lambda: net.loss_and_grads(Xc, XOR_Y, mlp.MSE()), "X"),
                       (lambda: net.loss_and_grads(XOR_X, XOR_Y + 0j, mlp.MSE()), "y"),
                       (lambda: mlp.MSE()(np.zeros((4, 1)) + 1j, XOR_Y), "output"),
                       (lambda: mlp.relative_error([1j], [1.0]), "a")):
        with pytest.raises(TypeError, match=rf"{what} must hold real numbers; got complex values.*"
                                            rf"Pass {what}\.real"):
            call()
    with pytest.raises(TypeError, match=r"Parameter w: data must be real numbers"):
        mlp.Parameter(np.ones(2) * 1j, name="w")
