"""Real mistakes in exercise 06-double-descent, each with the diagnosis a student must see (see
test_catalogue.py). answers: question -> the whole answer cell that replaces the solution's."""

SPLIT = ("def split_train_val(X, y, val_fraction, rng):\n"
         "    order = rng.permutation(len(X))\n"
         "    n_val = {n_val}\n"
         "    val, train = {slices}\n"
         "    return {ret}")


def split(n_val="round(val_fraction * len(X))", slices="order[:n_val], order[n_val:]",
          ret="X[train], y[train], X[val], y[val]"):
    return SPLIT.format(n_val=n_val, slices=slices, ret=ret)


STOP = ("def early_stopping(val_losses, patience):\n"
        "    best = 0\n"
        "    for e in range(1, len(val_losses)):\n"
        "        if val_losses[e] {cmp} val_losses[{against}]:\n"
        "            best = e\n"
        "        elif e - best {late} patience:\n"
        "            return best, e\n"
        "    return best, {end}")


def stop(cmp="<", against="best", late=">=", end="len(val_losses) - 1"):
    return STOP.format(cmp=cmp, against=against, late=late, end=end)


FEATURES = ("def random_features(X, W):\n"
            "    return {features}\n\n\n"
            "def fit_readout(Phi, y):\n"
            "{fit}")
FIT = "    return np.linalg.lstsq(Phi, y, rcond=None)[0]"


def features(features="np.maximum(X @ W.T, 0.0) / np.sqrt(W.shape[0])", fit=FIT):
    return FEATURES.format(features=features, fit=fit)


CURVE = ("def error_curve(X_train, y_train, X_test, y_test, W, ps):\n"
         "    errors = []\n"
         "    for p in ps:\n"
         "        a = fit_readout(random_features(X_train, W[:p]), y_train)\n"
         "        errors.append({error})\n"
         "    return np.array(errors)\n\n\n"
         "errors = error_curve(X_train, y_train, X_test, y_test, W, ps)\n"
         "p_peak = {peak}")


def curve(error="np.mean((random_features(X_test, W[:p]) @ a - y_test) ** 2)",
          peak="ps[np.argmax(errors)]"):
    return CURVE.format(error=error, peak=peak)


