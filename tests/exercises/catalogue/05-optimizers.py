"""Real mistakes in exercise 05-optimizers, each with the diagnosis a student must see (see
test_catalogue.py). answers: question -> the whole answer cell that replaces the solution's."""


def momentum(body):
    return "def momentum_step(w, v, g, lr, alpha):\n" + body


def rmsprop(r="rho * r + (1 - rho) * g ** 2", step="w - lr * g / (np.sqrt(r) + eps)"):
    return ("def rmsprop_step(w, r, g, lr, rho=0.9, eps=1e-8):\n"
            f"    r = {r}\n    w = {step}\n    return w, r")


ADAM = ("def adam_step(w, m, v, g, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):\n"
        "    m = beta1 * m + (1 - beta1) * g\n"
        "    v = beta2 * v + (1 - beta2) * g ** 2\n"
        "    m_hat = m / (1 - beta1 ** {t})\n"
        "    v_hat = v / (1 - beta2 ** {t})\n"
        "    w = w - lr * {step}\n"
        "    return {ret}")


def adam(t="t", step="m_hat / (np.sqrt(v_hat) + eps)", ret="w, m, v"):
    return ADAM.format(t=t, step=step, ret=ret)


def clip(body):
    return "def clip_by_norm(grads, max_norm):\n" + body


MISTAKES = [
    {"id": "ex5-q1-sign", "question": "q1",
     "what": "momentum that steps along the velocity, w + lr v",
     "answers": {"q1": momentum("    v = alpha * v + (1 - alpha) * g\n    w = w + lr * v\n"
                                "    return w, v")},
     "diagnosis": "sign error: step against the velocity"},
    {"id": "ex5-q1-classical", "question": "q1",
     "what": "the classical form v = alpha v - lr g, w = w + v instead of the lectures' one",
     "answers": {"q1": momentum("    v = alpha * v - lr * g\n    w = w + v\n    return w, v")},
     "diagnosis": "this is the classical form"},
    {"id": "ex5-q1-no-one-minus-alpha", "question": "q1",
     "what": "v = alpha v + g, without the factor 1 - alpha",
     "answers": {"q1": momentum("    v = alpha * v + g\n    w = w - lr * v\n    return w, v")},
     "diagnosis": "the factor (1 - alpha) is missing"},
    {"id": "ex5-q1-old-velocity", "question": "q1",
     "what": "the step taken with the old velocity",
     "answers": {"q1": momentum("    w = w - lr * v\n    v = alpha * v + (1 - alpha) * g\n"
                                "    return w, v")},
     "diagnosis": "step with the new velocity"},
    {"id": "ex5-q1-order", "question": "q1",
     "what": "the pair returned as (v, w)",
     "answers": {"q1": momentum("    v = alpha * v + (1 - alpha) * g\n    w = w - lr * v\n"
                                "    return v, w")},
     "diagnosis": "return the pair in the order (w_new, v_new)"},
    {"id": "ex5-q1-calls-mlp", "question": "q1",
     "what": "momentum_step built on mlp.optim.Momentum",
     "answers": {"q1": "import mlp\n\n\n" + momentum(
         "    p = mlp.Parameter(np.array(w, dtype=float))\n"
         "    opt = mlp.optim.Momentum([p], lr=lr, alpha=alpha)\n"
         "    opt.state[0]['v'] = np.array(v, dtype=float)\n"
         "    p.grad = np.array(g, dtype=float)\n"
         "    opt.step()\n"
         "    return p.data, opt.state[0]['v']")},
     "diagnosis": "mlp.optim.Optimizer.step is not available here"},
    {"id": "ex5-q2-no-root", "question": "q2",
     "what": "divided by r instead of its square root",
     "answers": {"q2": rmsprop(step="w - lr * g / (r + eps)")},
     "diagnosis": "the square root is missing"},
    {"id": "ex5-q2-not-squared", "question": "q2",
     "what": "a moving average of g instead of g squared",
     "answers": {"q2": rmsprop(r="rho * r + (1 - rho) * g")},
     "diagnosis": "r is a moving average of the SQUARED gradients"},
    {"id": "ex5-q2-eps-inside", "question": "q2",
     "what": "eps inside the square root",
     "answers": {"q2": rmsprop(step="w - lr * g / np.sqrt(r + eps)")},
     "diagnosis": "eps goes outside the square root"},
    {"id": "ex5-q2-swapped", "question": "q2",
     "what": "rho and 1 - rho swapped",
     "answers": {"q2": rmsprop(r="(1 - rho) * r + rho * g ** 2")},
     "diagnosis": "rho and 1 - rho are swapped"},
    {"id": "ex5-q3-no-correction", "question": "q3",
     "what": "Adam without the bias correction",
     "answers": {"q3": adam(step="m / (np.sqrt(v) + eps)")},
     "diagnosis": "no bias correction"},
    {"id": "ex5-q3-t-plus-one", "question": "q3",
     "what": "the correction with t + 1, as if t counted from 0",
     "answers": {"q3": adam(t="(t + 1)")},
     "diagnosis": "t counts the steps from 1"},
    {"id": "ex5-q3-t-minus-one", "question": "q3",
     "what": "the correction with t - 1: 1 - beta**0 = 0 at the first step",
     "answers": {"q3": adam(t="(t - 1)")},
     "diagnosis": "did you use t - 1"},
    {"id": "ex5-q3-returns-hats", "question": "q3",
     "what": "m_hat and v_hat returned instead of the averages m and v",
     "answers": {"q3": adam(ret="w, m_hat, v_hat")},
     "diagnosis": "return the new averages m and v, not m_hat and v_hat"},
    {"id": "ex5-q3-returns-m-hat", "question": "q3",
     "what": "m_hat returned instead of m",
     "answers": {"q3": adam(ret="w, m_hat, v")},
     "diagnosis": "return the new average m, not m_hat"},
    {"id": "ex5-q3-eps-inside", "question": "q3",
     "what": "eps inside the square root",
     "answers": {"q3": adam(step="m_hat / np.sqrt(v_hat + eps)")},
     "diagnosis": "eps goes outside the square root"},
    {"id": "ex5-q4-np-clip", "question": "q4",
     "what": "every entry clipped to [-c, c]",
     "answers": {"q4": clip("    return [np.clip(g, -max_norm, max_norm) for g in grads]")},
     "diagnosis": "clip by the norm, not entry by entry"},
    {"id": "ex5-q4-per-array", "question": "q4",
     "what": "each array clipped by its own norm",
     "answers": {"q4": clip("    out = []\n"
                            "    for g in grads:\n"
                            "        norm = np.sqrt(np.sum(g ** 2))\n"
                            "        out.append(g * max_norm / norm if norm > max_norm else g)\n"
                            "    return out")},
     "diagnosis": "use ONE global norm over all arrays together"},
    {"id": "ex5-q4-always", "question": "q4",
     "what": "every gradient rescaled to norm c, also the short ones",
     "answers": {"q4": clip("    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads))\n"
                            "    return [g * max_norm / norm for g in grads]")},
     "diagnosis": "only clip when the norm exceeds max_norm"},
    {"id": "ex5-q4-mean-norm", "question": "q4",
     "what": "the norm computed from the mean of the squares",
     "answers": {"q4": clip("    norm = np.sqrt(np.mean(np.concatenate("
                            "[np.ravel(g) ** 2 for g in grads])))\n"
                            "    if norm > max_norm:\n"
                            "        return [g * (max_norm / norm) for g in grads]\n"
                            "    return grads")},
     "diagnosis": "the norm is the square root of the SUM of all squared entries"},
]
