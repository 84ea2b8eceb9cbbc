"""The public checks' diagnoses: each planted mistake gets its own hint, and only that one.

The public tests are run here directly, on the functions of a planted wrong answer, as a student's
`grader.check` runs them: fast, and precise about which message appears.
"""
from __future__ import annotations

import numpy as np
import pytest
from exercise_helpers import ex

from tools.grading import testfiles


def public_failure(built, name: str, q: str, **answers) -> str:
    """The message of the first failing public test of question q, given the answers."""
    tf = testfiles.load(built / "student" / name / "tests" / f"{q}.py")

    class Env:
        def get(self, key):
            return answers.get(key)

    for case in tf.cases:
        try:
            case.call(Env())
        except AssertionError as exc:
            return str(exc)
    return "passed"


def sol_gates():
    return {"AND": (np.array([1.0, 1.0]), -1.5), "OR": (np.array([1.0, 1.0]), -0.5),
            "NAND": (np.array([-1.0, -1.0]), 1.5)}


def test_ex1_a_gate_with_an_input_on_its_boundary(built):
    assert public_failure(built, "01-xor", "q1", **sol_gates()) == "passed"
    gates = dict(sol_gates(), AND=(np.array([1.0, 1.0]), -2.0))     # (1, 1) gives z = 0
    msg = public_failure(built, "01-xor", "q1", **gates)
    assert "AND: the input(s) [(1, 1)] lie exactly on the decision boundary" in msg


def test_ex1_an_update_in_place(built):
    def in_place(w, b, x, y, lr=1.0):
        err = y - float(np.dot(w, x) + b >= 0)
        w += lr * err * x
        return w, b + lr * err

    def right(w, b, x, y, lr=1.0):
        err = y - float(np.dot(w, x) + b >= 0)
        return w + lr * err * x, b + lr * err
    assert public_failure(built, "01-xor", "q3", perceptron_update=right) == "passed"
    assert "changed the w it was given" in public_failure(built, "01-xor", "q3",
                                                          perceptron_update=in_place)


def _split(cut):
    def split_train_val(X, y, val_fraction, rng):
        order = rng.permutation(len(X))
        n_val = cut(val_fraction * len(X))
        return X[order[n_val:]], y[order[n_val:]], X[order[:n_val]], y[order[:n_val]]
    return split_train_val


def test_ex6_int_instead_of_round(built):
    assert public_failure(built, "06-double-descent", "q1",
                          split_train_val=_split(round)) == "passed"
    msg = public_failure(built, "06-double-descent", "q1", split_train_val=_split(int))
    assert "not int(3.5) = 3" in msg


def _stopping(late=0, tie=False, previous=False, end=0, shift=(0, 0), argmin=False):
    def early_stopping(losses, patience):
        best = 0
        for e in range(1, len(losses)):
            against = losses[e - 1] if previous else losses[best]
            if losses[e] < against or (tie and losses[e] == against):
                best = e
            elif e - best >= patience + late:
                break
        else:
            e = len(losses) - 1 + end
        if argmin:
            best = int(np.argmin(losses))
        return best + shift[0], e + shift[1]
    return early_stopping


HINTS = {"off by one": "off by one", "from 0": "epochs are numbered from 0",
         "tie": "a tie is not an improvement",
         "argmin": "the best epoch must be one that training reached",
         "previous": "not with the previous epoch",
         "end": "training ends at the last epoch"}


@pytest.mark.parametrize("mistake,planted", [
    ("off by one", _stopping(late=1)), ("off by one", _stopping(late=-1)),
    ("from 0", _stopping(shift=(1, 0))), ("from 0", _stopping(shift=(1, 1))),
    ("tie", _stopping(tie=True)), ("argmin", _stopping(argmin=True)),
    ("previous", _stopping(previous=True)), ("end", _stopping(end=1))])
def test_ex6_each_early_stopping_mistake_gets_its_own_hint(built, mistake, planted):
    assert public_failure(built, "06-double-descent", "q2", early_stopping=_stopping()) == "passed"
    msg = public_failure(built, "06-double-descent", "q2", early_stopping=planted)
    assert HINTS[mistake] in msg, msg
    others = [h for k, h in HINTS.items() if k != mistake and h in msg]
    assert others == [], f"the {mistake} mistake is also diagnosed as {others}: {msg}"


