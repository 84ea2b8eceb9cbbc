from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_split_train_val(split_train_val):
    import numpy as np
    import mlp
    from mlp import checks
    X, y = mlp.datasets.make_moons(30, noise=0.2, rng=0)
    out = split_train_val(X.copy(), y.copy(), 0.2, np.random.default_rng(5))
    checks.check_answered(out, 'split_train_val')
    if not (isinstance(out, (tuple, list)) and len(out) == 4):
        raise checks.Mistake('split_train_val should return a tuple (X_train, y_train, X_val, y_val).', 'split_train_val should return (X_train, y_train, X_val, y_val)', 'split')
    X_tr, y_tr, X_va, y_va = out
    if np.ndim(X_tr) == 2 and np.ndim(X_va) == 2 and ((len(X_tr), len(X_va)) == (6, 24)):
        raise checks.Mistake('return (X_train, y_train, X_val, y_val) in that order: your first pair has the 6 validation rows and your second the 24 training rows.', 'split_train_val returns the validation set first: the order is (X_train, y_train, X_val, y_val)', 'split')
    checks.check_split({'training': (X_tr, y_tr), 'validation': (X_va, y_va)}, X, y, sizes={'training': 24, 'validation': 6})
    order = np.random.default_rng(5).permutation(30)
    not_shuffled = 'shuffle first: order = rng.permutation(n), then split order; your sets are slices of the unshuffled data.'
    checks.check_array(X_va, X[order[:6]], 'X_val (the rows order[:n_val])', mistakes={'the validation set is the START of the permutation, X[order[:n_val]] (you took its end).': X[order[-6:]], not_shuffled: X[:6], not_shuffled + ' ': X[-6:]})
    checks.check_array(X_tr, X[order[6:]], 'X_train (the rows order[n_val:])', mistakes={'keep the training rows in the order of the permutation, X[order[n_val:]] (you sorted them).': X[np.sort(order[6:])]})
    X14, y14 = (X[:14], y[:14])
    out = split_train_val(X14.copy(), y14.copy(), 0.25, np.random.default_rng(5))
    n_val = len(out[2])
    if n_val == 3:
        raise checks.Mistake('with n = 14 and val_fraction = 0.25 your validation set has 3 rows, but it should have 4: n_val = round(val_fraction * n) = round(3.5) = 4, not int(3.5) = 3 (int cuts the fraction off; round rounds).', 'n_val must be round(val_fraction * n), not int(...), which cuts the fraction off', 'split')
    checks.check_split({'training': (out[0], out[1]), 'validation': (out[2], out[3])}, X14, y14, sizes={'training': 10, 'validation': 4})

