from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_train_perceptron(train_perceptron):
    import numpy as np
    from mlp import checks
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)

    def reference(X, y, lr, epochs, bias=True):
        w, b, errors = (np.zeros(X.shape[1]), 0.0, [])
        for _ in range(epochs):
            wrong = 0
            for x, t in zip(X, y):
                err = t - float(w @ x + b >= 0)
                wrong += int(err != 0)
                w, b = (w + lr * err * x, b + lr * err if bias else b)
            errors.append(wrong)
        return (w, b, errors)
    y_and = np.array([0, 0, 0, 1])
    out = train_perceptron(X, y_and, 1.0, 6)
    checks.check_answered(out, 'train_perceptron')
    assert isinstance(out, tuple) and len(out) == 3, 'return a tuple (w, b, errors)'
    w, b, errors = out
    ref = reference(X, y_and, 1.0, 6)
    checks.check_array(errors, ref[2], 'errors (AND)', mistakes={'the bias never changes: update b as well as w.': reference(X, y_and, 1.0, 6, bias=False)[2]})
    checks.check_array(w, ref[0], 'w after training on AND')
    checks.check_scalar(b, ref[1], 'b after training on AND')

