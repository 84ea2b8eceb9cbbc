"""Plausible wrong answers for exercise 01-xor: question -> (answer cell source, hint the
feedback must contain). Each replaces that question's solution cell in the solution notebook."""

WRONG = {
    "q1": ("AND = (np.array([1.0, 1.0]), -0.5)\nOR = (np.array([1.0, 1.0]), -0.5)\n"
           "NAND = (np.array([-1.0, -1.0]), 1.5)",
           "the AND unit computes OR instead: AND needs both inputs"),
    "q2": ("W1 = np.array([[1.0, 1.0], [-1.0, -1.0]])\nb1 = np.array([-0.5, 1.5])\n"
           "W2 = np.array([[1.0], [1.0]])\nb2 = np.array([-1.5])",
           "W2 is transposed: it has shape (2, 1), expected (1, 2)"),
    "q3": ("def perceptron_update(w, b, x, y, lr=1.0):\n"
           "    y_hat = float(np.dot(w, x) + b >= 0)\n"
           "    return w + lr * (y_hat - y) * x, b + lr * (y_hat - y)",
           "sign error"),
    "q4": ("def train_perceptron(X, y, lr=1.0, epochs=10):\n"
           "    w, b, errors = np.zeros(X.shape[1]), 0.0, []\n"
           "    for _ in range(epochs):\n"
           "        wrong = 0\n"
           "        for x, t in zip(X, y):\n"
           "            y_hat = float(w @ x + b >= 0)\n"
           "            wrong += int(y_hat != t)\n"
           "            w = w + lr * (t - y_hat) * x\n"
           "        errors.append(wrong)\n"
           "    return w, b, errors",
           "the bias never changes"),
}
