from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_cross_entropy_grad(cross_entropy_grad):
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
    mistakes = {'missing the 1/N: the loss is the mean over the N examples, so its gradient is (softmax(Z) - Y) / N.': lambda Z, y: P(Z) - Y(Z, y), 'sign error: the gradient is softmax(Z) - Y (Y the one-hot labels), not Y - softmax(Z).': lambda Z, y: -right(Z, y), "the one-hot target is missing: subtract 1 at each example's label, (softmax(Z) - Y) / N.": lambda Z, y: P(Z) / len(y), 'divide by N, the number of examples, not by N * K.': lambda Z, y: right(Z, y) / Z.shape[1]}
    Z = np.array([[-5.0, -1.0, 1.0, 5.0], [2.0, 0.5, 0.5, -1.0], [0.0, 0.0, 0.0, 0.0]])
    y = np.array([3, 0, 2])
    rng = np.random.default_rng(2)
    inputs = [(Z, y), (rng.normal(size=(5, 3)), np.array([0, 2, 1, 1, 0]))]
    checks.check_function(cross_entropy_grad, right, inputs, 'cross_entropy_grad', mistakes=mistakes)

