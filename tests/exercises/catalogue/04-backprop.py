"""Real mistakes in exercise 04-backprop, each with the diagnosis a student must see (see
test_catalogue.py). answers: question -> the whole answer cell that replaces the solution's."""

CENTRAL = ("def numerical_gradient(f, x, eps=1e-5):\n"
           "    grad = np.zeros(x.shape)\n"
           "    for i in np.ndindex(x.shape):\n"
           "        old = x[i]\n"
           "        x[i] = old + {eps}\n"
           "        plus = f(x)\n"
           "        x[i] = old - {eps}\n"
           "        minus = f(x)\n"
           "        {restore}\n"
           "        grad[i] = (plus - minus) / {bottom}\n"
           "    return {ret}")


def central(eps="eps", restore="x[i] = old", bottom="(2 * {eps})", ret="grad"):
    return CENTRAL.format(eps=eps, restore=restore, bottom=bottom.format(eps=eps), ret=ret)


NODE = ("def mul_backward(a, b, out):\n"
        "    {mul_a}\n"
        "    {mul_b}\n\n\n"
        "def tanh_backward(a, out):\n"
        "    {tanh}")


def node(mul_a="a.grad += b.data * out.grad", mul_b="b.grad += a.data * out.grad",
         tanh="a.grad += (1.0 - out.data ** 2) * out.grad"):
    return NODE.format(mul_a=mul_a, mul_b=mul_b, tanh=tanh)


BACKPROP = ("def backprop(X, Y, W1, b1, W2, b2, activation='sigmoid', output='sigmoid'):\n"
            "    N = X.shape[0]\n"
            "    A1 = HIDDEN[activation](X @ W1.T + b1)\n"
            "    Z2 = A1 @ W2.T + b2\n"
            "    if output == 'sigmoid':\n"
            "        A2 = sigmoid(Z2)\n"
            "        D2 = A2 * (1 - A2) * (A2 - Y) / {N}\n"
            "    else:\n"
            "        {softmax}\n"
            "    f_prime = {fprime}\n"
            "    D1 = {hidden}(D2 @ W2)\n"
            "    return {{'dW1': {dW1}, 'db1': {db}(D1), 'dW2': D2.T @ A1, 'db2': {db}(D2)}}")


def backprop(N="N", softmax="D2 = (softmax(Z2) - Y) / N",
             fprime="A1 * (1 - A1) if activation == 'sigmoid' else 1 - A1 ** 2",
             hidden="f_prime * ", dW1="D1.T @ X", db="(lambda D: D.sum(axis=0))"):
    return BACKPROP.format(N=N, softmax=softmax, fprime=fprime, hidden=hidden, dW1=dW1, db=db)


LECTURE = ("def gd_step(params, grads, lr):\n"
           "{body}\n\n\n"
           "E0 = mean_loss(x_lec, y_lec, **lecture)\n"
           "lecture_1 = gd_step(lecture, backprop(x_lec, y_lec, **lecture), 0.5)\n"
           "E1 = mean_loss(x_lec, y_lec, **{after})")


def lecture(body="    return {k: p - lr * grads['d' + k] for k, p in params.items()}",
            after="lecture_1"):
    return LECTURE.format(body=body, after=after)


