from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_train_perceptron(train_perceptron, perceptron_update):
    import numpy as np
    from mlp import checks
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    topic = 'chapters/01-xor.html#the-perceptron-rule-and-how-it-fails-on-xor'

    def reference(X, y, lr, epochs, bias=True, after=False, reset=True):
        w, b, errors, wrong = (np.zeros(X.shape[1]), 0.0, [], 0)
        for _ in range(epochs):
            wrong = 0 if reset else wrong
            for x, t in zip(X, y):
                err = t - float(w @ x + b >= 0)
                wrong += 0 if after else int(err != 0)
                w, b = (w + lr * err * x, b + lr * err if bias else b)
                wrong += int(float(w @ x + b >= 0) != t) if after else 0
            errors.append(wrong)
        return (w, b, errors)

    def update_is_right():
        try:
            for w, b, x, t, lr in ((np.array([0.5, -1.0]), 0.2, np.array([1.0, 1.0]), 1, 0.5), (np.array([1.0, 2.0]), 0.0, np.array([1.0, 0.0]), 0, 1.0)):
                err = t - float(w @ x + b >= 0)
                got = perceptron_update(w.copy(), b, x.copy(), t, lr)
                if not (np.allclose(got[0], w + lr * err * x) and np.allclose(got[1], b + lr * err)):
                    return False
            return True
        except Exception:
            return False
    y_and = np.array([0, 0, 0, 1])
    ref = reference(X, y_and, 1.0, 6)
    mistakes = {checks.hint('the bias never changes: update b as well as w.', topic): reference(X, y_and, 1.0, 6, bias=False)[2], checks.hint('count a mistake BEFORE the update: errors[e] counts the examples the unit got wrong when it met them (you counted after updating).', topic): reference(X, y_and, 1.0, 6, after=True)[2], checks.hint('start the count at 0 in every epoch: errors[e] counts the mistakes of pass e alone (yours add up over the epochs).', topic): reference(X, y_and, 1.0, 6, reset=False)[2]}
    out = train_perceptron(X.copy(), y_and.copy(), 1.0, 6)
    checks.check_answered(out, 'train_perceptron')
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        raise checks.Mistake('train_perceptron should return a tuple (w, b, errors).', 'train_perceptron should return (w, b, errors)', topic)
    w, b, errors = out
    if np.ndim(errors) != 1 or len(errors) != 6:
        raise checks.Mistake(f'errors should have one entry per epoch: 6 epochs give 6 numbers, got shape {np.shape(errors)} (loop with range(epochs)).', 'errors should have one entry per epoch', topic)
    try:
        checks.check_array(errors, ref[2], 'errors (AND)', mistakes=mistakes)
        checks.check_array(w, ref[0], 'w after training on AND')
        checks.check_scalar(b, ref[1], 'b after training on AND')
    except AssertionError as exc:
        if not update_is_right():
            raise checks.Mistake(f'train_perceptron is wrong ({exc}), and so is perceptron_update, which it uses: fix question 3 first.', 'train_perceptron: fix question 3 first (perceptron_update is wrong)', topic) from None
        raise

