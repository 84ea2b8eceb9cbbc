from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_xor_shapes_and_table(W1, b1, W2, b2, X, xor_net):
    import numpy as np
    from mlp import checks
    for name, value, shape in (('W1', W1, (2, 2)), ('b1', b1, (2,)), ('W2', W2, (1, 2)), ('b2', b2, (1,))):
        checks.check_shape(value, shape, name)
    checks.check_truth_table(lambda X: xor_net(X, W1, b1, W2, b2), X, [0, 1, 1, 0], 'xor_net')

