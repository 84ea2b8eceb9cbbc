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
    out = standardize(X_train.copy(), X_other.copy())
    checks.check_answered(out, 'standardize')
    if np.isnan(np.asarray(out, dtype=float)).any():
        raise AssertionError('standardize gives NaN: a pixel that is blank in every training row has sigma = 0, and 0 / 0 is NaN; divide such columns by 1 instead.')
    both = np.vstack([X_train, X_other])
    checks.check_array(out, scaled(X_other, mu, sigma), 'standardize(X_train, X)', mistakes={"use the mean and standard deviation of the TRAINING rows: X's own statistics leak what should be unseen data into the scaling.": scaled(X_other, X_other.mean(axis=0), X_other.std(axis=0)), 'use the training rows only, not the training and the other rows together.': scaled(X_other, both.mean(axis=0), both.std(axis=0)), 'divide by the standard deviation, not by the variance.': (X_other - mu) / np.where(sigma == 0, 1.0, sigma ** 2), 'subtract the mean as well as dividing by the standard deviation.': X_other / np.where(sigma == 0, 1.0, sigma)})

