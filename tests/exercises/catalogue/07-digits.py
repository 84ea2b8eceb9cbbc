"""Real mistakes in exercise 07-digits, each with the diagnosis a student must see (see
test_catalogue.py). answers: question -> the whole answer cell that replaces the solution's."""


def standardize(stats="X_train.mean(axis=0), X_train.std(axis=0)",
                out="(X - mu) / np.where(sigma == 0, 1.0, sigma)"):
    return f"def standardize(X_train, X):\n    mu, sigma = {stats}\n    return {out}"


TRAIN = ("mean = {mean}\n"
         "std = {std}\n"
         "activation = {activation}\n"
         "Z_train, Z_val = (X_train - mean) / std, (X_val - mean) / std\n"
         "net = mlp.MLP([64, 64, 10], activation='relu', output='identity', rng=0)\n"
         "{train}"
         "weights = {weights}")
FIT = ("history = mlp.fit(net, mlp.SoftmaxCrossEntropy(), "
       "mlp.optim.Adam(net.parameters(), lr=1e-3),\n"
       "                  Z_train, y_train, epochs=300, batch_size=32, validation=(Z_val, y_val),\n"
       "                  early_stopping=20, rng=0)\n")
WEIGHTS = "[(net.layer(l).W.data.copy(), net.layer(l).b.data.copy()) for l in range(1, net.L + 1)]"
STD = "np.where(X_train.std(axis=0) == 0, 1.0, X_train.std(axis=0))"


def network(mean="X_train.mean(axis=0)", std=STD, activation="'relu'", train=FIT, weights=WEIGHTS):
    return TRAIN.format(mean=mean, std=std, activation=activation, train=train, weights=weights)


MISTAKES = [
    {"id": "ex7-q1-own-statistics", "question": "q1",
     "what": "X scaled with its own mean and standard deviation",
     "answers": {"q1": standardize(stats="X.mean(axis=0), X.std(axis=0)")},
     "diagnosis": "use the mean and standard deviation of the TRAINING rows"},
    {"id": "ex7-q1-both-sets", "question": "q1",
     "what": "statistics of the training rows and X together",
     "answers": {"q1": standardize(stats="np.vstack([X_train, X]).mean(axis=0), "
                                         "np.vstack([X_train, X]).std(axis=0)")},
     "diagnosis": "use the training rows only"},
    {"id": "ex7-q1-variance", "question": "q1",
     "what": "divided by the variance",
     "answers": {"q1": standardize(stats="X_train.mean(axis=0), X_train.var(axis=0)")},
     "diagnosis": "divide by the standard deviation, not by the variance"},
    {"id": "ex7-q1-no-centering", "question": "q1",
     "what": "only divided by the standard deviation",
     "answers": {"q1": standardize(out="X / np.where(sigma == 0, 1.0, sigma)")},
     "diagnosis": "subtract the mean as well"},
    {"id": "ex7-q1-blank-pixels", "question": "q1",
     "what": "no guard for pixels blank in every training scan: 0 / 0",
     "answers": {"q1": standardize(out="(X - mu) / sigma")},
     "diagnosis": "standardize gives NaN"},
    {"id": "ex7-q1-ddof", "question": "q1",
     "what": "the sample standard deviation (ddof=1)",
     "answers": {"q1": standardize(stats="X_train.mean(axis=0), X_train.std(axis=0, ddof=1)")},
     "diagnosis": "np.std with its default ddof=0"},
    {"id": "ex7-q1-per-row", "question": "q1",
     "what": "one mean and standard deviation per row (axis=1)",
     "answers": {"q1": standardize(stats="X_train.mean(axis=1, keepdims=True), "
                                         "X_train.std(axis=1, keepdims=True)")},
     "diagnosis": "axis=0, not per row (axis=1)"},
    {"id": "ex7-q1-calls-mlp", "question": "q1",
     "what": "standardize built on mlp.datasets.standardize",
     "answers": {"q1": "def standardize(X_train, X):\n"
                       "    return mlp.datasets.standardize(X_train, X)[1]"},
     "diagnosis": "mlp.datasets.standardize is not available here"},
    {"id": "ex7-q2-untrained", "question": "q2",
     "what": "the weights of a network that was never trained",
     "answers": {"q2": network(train="")},
     "diagnosis": "points start at 50% on the held-out digits"},
    {"id": "ex7-q2-transposed", "question": "q2",
     "what": "the weight matrices handed in transposed, (n_in, n_out)",
     "answers": {"q2": network(weights="[(net.layer(l).W.data.T.copy(), "
                                       "net.layer(l).b.data.copy()) "
                                       "for l in range(1, net.L + 1)]")},
     "diagnosis": "it is transposed: mlp's W^(l) has one ROW per unit of layer l"},
    {"id": "ex7-q2-activation-name", "question": "q2",
     "what": "the activation named 'ReLU'",
     "answers": {"q2": network(activation="'ReLU'")},
     "diagnosis": "activation should name the hidden layers' activation"},
    {"id": "ex7-q2-std-zeros", "question": "q2",
     "what": "std handed in with the zeros of the blank pixels",
     "answers": {"q2": network(std="X_train.std(axis=0)",
                               train=FIT.replace("Z_train, y_train",
                                                 "np.nan_to_num(Z_train), y_train")
                               .replace("validation=(Z_val, y_val)",
                                        "validation=(np.nan_to_num(Z_val), y_val)"))},
     "diagnosis": "std has 3 entries <= 0"},
    {"id": "ex7-q2-weights-only", "question": "q2",
     "what": "only the weight matrices handed in, without the biases",
     "answers": {"q2": network(weights="[net.layer(l).W.data.copy() "
                                       "for l in range(1, net.L + 1)]")},
     "diagnosis": "weights should be a list of pairs"},
    {"id": "ex7-q2-mean-keepdims", "question": "q2",
     "what": "mean kept as a 1 x 64 row",
     "answers": {"q2": network(mean="X_train.mean(axis=0, keepdims=True)")},
     "diagnosis": "mean has shape (1, 64), expected (64,)"},
]
