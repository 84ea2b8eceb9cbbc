from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_forward(forward, params_232):
    import numpy as np
    import mlp
    from mlp import checks
    acts = {name: mlp.get_activation(name) for name in ('identity', 'relu', 'tanh', 'sigmoid')}
    names = {id(a.f): name for name, a in acts.items()}

    def with_mlp(X, params, f, f_out):
        sizes = [params[0][0].shape[1]] + [W_l.shape[0] for W_l, _ in params]
        net = mlp.MLP(sizes, activation=names[id(f)], output=names[id(f_out)])
        for l, (W_l, b_l) in enumerate(params, start=1):
            net.layer(l).W.data[:], net.layer(l).b.data[:] = (W_l, b_l)
        return net.forward(X)

    def variant(X, params, f, f_out, hidden=None, out=None, transpose=True, bias_inside=True):
        A = X
        for l, (W_l, b_l) in enumerate(params, start=1):
            g = out or f_out if l == len(params) else hidden or f
            Z = A @ (W_l.T if transpose else W_l)
            A = g(Z + b_l) if bias_inside else g(Z) + b_l
        return A
    mistakes = {'the last layer uses f_out and only the hidden layers use f; you used f everywhere.': lambda X, p, f, f_out: variant(X, p, f, f_out, out=f), 'the hidden layers use f and only the last layer uses f_out; you used f_out everywhere.': lambda X, p, f, f_out: variant(X, p, f, f_out, hidden=f_out), 'W^(l) has shape (n_out, n_in), one row per unit: for a batch of rows compute A @ W.T + b.': lambda X, p, f, f_out: variant(X, p, f, f_out, transpose=False), 'the bias belongs inside the activation: a = f(A @ W.T + b), not f(A @ W.T) + b.': lambda X, p, f, f_out: variant(X, p, f, f_out, bias_inside=False)}
    rng = np.random.default_rng(7)

    def random_params(sizes):
        return [(rng.normal(size=(m, n)), rng.normal(size=m)) for n, m in zip(sizes, sizes[1:])]
    inputs = [(rng.normal(size=(5, 3)), random_params([3, 3, 3]), acts['relu'].f, acts['identity'].f), (rng.normal(size=(4, 2)), random_params([2, 5, 4, 3]), acts['tanh'].f, acts['sigmoid'].f)]
    checks.check_function(forward, with_mlp, inputs, 'forward', mistakes=mistakes, topic='chapters/02-structure.html#many-layers-many-examples-the-shapes')
    checks.check_answered(params_232, 'params_232')
    if len(params_232) != 2 or any((len(pair) != 2 for pair in params_232)):
        raise checks.Mistake('params_232 must be a list of two pairs, [(W1, b1), (W2, b2)].', 'params_232 must be a list of two pairs (W, b)')
    V = np.array([[0.1, 0.8, -0.5], [-0.3, 0.4, 0.9], [0.2, -0.6, 0.3]])
    W = np.array([[0.05, 1.2, -0.7, 0.4], [-0.1, -0.8, 0.6, 1.1]])
    for l, (F, F_name, (W_l, b_l)) in enumerate(zip((V, W), ('V', 'W'), params_232), start=1):
        checks.check_array(W_l, F[:, 1:], f'W{l}', mistakes={f'W{l} still holds the bias column: it is {F_name}[:, 1:], {F_name} without column 0.': F, f'W{l} is {F_name}[:, :-1], {F_name} without its last column, but the biases are column 0 of {F_name}: W{l} is {F_name}[:, 1:], the columns after it.': F[:, :-1]})
        checks.check_array(b_l, F[:, 0], f'b{l}', mistakes={f'b{l} is column 0 of {F_name}, not its last column.': F[:, -1], f'b{l} should be a vector of shape ({F.shape[0]},): {F_name}[:, 0], not {F_name}[:, :1].': F[:, :1]})
    X = np.array([[0.5, -1.0], [0.0, 0.0], [2.0, 1.0], [-1.5, 0.3]])
    sigma = acts['sigmoid'].f
    folded = sigma(np.c_[np.ones(4), sigma(np.c_[np.ones(4), X] @ V.T)] @ W.T)
    checks.check_array(forward(X.copy(), params_232, sigma, sigma), folded, 'forward(X, params_232, sigmoid, sigmoid), the network of question 1')

