from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=1.5, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_error_curve(error_curve, random_features, fit_readout):
    import numpy as np
    import mlp
    from mlp import checks
    d = 10
    X_train, y_train, _ = mlp.datasets.make_teacher_student(40, d, noise=0.5, rng=6)
    X_test, _, y_test = mlp.datasets.make_teacher_student(1000, d, noise=0.5, rng=99)
    W = np.random.default_rng(56).normal(0.0, 1.0 / np.sqrt(d), size=(400, d))
    features = mlp.double_descent.random_features

    def curve(X_train, y_train, X_test, y_test, W, ps, on_test=True, root=False):
        out = []
        for p in ps:
            a = mlp.double_descent.min_norm_fit(features(X_train, W[:p]), y_train)
            X, y = (X_test, y_test) if on_test else (X_train, y_train)
            mse = np.mean((features(X, W[:p]) @ a - y) ** 2)
            out.append(np.sqrt(mse) if root else mse)
        return np.array(out)

    def question_3_is_right():
        try:
            rng = np.random.default_rng(0)
            Xs, Ws = (rng.normal(size=(6, 3)), rng.normal(size=(4, 3)))
            Phi, y = (rng.normal(size=(5, 8)), rng.normal(size=5))
            return np.allclose(np.asarray(random_features(Xs.copy(), Ws.copy()), dtype=float), features(Xs, Ws)) and np.allclose(np.asarray(fit_readout(Phi.copy(), y.copy()), dtype=float), mlp.double_descent.min_norm_fit(Phi, y))
        except Exception:
            return False
    mistakes = {'that is the training error: fit a on the training set, then measure the mean squared error on the TEST set, mean((Phi_test a - y_test)**2).': lambda *args: curve(*args, on_test=False), 'use the mean squared error, not its square root.': lambda *args: curve(*args, root=True)}
    inputs = [(X_train, y_train, X_test, y_test, W, np.array([5, 20, 40, 80, 400]))]
    try:
        checks.check_function(error_curve, curve, inputs, 'error_curve', rtol=1e-06, atol=1e-12, mistakes=mistakes, topic='chapters/06-double-descent.html#model-wise-double-descent', factors={'N_test, the number of test points': 1000})
    except AssertionError as exc:
        if question_3_is_right():
            raise
        raise checks.Mistake(f'error_curve uses your random_features and fit_readout, and at least one of them is wrong: fix question 3 first. (error_curve: {exc})', 'error_curve: fix question 3 first (random_features or fit_readout is wrong)', 'double-descent') from None

@test_case(points=0.5, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_p_peak(p_peak):
    import numpy as np
    import mlp
    from mlp import checks
    d = 10
    X_train, y_train, _ = mlp.datasets.make_teacher_student(40, d, noise=0.5, rng=6)
    X_test, _, y_test = mlp.datasets.make_teacher_student(1000, d, noise=0.5, rng=99)
    W = np.random.default_rng(56).normal(0.0, 1.0 / np.sqrt(d), size=(400, d))
    ps = np.array([2, 5, 10, 20, 30, 36, 38, 39, 40, 41, 42, 44, 50, 60, 80, 120, 200, 400])

    def features(X, W):
        return np.maximum(X @ W.T, 0.0) / np.sqrt(W.shape[0])

    def curve(X_train, y_train, X_test, y_test, W, ps, on_test=True, root=False):
        out = []
        for p in ps:
            a = np.linalg.lstsq(features(X_train, W[:p]), y_train, rcond=None)[0]
            X, y = (X_test, y_test) if on_test else (X_train, y_train)
            mse = np.mean((features(X, W[:p]) @ a - y) ** 2)
            out.append(np.sqrt(mse) if root else mse)
        return np.array(out)
    errors = curve(X_train, y_train, X_test, y_test, W, ps)
    checks.check_answered(p_peak, 'p_peak')
    checks.check_scalar(p_peak, p_peak, 'p_peak')
    value = float(np.asarray(p_peak, dtype=float).reshape(()))
    mistakes = {'p_peak is a number of features, ps[i] at the position i = np.argmax(errors), not the position itself.': np.argmax(errors), 'the peak is where the test error is LARGEST (np.argmax), not the smallest.': ps[np.argmin(errors)]}
    for hint, wrong in mistakes.items():
        if value == wrong:
            raise checks.Mistake(f'p_peak: {hint}', f'p_peak: {hint}', 'double-descent')
    if value != ps[np.argmax(errors)]:
        raise AssertionError(f'p_peak = {value:g} is not the width at which the test error is largest: make error_curve pass its check (above), then take ps[np.argmax(errors)].')

