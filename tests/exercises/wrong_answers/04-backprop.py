"""Plausible wrong answers for exercise 04-backprop: question -> (answer cell source, hint the
feedback must contain). Each replaces that question's solution cell in the solution notebook."""

WRONG = {
    # central difference divided by eps instead of 2 eps
    "q1": ("def numerical_gradient(f, x, eps=1e-5):\n"
           "    grad = np.zeros(x.shape)\n"
           "    for i in np.ndindex(x.shape):\n"
           "        old = x[i]\n"
           "        x[i] = old + eps\n"
           "        plus = f(x)\n"
           "        x[i] = old - eps\n"
           "        minus = f(x)\n"
           "        x[i] = old\n"
           "        grad[i] = (plus - minus) / eps\n"
           "    return grad",
           "divided by eps instead of 2 * eps"),
    # a node used twice: the second use overwrites the first one's gradient
    "q2": ("def mul_backward(a, b, out):\n"
           "    a.grad = b.data * out.grad\n"
           "    b.grad = a.data * out.grad\n\n\n"
           "def tanh_backward(a, out):\n"
           "    a.grad = (1.0 - out.data ** 2) * out.grad",
           "gradients overwritten instead of added"),
    # backprop without f'(z) in the hidden layer
    "q3": ("def backprop(X, Y, W1, b1, W2, b2, activation='sigmoid', output='sigmoid'):\n"
           "    N = X.shape[0]\n"
           "    A1 = HIDDEN[activation](X @ W1.T + b1)\n"
           "    Z2 = A1 @ W2.T + b2\n"
           "    if output == 'sigmoid':\n"
           "        A2 = sigmoid(Z2)\n"
           "        D2 = A2 * (1 - A2) * (A2 - Y) / N\n"
           "    else:\n"
           "        D2 = (softmax(Z2) - Y) / N\n"
           "    D1 = D2 @ W2\n"
           "    return {'dW1': D1.T @ X, 'db1': D1.sum(axis=0),\n"
           "            'dW2': D2.T @ A1, 'db2': D2.sum(axis=0)}",
           "dW1: missing the f'(z) factor"),
    # the update climbs the error
    "q4": ("def gd_step(params, grads, lr):\n"
           "    return {name: p + lr * grads['d' + name] for name, p in params.items()}\n\n\n"
           "E0 = mean_loss(x_lec, y_lec, **lecture)\n"
           "lecture_1 = gd_step(lecture, backprop(x_lec, y_lec, **lecture), 0.5)\n"
           "E1 = mean_loss(x_lec, y_lec, **lecture_1)",
           "the update adds the gradient"),
}
