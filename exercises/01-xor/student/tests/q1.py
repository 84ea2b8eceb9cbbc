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
    topic = 'chapters/01-xor.html#one-unit-one-line'

    def step(z):
        return (np.asarray(z) >= 0).astype(float)
    tables = {'AND': [0, 0, 0, 1], 'OR': [0, 1, 1, 1], 'NAND': [1, 1, 1, 0], 'NOR': [1, 0, 0, 0]}
    fixes = {('AND', 'OR'): 'AND needs both inputs, so its threshold must be higher: b between -2 and -1 (e.g. w = (1, 1), b = -1.5).', ('OR', 'AND'): 'OR needs only one input, so its threshold must be lower: b between -1 and 0 (e.g. w = (1, 1), b = -0.5).', ('NAND', 'AND'): "NAND is NOT AND: flip the signs of the AND unit's w and b.", ('NAND', 'OR'): "NAND is NOT AND: take the AND unit's w and b with their signs flipped.", ('NAND', 'NOR'): "NAND is NOT AND, not NOT OR: flip the signs of the AND unit's w and b."}
    for gate in ('AND', 'OR', 'NAND'):
        pair = {'AND': AND, 'OR': OR, 'NAND': NAND}[gate]
        checks.check_answered(pair, gate)
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise checks.Mistake(f'{gate} should be a pair (w, b), got {type(pair).__name__}.', f'{gate} is not a pair (w, b)', topic)
        w, b = pair
        checks.check_shape(w, (2,), f'{gate}: w')
        if np.size(b) != 1:
            raise checks.Mistake(f"{gate}: b should be a single number, the unit's one bias, got an array of shape {np.shape(b)}. With one b per input row the unit is no longer one line w . x + b = 0, so it is not a step unit any more.", f'{gate}: b must be one number, not one bias per input', topic)
        b = float(checks.check_shape(b, (), f'{gate}: b'))
        w = np.asarray(w, dtype=float)
        out = step(X @ w + b)
        for other, table in tables.items():
            if other != gate and np.array_equal(out, table):
                fix = fixes.get((gate, other), '')
                raise checks.Mistake(f'the {gate} unit computes {other} instead: {fix}'.rstrip(), f'the {gate} unit computes {other} instead', topic)
        checks.check_truth_table(lambda X: step(X @ w + b), X, tables[gate], f'the {gate} unit')
        z = X @ w + b
        on_line = [tuple((int(v) for v in x)) for x, zi in zip(X, z) if zi == 0]
        if on_line:
            raise checks.Mistake(f'{gate}: the input(s) {on_line} lie exactly on the decision boundary (w . x + b = 0), so the gate depends on the convention for step(0). Move b a little (e.g. by 0.5) so that no input gives z = 0.', f'{gate}: an input lies exactly on the decision boundary', topic)

