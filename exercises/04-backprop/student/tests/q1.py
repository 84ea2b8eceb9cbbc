from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_numerical_gradient(numerical_gradient):
    import numpy as np
    import mlp
    from mlp import checks

    def f(v):
        return float(np.sum(np.exp(v)) + v[0] * v[1] ** 2)
    x0, eps = (np.array([0.5, -1.0, 2.0]), 0.001)
    x = x0.copy()
    out = numerical_gradient(f, x, eps)
    checks.check_answered(out, 'numerical_gradient')
    if not np.allclose(x, x0, rtol=0, atol=eps / 100):
        raise AssertionError(f'numerical_gradient changed x: it was {x0}, afterwards it is {x}. You forgot to restore the entry: after evaluating f at x[i] + eps and x[i] - eps, set x[i] back to its old value, or every later entry is differentiated at a shifted point.')
    xr = x0.copy()
    expected = mlp.numerical_gradient(lambda: f(xr), xr, eps)
    steps = eps * np.eye(3)
    forward = np.array([(f(x0 + e) - f(x0)) / eps for e in steps])
    backward = np.array([(f(x0) - f(x0 - e)) / eps for e in steps])
    one_sided = 'a one-sided difference: its error shrinks only like eps. Use the central difference (f(x + eps) - f(x - eps)) / (2 eps), whose error shrinks like eps**2.'
    checks.check_array(out, expected, 'numerical_gradient(f, x, eps=1e-3)', rtol=1e-07, mistakes={'you divided by eps instead of 2 * eps: the points x - eps and x + eps are 2 eps apart.': 2 * expected, 'this is the forward difference (f(x + eps) - f(x)) / eps, ' + one_sided: forward, 'this is the backward difference (f(x) - f(x - eps)) / eps, ' + one_sided: backward})

