from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 3

@test_case(points=1.5, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_gates(AND, OR, NAND):
    import numpy as np
    from mlp import checks
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)

    def step(z):
        return (np.asarray(z) >= 0).astype(float)
    for gate, target in (('AND', [0, 0, 0, 1]), ('OR', [0, 1, 1, 1]), ('NAND', [1, 1, 1, 0])):
        pair = {'AND': AND, 'OR': OR, 'NAND': NAND}[gate]
        checks.check_answered(pair, gate)
        w, b = pair
        checks.check_shape(w, (2,), f'{gate}: w')
        checks.check_truth_table(lambda X: step(X @ w + b), X, target, f'the {gate} unit')
        z = X @ np.asarray(w, dtype=float) + b
        on_line = [tuple((int(v) for v in x)) for x, zi in zip(X, z) if zi == 0]
        if on_line:
            raise AssertionError(f'{gate}: the input(s) {on_line} lie exactly on the decision boundary (w . x + b = 0), so the gate depends on the convention for step(0). Move b a little (e.g. by 0.5) so that no input gives z = 0.')

