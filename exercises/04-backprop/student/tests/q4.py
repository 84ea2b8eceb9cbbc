from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_lecture_step(gd_step, E0, lecture_1, E1, backprop):
    import numpy as np
    import mlp
    from mlp import checks
    topic = 'chapters/05-optimizers.html#gradient-descent-and-the-learning-rate'
    ascent = checks.hint('the update adds the gradient: p + lr * dC/dp climbs the error (gradient ascent). Gradient descent subtracts it: p - lr * dC/dp.', topic)
    rng = np.random.default_rng(0)
    params = {'W1': rng.normal(size=(3, 2)), 'b1': rng.normal(size=3), 'W2': rng.normal(size=(1, 3)), 'b2': rng.normal(size=1)}
    grads = {'d' + k: rng.normal(size=v.shape) for k, v in params.items()}
    expected = {k: p - 0.1 * grads['d' + k] for k, p in params.items()}
    given_params = {k: v.copy() for k, v in params.items()}
    given_grads = {k: v.copy() for k, v in grads.items()}
    out = gd_step(given_params, given_grads, 0.1)
    checks.check_answered(out, 'gd_step')
    changed = [k for k in params if not np.array_equal(given_params[k], params[k])]
    if changed:
        raise checks.Mistake(f"gd_step changed params in place ({', '.join(changed)}): return a new dict of new arrays, {{name: p - lr * grads['d' + name]}}; with p -= ... the caller's parameters change too, and question 4 says not to change params.", 'gd_step changed params in place: return new arrays', topic)
    if not isinstance(out, dict) or sorted(out) != sorted(params):
        raise checks.Mistake(f'gd_step must return a dict with the keys {sorted(params)}, got {out!r:.100}', "gd_step must return a dict with the parameters' names as keys", topic)
    for k, p in params.items():
        checks.check_array(out[k], expected[k], f'gd_step(params, grads, lr=0.1)[{k!r}]', label=f'gd_step(params, grads, lr)[{k!r}]', mistakes={ascent: p + 0.1 * grads['d' + k], checks.hint('the step is lr * dC/dp: multiply the gradient by the learning rate lr.', topic): p - grads['d' + k], checks.hint("gd_step returned the parameters unchanged: subtract lr * grads['d' + name] from each one.", topic): p})
    net = mlp.MLP([2, 2, 2], activation='sigmoid', output='sigmoid')
    values = {'W1': [[0.15, 0.2], [0.2, 0.3]], 'b1': [0.1, 0.2], 'W2': [[0.5, 0.4], [0.55, 0.45]], 'b2': [0.2, 0.1]}
    for l in (1, 2):
        net.layer(l).W.data[...], net.layer(l).b.data[...] = (values[f'W{l}'], values[f'b{l}'])
    x, y, loss = (np.array([[0.12, 0.3]]), np.array([[0.1, 0.9]]), mlp.SquaredError())
    checks.check_scalar(E0, net.loss_and_grads(x, y, loss), 'E0')
    checks.check_answered(lecture_1, 'lecture_1')
    if not isinstance(lecture_1, dict) or sorted(lecture_1) != ['W1', 'W2', 'b1', 'b2']:
        raise checks.Mistake(f'lecture_1 should be the dict gd_step returns, with the keys W1, b1, W2, b2; got {lecture_1!r:.100}', 'lecture_1 should be the dict gd_step returns')
    right = {'d' + k: p.grad.copy() for k, p in zip(('W1', 'b1', 'W2', 'b2'), net.parameters())}
    try:
        theirs = backprop(x.copy(), y.copy(), **{k: np.array(v) for k, v in values.items()})
        checks.check_gradient(theirs, right)
    except AssertionError as exc:
        raise checks.Mistake(f"lecture_1 is built from your backprop, and backprop (question 3) is wrong on the lecture's example: {exc} Fix question 3 first.", 'lecture_1: fix question 3 first (backprop is wrong)') from None
    except Exception as exc:
        raise checks.Mistake(f"lecture_1 is built from your backprop, which fails on the lecture's example (question 3): {type(exc).__name__}: {exc}. Fix question 3 first.", 'lecture_1: fix question 3 first (backprop fails)') from None
    for name, p in zip(('W1', 'b1', 'W2', 'b2'), net.parameters()):
        checks.check_array(lecture_1[name], p.data - 0.5 * p.grad, f'lecture_1[{name!r}]', mistakes={ascent: p.data + 0.5 * p.grad})
        p.data -= 0.5 * p.grad
    E_after = loss(net.forward(x), y)
    checks.check_answered(E1, 'E1')
    checks.check_scalar(E1, E1, 'E1')
    if np.isclose(float(np.reshape(np.asarray(E1, dtype=float), ())), float(np.reshape(np.asarray(E0, dtype=float), ())), rtol=1e-12, atol=0):
        raise checks.Mistake('E1 equals E0: E1 is the error AFTER the step, mean_loss(x_lec, y_lec, **lecture_1), computed with the new parameters lecture_1.', 'E1 must be the error after the step, computed with lecture_1')
    if E1 >= E0:
        raise checks.Mistake(f'E went up from {float(E0):.5f} to {float(E1):.5f}: {ascent}', 'the error went up: the update climbs it', topic)
    checks.check_scalar(E1, E_after, 'E1')

