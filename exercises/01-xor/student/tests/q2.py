from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_xor_shapes_and_table(W1, b1, W2, b2):
    import numpy as np
    from mlp import checks
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)

    def step(z):
        return (np.asarray(z) >= 0).astype(float)

    def xor_net(X, W1, b1, W2, b2):
        return step(step(X @ np.asarray(W1).T + b1) @ np.asarray(W2).T + b2)[:, 0]
    for name, value, shape in (('W1', W1, (2, 2)), ('b1', b1, (2,)), ('W2', W2, (1, 2)), ('b2', b2, (1,))):
        checks.check_shape(value, shape, name)
    checks.check_truth_table(lambda X: xor_net(X, W1, b1, W2, b2), X, [0, 1, 1, 0], 'xor_net')

