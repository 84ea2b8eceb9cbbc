"""The feedback of exercise 4 (backpropagation) on more mistakes than the grading pipeline runs.

tests/exercises grades one wrong answer per question through otter; here the exercise's test
functions (public and hidden, taken from the master notebook) are called directly, in-process,
on the solution and on many plausible mistakes, and each public message is checked for its hint:
a missing f'(z) in either layer, a transposed gradient, a missing 1/N, a sign error (which
parameter, and by how much), one-sided differences, an entry not restored, eps instead of 2 eps,
gradients overwritten instead of added, tanh' from the wrong value, and an ascent update.
"""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

MASTER = Path(__file__).resolve().parents[2] / "exercises" / "04-backprop" / "04-backprop.ipynb"


def _parse():
    """(notebook code cells in order, {question: index of its answer cell}, {question: tests})."""
    cells = [(c.cell_type, c.source) for c in nbformat.read(MASTER, as_version=4).cells]
    code, answers, tests, question, in_tests, in_solution = [], {}, {}, None, False, False
    for kind, src in cells:
        if kind == "raw":
            m = re.search(r"^name:\s*(\w+)", src, re.M)
            if src.startswith("# BEGIN QUESTION") and m:
                question = m.group(1)
            in_tests = {"# BEGIN TESTS": True, "# END TESTS": False}.get(src.strip(), in_tests)
            in_solution = {"# BEGIN SOLUTION": True, "# END SOLUTION": False}.get(src.strip(),
                                                                                  in_solution)
        elif kind == "code" and in_tests:
            scope = {}
            exec(compile(src, f"<{question} test>", "exec"), scope)
            tests.setdefault(question, []).extend(
                (name, fn, "hidden: true" in src) for name, fn in scope.items()
                if name.startswith("test_"))
        elif (kind == "code" and not src.startswith("# Colab setup")
              and not src.startswith("grader.check")):
            if in_solution:
                answers[question] = len(code)          # the question's (last) answer cell
            code.append(src)
    return code, answers, tests


CODE, ANSWERS, TESTS = _parse()


def notebook(question: str | None = None, answer: str | None = None) -> dict:
    """The namespace of the solution notebook run top to bottom, one answer cell replaced."""
    env = {}
    for i, src in enumerate(CODE):
        if answer is not None and i == ANSWERS[question]:
            src = answer
        try:  # like the grader, a cell that raises does not stop the notebook
            exec(compile(src, f"<cell {i}>", "exec"), env)
        except Exception:
            pass
    return env


def run(question: str, answer: str | None = None, public_only: bool = True) -> str | None:
    """Run a question's tests on the solution notebook with `answer` as its answer cell.

    Returns the first failure's message, or None when every test passes.
    """
    env = notebook(question, answer)
    for name, fn, hidden in TESTS[question]:
        if hidden and public_only:
            continue
        try:
            # otter passes None if missing
            fn(*[env.get(p) for p in inspect.signature(fn).parameters])
        except AssertionError as err:
            return str(err)
    return None


def test_the_notebook_has_the_expected_questions():
    assert sorted(TESTS) == ["q1", "q2", "q3", "q4"]
    for q, fns in TESTS.items():
        hidden = [h for _, _, h in fns]
        assert hidden[0] is False and hidden.count(False) == 1 and all(hidden[1:]), \
            f"{q}: expected one public test, then the hidden ones"


@pytest.mark.parametrize("question", ["q1", "q2", "q3", "q4"])
def test_solution_passes_public_and_hidden_tests(question):
    assert run(question, public_only=False) is None


# --- question 1: numerical_gradient ---------------------------------------------------------
CENTRAL = """
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        plus = f(x)
        x[i] = old - eps
        minus = f(x)
        {restore}
        grad[i] = ({top}) / ({bottom})
    return grad
"""


def central(restore="x[i] = old", top="plus - minus", bottom="2 * eps"):
    return CENTRAL.format(restore=restore, top=top, bottom=bottom)


FORWARD = """
def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros(x.shape)
    base = f(x)
    for i in np.ndindex(x.shape):
        xp = x.copy()
        xp[i] += eps
        grad[i] = (f(xp) - base) / eps
    return grad
"""

FLAT_COPY = """
def numerical_gradient(f, x, eps=1e-5):
    flat, grad = x.reshape(-1), np.zeros(x.size)
    for i in range(x.size):
        old = flat[i]
        flat[i] = old + eps
        plus = f(x)
        flat[i] = old - eps
        minus = f(x)
        flat[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad.reshape(x.shape)
"""