def test_ex2_biases_from_the_last_column(built):
    V = np.array([[0.10, 0.80, -0.50], [-0.30, 0.40, 0.90], [0.20, -0.60, 0.30]])
    W = np.array([[0.05, 1.20, -0.70, 0.40], [-0.10, -0.80, 0.60, 1.10]])

    def forward(X, params, f, f_out):
        A = X
        for l, (W_l, b_l) in enumerate(params, start=1):
            A = (f_out if l == len(params) else f)(A @ W_l.T + b_l)
        return A
    right = [(V[:, 1:], V[:, 0]), (W[:, 1:], W[:, 0])]
    assert public_failure(built, "02-structure", "q2", forward=forward,
                          params_232=right) == "passed"
    last = [(V[:, :-1], V[:, -1]), (W[:, :-1], W[:, -1])]
    msg = public_failure(built, "02-structure", "q2", forward=forward, params_232=last)
    assert "W1 is V[:, :-1], V without its last column, but the biases are column 0 of V" in msg
    assert "W1 is V[:, 1:]:" not in msg, "the message must not call the right answer the mistake"


def test_ex4_step_built_on_a_wrong_backprop_names_question_3(built):
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    def mean_loss(X, T, W1, b1, W2, b2):
        return float(np.mean(0.5 * np.sum((sigmoid(sigmoid(X @ W1.T + b1) @ W2.T + b2) - T) ** 2,
                                          axis=1)))

    def backprop(X, T, W1, b1, W2, b2, activation="sigmoid", output="sigmoid", fprime=True):
        N = X.shape[0]
        A1 = sigmoid(X @ W1.T + b1)
        A2 = sigmoid(A1 @ W2.T + b2)
        D2 = A2 * (1 - A2) * (A2 - T) / N
        D1 = (A1 * (1 - A1) if fprime else 1.0) * (D2 @ W2)
        return {"dW1": D1.T @ X, "db1": D1.sum(axis=0), "dW2": D2.T @ A1, "db2": D2.sum(axis=0)}

    def gd_step(params, grads, lr):
        return {k: p - lr * grads["d" + k] for k, p in params.items()}
    x, t = np.array([[0.12, 0.3]]), np.array([[0.1, 0.9]])
    lecture = {"W1": np.array([[0.15, 0.2], [0.2, 0.3]]), "b1": np.array([0.1, 0.2]),
               "W2": np.array([[0.5, 0.4], [0.55, 0.45]]), "b2": np.array([0.2, 0.1])}
    for bp, expect in ((backprop, "passed"),
                       (lambda *a, **k: backprop(*a, **k, fprime=False),
                        "backprop (question 3) is wrong on the lecture's example")):
        step = gd_step(lecture, bp(x, t, **lecture), 0.5)
        msg = public_failure(built, "04-backprop", "q4", gd_step=gd_step, backprop=bp,
                             E0=mean_loss(x, t, **lecture), lecture_1=step,
                             E1=mean_loss(x, t, **step))
        assert expect in msg, msg


def test_ex5_q5_premise_numbers():
    """The question says the uncorrected first step is larger than lr; its solution quotes 3.16,
    6.53, 3.24 and 1.26 lr at t = 1, 10, 100, 1000, and exactly lr with the correction."""
    g, b1, b2 = 0.01, 0.9, 0.999
    m = v = 0.0
    steps = {}
    for t in range(1, 1001):
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        steps[t] = (m / np.sqrt(v), (m / (1 - b1 ** t)) / np.sqrt(v / (1 - b2 ** t)))
    assert [round(steps[t][0], 2) for t in (1, 10, 100, 1000)] == [3.16, 6.53, 3.24, 1.26]
    assert all(abs(c - 1) < 1e-12 for _, c in steps.values())
    text = ex.master_path("05-optimizers").read_text()
    assert "3.16" in text and "larger than $\\\\eta$, not smaller" in text


def test_no_check_cell_appears_twice(built):
    import json
    from collections import Counter
    for name in ex.available():
        nb = json.loads((built / "student" / name / f"{name}.ipynb").read_text())
        cells = Counter("".join(c["source"]).strip() for c in nb["cells"]
                        if c["cell_type"] == "code" and "grader.check(" in "".join(c["source"]))
        assert {k: n for k, n in cells.items() if n > 1} == {}, name


