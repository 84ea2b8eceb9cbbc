"""Plausible wrong answers for exercise 05-optimizers: question -> (answer cell source, hint the
feedback must contain). Each replaces that question's solution cell in the solution notebook."""

WRONG = {
    "q1": ("def momentum_step(w, v, g, lr, alpha):\n"
           "    v = alpha * v + (1 - alpha) * g\n"
           "    w = w + lr * v\n"
           "    return w, v",
           "sign error: step against the velocity"),
    "q2": ("def rmsprop_step(w, r, g, lr, rho=0.9, eps=1e-8):\n"
           "    r = rho * r + (1 - rho) * g ** 2\n"
           "    w = w - lr * g / (r + eps)\n"
           "    return w, r",
           "the square root is missing"),
    "q3": ("def adam_step(w, m, v, g, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):\n"
           "    m = beta1 * m + (1 - beta1) * g\n"
           "    v = beta2 * v + (1 - beta2) * g ** 2\n"
           "    w = w - lr * m / (np.sqrt(v) + eps)\n"
           "    return w, m, v",
           "no bias correction"),
    "q4": ("def clip_by_norm(grads, max_norm):\n"
           "    return [np.clip(g, -max_norm, max_norm) for g in grads]",
           "clip by the norm, not entry by entry"),
}
