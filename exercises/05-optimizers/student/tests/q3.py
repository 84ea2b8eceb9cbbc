from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 4

@test_case(points=3, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_adam_step(adam_step):
    import numpy as np
    import mlp
    from mlp import checks

    def optimizer(w, lr, beta1, beta2, eps):
        p = mlp.Parameter(np.array(w, dtype=float))
        return (p, mlp.optim.Adam([p], lr=lr, beta1=beta1, beta2=beta2, eps=eps))

    def reference(w, m, v, g, t, lr, beta1, beta2, eps):
        p, opt = optimizer(w, lr, beta1, beta2, eps)
        opt.state[0].update(m=np.array(m, dtype=float), v=np.array(v, dtype=float))
        opt.t = t - 1
        p.grad = np.array(g, dtype=float)
        opt.step()
        return (p.data, opt.state[0]['m'], opt.state[0]['v'])

    def rule(w, m, v, g, t, lr, beta1, beta2, eps, fix_m=True, fix_v=True, shift=0, eps_inside=False, hats=()):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g ** 2
        m_hat = m / (1 - beta1 ** (t + shift)) if fix_m else m
        v_hat = v / (1 - beta2 ** (t + shift)) if fix_v else v
        root = np.sqrt(v_hat + eps) if eps_inside else np.sqrt(v_hat) + eps
        return (w - lr * m_hat / root, m_hat if 'm' in hats else m, v_hat if 'v' in hats else v)
    correct_both = 'correct both averages: m_hat = m / (1 - beta1**t) and v_hat = v / (1 - beta2**t), and step with m_hat / (sqrt(v_hat) + eps).'
    mistakes = {'no bias correction: divide m by (1 - beta1**t) and v by (1 - beta2**t) before the step (m_hat and v_hat); without it the first steps have the wrong size.': lambda *a: rule(*a, fix_m=False, fix_v=False), 'only v is bias-corrected: ' + correct_both: lambda *a: rule(*a, fix_m=False), 'only m is bias-corrected: ' + correct_both: lambda *a: rule(*a, fix_v=False), 't counts the steps from 1: the first step has t = 1 and divides m by 1 - beta1**1 (you used t + 1, as if t started at 0).': lambda *a: rule(*a, shift=1), 'eps goes outside the square root: m_hat / (np.sqrt(v_hat) + eps), as in mlp.optim.Adam.': lambda *a: rule(*a, eps_inside=True), 'return the new averages m and v, not m_hat and v_hat: the bias correction is only for the step; the averages carry on from one step to the next without it.': lambda *a: rule(*a, hats='mv'), 'return the new average m, not m_hat: the bias correction is only for the step; the averages carry on from one step to the next without it.': lambda *a: rule(*a, hats='m'), 'return the new average v, not v_hat: the bias correction is only for the step; the averages carry on from one step to the next without it.': lambda *a: rule(*a, hats='v')}
    inputs = [(np.array([1.0, -2.0, 0.5]), np.zeros(3), np.zeros(3), np.array([0.5, -4.0, 0.001]), 1, 0.1, 0.9, 0.999, 1e-08)]
    rng = np.random.default_rng(3)
    curvature = np.array([[1.0, 20.0, 3.0], [0.5, 2.0, 8.0]])
    p, opt = optimizer(rng.normal(size=(2, 3)), 0.01, 0.8, 0.99, 1e-08)
    for t in range(1, 8):
        if t in (2, 7):
            s = opt.state[0]
            inputs.append((p.data.copy(), s['m'].copy(), s['v'].copy(), curvature * p.data, t, 0.01, 0.8, 0.99, 1e-08))
        p.grad = curvature * p.data
        opt.step()
    try:
        with np.errstate(all='ignore'):
            w1 = np.asarray(adam_step(*[np.copy(a) for a in inputs[0]])[0], dtype=float)
    except Exception:
        w1 = None
    if w1 is not None and w1.shape == (3,) and (not np.all(np.isfinite(w1))):
        raise checks.Mistake('adam_step: the first step (t = 1, m = v = 0) gives NaN or inf. At t = 1 the corrections divide by 1 - beta1**1 and 1 - beta2**1; did you use t - 1, which makes them 1 - beta**0 = 0?', 'adam_step: the bias correction divides by zero at the first step (t - 1 instead of t)', 'chapters/05-optimizers.html#adaptive-learning-rates-adagrad-rmsprop-adadelta-adam')
    checks.check_update_rule(adam_step, reference, inputs, 'adam_step', mistakes=mistakes, topic='chapters/05-optimizers.html#adaptive-learning-rates-adagrad-rmsprop-adadelta-adam')
    w, m, v = (np.array([-4.0, 1.0]), np.zeros(2), np.zeros(2))
    p, opt = optimizer(w, 0.1, 0.9, 0.999, 1e-08)
    for t in range(1, 11):
        w, m, v = (np.asarray(a, dtype=float) for a in adam_step(w.copy(), m.copy(), v.copy(), np.array([w[0], 20 * w[1]]), t, lr=0.1))
        p.grad = np.array([p.data[0], 20 * p.data[1]])
        opt.step()
        checks.check_array(w, p.data, f'w after {t} steps on the quadratic (pass the returned m and v to the next step)', label='w after several steps on the quadratic')

