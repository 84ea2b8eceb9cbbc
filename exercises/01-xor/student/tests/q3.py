from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_perceptron_update(perceptron_update):
    import numpy as np
    from mlp import checks

    def rule(w, b, x, y, lr, sign=1.0, bias=True):
        err = sign * (y - float(np.dot(w, x) + b >= 0))
        return (w + lr * err * x, b + lr * err if bias else b)
    cases = [(np.array([0.5, -1.0]), 0.2, np.array([1.0, 1.0]), 1, 0.5), (np.array([1.0, 2.0]), 0.0, np.array([1.0, 0.0]), 0, 1.0), (np.array([1.0, 2.0]), -9.0, np.array([1.0, 1.0]), 0, 1.0)]
    w = np.array([0.5, -1.0])
    perceptron_update(w, 0.2, np.array([1.0, 1.0]), 1, 0.5)
    if not np.array_equal(w, [0.5, -1.0]):
        raise AssertionError(f"perceptron_update changed the w it was given (w is now {w}): compute a new array, w = w + ..., instead of updating it in place with w += ... (the caller's array must stay as it was).")
    checks.check_update_rule(perceptron_update, lambda *a: rule(*a), cases, 'perceptron_update', mistakes={'sign error: the rule adds lr * (y - y_hat) * x; you used (y_hat - y).': lambda *a: rule(*a, sign=-1.0), 'b never changes: the rule updates the bias too, b <- b + lr (y - y_hat).': lambda *a: rule(*a, bias=False)})