# -- reasonable answer types get every point, public and hidden ----------------------------------
HONEST = [  # (exercise, {question: answer cell}): right answers in forms a test must not refuse
    ("01-xor", {"q1": "AND = [np.array([1.0, 1.0]), np.float32(-1.5)]\n"
                      "OR = (np.array([1, 1]), -0.5)\n"
                      "NAND = (np.array([-1.0, -1.0]), np.array(1.5))",
                "q4": "def train_perceptron(X, y, lr=1.0, epochs=10):\n"
                      "    w, b, errors = np.zeros(X.shape[1]), 0.0, []\n"
                      "    for _ in range(epochs):\n"
                      "        errors.append(0)\n"
                      "        for x, t in zip(X, y):\n"
                      "            errors[-1] += int(float(np.dot(w, x) + b >= 0) != t)\n"
                      "            w, b = perceptron_update(w, b, x, t, lr)\n"
                      "    return [w, b, np.array(errors)]"}),
    ("02-structure", {"q3": "def n_params(sizes):\n"
                            "    return float(sum(m * (n + 1) "
                            "for n, m in zip(sizes[:-1], sizes[1:])))"}),
    ("03-loss", {"q1": "def softmax(Z):\n"
                       "    Z = np.asarray(Z, dtype=np.float32)\n"
                       "    E = np.exp(Z - Z.max(axis=1, keepdims=True))\n"
                       "    return E / E.sum(axis=1, keepdims=True)",
                 "q2": "def cross_entropy(Z, y):\n"
                       "    m = Z.max(axis=1)\n"
                       "    lse = m + np.log(np.exp(Z - m[:, None]).sum(axis=1))\n"
                       "    return np.array([np.mean(lse - Z[np.arange(len(y)), y])])",
                 "q4": "def bce_with_logits(z, y):\n"
                       "    return np.mean(np.logaddexp(0, z) - y * z, keepdims=True)"
                       ".reshape(())\n\n\n"
                       "def bce_with_logits_grad(z, y):\n"
                       "    return (sigmoid(z) - y) / len(z)"}),
    ("05-optimizers", {"q1": "def momentum_step(w, v, g, lr, alpha):\n"
                             "    v = alpha * v + (1 - alpha) * g\n    return [w - lr * v, v]",
                       "q3": "def adam_step(w, m, v, g, t, lr=0.001, beta1=0.9, beta2=0.999, "
                             "eps=1e-8):\n"
                             "    m *= beta1\n    m += (1 - beta1) * g\n"
                             "    v *= beta2\n    v += (1 - beta2) * g * g\n"
                             "    w -= lr * (m / (1 - beta1 ** t)) "
                             "/ (np.sqrt(v / (1 - beta2 ** t)) + eps)\n"
                             "    return [w, m, v]",
                       "q4": "def clip_by_norm(grads, max_norm):\n"
                             "    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))\n"
                             "    return tuple(g * min(1.0, max_norm / norm) for g in grads)"}),
    ("06-double-descent", {"q1": "def split_train_val(X, y, val_fraction, rng):\n"
                                 "    order = rng.permutation(len(X))\n"
                                 "    n_val = round(val_fraction * len(X))\n"
                                 "    return [X[order[n_val:]], y[order[n_val:]], "
                                 "X[order[:n_val]], y[order[:n_val]]]"}),
]


@pytest.mark.parametrize("name,replaced", HONEST, ids=[n for n, _ in HONEST])
def test_reasonable_answer_types_get_every_point(built, name, replaced):
    from test_catalogue import answers, grade, run_notebook
    try:
        env = run_notebook(built, name, replaced)
        failed = {q: [text for case, passed, text in rows if not passed]
                  for q, rows in grade(built, name, env, list(replaced)).items()}
    finally:
        answers.allow_all()
    assert all(not f for f in failed.values()), failed


def test_the_class_report_names_each_section_by_its_heading():
    """The report's "where it is taught" column: every section a mistake points to, named by its
    heading as the chapter writes it (the anchor's words are only the fallback)."""
    import re

    from exercise_helpers import ROOT

    from tools.grading import report

    sources = [*(ROOT / "mlp").glob("*.py"), *(ROOT / "exercises").glob("*/*.ipynb")]
    topics = {t for p in sources
              for t in re.findall(r"chapters/[0-9a-z-]+\.html#[0-9a-z-]+", p.read_text())}
    assert len(topics) > 10
    for topic in topics:
        page, anchor = topic.split(".html#")
        name = report.section_name(topic)
        assert name != f"{page.rsplit('/', 1)[-1]}: {anchor.replace('-', ' ')}", \
            f"{topic}: no heading of the chapter has this anchor"
    assert report.section_name("chapters/04-backprop.html#gradient-checking-as-a-habit") == \
        "04-backprop: Gradient checking as a habit"