MISTAKES = [
    {"id": "ex4-q1-eps-not-2eps", "question": "q1",
     "what": "the central difference divided by eps instead of 2 eps",
     "answers": {"q1": central(bottom="{eps}")},
     "diagnosis": "you divided by eps instead of 2 * eps"},
    {"id": "ex4-q1-forward-difference", "question": "q1",
     "what": "the forward difference (f(x + eps) - f(x)) / eps",
     "answers": {"q1": "def numerical_gradient(f, x, eps=1e-5):\n"
                       "    grad = np.zeros(x.shape)\n"
                       "    base = f(x)\n"
                       "    for i in np.ndindex(x.shape):\n"
                       "        old = x[i]\n"
                       "        x[i] = old + eps\n"
                       "        grad[i] = (f(x) - base) / eps\n"
                       "        x[i] = old\n"
                       "    return grad"},
     "diagnosis": "this is the forward difference"},
    {"id": "ex4-q1-not-restored", "question": "q1",
     "what": "x[i] left at old - eps",
     "answers": {"q1": central(restore="pass")},
     "diagnosis": "You forgot to restore the entry"},
    {"id": "ex4-q1-flattened", "question": "q1",
     "what": "the gradient returned flat, whatever the shape of x",
     "answers": {"q1": central(ret="grad.ravel()")},
     "diagnosis": "the result must have the shape of x"},
    {"id": "ex4-q1-fixed-eps", "question": "q1",
     "what": "a fixed step 1e-6 instead of the eps passed in",
     "answers": {"q1": central(eps="1e-6")},
     "diagnosis": "use the eps you are given"},
    {"id": "ex4-q1-calls-mlp", "question": "q1",
     "what": "the answer wraps mlp.numerical_gradient",
     "answers": {"q1": "import mlp\n\n\ndef numerical_gradient(f, x, eps=1e-5):\n"
                       "    return mlp.numerical_gradient(lambda: f(x), x, eps)"},
     "diagnosis": "mlp.gradcheck.numerical_gradient is not available here"},
    {"id": "ex4-q2-overwritten", "question": "q2",
     "what": "a.grad = ... instead of +=: a node used twice loses one path",
     "answers": {"q2": node(mul_a="a.grad = b.data * out.grad", mul_b="b.grad = a.data * out.grad",
                            tanh="a.grad = (1.0 - out.data ** 2) * out.grad")},
     "diagnosis": "gradients overwritten instead of added"},
    {"id": "ex4-q2-tanh-of-input", "question": "q2",
     "what": "tanh' computed from the input a instead of the output tanh(a)",
     "answers": {"q2": node(tanh="a.grad += (1.0 - a.data ** 2) * out.grad")},
     "diagnosis": "square out.data (the tanh), not a.data"},
    {"id": "ex4-q2-no-chain", "question": "q2",
     "what": "the local derivatives added without the factor out.grad",
     "answers": {"q2": node(mul_a="a.grad += b.data", mul_b="b.grad += a.data",
                            tanh="a.grad += 1.0 - out.data ** 2")},
     "diagnosis": "multiply by out.grad"},
    {"id": "ex4-q2-mul-swapped", "question": "q2",
     "what": "d(a b)/da taken as a",
     "answers": {"q2": node(mul_a="a.grad += a.data * out.grad",
                            mul_b="b.grad += b.data * out.grad")},
     "diagnosis": "d(a * b)/da = b"},
    {"id": "ex4-q3-no-fprime", "question": "q3",
     "what": "backprop without f'(z) in the hidden layer",
     "answers": {"q3": backprop(hidden="")},
     "diagnosis": "dW1: missing the f'(z) factor"},
    {"id": "ex4-q3-softmax-gprime", "question": "q3",
     "what": "an element-wise g' on the softmax branch, as if the outputs were sigmoids",
     "answers": {"q3": backprop(softmax="A2 = softmax(Z2)\n"
                                        "        D2 = A2 * (1 - A2) * (A2 - Y) / N")},
     "diagnosis": "the softmax output has no element-wise g'"},
    {"id": "ex4-q3-tanh-as-sigmoid", "question": "q3",
     "what": "the sigmoid's derivative a (1 - a) used for a tanh hidden layer",
     "answers": {"q3": backprop(fprime="A1 * (1 - A1)")},
     "diagnosis": "f'(z) of the tanh hidden layer is 1 - a**2"},
    {"id": "ex4-q3-no-mean", "question": "q3",
     "what": "the gradients of the sum, not the mean (no 1/N)",
     "answers": {"q3": backprop(N="1").replace("D2 = (softmax(Z2) - Y) / N",
                                               "D2 = softmax(Z2) - Y")},
     "diagnosis": "a factor of N: missing a division by N"},
    {"id": "ex4-q3-transposed", "question": "q3",
     "what": "dW1 as X.T @ D1 (transposed)",
     "answers": {"q3": backprop(dW1="X.T @ D1")},
     "diagnosis": "dW1 is transposed"},
    {"id": "ex4-q3-db-mean", "question": "q3",
     "what": "db as the mean of delta over the batch (1/N twice)",
     "answers": {"q3": backprop(db="(lambda D: D.mean(axis=0))")},
     "diagnosis": "the 1/N is already in delta"},
    {"id": "ex4-q3-db-wrong-axis", "question": "q3",
     "what": "db summed over the units (axis=1) instead of the examples",
     "answers": {"q3": backprop(db="(lambda D: D.sum(axis=1))")},
     "diagnosis": "db sums delta over the examples, axis=0"},
    {"id": "ex4-q3-a0-is-a1", "question": "q3",
     "what": "dW1 computed from the hidden activations instead of the input",
     "answers": {"q3": backprop(dW1="D1.T @ A1")},
     "diagnosis": "dW1 = delta1^T a^(0), and a^(0) = X"},
    {"id": "ex4-q3-calls-mlp", "question": "q3",
     "what": "backprop built on mlp.MLP.loss_and_grads",
     "answers": {"q3": "import mlp\n\n\n"
                       "def backprop(X, Y, W1, b1, W2, b2, activation='sigmoid', "
                       "output='sigmoid'):\n"
                       "    net = mlp.MLP([W1.shape[1], W1.shape[0], W2.shape[0]], "
                       "activation=activation,\n"
                       "                  output='sigmoid' if output == 'sigmoid' "
                       "else 'identity')\n"
                       "    for l, (W, b) in ((1, (W1, b1)), (2, (W2, b2))):\n"
                       "        net.layer(l).W.data[...], net.layer(l).b.data[...] = W, b\n"
                       "    loss = mlp.SquaredError() if output == 'sigmoid' "
                       "else mlp.SoftmaxCrossEntropy()\n"
                       "    net.loss_and_grads(X, Y, loss)\n"
                       "    return {'dW1': net.layer(1).W.grad, 'db1': net.layer(1).b.grad,\n"
                       "            'dW2': net.layer(2).W.grad, 'db2': net.layer(2).b.grad}"},
     "diagnosis": "mlp.MLP.loss_and_grads is not available here"},
    {"id": "ex4-q4-ascent", "question": "q4",
     "what": "the update adds the gradient",
     "answers": {"q4": lecture(body="    return {k: p + lr * grads['d' + k] "
                                    "for k, p in params.items()}")},
     "diagnosis": "the update adds the gradient"},
    {"id": "ex4-q4-in-place", "question": "q4",
     "what": "gd_step changes params in place (and returns them)",
     "answers": {"q4": lecture(body="    for k in params:\n"
                                    "        params[k] -= lr * grads['d' + k]\n"
                                    "    return params")},
     "diagnosis": "gd_step changed params in place"},
    {"id": "ex4-q4-no-lr", "question": "q4",
     "what": "the learning rate left out of the step",
     "answers": {"q4": lecture(body="    return {k: p - grads['d' + k] "
                                    "for k, p in params.items()}")},
     "diagnosis": "multiply the gradient by the learning rate lr"},
    {"id": "ex4-q4-e1-before-step", "question": "q4",
     "what": "E1 computed from the old parameters",
     "answers": {"q4": lecture(after="lecture")},
     "diagnosis": "E1 equals E0"},
    {"id": "ex4-q4-q3-wrong", "question": "q4",
     "what": "a right step on a backprop (question 3) without f'(z)",
     "answers": {"q3": backprop(hidden="")},
     "diagnosis": "Fix question 3 first"},
]
