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

    def mlp_gradients(X, T, W1, b1, W2, b2, activation, output, drop=None):
        """mlp's backward pass; drop="hidden" or "output" leaves f'(z) out of that layer."""

        def f(name, layer):
            act = ACTIVATIONS[name]
            return Activation(name, act.f, np.ones_like) if drop == layer else act
        net = mlp.MLP([W1.shape[1], W1.shape[0], W2.shape[0]], activation=f(activation, 'hidden'), output=f('sigmoid', 'output') if output == 'sigmoid' else 'identity')
        for l, (W, b) in ((1, (W1, b1)), (2, (W2, b2))):
            net.layer(l).W.data[...], net.layer(l).b.data[...] = (W, b)
        loss = mlp.SquaredError() if output == 'sigmoid' else mlp.SoftmaxCrossEntropy()
        net.loss_and_grads(X, T, loss)
        return {'dW2': net.layer(2).W.grad, 'db2': net.layer(2).b.grad, 'dW1': net.layer(1).W.grad, 'db1': net.layer(1).b.grad}
    rng = np.random.default_rng(4)
    N, D, M, K = (4, 3, 5, 2)
    for activation, output in (('sigmoid', 'sigmoid'), ('tanh', 'softmax')):
        X = rng.normal(size=(N, D))
        T = rng.uniform(size=(N, K)) if output == 'sigmoid' else np.eye(K)[rng.integers(K, size=N)]
        params = (rng.normal(size=(M, D)), rng.normal(size=M), rng.normal(size=(K, M)), rng.normal(size=K))
        got = backprop(X.copy(), T.copy(), *(p.copy() for p in params), activation=activation, output=output)
        checks.check_answered(got, 'backprop')
        expected = mlp_gradients(X, T, *params, activation, output)
        no_fprime_out = mlp_gradients(X, T, *params, activation, output, drop='output')
        no_fprime_hid = mlp_gradients(X, T, *params, activation, output, drop='hidden')
        without = {'dW2': no_fprime_out['dW2'], 'db2': no_fprime_out['db2'], 'dW1': no_fprime_hid['dW1'], 'db1': no_fprime_hid['db1']}
        try:
            checks.check_gradient(got, expected, without_fprime=without, factors={'N': N})
        except AssertionError as err:
            raise AssertionError(f'backprop(activation={activation!r}, output={output!r}, N={N}, D={D}, M={M}, K={K}): {err}') from None