MISTAKES = [
    {"id": "ex6-q1-int", "question": "q1",
     "what": "n_val = int(val_fraction * n), which cuts 3.5 to 3",
     "answers": {"q1": split(n_val="int(val_fraction * len(X))")},
     "diagnosis": "n_val = round(val_fraction * n) = round(3.5) = 4, not int(3.5) = 3"},
    {"id": "ex6-q1-overlap", "question": "q1",
     "what": "the training slice starts one row early (off by one)",
     "answers": {"q1": split(slices="order[:n_val], order[n_val - 1:]")},
     "diagnosis": "the training and validation sets overlap"},
    {"id": "ex6-q1-lost-row", "question": "q1",
     "what": "the training slice starts one row late (off by one)",
     "answers": {"q1": split(slices="order[:n_val], order[n_val + 1:]")},
     "diagnosis": "row(s) of X are in no set"},
    {"id": "ex6-q1-end-of-permutation", "question": "q1",
     "what": "the validation set taken from the end of the permutation",
     "answers": {"q1": split(slices="order[len(X) - n_val:], order[:len(X) - n_val]")},
     "diagnosis": "the validation set is the START of the permutation"},
    {"id": "ex6-q1-labels-shuffled-apart", "question": "q1",
     "what": "X and y shuffled with two different permutations",
     "answers": {"q1": "def split_train_val(X, y, val_fraction, rng):\n"
                       "    n_val = round(val_fraction * len(X))\n"
                       "    Xs, ys = X[rng.permutation(len(X))], y[rng.permutation(len(X))]\n"
                       "    return Xs[n_val:], ys[n_val:], Xs[:n_val], ys[:n_val]"},
     "diagnosis": "labels do not belong to their rows"},
    {"id": "ex6-q1-order", "question": "q1",
     "what": "the validation pair returned first",
     "answers": {"q1": split(ret="X[val], y[val], X[train], y[train]")},
     "diagnosis": "return (X_train, y_train, X_val, y_val) in that order"},
    {"id": "ex6-q2-off-by-one", "question": "q2",
     "what": "stops one epoch late (e - best > patience)",
     "answers": {"q2": stop(late=">")},
     "diagnosis": "off by one"},
    {"id": "ex6-q2-tie", "question": "q2",
     "what": "a tie counted as an improvement (<=)",
     "answers": {"q2": stop(cmp="<=")},
     "diagnosis": "a tie is not an improvement"},
    {"id": "ex6-q2-previous", "question": "q2",
     "what": "each epoch compared with the previous one instead of the best",
     "answers": {"q2": stop(against="e - 1")},
     "diagnosis": "compare each epoch with the best loss so far"},
    {"id": "ex6-q2-argmin", "question": "q2",
     "what": "the best epoch as the minimum of all losses, also those after the stop",
     "answers": {"q2": stop().replace("            return best, e",
                                      "            return int(np.argmin(val_losses)), e")},
     "diagnosis": "the best epoch must be one that training reached"},
    {"id": "ex6-q2-end", "question": "q2",
     "what": "the last epoch taken as len(val_losses)",
     "answers": {"q2": stop(end="len(val_losses)")},
     "diagnosis": "training ends at the last epoch, len(val_losses) - 1"},
    {"id": "ex6-q3-sqrt-d", "question": "q3",
     "what": "scaled by 1/sqrt(d) instead of 1/sqrt(p)",
     "answers": {"q3": features(features="np.maximum(X @ W.T, 0.0) / np.sqrt(W.shape[1])")},
     "diagnosis": "divide by sqrt(p), where p = W.shape[0]"},
    {"id": "ex6-q3-no-relu", "question": "q3",
     "what": "the features without the ReLU",
     "answers": {"q3": features(features="X @ W.T / np.sqrt(W.shape[0])")},
     "diagnosis": "apply the ReLU"},
    {"id": "ex6-q3-w-not-transposed", "question": "q3",
     "what": "X @ W instead of X @ W.T",
     "answers": {"q3": features(features="np.maximum(X @ W, 0.0) / np.sqrt(W.shape[0])")},
     "diagnosis": "the pre-activations of a batch are X @ W.T"},
    {"id": "ex6-q3-ridge", "question": "q3",
     "what": "a small ridge penalty added to make the solve work",
     "answers": {"q3": features(fit="    p = Phi.shape[1]\n"
                                    "    return np.linalg.solve(Phi.T @ Phi + 1e-3 * np.eye(p), "
                                    "Phi.T @ y)")},
     "diagnosis": "does not fit the training data exactly"},
    {"id": "ex6-q3-normal-equations", "question": "q3",
     "what": "the normal equations, singular when p > n",
     "answers": {"q3": features(fit="    return np.linalg.solve(Phi.T @ Phi, Phi.T @ y)")},
     "diagnosis": "the p x p matrix Phi^T Phi has rank n"},
    {"id": "ex6-q4-train-error", "question": "q4",
     "what": "the curve of training errors",
     "answers": {"q4": curve(error="np.mean((random_features(X_train, W[:p]) @ a "
                                   "- y_train) ** 2)")},
     "diagnosis": "that is the training error"},
    {"id": "ex6-q4-sum", "question": "q4",
     "what": "the sum of squared errors instead of their mean",
     "answers": {"q4": curve(error="np.sum((random_features(X_test, W[:p]) @ a - y_test) ** 2)")},
     "diagnosis": "a factor of N_test, the number of test points"},
    {"id": "ex6-q4-q3-wrong", "question": "q4",
     "what": "a right error_curve on top of random features without the ReLU",
     "answers": {"q3": features(features="X @ W.T / np.sqrt(W.shape[0])")},
     "diagnosis": "fix question 3 first"},
    {"id": "ex6-q4-peak-index", "question": "q4",
     "what": "p_peak as the position of the maximum instead of the width there",
     "answers": {"q4": curve(peak="np.argmax(errors)")},
     "diagnosis": "not the position itself"},
]
