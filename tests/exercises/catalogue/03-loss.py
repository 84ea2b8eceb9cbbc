"""Real mistakes in exercise 03-loss, each with the diagnosis a student must see (see
test_catalogue.py). answers: question -> the whole answer cell that replaces the solution's."""


def softmax(body):
    return "def softmax(Z):\n" + body


def ce(body):
    return "def cross_entropy(Z, y):\n" + body


def ce_grad(body):
    return "def cross_entropy_grad(Z, y):\n" + body


BCE = ("def bce_with_logits(z, y):\n{loss}\n\n\n"
       "def bce_with_logits_grad(z, y):\n{grad}")
BCE_LOSS = ("    softplus = np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))\n"
            "    return float(np.mean(softplus - y * z))")
BCE_GRAD = "    return (sigmoid(z) - y) / len(z)"


def bce(loss=BCE_LOSS, grad=BCE_GRAD):
    return BCE.format(loss=loss, grad=grad)


SQUARED = ("def squared_error(A, Y):\n    return {J}\n\n\n"
           "def squared_error_grad(A, Y):\n    return {dJ}\n\n\n"
           "def mse(A, Y):\n    return {M}\n\n\n"
           "def mse_grad(A, Y):\n    return {dM}")


def squared(J="float(np.sum((A - Y) ** 2) / (2 * A.shape[0]))", dJ="(A - Y) / A.shape[0]",
            M="float(np.mean((A - Y) ** 2))", dM="2 * (A - Y) / A.size"):
    return SQUARED.format(J=J, dJ=dJ, M=M, dM=dM)


