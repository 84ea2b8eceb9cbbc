"""Real mistakes in exercise 01-xor, each with the diagnosis a student must see (see
test_catalogue.py).

answers: question -> the whole answer cell that replaces the solution's."""

GATES = ("AND = (np.array([1.0, 1.0]), {and_b})\n"
         "OR = (np.array([1.0, 1.0]), -0.5)\n"
         "NAND = ({nand_w}, {nand_b})")


def gates(and_b="-1.5", nand_w="np.array([-1.0, -1.0])", nand_b="1.5"):
    return GATES.format(and_b=and_b, nand_w=nand_w, nand_b=nand_b)


XOR = ("W1 = {W1}\nb1 = {b1}\nW2 = {W2}\nb2 = {b2}")


def xor(W1="np.array([[1.0, 1.0], [-1.0, -1.0]])", b1="np.array([-0.5, 1.5])",
        W2="np.array([[1.0, 1.0]])", b2="np.array([-1.5])"):
    return XOR.format(W1=W1, b1=b1, W2=W2, b2=b2)


UPDATE = ("def perceptron_update(w, b, x, y, lr=1.0):\n"
          "    y_hat = float(np.dot(w, x) + b {cmp} 0)\n"
          "{body}")


def update(body="    w = w + lr * (y - y_hat) * x\n    b = b + lr * (y - y_hat)\n    return w, b",
           cmp=">="):
    return UPDATE.format(body=body, cmp=cmp)


TRAIN = ("def train_perceptron(X, y, lr=1.0, epochs=10):\n"
         "    w, b, errors = np.zeros(X.shape[1]), 0.0, []\n"
         "{outer}"
         "    for _ in range({epochs}):\n"
         "{inner}"
         "        for x, t in zip(X, y):\n"
         "{step}"
         "        errors.append(wrong)\n"
         "    return w, b, errors")
BEFORE = ("            wrong += int(float(np.dot(w, x) + b >= 0) != t)\n"
          "            w, b = perceptron_update(w, b, x, t, lr)\n")
AFTER = ("            w, b = perceptron_update(w, b, x, t, lr)\n"
         "            wrong += int(float(np.dot(w, x) + b >= 0) != t)\n")


def train(step=BEFORE, epochs="epochs", outer="", inner="        wrong = 0\n"):
    return TRAIN.format(step=step, epochs=epochs, outer=outer, inner=inner)


