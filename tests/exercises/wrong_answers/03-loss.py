"""Plausible wrong answers for exercise 03-loss: question -> (answer cell source, hint the
feedback must contain). Each replaces that question's solution cell in the solution notebook."""

WRONG = {
    "q1": ("def softmax(Z):\n"
           "    E = np.exp(Z)\n"
           "    return E / E.sum(axis=1, keepdims=True)",
           "softmax overflows at large inputs"),
    "q2": ("def cross_entropy(Z, y):\n"
           "    m = Z.max(axis=1)\n"
           "    logsumexp = m + np.log(np.exp(Z - m[:, None]).sum(axis=1))\n"
           "    return float(np.sum(logsumexp - Z[np.arange(len(y)), y]))",
           "the loss is the mean over the N examples, not the sum"),
    "q3": ("def cross_entropy_grad(Z, y):\n"
           "    Y = np.zeros(Z.shape)\n"
           "    Y[np.arange(len(y)), y] = 1.0\n"
           "    return softmax(Z) - Y",
           "missing the 1/N"),
    "q4": ("def bce_with_logits(z, y):\n"
           "    p = sigmoid(z)\n"
           "    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))\n\n\n"
           "def bce_with_logits_grad(z, y):\n"
           "    return (sigmoid(z) - y) / len(z)",
           "write the loss as softplus(z) - y z"),
    "q5": ("def squared_error(A, Y):\n"
           "    return float(np.sum((A - Y) ** 2) / (2 * A.shape[0]))\n\n\n"
           "def squared_error_grad(A, Y):\n"
           "    return (A - Y) / A.shape[0]\n\n\n"
           "def mse(A, Y):\n"
           "    return float(np.mean((A - Y) ** 2))\n\n\n"
           "def mse_grad(A, Y):\n"
           "    return (A - Y) / A.size",
           "its derivative keeps the factor 2"),
}