MISTAKES = [
    {"id": "ex3-q1-no-shift", "question": "q1",
     "what": "softmax without subtracting the maximum: exp overflows at logits of 1000",
     "answers": {"q1": softmax("    E = np.exp(Z)\n    return E / E.sum(axis=1, keepdims=True)")},
     "diagnosis": "softmax overflows at large inputs"},
    {"id": "ex3-q1-global-max", "question": "q1",
     "what": "shifted by the maximum of the whole array: a row far below it underflows to 0 / 0",
     "answers": {"q1": softmax("    E = np.exp(Z - Z.max())\n"
                               "    return E / E.sum(axis=1, keepdims=True)")},
     "diagnosis": "subtract each row's own maximum"},
    {"id": "ex3-q1-sum-all", "question": "q1",
     "what": "divided by the sum of the whole array",
     "answers": {"q1": softmax("    E = np.exp(Z - Z.max(axis=1, keepdims=True))\n"
                               "    return E / E.sum()")},
     "diagnosis": "each row must sum to 1: divide by the sum over that row"},
    {"id": "ex3-q1-wrong-axis", "question": "q1",
     "what": "the sum over axis=0 (the examples) instead of axis=1",
     "answers": {"q1": softmax("    E = np.exp(Z - Z.max(axis=1, keepdims=True))\n"
                               "    return E / E.sum(axis=0, keepdims=True)")},
     "diagnosis": "sum over axis=1 (the K classes of one example), not over axis=0"},
    {"id": "ex3-q1-no-keepdims", "question": "q1",
     "what": "the row sums without keepdims=True, which broadcast along the wrong axis",
     "answers": {"q1": softmax("    E = np.exp(Z - Z.max(axis=1, keepdims=True))\n"
                               "    return E / E.sum(axis=1)")},
     "diagnosis": "without keepdims=True the N row sums have shape (N,) and line up with the "
                  "columns"},
    {"id": "ex3-q1-longdouble", "question": "q1",
     "what": "the naive formula in np.longdouble, which does not overflow at 1000",
     "answers": {"q1": softmax("    E = np.exp(np.asarray(Z, dtype=np.longdouble))\n"
                               "    return (E / E.sum(axis=1, keepdims=True)).astype(float)")},
     "diagnosis": "softmax overflows at large inputs"},
    {"id": "ex3-q1-calls-mlp", "question": "q1",
     "what": "the answer calls mlp's own softmax",
     "answers": {"q1": "import mlp\n\n\n" + softmax("    return mlp.numerics.softmax(Z, axis=1)")},
     "diagnosis": "mlp.numerics.softmax is not available here"},
    {"id": "ex3-q2-sum", "question": "q2",
     "what": "the sum over the batch instead of the mean",
     "answers": {"q2": ce("    m = Z.max(axis=1)\n"
                          "    logsumexp = m + np.log(np.exp(Z - m[:, None]).sum(axis=1))\n"
                          "    return float(np.sum(logsumexp - Z[np.arange(len(y)), y]))")},
     "diagnosis": "the loss is the mean over the N examples, not the sum"},
    {"id": "ex3-q2-log-of-softmax", "question": "q2",
     "what": "-log of the softmax probability, which is log(0) once it underflows",
     "answers": {"q2": ce("    P = softmax(Z)\n"
                          "    return float(-np.mean(np.log(P[np.arange(len(y)), y])))")},
     "diagnosis": "cross_entropy takes the log of 0"},
    {"id": "ex3-q2-sign", "question": "q2",
     "what": "the log-likelihood instead of its negative",
     "answers": {"q2": ce("    m = Z.max(axis=1)\n"
                          "    logsumexp = m + np.log(np.exp(Z - m[:, None]).sum(axis=1))\n"
                          "    return float(np.mean(Z[np.arange(len(y)), y] - logsumexp))")},
     "diagnosis": "sign error: the loss is -log softmax(z)_y"},
    {"id": "ex3-q2-per-example", "question": "q2",
     "what": "the loss of every example returned, not their mean",
     "answers": {"q2": ce("    m = Z.max(axis=1)\n"
                          "    logsumexp = m + np.log(np.exp(Z - m[:, None]).sum(axis=1))\n"
                          "    return logsumexp - Z[np.arange(len(y)), y]")},
     "diagnosis": "return ONE number, the mean over the N examples"},
    {"id": "ex3-q3-no-mean", "question": "q3",
     "what": "softmax minus one-hot without the 1/N",
     "answers": {"q3": ce_grad("    Y = np.zeros(Z.shape)\n    Y[np.arange(len(y)), y] = 1.0\n"
                               "    return softmax(Z) - Y")},
     "diagnosis": "missing the 1/N"},
    {"id": "ex3-q3-sign", "question": "q3",
     "what": "one-hot minus softmax",
     "answers": {"q3": ce_grad("    Y = np.zeros(Z.shape)\n    Y[np.arange(len(y)), y] = 1.0\n"
                               "    return (Y - softmax(Z)) / len(y)")},
     "diagnosis": "sign error: the gradient is softmax(Z) - Y"},
    {"id": "ex3-q3-onehot-columns", "question": "q3",
     "what": "the one-hot matrix built with Y[:, y] = 1",
     "answers": {"q3": ce_grad("    Y = np.zeros(Z.shape)\n    Y[:, y] = 1.0\n"
                               "    return (softmax(Z) - Y) / len(y)")},
     "diagnosis": "Y[np.arange(N), y] = 1, not Y[:, y] = 1"},
    {"id": "ex3-q3-q1-wrong", "question": "q3",
     "what": "a right gradient built on a softmax (question 1) that divides by the sum of the "
             "whole array",
     "answers": {"q1": softmax("    E = np.exp(Z - Z.max(axis=1, keepdims=True))\n"
                               "    return E / E.sum()")},
     "diagnosis": "fix question 1 first"},
    {"id": "ex3-q4-log-sigmoid", "question": "q4",
     "what": "the textbook formula with log(sigmoid(z)), which is log(0) at z = -1000",
     "answers": {"q4": bce(loss="    p = sigmoid(z)\n"
                                "    return float(-np.mean(y * np.log(p) "
                                "+ (1 - y) * np.log(1 - p)))")},
     "diagnosis": "write the loss as softplus(z) - y z"},
    {"id": "ex3-q4-swapped", "question": "q4",
     "what": "y and 1 - y swapped",
     "answers": {"q4": bce(loss="    softplus = np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))\n"
                                "    return float(np.mean(softplus - (1 - y) * z))")},
     "diagnosis": "y and 1 - y are swapped"},
    {"id": "ex3-q4-grad-no-mean", "question": "q4",
     "what": "the gradient without the 1/N",
     "answers": {"q4": bce(grad="    return sigmoid(z) - y")},
     "diagnosis": "missing the 1/N: the loss is a mean"},
    {"id": "ex3-q4-per-example", "question": "q4",
     "what": "the loss of every example returned, not their mean",
     "answers": {"q4": bce(loss="    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))) "
                                "- y * z")},
     "diagnosis": "return ONE number, the mean over the N examples"},
    {"id": "ex3-q5-mse-grad-half", "question": "q5",
     "what": "the derivative of the MSE without the factor 2",
     "answers": {"q5": squared(dM="(A - Y) / A.size")},
     "diagnosis": "its derivative keeps the factor 2"},
    {"id": "ex3-q5-no-half", "question": "q5",
     "what": "squared error without the 1/2",
     "answers": {"q5": squared(J="float(np.sum((A - Y) ** 2) / A.shape[0])")},
     "diagnosis": "the 1/2 is missing"},
    {"id": "ex3-q5-mse-over-n", "question": "q5",
     "what": "the MSE averaged over the examples only (sum over the outputs)",
     "answers": {"q5": squared(M="float(np.sum((A - Y) ** 2) / A.shape[0])")},
     "diagnosis": "MSE averages over all N * K numbers"},
    {"id": "ex3-q5-grad-no-mean", "question": "q5",
     "what": "the squared error's gradient without the 1/N",
     "answers": {"q5": squared(dJ="A - Y")},
     "diagnosis": "missing the 1/N: J is a mean over the N examples"},
]
