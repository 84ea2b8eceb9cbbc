"""mlp.answers: each exercise's mlp answers are refused to notebook code, with a message
that says so, and stay available to mlp itself and to the tests."""
from __future__ import annotations

import re

import numpy as np
import pytest

import mlp
from mlp import answers

CELL_NAMES = ["<ipython-input-3-1a2b3c4d5e6f>", "/tmp/ipykernel_4711/2215871238.py", "<cell-7>"]
NOT_CELLS = ["/work/mlp/train.py", "tests/q3.py", "/autograder/tests/q1.py", "<string>", "<stdin>"]


@pytest.fixture(autouse=True)
def clean():
    answers.allow_all()
    yield
    answers.allow_all()


def in_cell(source: str, filename: str = CELL_NAMES[0], **names):
    """Run source as if typed into a notebook cell; return its `result`."""
    env = {"mlp": mlp, "np": np, **names}
    exec(compile(source, filename, "exec"), env)
    return env.get("result")


@pytest.mark.parametrize("filename", CELL_NAMES)
def test_cell_file_names_are_notebook_code(filename):
    assert answers.is_notebook_code(filename)


@pytest.mark.parametrize("filename", NOT_CELLS)
def test_other_file_names_are_not(filename):
    assert not answers.is_notebook_code(filename)


@pytest.mark.parametrize("filename", CELL_NAMES)
def test_a_forbidden_answer_is_refused_from_a_cell_with_the_message(filename):
    answers.forbid("03-loss")
    with pytest.raises(answers.NotAvailable) as info:
        in_cell("result = mlp.numerics.softmax(np.array([[1.0, 2.0]]))", filename)
    assert str(info.value) == answers.message("03-loss", "numerics.softmax")
    assert str(info.value).startswith(
        "in exercise 03-loss you write softmax yourself (question 1); "
        "mlp.numerics.softmax is not available here")
    assert isinstance(info.value, RuntimeError)


def test_the_message_quotes_no_input():
    answers.forbid("04-backprop")
    seen = set()
    for x in (np.array([0.123456]), np.array([987.654, 3.0])):
        with pytest.raises(answers.NotAvailable) as info:
            in_cell("result = mlp.numerical_gradient(lambda: float(x.sum()), x)", x=x)
        seen.add(str(info.value))
    assert len(seen) == 1
    assert not re.search(r"\d\.\d|987|123", seen.pop())


def test_allowed_from_mlp_itself_and_from_tests():
    answers.forbid("04-backprop")
    X, y = mlp.datasets.xor()
    net = mlp.MLP([2, 3, 1], activation="tanh", output="sigmoid", rng=0)
    # mlp.fit (not an answer) runs MLP.backprop and Optimizer.step inside mlp: allowed, even from
    # a cell
    result = in_cell("result = mlp.fit(net, mlp.SquaredError(), "
                     "mlp.optim.SGD(net.parameters(), lr=0.5), X, y, "
                     "epochs=3, rng=0)", net=net, X=X, y=y)
    assert len(result.train_loss) == 4
    # this file is a test, not a cell: the answers work here
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(mlp.numerical_gradient(lambda: float(np.sum(x ** 2)), x),
                               [2.0, 4.0], rtol=1e-6)
    assert net.loss_and_grads(X, y, mlp.SquaredError()) > 0
    # but not from a cell
    with pytest.raises(answers.NotAvailable,
                       match=r"mlp\.MLP\.loss_and_grads is not available here"):
        in_cell("result = net.loss_and_grads(X, y, mlp.SquaredError())", net=net, X=X, y=y)


def test_forbid_is_idempotent_and_allow_all_restores_everything():
    before = (mlp.numerics.softmax, mlp.numerical_gradient, mlp.MLP.backward,
              mlp.MLP.__dict__["n_params"], mlp.SoftmaxCrossEntropy.__dict__.get("__call__"))
    first = (answers.forbid("03-loss") + answers.forbid("04-backprop")
             + answers.forbid("02-structure"))
    guarded = (mlp.numerics.softmax, mlp.numerical_gradient, mlp.MLP.backward,
               mlp.MLP.__dict__["n_params"])
    assert (answers.forbid("03-loss") + answers.forbid("04-backprop")
            + answers.forbid("02-structure")) == first
    assert (mlp.numerics.softmax, mlp.numerical_gradient, mlp.MLP.backward,
            mlp.MLP.__dict__["n_params"]) == guarded
    assert mlp.numerics.softmax.__wrapped__ is before[0]                 # wrapped once, not twice
    assert mlp.numerical_gradient is mlp.gradcheck.numerical_gradient    # every reference replaced
    answers.allow_all()
    assert (mlp.numerics.softmax, mlp.numerical_gradient, mlp.MLP.backward,
            mlp.MLP.__dict__["n_params"],
            mlp.SoftmaxCrossEntropy.__dict__.get("__call__")) == before
    assert type(mlp.get_activation("elu")) is mlp.activations.Activation
    assert in_cell("result = mlp.numerics.softmax(np.zeros((1, 2)))").tolist() == [[0.5, 0.5]]


