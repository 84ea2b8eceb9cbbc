from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 5

@test_case(points=3, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_backprop(backprop):
    import numpy as np
    import mlp
    from mlp import checks
    from mlp.activations import ACTIVATIONS, Activation
    fprime_topic = 'chapters/04-backprop.html#backprop-in-one-neuron-then-through-a-layer'

    def mlp_gradients(X, Y, W1, b1, W2, b2, activation, output, drop=None):
        """mlp's backward pass; drop="hidden" or "output" leaves f'(z) out of that layer."""

        def f(name, layer):
            act = ACTIVATIONS[name]
            return Activation(name, act.f, np.ones_like) if drop == layer else act
        net = mlp.MLP([W1.shape[1], W1.shape[0], W2.shape[0]], activation=f(activation, 'hidden'), output=f('sigmoid', 'output') if output == 'sigmoid' else 'identity')
        for l, (W, b) in ((1, (W1, b1)), (2, (W2, b2))):
            net.layer(l).W.data[...], net.layer(l).b.data[...] = (W, b)
        loss = mlp.SquaredError() if output == 'sigmoid' else mlp.SoftmaxCrossEntropy()
        net.loss_and_grads(X, Y, loss)
        return {'dW2': net.layer(2).W.grad, 'db2': net.layer(2).b.grad, 'dW1': net.layer(1).W.grad, 'db1': net.layer(1).b.grad}

    def variant(X, Y, W1, b1, W2, b2, activation, output, softmax_gprime=False, fprime_of=None, db=lambda D: D.sum(axis=0), a0_is_A1=False):
        """The gradients with one known mistake, in numpy."""
        N = len(X)
        A1 = 1 / (1 + np.exp(-(X @ W1.T + b1))) if activation == 'sigmoid' else np.tanh(X @ W1.T + b1)
        Z2 = A1 @ W2.T + b2
        if output == 'sigmoid':
            A2 = 1 / (1 + np.exp(-Z2))
            D2 = A2 * (1 - A2) * (A2 - Y) / N
        else:
            A2 = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
            A2 /= A2.sum(axis=1, keepdims=True)
            D2 = (A2 * (1 - A2) if softmax_gprime else 1.0) * (A2 - Y) / N
        kind = fprime_of or activation
        D1 = (A1 * (1 - A1) if kind == 'sigmoid' else 1 - A1 ** 2) * (D2 @ W2)
        return {'dW2': D2.T @ A1, 'db2': db(D2), 'dW1': D1.T @ (A1 if a0_is_A1 else X), 'db1': db(D1)}
    rng = np.random.default_rng(4)
    N, D, M, K = (4, 3, 5, 2)
    for activation, output in (('sigmoid', 'sigmoid'), ('tanh', 'softmax')):
        X = rng.normal(size=(N, D))
        Y = rng.uniform(size=(N, K)) if output == 'sigmoid' else np.eye(K)[rng.integers(K, size=N)]
        params = (rng.normal(size=(M, D)), rng.normal(size=M), rng.normal(size=(K, M)), rng.normal(size=K))
        expected = mlp_gradients(X, Y, *params, activation, output)
        no_fprime_out = mlp_gradients(X, Y, *params, activation, output, drop='output')
        no_fprime_hid = mlp_gradients(X, Y, *params, activation, output, drop='hidden')
        without = {'dW2': no_fprime_out['dW2'], 'db2': no_fprime_out['db2'], 'dW1': no_fprime_hid['dW1'], 'db1': no_fprime_hid['db1']}
        other = 'sigmoid' if activation == 'tanh' else 'tanh'
        formula = {'sigmoid': 'a (1 - a)', 'tanh': '1 - a**2'}
        mistakes = {checks.hint("the softmax output has no element-wise g': with the cross-entropy, delta2 = (softmax(z2) - y) / N, because the softmax's whole Jacobian and the loss's derivative cancel to a2 - y (chapters 3 and 4); you multiplied by a2 (1 - a2) as if the outputs were sigmoids.", fprime_topic): variant(X, Y, *params, activation, output, softmax_gprime=True), checks.hint(f"f'(z) of the {activation} hidden layer is {formula[activation]} with a = f(z); you used the derivative of the {other}, {formula[other]}.", fprime_topic): variant(X, Y, *params, activation, output, fprime_of=other), checks.hint('the 1/N is already in delta (it comes from the mean loss): db = delta.sum(axis=0), a sum over the batch; you took the mean and divided by N twice.', 'mean'): variant(X, Y, *params, activation, output, db=lambda D: D.mean(axis=0)), checks.hint('db sums delta over the examples, axis=0 (one entry per unit), not over the units (axis=1).', 'shapes'): variant(X, Y, *params, activation, output, db=lambda D: D.sum(axis=1)), checks.hint("dW1 = delta1^T a^(0), and a^(0) = X, the input (you used A1, the hidden layer's output).", fprime_topic): variant(X, Y, *params, activation, output, a0_is_A1=True)}
        case = f'backprop(activation={activation!r}, output={output!r}, N={N}, D={D}, M={M}, K={K})'
        try:
            got = backprop(X.copy(), Y.copy(), *(p.copy() for p in params), activation=activation, output=output)
        except Exception as exc:
            shapes = ' (a matrix product does not fit: with rows as examples, delta2 @ W2 gives (N, K) @ (K, M) = (N, M), and dW = delta.T @ A_prev)' if 'matmul' in str(exc) or 'broadcast' in str(exc) else ''
            raise AssertionError(f'{case} raised {type(exc).__name__}: {exc}{shapes}') from None
        checks.check_answered(got, 'backprop')
        try:
            checks.check_gradient(got, expected, without_fprime=without, factors={'N': N}, mistakes=mistakes)
        except checks.Mistake as err:
            raise checks.Mistake(f'{case}: {err}', err.hint, err.topic) from None
        except AssertionError as err:
            raise AssertionError(f'{case}: {err}') from None

