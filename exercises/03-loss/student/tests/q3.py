from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_cross_entropy_grad(cross_entropy_grad, softmax):
    import numpy as np
    from mlp import checks

    def P(Z):
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        return E / E.sum(axis=1, keepdims=True)

    def Y(Z, y):
        out = np.zeros(Z.shape)
        out[np.arange(len(y)), y] = 1.0
        return out

    def right(Z, y):
        return (P(Z) - Y(Z, y)) / len(y)

    def columns(Z, y):
        out = np.zeros(Z.shape)
        out[:, y] = 1.0
        return out
    mistakes = {'missing the 1/N: the loss is the mean over the N examples, so its gradient is (softmax(Z) - Y) / N.': lambda Z, y: P(Z) - Y(Z, y), 'sign error: the gradient is softmax(Z) - Y (Y the one-hot labels), not Y - softmax(Z).': lambda Z, y: -right(Z, y), "the one-hot target is missing: subtract 1 at each example's label, (softmax(Z) - Y) / N.": lambda Z, y: P(Z) / len(y), 'divide by N, the number of examples, not by N * K.': lambda Z, y: right(Z, y) / Z.shape[1], 'the one-hot rows put a 1 in row n at column y_n only: Y[np.arange(N), y] = 1, not Y[:, y] = 1 (which fills whole columns).': lambda Z, y: (P(Z) - columns(Z, y)) / len(y)}

    def softmax_is_right():
        try:
            Z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
            return bool(np.allclose(np.asarray(softmax(Z.copy()), dtype=float), P(Z)))
        except Exception:
            return False
    Z = np.array([[-5.0, -1.0, 1.0, 5.0], [2.0, 0.5, 0.5, -1.0], [0.0, 0.0, 0.0, 0.0]])
    y = np.array([3, 0, 2])
    rng = np.random.default_rng(2)
    inputs = [(Z, y), (rng.normal(size=(5, 3)), np.array([0, 2, 1, 1, 0]))]
    try:
        checks.check_function(cross_entropy_grad, right, inputs, 'cross_entropy_grad', mistakes=mistakes, rtol=1e-05, atol=1e-08, topic='chapters/03-loss.html#the-gradient-of-softmax-cross-entropy')
    except AssertionError as exc:
        if isinstance(exc, checks.Mistake) or softmax_is_right():
            raise
        raise checks.Mistake(f'{exc} Your softmax (question 1) is wrong too, and the gradient uses it: fix question 1 first.', 'cross_entropy_grad: fix question 1 first (softmax is wrong)') from None

