from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_rmsprop_step(rmsprop_step):
    import numpy as np
    import mlp
    from mlp import checks

    def reference(w, r, g, lr, rho, eps):
        p = mlp.Parameter(np.array(w, dtype=float))
        opt = mlp.optim.RMSProp([p], lr=lr, rho=rho, eps=eps)
        opt.state[0]['r'] = np.array(r, dtype=float)
        p.grad = np.array(g, dtype=float)
        opt.step()
        return (p.data, opt.state[0]['r'])

    def rule(w, r, g, lr, rho, eps, square=True, root=True, eps_inside=False, new_r=True, swap=False):
        with np.errstate(all='ignore'):
            keep = 1 - rho if swap else rho
            r_new = keep * r + (1 - keep) * (g ** 2 if square else g)
            rr = r_new if new_r else r
            scale = (np.sqrt(rr + eps) if eps_inside else np.sqrt(rr) + eps) if root else rr + eps
            return (w - lr * g / scale, r_new)
    mistakes = {'the square root is missing: divide by sqrt(r) + eps, the root of the mean square.': lambda *a: rule(*a, root=False), 'r is a moving average of the SQUARED gradients: r <- rho r + (1 - rho) g**2.': lambda *a: rule(*a, square=False), 'eps goes outside the square root: g / (np.sqrt(r) + eps), as in mlp.optim.RMSProp.': lambda *a: rule(*a, eps_inside=True), 'update r first and divide by the root of the NEW r (you used the old one).': lambda *a: rule(*a, new_r=False), 'rho and 1 - rho are swapped: the old average keeps the weight rho, the larger one.': lambda *a: rule(*a, swap=True), 'sign error: the step goes against the gradient, w <- w - lr g / (sqrt(r) + eps).': lambda w, r, g, lr, rho, eps: (2 * w - rule(w, r, g, lr, rho, eps)[0], rule(w, r, g, lr, rho, eps)[1])}
    rng = np.random.default_rng(1)
    inputs = [(np.array([0.5, -1.0, 2.0]), np.zeros(3), np.array([0.1, 2.0, 0.01]), 0.01, 0.9, 1e-08), (rng.normal(size=(2, 2)), rng.uniform(0.1, 1.0, size=(2, 2)), rng.normal(size=(2, 2)), 0.001, 0.95, 1e-08), (np.array([1.0, 1.0]), np.array([0.01, 0.0]), np.array([0.1, -0.05]), 0.1, 0.9, 0.1)]
    checks.check_update_rule(rmsprop_step, reference, inputs, 'rmsprop_step', mistakes=mistakes, topic='chapters/05-optimizers.html#adaptive-learning-rates-adagrad-rmsprop-adadelta-adam')
    w, r = (np.array([-4.0, 1.0]), np.zeros(2))
    p = mlp.Parameter(w.copy())
    opt = mlp.optim.RMSProp([p], lr=0.05)
    for t in range(1, 11):
        w, r = (np.asarray(a, dtype=float) for a in rmsprop_step(w.copy(), r.copy(), np.array([w[0], 20 * w[1]]), 0.05))
        p.grad = np.array([p.data[0], 20 * p.data[1]])
        opt.step()
        checks.check_array(w, p.data, f'w after {t} steps on the quadratic (pass the returned r to the next step; the defaults are rho=0.9, eps=1e-8)', label='w after several steps on the quadratic')

