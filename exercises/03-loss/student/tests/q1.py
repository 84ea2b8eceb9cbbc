from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_softmax(softmax):
    import numpy as np
    from mlp import checks

    def right(Z):
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        return E / E.sum(axis=1, keepdims=True)

    def normalized(Z, shift, **sum_over):
        E = np.exp(Z - shift)
        return E / E.sum(**sum_over)

    def row_max(Z):
        return Z.max(axis=1, keepdims=True)
    mistakes = {'each row must sum to 1: divide by the sum over that row, E.sum(axis=1, keepdims=True), not by the sum of the whole array.': [lambda Z: normalized(Z, 0.0), lambda Z: normalized(Z, row_max(Z)), lambda Z: normalized(Z, Z.max())], 'each row must sum to 1: sum over axis=1 (the K classes of one example), not over axis=0 (the examples).': [lambda Z: normalized(Z, 0.0, axis=0, keepdims=True), lambda Z: normalized(Z, row_max(Z), axis=0, keepdims=True), lambda Z: normalized(Z, Z.max(), axis=0, keepdims=True)], 'divide each row by its own sum, E.sum(axis=1, keepdims=True): without keepdims=True the N row sums have shape (N,) and line up with the columns, not with the rows (for a non-square Z numpy refuses to broadcast them).': [lambda Z: normalized(Z, 0.0, axis=1), lambda Z: normalized(Z, row_max(Z), axis=1), lambda Z: normalized(Z, Z.max(axis=1), axis=1)]}
    Z = np.array([[-5.0, -1.0, 1.0, 5.0], [2.0, 0.5, 0.5, -1.0], [0.0, 0.0, 0.0, 0.0]])
    Z2 = np.random.default_rng(0).normal(size=(5, 3))
    square = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0], [2.0, 2.5, -0.5]])
    checks.check_function(softmax, right, [(square,), (Z,), (Z2,)], 'softmax', mistakes=mistakes, topic='chapters/03-loss.html#softmax-and-categorical-cross-entropy')
    shift = "subtract each row's maximum before exponentiating (softmax does not change when the same number is added to every logit of a row)"
    for big in (np.array([[1000.0, 999.0, 0.0]]), np.array([[20000.0, 20000.0 - 1.0, 0.0]])):
        checks.check_stable(softmax, (big,), right(big), 'softmax', hint=shift)
    far = np.array([[1.0, 2.0, 3.0], [-1000.0, -1001.0, -1003.0]])
    checks.check_stable(softmax, (far,), right(far), 'softmax', hint="a row far below the largest logit of the whole array underflows to 0 / 0: subtract each row's own maximum, Z.max(axis=1, keepdims=True)")

