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
    XOR = [0, 1, 1, 0]
    topic = 'chapters/01-xor.html#combining-linear-classifiers-xor-and-or-nand'

    def step(z):
        return (np.asarray(z) >= 0).astype(float)

    def xor_net(X, W1, b1, W2, b2):
        return step(step(X @ np.asarray(W1).T + b1) @ np.asarray(W2).T + b2)[:, 0]
    for name, value, shape in (('W1', W1, (2, 2)), ('b1', b1, (2,)), ('W2', W2, (1, 2)), ('b2', b2, (1,))):
        checks.check_shape(value, shape, name)
    W1, b1, W2, b2 = (np.asarray(a, dtype=float) for a in (W1, b1, W2, b2))
    if not np.array_equal(xor_net(X, W1, b1, W2, b2), XOR):
        if np.array_equal(xor_net(X, W1.T, b1, W2, b2), XOR):
            raise checks.Mistake("W1 is transposed: row j of W1 holds the weights INTO hidden unit j (shape (n_out, n_in), as in the lectures), so the network computes X @ W1.T. Your W1 has the hidden units' weights in its columns: W1.T would compute XOR.", 'W1 is transposed (row j of W1 must hold the weights into hidden unit j)', 'chapters/02-structure.html#many-layers-many-examples-the-shapes')
        gates = {(0, 0, 0, 1): 'AND', (0, 1, 1, 1): 'OR', (1, 1, 1, 0): 'NAND', (1, 0, 0, 0): 'NOR'}
        hidden = step(X @ W1.T + b1)
        names = [gates.get(tuple((int(v) for v in hidden[:, j]))) for j in range(2)]
        H = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
        if sorted(map(str, names)) == ['NAND', 'OR']:
            out_gate = gates.get(tuple((int(v) for v in step(H @ W2.T + b2)[:, 0])))
            raise checks.Mistake(f"the hidden units compute OR and NAND, as they should, but the output unit computes {out_gate or 'another function'} of them: XOR = AND(OR, NAND), so the output unit must be an AND of the two hidden units.", 'the output unit must compute AND of the hidden units (XOR = AND(OR, NAND))', topic)
    checks.check_truth_table(lambda X: xor_net(X, W1, b1, W2, b2), X, XOR, 'xor_net')