@pytest.mark.parametrize("answer,hint", [
    (central(bottom="eps"), "divided by eps instead of 2 * eps"),
    (FORWARD, "this is the forward difference"),
    (central(top="f(x) - minus", bottom="eps"), "this is the backward difference"),
    (central(restore="pass"), "You forgot to restore the entry"),
    ("def numerical_gradient(f, x, eps=1e-5):\n    ...", "numerical_gradient: not answered yet"),
])
def test_q1_mistakes_get_their_hint(answer, hint):
    message = run("q1", answer)
    assert message is not None and hint in message, message


def test_q1_hidden_tests_catch_a_perturbed_copy():
    # reshape(-1) of a transposed view is a copy: f never sees the change and the gradient is 0
    assert run("q1", FLAT_COPY) is None, "passes the public check (a contiguous vector)"
    assert "transposed view" in run("q1", FLAT_COPY, public_only=False)


# --- question 2: the scalar graph -------------------------------------------------------------
NODE = """
def mul_backward(a, b, out):
    {mul_a}
    {mul_b}

def tanh_backward(a, out):
    {tanh}
"""


def node(mul_a="a.grad += b.data * out.grad", mul_b="b.grad += a.data * out.grad",
         tanh="a.grad += (1.0 - out.data ** 2) * out.grad"):
    return NODE.format(mul_a=mul_a, mul_b=mul_b, tanh=tanh)


@pytest.mark.parametrize("answer,hint", [
    (node(mul_a="a.grad = b.data * out.grad", mul_b="b.grad = a.data * out.grad"),
     "[x.grad] for x * x at [3.0]: gradients overwritten instead of added"),
    (node(tanh="a.grad = (1.0 - out.data ** 2) * out.grad"),
     "[x.grad] for tanh(x) * x at [0.7]: gradients overwritten instead of added"),
    (node(tanh="a.grad += (1.0 - a.data ** 2) * out.grad"),
     "square out.data (the tanh), not a.data"),
    (node(mul_a="a.grad += a.data * out.grad", mul_b="b.grad += b.data * out.grad"),
     "[x.grad, y.grad] for x * y at [3.0, -2.0]: d(a * b)/da = b"),
    (node(mul_a="a.grad += b.data * out.grad", mul_b="b.grad += a.data"),   # half a known mistake
     "for tanh(w1 * x1 + w2 * x2 + b) at [0.4, 1.5, -0.8, 0.5, 0.1] is wrong: largest error"),
    (node(tanh="pass"), "tanh_backward: not answered yet"),
    (node(mul_a="pass", mul_b="pass", tanh="pass"), "mul_backward: not answered yet"),
])
def test_q2_mistakes_get_their_hint(answer, hint):
    message = run("q2", answer)
    assert message is not None and hint in message, message


def test_q2_forgetting_out_grad_is_caught():
    message = run("q2", node(tanh="a.grad += 1.0 - out.data ** 2"))   # no chain rule factor
    assert message is not None and message.startswith(
        "[x.grad] for tanh(x) * x at [0.7]: multiply by out.grad"), message


# --- question 3: backprop ---------------------------------------------------------------------
BACKPROP = """
def backprop(X, Y, W1, b1, W2, b2, activation="sigmoid", output="sigmoid"):
    N = X.shape[0]
    A1 = HIDDEN[activation](X @ W1.T + b1)
    Z2 = A1 @ W2.T + b2
    if output == "sigmoid":
        A2 = sigmoid(Z2)
        D2 = {out_fprime}({error}) / {N}
    else:
        D2 = (softmax(Z2) - Y) / {N}
    f_prime = A1 * (1 - A1) if activation == "sigmoid" else 1 - A1 ** 2
    D1 = {hid_fprime}(D2 @ W2)
    return {{"dW1": {dW1}, "db1": D1.sum(axis=0), "dW2": D2.T @ A1, "db2": D2.sum(axis=0)}}
"""


def backprop(out_fprime="A2 * (1 - A2) * ", error="A2 - Y", N="N", hid_fprime="f_prime * ",
             dW1="D1.T @ X"):
    return BACKPROP.format(out_fprime=out_fprime, error=error, N=N, hid_fprime=hid_fprime, dW1=dW1)


