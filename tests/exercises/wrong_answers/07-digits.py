"""Plausible wrong answers for exercise 07-digits: question -> (answer cell source, hint the
feedback must contain). Each replaces that question's solution cell in the solution notebook."""

WRONG = {
    # statistics of the data being scaled, not of the training rows
    "q1": ("def standardize(X_train, X):\n"
           "    mu, sigma = X.mean(axis=0), X.std(axis=0)\n"
           "    return (X - mu) / np.where(sigma == 0, 1.0, sigma)",
           "use the mean and standard deviation of the TRAINING rows"),
    # a network that was never trained: chance level on every digit
    "q2": ("mean = X_train.mean(axis=0)\n"
           "std = np.where(X_train.std(axis=0) == 0, 1.0, X_train.std(axis=0))\n"
           "activation = 'relu'\n"
           "net = mlp.MLP([64, 32, 10], activation=activation, output='identity', rng=0)\n"
           "weights = [(net.layer(l).W.data.copy(), net.layer(l).b.data.copy()) "
           "for l in range(1, net.L + 1)]",
           "points start at 50% on the held-out digits"),
}
