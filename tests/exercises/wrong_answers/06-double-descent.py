"""Plausible wrong answers for exercise 06-double-descent: question -> (answer cell source, hint
the feedback must contain). Each replaces that question's solution cell in the solution notebook."""

WRONG = {
    "q1": ("def split_train_val(X, y, val_fraction, rng):\n"
           "    order = rng.permutation(len(X))\n"
           "    n_val = round(val_fraction * len(X))\n"
           "    val, train = order[:n_val], order[n_val - 1:]\n"
           "    return X[train], y[train], X[val], y[val]",
           "the training and validation sets overlap"),
    "q2": ("def early_stopping(val_losses, patience):\n"
           "    best = 0\n"
           "    for e in range(1, len(val_losses)):\n"
           "        if val_losses[e] < val_losses[best]:\n"
           "            best = e\n"
           "        elif e - best > patience:\n"
           "            return best, e\n"
           "    return best, len(val_losses) - 1",
           "off by one"),
    "q3": ("def random_features(X, W):\n"
           "    return np.maximum(X @ W.T, 0.0) / np.sqrt(W.shape[0])\n\n\n"
           "def fit_readout(Phi, y):\n"
           "    p = Phi.shape[1]\n"
           "    return np.linalg.solve(Phi.T @ Phi + 1e-3 * np.eye(p), Phi.T @ y)",
           "does not fit the training data exactly"),
    "q4": ("def error_curve(X_train, y_train, X_test, y_test, W, ps):\n"
           "    errors = []\n"
           "    for p in ps:\n"
           "        a = np.linalg.lstsq(random_features(X_train, W[:p]), y_train, rcond=None)[0]\n"
           "        errors.append(np.mean((random_features(X_test, W[:p]) @ a - y_test) ** 2))\n"
           "    return np.array(errors)\n\n\n"
           "errors = error_curve(X_train, y_train, X_test, y_test, W, ps)\n"
           "p_peak = np.argmax(errors)",
           "not the position itself"),
}