@pytest.mark.parametrize("exercise", sorted(answers.ANSWERS))
def test_every_listed_answer_is_refused_from_a_cell(exercise):
    calls = {  # a call of each listed name, as a student might write it in a cell
        "MLP.forward": "mlp.MLP([2, 1]).forward(np.ones((1, 2)))",
        "MLP.predict": "mlp.MLP([2, 1]).predict(np.ones((1, 2)))",
        "MLP.propagate": "mlp.MLP([2, 1]).propagate(np.ones((1, 2)))",
        "MLP.n_params": "mlp.MLP([2, 3, 1]).n_params",
        "layers.Dense.pre_activation": "mlp.MLP([2, 1]).layer(1).pre_activation(np.ones((1, 2)))",
        "activations.elu": "mlp.get_activation('elu')(np.ones(2))",
        "numerics.softmax": "mlp.numerics.softmax(np.ones((1, 2)))",
        "numerics.log_softmax": "mlp.numerics.log_softmax(np.ones((1, 2)))",
        "numerics.logsumexp": "mlp.numerics.logsumexp(np.ones((1, 2)))",
        "numerics.softplus": "mlp.numerics.softplus(np.ones(2))",
        "losses.SoftmaxCrossEntropy": "mlp.SoftmaxCrossEntropy()",
        "losses.BCEWithLogits": "mlp.BCEWithLogits()",
        "losses.BCE": "mlp.BCE()",
        "losses.SquaredError": "mlp.SquaredError()",
        "losses.MSE": "mlp.MSE()",
        "MLP.backward": "mlp.MLP([2, 1]).backward(np.ones((1, 1)))",
        "MLP.backprop": "mlp.MLP([2, 1]).backprop(np.ones((1, 2)), np.ones((1, 1)), loss)",
        "MLP.loss_and_grads": "mlp.MLP([2, 1]).loss_and_grads(np.ones((1, 2)), np.ones(1), loss)",
        "gradcheck.numerical_gradient": "mlp.numerical_gradient(lambda: 1.0, np.ones(2))",
        "gradcheck.check_gradients":
            "mlp.check_gradients(mlp.MLP([2, 1]), loss, np.ones((1, 2)), np.ones(1))",
        "autograd.Value.backward": "(mlp.autograd.Value(2.0) * 3.0).backward()",
        "optim.Optimizer.step": "opt.step()",
        "optim.Momentum.update":
            "mlp.optim.Momentum([p]).update(p, np.ones(2), {'v': np.zeros(2)})",
        "optim.RMSProp.update": "mlp.optim.RMSProp([p]).update(p, np.ones(2), {'r': np.zeros(2)})",
        "optim.Adam.update":
            "mlp.optim.Adam([p]).update(p, np.ones(2), {'m': np.zeros(2), 'v': np.zeros(2)})",
        "optim.global_norm": "mlp.optim.global_norm([np.ones(2)])",
        "datasets.train_test_split":
            "mlp.datasets.train_test_split(np.eye(4), np.arange(4), 0.5, rng=0)",
        "datasets.train_val_test_split":
            "mlp.datasets.train_val_test_split(np.eye(10), np.arange(10), rng=0)",
        "double_descent.random_features":
            "mlp.double_descent.random_features(np.ones((2, 3)), np.ones((4, 3)))",
        "double_descent.min_norm_fit":
            "mlp.double_descent.min_norm_fit(np.ones((2, 3)), np.ones(2))",
        "double_descent.sweep_random_features":
            "mlp.double_descent.sweep_random_features(X, y, X, y, [2])",
        "double_descent.sweep_ridges": "mlp.double_descent.sweep_ridges(X, y, X, y, 2, [0.1])",
        "datasets.standardize": "mlp.datasets.standardize(np.ones((3, 2)))",
    }
    p = mlp.Parameter(np.ones(2))
    p.grad = np.ones(2)
    names = dict(loss=mlp.losses.MSE(), p=p, opt=mlp.optim.SGD([p]), X=np.ones((3, 2)),
                 y=np.ones(3))
    answers.forbid(exercise)
    for name in answers.ANSWERS[exercise]:
        with pytest.raises(answers.NotAvailable,
                           match=rf"mlp\.{re.escape(name)} is not available here"):
            in_cell(f"result = {calls[name]}", CELL_NAMES[1], **names)


def test_helpers_that_are_no_answer_stay_available():
    for exercise in answers.ANSWERS:
        answers.forbid(exercise)
    X, y = in_cell("result = mlp.datasets.make_moons(20, rng=0)")
    assert X.shape == (20, 2)
    assert in_cell("result = mlp.checks.check_answered(1.0, 'x')") is None
    assert in_cell("result = mlp.MLP([2, 3, 1], activation='relu', rng=0)").L == 2
    assert in_cell(
        "result = mlp.get_activation('relu')(np.array([-1.0, 2.0]))").tolist() == [0.0, 2.0]
    assert in_cell("result = mlp.optim.Adam([mlp.Parameter(np.ones(2))])").lr == 0.001


def test_an_unknown_exercise_is_refused():
    with pytest.raises(ValueError,
                       match=r"forbid: unknown exercise '08-rnn'; choose one of \['01-xor'"):
        answers.forbid("08-rnn")


def test_the_setup_cell_forbids_its_exercises_answers():
    from tools import exercises as ex
    for name in ex.EXERCISES:
        assert f'answers.forbid("{name}")' in ex.setup_cell_source(name)
        assert name in answers.ANSWERS
