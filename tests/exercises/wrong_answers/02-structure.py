"""Plausible wrong answers for exercise 02-structure: question -> (answer cell source, hint the
feedback must contain). Each replaces that question's solution cell in the solution notebook."""

WRONG = {
    "q1": ("def forward_folded(X, V, W):\n"
           "    X1 = np.hstack([np.ones((X.shape[0], 1)), X])\n"
           "    H = sigmoid(X1 @ V)\n"
           "    H1 = np.hstack([np.ones((H.shape[0], 1)), H])\n"
           "    return sigmoid(H1 @ W.T)",
           "V is used transposed"),
    "q2": ("def forward(X, params, f, f_out):\n"
           "    A = X\n"
           "    for W_l, b_l in params:\n"
           "        A = f(A @ W_l.T + b_l)\n"
           "    return A\n\n\n"
           "params_232 = [(V[:, 1:], V[:, 0]), (W[:, 1:], W[:, 0])]",
           "the last layer uses f_out"),
    "q3": ("def n_params(sizes):\n"
           "    return sum(n_out * n_in for n_in, n_out in zip(sizes[:-1], sizes[1:]))",
           "the biases are missing"),
    "q4": ("def kinks(theta, phi):\n"
           "    bends = (theta[:, 1] != 0) & (phi[1:] != 0)\n"
           "    return np.sort(theta[bends, 0] / theta[bends, 1])\n\n\n"
           "def slopes(theta, phi):\n"
           "    bends = (theta[:, 1] != 0) & (phi[1:] != 0)\n"
           "    w, c = theta[bends, 1], phi[1:][bends]\n"
           "    order = np.argsort(-theta[bends, 0] / w)\n"
           "    return np.sum((c * w)[w < 0]) + np.r_[0.0, np.cumsum((c * np.abs(w))[order])]",
           "sign error: unit i switches where theta_i0 + theta_i1 x = 0"),
    "q5": ("def elu(z, alpha=1.0):\n"
           "    z = np.asarray(z, dtype=float)\n"
           "    return np.where(z >= 0, z, alpha * np.expm1(np.minimum(z, 0.0)))\n\n\n"
           "def elu_prime(z, alpha=1.0):\n"
           "    z = np.asarray(z, dtype=float)\n"
           "    return np.where(z >= 0, 1.0, alpha * np.expm1(np.minimum(z, 0.0)))",
           "you returned ELU itself"),
}
