from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_node_backward(mul_backward, tanh_backward):
    import inspect
    import numpy as np
    from mlp import checks
    from mlp.autograd import Value
    topic = 'chapters/04-backprop.html#the-multivariate-chain-rule-gradients-of-all-paths-add-up'
    Node = checks.graph_node(mul_backward, tanh_backward)

    def leaf_grads(build, values, cls):
        leaves = [cls(v) for v in values]
        build(*leaves).backward()
        return [leaf.grad for leaf in leaves]

    def right_mul(a, b, out):
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad

    def right_tanh(a, out):
        a.grad += (1.0 - out.data ** 2) * out.grad

    def mul_set(a, b, out):
        a.grad = b.data * out.grad
        b.grad = a.data * out.grad

    def tanh_set(a, out):
        a.grad = (1.0 - out.data ** 2) * out.grad

    def mul_no_chain(a, b, out):
        a.grad += b.data
        b.grad += a.data

    def tanh_no_chain(a, out):
        a.grad += 1.0 - out.data ** 2

    def mul_own(a, b, out):
        a.grad += a.data * out.grad
        b.grad += b.data * out.grad

    def tanh_of_input(a, out):
        a.grad += (1.0 - a.data ** 2) * out.grad
    known = {'gradients overwritten instead of added: this node is used twice, and with `a.grad = ...` the second use wipes out the first. Accumulate with `a.grad += ...`.': [(mul_set, tanh_set), (mul_set, right_tanh), (right_mul, tanh_set)], "tanh'(a) = 1 - tanh(a)**2: square out.data (the tanh), not a.data.": [(right_mul, tanh_of_input)], 'multiply by out.grad: the chain rule passes d(output)/d(out) on to the parents, so each parent gets its local derivative TIMES out.grad.': [(mul_no_chain, tanh_no_chain), (mul_no_chain, right_tanh), (right_mul, tanh_no_chain)], 'd(a * b)/da = b: a.grad gets b.data * out.grad and b.grad gets a.data * out.grad (you swapped them).': [(mul_own, right_tanh), (mul_own, tanh_of_input)]}
    cases = [('x * y', 'mul_backward', lambda x, y: x * y, [3.0, -2.0]), ('tanh(x)', 'tanh_backward', lambda x: x.tanh(), [0.7]), ('x * x', 'mul_backward', lambda x: x * x, [3.0]), ('tanh(x) * x', 'tanh_backward', lambda x: x.tanh() * x, [0.7]), ('tanh(w1 * x1 + w2 * x2 + b)', 'mul_backward', lambda w1, x1, w2, x2, b: (w1 * x1 + w2 * x2 + b).tanh(), [0.4, 1.5, -0.8, 0.5, 0.1])]
    for expr, answer, build, values in cases:
        expected = leaf_grads(build, values, Value)
        wrong = {text: [leaf_grads(build, values, checks.graph_node(mul, tanh)) for mul, tanh in pairs] for text, pairs in known.items()}
        got = leaf_grads(build, values, Node)
        if all((g == 0 for g in got)):
            raise checks.Mistake(f'{answer}: {checks.NOT_ANSWERED} (after backward() on {expr}, every gradient is still 0: add your share to a.grad with +=).', f'{answer}: {checks.NOT_ANSWERED}')
        leaves = ', '.join((f'{name}.grad' for name in inspect.signature(build).parameters))
        name = f'[{leaves}] for {expr} at {values}'
        if not np.allclose(got, expected, rtol=1e-06, atol=1e-09):
            for text, values_of_mistake in wrong.items():
                if any((np.allclose(got, w, rtol=1e-06, atol=1e-09) and (not np.allclose(w, expected)) for w in values_of_mistake)):
                    raise checks.Mistake(f'{name}: {text}', text, topic)
        checks.check_array(got, expected, name, label=f'the gradients of the leaves of {expr}')

