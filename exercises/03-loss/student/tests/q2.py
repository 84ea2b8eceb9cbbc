from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(points=1.5, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_cross_entropy(cross_entropy):
    import numpy as np
    from mlp import checks

    def log_softmax(Z):
        m = Z.max(axis=1, keepdims=True)
        return Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))

    def right(Z, y):
        return -np.mean(log_softmax(Z)[np.arange(len(y)), y])
    mistakes = {'the loss is the mean over the N examples, not the sum.': lambda Z, y: -np.sum(log_softmax(Z)[np.arange(len(y)), y]), 'sign error: the loss is -log softmax(z)_y, which is never negative.': lambda Z, y: -right(Z, y), "pick each example's own label, -log softmax(z_n)[y_n], instead of averaging -log softmax over all K classes.": lambda Z, y: -np.mean(log_softmax(Z)), 'return ONE number, the mean over the N examples, not the loss of each example.': lambda Z, y: -log_softmax(Z)[np.arange(len(y)), y], 'the log-sum-exp runs over the K classes of each example (axis=1), not over the examples (axis=0).': lambda Z, y: np.mean(Z.max(axis=0) + np.log(np.exp(Z - Z.max(axis=0)).sum(axis=0)) - Z[np.arange(len(y)), y])}
    Z = np.array([[-5.0, -1.0, 1.0, 5.0], [2.0, 0.5, 0.5, -1.0], [0.0, 0.0, 0.0, 0.0]])
    y = np.array([3, 0, 2])
    rng = np.random.default_rng(1)
    inputs = [(Z, y), (rng.normal(size=(3, 3)), np.array([0, 2, 1])), (rng.normal(size=(5, 3)), np.array([0, 2, 1, 1, 0]))]
    checks.check_function(cross_entropy, right, inputs, 'cross_entropy', mistakes=mistakes, topic='chapters/03-loss.html#softmax-and-categorical-cross-entropy')
    labels = np.array([1, 2])
    for big in (np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 999.0]]), np.array([[20000.0, 0.0, -20000.0], [0.0, 20000.0, 20000.0 - 1.0]])):
        checks.check_stable(cross_entropy, (big, labels), right(big, labels), 'cross_entropy', hint='compute log softmax(z)_y as z_y - logsumexp(z) with the max shift; -log(softmax(z)_y) is log(0) once the softmax underflows')

