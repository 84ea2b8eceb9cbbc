from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 4

@test_case(points=1, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_random_features(random_features):
    import numpy as np
    from mlp import checks

    def relu(Z):
        return np.maximum(Z, 0.0)

    def right(X, W):
        return relu(X @ W.T) / np.sqrt(W.shape[0])
    mistakes = {'divide by sqrt(p), where p = W.shape[0] is the number of features (hidden units); you divided by sqrt(d), the number of inputs.': lambda X, W: relu(X @ W.T) / np.sqrt(W.shape[1]), 'the 1/sqrt(p) is missing: phi(x) = ReLU(W x) / sqrt(p).': lambda X, W: relu(X @ W.T), 'scale by 1/sqrt(p), not 1/p.': lambda X, W: relu(X @ W.T) / W.shape[0], 'apply the ReLU, max(0, .), to X W^T.': lambda X, W: X @ W.T / np.sqrt(W.shape[0]), 'W has one row per hidden unit, shape (p, d), like W^(1): the pre-activations of a batch are X @ W.T (you used X @ W).': lambda X, W: relu(X @ W) / np.sqrt(W.shape[0])}
    rng = np.random.default_rng(6)
    inputs = [(rng.normal(size=(5, 3)), rng.normal(size=(3, 3))), (rng.normal(size=(5, 3)), rng.normal(size=(4, 3))), (rng.normal(size=(7, 2)), rng.normal(size=(9, 2)))]
    checks.check_function(random_features, right, inputs, 'random_features', mistakes=mistakes, topic='chapters/06-double-descent.html#model-wise-double-descent')

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_fit_readout(fit_readout):
    import numpy as np
    from mlp import checks
    rng = np.random.default_rng(7)
    X, y = (rng.normal(size=(12, 4)), rng.normal(size=12))
    W = rng.normal(size=(30, 4)) / 2
    inputs = [(np.maximum(X @ W[:p].T, 0) / np.sqrt(p), y) for p in (30, 12, 5)]
    checks.check_least_squares(fit_readout, inputs, 'fit_readout')

