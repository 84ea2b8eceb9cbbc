from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_perceptron_update(perceptron_update):
    import numpy as np
    from mlp import checks
    topic = 'chapters/01-xor.html#the-perceptron-rule-and-how-it-fails-on-xor'

    def rule(w, b, x, y, lr, sign=1.0, bias=True, strict=False, rate=True, bias_x=False):
        z = np.dot(w, x) + b
        err = sign * (y - float(z > 0 if strict else z >= 0))
        step = lr if rate else 1.0
        b_new = b + step * err * (x if bias_x else 1.0) if bias else b
        return (w + step * err * x, b_new)
    cases = [(np.array([0.5, -1.0]), 0.2, np.array([1.0, 1.0]), 1, 0.5), (np.array([1.0, 2.0]), 0.0, np.array([1.0, 0.0]), 0, 1.0), (np.array([1.0, 2.0]), -9.0, np.array([1.0, 1.0]), 0, 1.0), (np.array([1.0, 2.0]), -1.0, np.array([1.0, 0.0]), 0, 0.5)]
    w = np.array([0.5, -1.0])
    out = perceptron_update(w, 0.2, np.array([1.0, 1.0]), 1, 0.5)
    checks.check_answered(out, 'perceptron_update')
    if not np.array_equal(w, [0.5, -1.0]):
        raise checks.Mistake(f"perceptron_update changed the w it was given (w is now {w}): compute a new array, w = w + ..., instead of updating it in place with w += ... (the caller's array must stay as it was).", 'perceptron_update changed the w it was given (an update in place)', topic)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        got = 'a numpy array (the new w alone?)' if isinstance(out, np.ndarray) else type(out).__name__
        raise checks.Mistake(f'perceptron_update should return the pair (w, b), got {got}.', 'perceptron_update should return the pair (w, b)', topic)
    if np.size(out[1]) != 1:
        raise checks.Mistake(f"perceptron_update returns a b of shape {np.shape(out[1])}: b must stay one number, the unit's bias, updated by lr * (y - y_hat) (the input x multiplies w only).", 'perceptron_update: b must stay one number (the bias is not multiplied by x)', topic)
    checks.check_update_rule(perceptron_update, lambda *a: rule(*a), cases, 'perceptron_update', mistakes={checks.hint('sign error: the rule adds lr * (y - y_hat) * x; you used (y_hat - y).', topic): lambda *a: rule(*a, sign=-1.0), checks.hint('b never changes: the rule updates the bias too, b <- b + lr (y - y_hat).', topic): lambda *a: rule(*a, bias=False), checks.hint('step(z) is 1 when z >= 0: at w . x + b = 0 exactly the unit predicts 1 (you used z > 0).', topic): lambda *a: rule(*a, strict=True), checks.hint('the learning rate lr is missing: the change is lr * (y - y_hat) * x.', topic): lambda *a: rule(*a, rate=False)})

