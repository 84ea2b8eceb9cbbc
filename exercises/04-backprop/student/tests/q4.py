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
    ascent = 'the update adds the gradient: p + lr * dC/dp climbs the error (gradient ascent). Gradient descent subtracts it: p - lr * dC/dp.'
    rng = np.random.default_rng(0)
    params = {'W1': rng.normal(size=(3, 2)), 'b1': rng.normal(size=3), 'W2': rng.normal(size=(1, 3)), 'b2': rng.normal(size=1)}
    grads = {'d' + k: rng.normal(size=v.shape) for k, v in params.items()}
    out = gd_step({k: v.copy() for k, v in params.items()}, grads, 0.1)
    checks.check_answered(out, 'gd_step')
    if not isinstance(out, dict) or sorted(out) != sorted(params):
        raise AssertionError(f'gd_step must return a dict with the keys {sorted(params)}, got {out!r:.100}')
    for k, p in params.items():
        checks.check_array(out[k], p - 0.1 * grads['d' + k], f'gd_step(params, grads, lr=0.1)[{k!r}]', mistakes={ascent: p + 0.1 * grads['d' + k]})
    net = mlp.MLP([2, 2, 2], activation='sigmoid', output='sigmoid')
    values = {'W1': [[0.15, 0.2], [0.2, 0.3]], 'b1': [0.1, 0.2], 'W2': [[0.5, 0.4], [0.55, 0.45]], 'b2': [0.2, 0.1]}
    for l in (1, 2):
        net.layer(l).W.data[...], net.layer(l).b.data[...] = (values[f'W{l}'], values[f'b{l}'])
    x, t, loss = (np.array([[0.12, 0.3]]), np.array([[0.1, 0.9]]), mlp.SquaredError())
    checks.check_scalar(E0, net.loss_and_grads(x, t, loss), 'E0')
    checks.check_answered(lecture_1, 'lecture_1')
    if not isinstance(lecture_1, dict) or sorted(lecture_1) != ['W1', 'W2', 'b1', 'b2']:
        raise AssertionError(f'lecture_1 should be the dict gd_step returns, with the keys W1, b1, W2, b2; got {lecture_1!r:.100}')
    arrays = {k: np.array(v) for k, v in values.items()}
    try:
        theirs = backprop(x, t, **arrays)
        checks.check_gradient(theirs, {'d' + k: p.grad for k, p in zip(('W1', 'b1', 'W2', 'b2'), net.parameters())})
    except AssertionError as exc:
        raise AssertionError(f"lecture_1 is built from your backprop, and backprop (question 3) is wrong on the lecture's example: {exc} Fix question 3 first.") from None
    except Exception as exc:
        raise AssertionError(f"lecture_1 is built from your backprop, which fails on the lecture's example (question 3): {type(exc).__name__}: {exc}") from None
    for name, p in zip(('W1', 'b1', 'W2', 'b2'), net.parameters()):
        checks.check_array(lecture_1[name], p.data - 0.5 * p.grad, f'lecture_1[{name!r}]', mistakes={ascent: p.data + 0.5 * p.grad})
        p.data -= 0.5 * p.grad
    checks.check_answered(E1, 'E1')
    if E1 >= E0:
        raise AssertionError(f'E went up from {E0:.5f} to {E1:.5f}: {ascent}')
    checks.check_scalar(E1, loss(net.forward(x), t), 'E1')

