from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 2

@test_case(points=1.5, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_standardize(standardize):
    import numpy as np
    from mlp import checks
    rng = np.random.default_rng(7)
    X_train = rng.integers(0, 17, size=(20, 5)).astype(float)
    X_train[:, 2] = 0.0
    X_other = rng.integers(0, 17, size=(6, 5)).astype(float)

    def scaled(X, mu, sigma):
        return (X - mu) / np.where(sigma == 0, 1.0, sigma)
    mu, sigma = (X_train.mean(axis=0), X_train.std(axis=0))
    expected = scaled(X_other, mu, sigma)
    own = scaled(X_train, mu, sigma)
    blank = checks.hint('standardize gives NaN or inf: a pixel that is blank in every training row has sigma = 0, and dividing by 0 gives NaN (0 / 0) or inf; divide such columns by 1 instead.', 'chapters/07-digits.html#standardizing-and-the-pixels-that-are-always-blank')

    def mistakes(X):
        both = np.vstack([X_train, X])
        known = {"use the mean and standard deviation of the TRAINING rows: X's own statistics leak what should be unseen data into the scaling.": scaled(X, X.mean(axis=0), X.std(axis=0)), 'use the training rows only, not the training and the other rows together.': scaled(X, both.mean(axis=0), both.std(axis=0)), 'divide by the standard deviation, not by the variance.': (X - mu) / np.where(sigma == 0, 1.0, sigma ** 2), 'subtract the mean as well as dividing by the standard deviation.': X / np.where(sigma == 0, 1.0, sigma), 'use the standard deviation of the question, np.std with its default ddof=0 (you used ddof=1).': scaled(X, mu, X_train.std(axis=0, ddof=1)), 'one mean and one standard deviation per column (pixel), over the training rows: axis=0, not one for the whole array.': (X - X_train.mean()) / X_train.std()}
        if X is X_train:
            known['one mean and one standard deviation per column (pixel), over the training rows: axis=0, not per row (axis=1).'] = (X_train - X_train.mean(axis=1, keepdims=True)) / X_train.std(axis=1, keepdims=True)
        return known
    for X, right, name in ((X_train, own, 'standardize(X_train, X_train)'), (X_other, expected, 'standardize(X_train, X)')):
        with np.errstate(all='ignore'):
            out = standardize(X_train.copy(), X.copy())
        checks.check_answered(out, 'standardize')
        arr = np.asarray(out) if isinstance(out, np.ndarray) else None
        if arr is not None and arr.shape == right.shape and np.issubdtype(arr.dtype, np.floating) and (not np.all(np.isfinite(arr))):
            raise checks.Mistake(blank, blank, blank.topic)
        checks.check_array(out, right, name, mistakes=mistakes(X), topic='chapters/07-digits.html#standardizing-and-the-pixels-that-are-always-blank')

