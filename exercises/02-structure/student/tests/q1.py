from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_forward_folded(forward_folded):
    import numpy as np
    from mlp import checks

    def sigma(z):
        return 1 / (1 + np.exp(-z))

    def pad(A, last=False):
        one = np.ones((A.shape[0], 1))
        return np.hstack([A, one] if last else [one, A])

    def right(X, V, W):
        return sigma(pad(sigma(pad(X) @ V.T)) @ W.T)
    mistakes = {'V is used transposed. Row i of V holds the weights into hidden unit i (shape M x (D+1)), so for a batch of rows the hidden pre-activations are X1 @ V.T, where X1 is X with a column of ones in front.': lambda X, V, W: sigma(pad(sigma(pad(X) @ V)) @ W.T), 'the constant 1 must be column 0, the column that V[:, 0] and W[:, 0] multiply; you put it last.': lambda X, V, W: sigma(pad(sigma(pad(X, True) @ V.T), True) @ W.T), 'the biases are missing: column 0 of V and of W multiplies the constant x_0 = h_0 = 1 and must take part.': lambda X, V, W: sigma(sigma(X @ V[:, 1:].T) @ W[:, 1:].T), "the output has no sigmoid: the lecture's network computes sigma(W h) at the output too.": lambda X, V, W: pad(sigma(pad(X) @ V.T)) @ W.T, 'h_0 must be exactly 1: put the constant in front of h after applying the sigmoid (sigma(1) is not 1).': lambda X, V, W: sigma(sigma(pad(pad(X) @ V.T)) @ W.T), "h_0 = 1 is missing: put a column of ones in front of the hidden layer h too, so that W[:, 0], the output units' biases, takes part (you dropped that column of W instead).": lambda X, V, W: sigma(sigma(pad(X) @ V.T) @ W[:, 1:].T), "x_0 = 1 is missing: put a column of ones in front of X, so that V[:, 0], the hidden units' biases, takes part (you dropped that column of V instead).": lambda X, V, W: sigma(pad(sigma(X @ V[:, 1:].T)) @ W.T), 'the hidden layer uses the sigmoid too: h = sigma(V x), not ReLU.': lambda X, V, W: sigma(pad(np.maximum(pad(X) @ V.T, 0)) @ W.T)}
    V = np.array([[0.1, 0.8, -0.5], [-0.3, 0.4, 0.9], [0.2, -0.6, 0.3]])
    W = np.array([[0.05, 1.2, -0.7, 0.4], [-0.1, -0.8, 0.6, 1.1]])
    X = np.array([[0.5, -1.0], [0.0, 0.0], [2.0, 1.0], [-1.5, 0.3]])
    rng = np.random.default_rng(1)
    inputs = [(X, V, W), (rng.normal(size=(6, 4)), rng.normal(size=(5, 5)), rng.normal(size=(3, 6)))]
    checks.check_function(forward_folded, right, inputs, 'forward_folded', mistakes=mistakes, topic='chapters/02-structure.html#zuluaga-s-2-3-2-example')