MISTAKES = [
    {"id": "ex1-q1-and-as-or", "question": "q1",
     "what": "the AND unit's threshold is too low (b = -0.5), so it computes OR",
     "answers": {"q1": gates(and_b="-0.5")},
     "diagnosis": "the AND unit computes OR instead"},
    {"id": "ex1-q1-nand-not-negated", "question": "q1",
     "what": "NAND given the weights of AND (the negation forgotten)",
     "answers": {"q1": gates(nand_w="np.array([1.0, 1.0])", nand_b="-1.5")},
     "diagnosis": "NAND is NOT AND: flip the signs of the AND unit's w and b"},
    {"id": "ex1-q1-on-boundary", "question": "q1",
     "what": "AND with b = -2, so (1, 1) lies exactly on the line",
     "answers": {"q1": gates(and_b="-2.0")},
     "diagnosis": "lie exactly on the decision boundary"},
    {"id": "ex1-q1-bias-per-row", "question": "q1",
     "what": "a bias vector with one entry per input row, which can fit any truth table",
     "answers": {"q1": gates(and_b="np.array([-1.5, -1.5, -1.5, -0.5])")},
     "diagnosis": "AND: b should be a single number, the unit's one bias"},
    {"id": "ex1-q1-w-row-matrix", "question": "q1",
     "what": "w written as a 1 x 2 matrix",
     "answers": {"q1": gates().replace("AND = (np.array([1.0, 1.0])",
                                       "AND = (np.array([[1.0, 1.0]])")},
     "diagnosis": "AND: w has shape (1, 2), expected (2,)"},
    {"id": "ex1-q2-w2-transposed", "question": "q2",
     "what": "W2 as a column (2, 1) instead of a row",
     "answers": {"q2": xor(W2="np.array([[1.0], [1.0]])")},
     "diagnosis": "W2 is transposed: it has shape (2, 1), expected (1, 2)"},
    {"id": "ex1-q2-w1-transposed", "question": "q2",
     "what": "W1 with the hidden units' weights in its columns (transposed)",
     "answers": {"q2": xor(W1="np.array([[1.0, -1.0], [1.0, -1.0]])")},
     "diagnosis": "W1 is transposed: row j of W1 holds the weights INTO hidden unit j"},
    {"id": "ex1-q2-output-or", "question": "q2",
     "what": "the output unit combines the hidden units with OR instead of AND",
     "answers": {"q2": xor(b2="np.array([-0.5])")},
     "diagnosis": "the output unit must be an AND of the two hidden units"},
    {"id": "ex1-q2-bias-row", "question": "q2",
     "what": "b1 written as a 1 x 2 matrix",
     "answers": {"q2": xor(b1="np.array([[-0.5, 1.5]])")},
     "diagnosis": "b1 has shape (1, 2), expected (2,)"},
    {"id": "ex1-q3-sign", "question": "q3",
     "what": "the error taken as y_hat - y",
     "answers": {"q3": update("    w = w + lr * (y_hat - y) * x\n    b = b + lr * (y_hat - y)\n"
                              "    return w, b")},
     "diagnosis": "sign error: the rule adds lr * (y - y_hat) * x"},
    {"id": "ex1-q3-in-place", "question": "q3",
     "what": "w updated in place with +=",
     "answers": {"q3": update("    w += lr * (y - y_hat) * x\n    b = b + lr * (y - y_hat)\n"
                              "    return w, b")},
     "diagnosis": "perceptron_update changed the w it was given"},
    {"id": "ex1-q3-no-bias", "question": "q3",
     "what": "the bias is never updated",
     "answers": {"q3": update("    w = w + lr * (y - y_hat) * x\n    return w, b")},
     "diagnosis": "b never changes: the rule updates the bias too"},
    {"id": "ex1-q3-strict", "question": "q3",
     "what": "step(0) taken as 0 (z > 0)",
     "answers": {"q3": update(cmp=">")},
     "diagnosis": "step(z) is 1 when z >= 0"},
    {"id": "ex1-q3-no-lr", "question": "q3",
     "what": "the learning rate left out",
     "answers": {"q3": update("    w = w + (y - y_hat) * x\n    b = b + (y - y_hat)\n"
                              "    return w, b")},
     "diagnosis": "the learning rate lr is missing"},
    {"id": "ex1-q3-bias-times-x", "question": "q3",
     "what": "the bias updated like a weight, with the input x (b becomes a vector)",
     "answers": {"q3": update("    w = w + lr * (y - y_hat) * x\n    b = b + lr * (y - y_hat) * x\n"
                              "    return w, b")},
     "diagnosis": "b must stay one number"},
    {"id": "ex1-q3-returns-w-only", "question": "q3",
     "what": "only the new w is returned",
     "answers": {"q3": update("    w = w + lr * (y - y_hat) * x\n    b = b + lr * (y - y_hat)\n"
                              "    return w")},
     "diagnosis": "perceptron_update should return the pair (w, b)"},
    {"id": "ex1-q4-count-after", "question": "q4",
     "what": "mistakes counted after the update instead of before",
     "answers": {"q4": train(step=AFTER)},
     "diagnosis": "count a mistake BEFORE the update"},
    {"id": "ex1-q4-cumulative", "question": "q4",
     "what": "the error count is not reset at the start of each epoch",
     "answers": {"q4": train(outer="    wrong = 0\n", inner="")},
     "diagnosis": "start the count at 0 in every epoch"},
    {"id": "ex1-q4-extra-epoch", "question": "q4",
     "what": "one pass too many (range(epochs + 1))",
     "answers": {"q4": train(epochs="epochs + 1")},
     "diagnosis": "errors should have one entry per epoch"},
    {"id": "ex1-q4-q3-wrong", "question": "q4",
     "what": "train_perceptron is right but uses a perceptron_update with the sign error",
     "answers": {"q3": update("    w = w + lr * (y_hat - y) * x\n    b = b + lr * (y_hat - y)\n"
                              "    return w, b")},
     "diagnosis": "fix question 3 first"},
    {"id": "ex1-q4-returns-pair", "question": "q4",
     "what": "only (w, errors) returned",
     "answers": {"q4": train().replace("return w, b, errors", "return w, errors")},
     "diagnosis": "train_perceptron should return a tuple (w, b, errors)"},
    {"id": "ex1-q4-no-bias", "question": "q4",
     "what": "its own update that forgets the bias",
     "answers": {"q4": train(step="            y_hat = float(w @ x + b >= 0)\n"
                                  "            wrong += int(y_hat != t)\n"
                                  "            w = w + lr * (t - y_hat) * x\n")},
     "diagnosis": "the bias never changes: update b as well as w"},
]