@pytest.mark.parametrize("answer,hint", [
    (backprop(hid_fprime=""),
     "output='sigmoid', N=4, D=3, M=5, K=2): dW1: missing the f'(z) factor"),
    (backprop(out_fprime=""),
     "output='sigmoid', N=4, D=3, M=5, K=2): dW2: missing the f'(z) factor"),
    (backprop(out_fprime="", hid_fprime=""), "dW2: missing the f'(z) factor"),
    (backprop(dW1="X.T @ D1"), "dW1 is transposed: it has shape (3, 5), expected (5, 3)"),
    (backprop(N="1"), "dW2 is off by a constant factor: it is 4 times the expected value "
                      "(a factor of N: missing a division by N?)"),
    (backprop(error="Y - A2"), "dW2 has the wrong sign"),
    ("def backprop(X, Y, W1, b1, W2, b2, activation='sigmoid', output='sigmoid'):\n    ...",
     "backprop: not answered yet"),
])
def test_q3_mistakes_get_their_hint(answer, hint):
    message = run("q3", answer)
    assert message is not None and hint in message, message


def test_q3_softmax_case_is_checked_too():
    # a backprop that treats a softmax output like a sigmoid one passes the sigmoid case only
    wrong = backprop().replace("D2 = (softmax(Z2) - Y) / N",
                               "A2 = softmax(Z2)\n        D2 = A2 * (1 - A2) * (A2 - Y) / N")
    message = run("q3", wrong)
    assert message is not None and "activation='tanh', output='softmax'" in message, message
    assert "the softmax output has no element-wise g'" in message, message


def test_q3_hidden_tests_catch_a_backprop_that_works_only_for_the_visible_shapes():
    # dividing by a hard-coded 4, the visible batch size, instead of N
    wrong = backprop(N="4")
    assert run("q3", wrong) is None
    assert "is off by a constant factor" in run("q3", wrong, public_only=False)


# --- question 4: the lecture's 2-2-2 example --------------------------------------------------
LECTURE = """
def gd_step(params, grads, lr):
    {body}

E0 = mean_loss(x_lec, y_lec, **lecture)
lecture_1 = gd_step(lecture, backprop(x_lec, y_lec, **lecture), 0.5)
E1 = mean_loss(x_lec, y_lec, **lecture_1)
"""


@pytest.mark.parametrize("body,hint", [
    ("return {k: p + lr * grads['d' + k] for k, p in params.items()}",
     "gd_step(params, grads, lr=0.1)['W1']: the update adds the gradient"),
    ("return {k: p - grads['d' + k] for k, p in params.items()}",
     "gd_step(params, grads, lr=0.1)['W1']: the step is lr * dC/dp"),
    ("return {k: p - 2 * lr * grads['d' + k] for k, p in params.items()}",
     "gd_step(params, grads, lr=0.1)['W1'] is wrong: largest error"),
    ("return [p - lr * grads['d' + k] for k, p in params.items()]", "gd_step must return a dict"),
    ("...", "gd_step: not answered yet"),
])
def test_q4_mistakes_get_their_hint(body, hint):
    message = run("q4", LECTURE.format(body=body))
    assert message is not None and hint in message, message


def test_q4_ascent_on_the_lecture_network_says_the_error_went_up():
    # a correct gd_step, but the lecture's slip: the step is applied with the wrong sign
    answer = LECTURE.format(body="return {k: p - lr * grads['d' + k] for k, p in params.items()}")
    answer = answer.replace("**lecture), 0.5)", "**lecture), -0.5)")
    message = run("q4", answer)
    assert (message is not None
            and "lecture_1['W1']: the update adds the gradient" in message), message


def test_q4_an_update_in_place_is_named_by_the_public_check():
    body = "for k in params:\n        params[k] -= lr * grads['d' + k]\n    return params"
    answer = LECTURE.format(body=body)
    assert "gd_step changed params in place" in run("q4", answer)
    # a step that changes params in place AND returns new arrays is caught as well
    body = ("out = {k: p - lr * grads['d' + k] for k, p in params.items()}\n"
            "    params['W1'][0, 0] = 0.0\n    return out")
    assert "gd_step changed params in place (W1)" in run("q4", LECTURE.format(body=body))


def test_q4_a_step_that_zeroes_the_gradients_in_place_gets_no_points():
    # the test's references are computed before the call and the step gets copies
    body = ("out = {k: p - lr * grads['d' + k] for k, p in params.items()}\n"
            "    for g in grads.values():\n        g[...] = 0.0\n"
            "    return {k: p.copy() for k, p in params.items()}")
    message = run("q4", LECTURE.format(body=body))
    assert message is not None and "gd_step returned the parameters unchanged" in message, message


def test_the_lecture_numbers():
    # E = 0.191 on the slides; one descent step with eta = 0.5 lowers it
    env = notebook()
    assert round(env["E0"], 3) == 0.191
    assert env["E1"] < env["E0"]
    np.testing.assert_allclose(env["E1"], 0.17558364378984087, rtol=1e-12)
