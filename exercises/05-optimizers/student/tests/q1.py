from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_momentum_step(momentum_step):
    import numpy as np
    import mlp
    from mlp import checks

    def reference(w, v, g, lr, alpha):
        p = mlp.Parameter(np.array(w, dtype=float))
        opt = mlp.optim.Momentum([p], lr=lr, alpha=alpha)
        opt.state[0]['v'] = np.array(v, dtype=float)
        p.grad = np.array(g, dtype=float)
        opt.step()
        return (p.data, opt.state[0]['v'])

    def avg(v, g, alpha):
        return alpha * v + (1 - alpha) * g
    mistakes = {'sign error: step against the velocity, w <- w - lr * v (you moved uphill, w + lr * v).': lambda w, v, g, lr, alpha: (w + lr * avg(v, g, alpha), avg(v, g, alpha)), 'this is the classical form (v <- alpha v - lr g, w <- w + v); the lectures average the gradients instead: v <- alpha v + (1 - alpha) g, then w <- w - lr v.': lambda w, v, g, lr, alpha: (w + alpha * v - lr * g, alpha * v - lr * g), 'the factor (1 - alpha) is missing: v <- alpha v + (1 - alpha) g averages the gradients.': lambda w, v, g, lr, alpha: (w - lr * (alpha * v + g), alpha * v + g), 'alpha and 1 - alpha are swapped: the old velocity keeps the weight alpha, the larger one, v <- alpha v + (1 - alpha) g.': lambda w, v, g, lr, alpha: (w - lr * avg(g, v, alpha), avg(g, v, alpha)), 'step with the new velocity: first v <- alpha v + (1 - alpha) g, then w <- w - lr v (you stepped with the old v).': lambda w, v, g, lr, alpha: (w - lr * v, avg(v, g, alpha)), 'return the pair in the order (w_new, v_new): you returned the velocity first.': lambda w, v, g, lr, alpha: (avg(v, g, alpha), w - lr * avg(v, g, alpha))}
    rng = np.random.default_rng(0)
    inputs = [(np.array([1.0, -2.0]), np.zeros(2), np.array([0.5, 4.0]), 0.1, 0.9), (rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), rng.normal(size=(2, 3)), 0.05, 0.8)]
    checks.check_update_rule(momentum_step, reference, inputs, 'momentum_step', mistakes=mistakes, topic='chapters/05-optimizers.html#momentum-in-two-forms-and-nesterov')
    w, v = (np.array([-4.0, 1.0]), np.zeros(2))
    p = mlp.Parameter(w.copy())
    opt = mlp.optim.Momentum([p], lr=0.05, alpha=0.9)
    for t in range(1, 11):
        w, v = (np.asarray(a, dtype=float) for a in momentum_step(w.copy(), v.copy(), np.array([w[0], 20 * w[1]]), 0.05, 0.9))
        p.grad = np.array([p.data[0], 20 * p.data[1]])
        opt.step()
        checks.check_array(w, p.data, f'w after {t} steps on the quadratic (pass the returned v to the next step)', label='w after several steps on the quadratic')

