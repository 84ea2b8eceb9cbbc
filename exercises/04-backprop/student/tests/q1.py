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
    topic = 'chapters/04-backprop.html#gradient-checking-as-a-habit'

    def f(v):
        return float(np.sum(np.exp(v)) + v[0] * v[1] ** 2)
    x0, eps = (np.array([0.5, -1.0, 2.0]), 0.001)
    xr = x0.copy()
    expected = mlp.numerical_gradient(lambda: f(xr), xr, eps)
    steps = eps * np.eye(3)
    forward = np.array([(f(x0 + e) - f(x0)) / eps for e in steps])
    exact = np.exp(x0) + np.array([x0[1] ** 2, 2 * x0[0] * x0[1], 0.0])
    backward = np.array([(f(x0) - f(x0 - e)) / eps for e in steps])
    one_sided = 'a one-sided difference: its error shrinks only like eps. Use the central difference (f(x + eps) - f(x - eps)) / (2 eps), whose error shrinks like eps**2.'
    x = x0.copy()
    out = numerical_gradient(f, x, eps)
    checks.check_answered(out, 'numerical_gradient')
    if not np.allclose(x, x0, rtol=0, atol=eps / 100):
        raise checks.Mistake(f'numerical_gradient changed x: it was {x0}, afterwards it is {x}. You forgot to restore the entry: after evaluating f at x[i] + eps and x[i] - eps, set x[i] back to its old value, or every later entry is differentiated at a shifted point.', 'numerical_gradient does not restore x (an entry stays perturbed)', topic)
    checks.check_array(out, expected, 'numerical_gradient(f, x, eps=1e-3)', rtol=1e-07, label='numerical_gradient', mistakes={checks.hint('you divided by eps instead of 2 * eps: the points x - eps and x + eps are 2 eps apart.', topic): 2 * expected, checks.hint('this is the forward difference (f(x + eps) - f(x)) / eps, ' + one_sided, topic): forward, checks.hint('this is the backward difference (f(x) - f(x - eps)) / eps, ' + one_sided, topic): backward, checks.hint('use the eps you are given (here 1e-3): yours matches a much smaller, fixed eps.', topic): exact})
    c = np.array([0.3, -1.2, 0.8])
    W = np.array([[0.5, -0.2, 0.1], [0.4, 0.9, -0.7]])
    exact = np.outer(1 - np.tanh(W @ c) ** 2, c)
    out = numerical_gradient(lambda M: float(np.sum(np.tanh(M @ c))), W.copy(), 1e-05)
    checks.check_array(out, exact, 'numerical_gradient of sum(tanh(W c)) for a 2 x 3 matrix W', label='numerical_gradient of a matrix', rtol=1e-06, atol=1e-09, mistakes={checks.hint('the result must have the shape of x: fill grad = np.zeros(x.shape) entry by entry, for i in np.ndindex(x.shape), without flattening it.', topic): exact.ravel()})
    v = np.array([0.5, -1.5, 2.0])
    cube = 3 * v ** 2 + 0.01
    out = numerical_gradient(lambda u: float(np.sum(u ** 3)), v.copy(), 0.1)
    checks.check_array(out, cube, 'numerical_gradient of sum(v**3) with eps=0.1', rtol=1e-07, label='numerical_gradient with the eps passed in', mistakes={checks.hint('use the eps you are given: with eps = 0.1 the central difference of sum(v**3) is 3 v**2 + eps**2, yours is 3 v**2 (a fixed, much smaller eps).', topic): 3 * v ** 2})

