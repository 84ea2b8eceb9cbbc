from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_node_backward(mul_backward, tanh_backward):
    import inspect
    import math
    from mlp import checks
    from mlp.autograd import Value
    Node = checks.graph_node(mul_backward, tanh_backward)

    def leaf_grads(build, values, cls):
        leaves = [cls(v) for v in values]
        build(*leaves).backward()
        return [leaf.grad for leaf in leaves]
    t = math.tanh(0.7)
    overwritten = 'gradients overwritten instead of added: this node is used twice, and with `a.grad = ...` the second use wipes out the first. Accumulate with `a.grad += ...`.'
    cases = [('x * y', 'mul_backward', lambda x, y: x * y, [3.0, -2.0], {}), ('tanh(x)', 'tanh_backward', lambda x: x.tanh(), [0.7], {"tanh'(a) = 1 - tanh(a)**2: square out.data (the tanh), not a.data.": [1 - 0.7 ** 2]}), ('x * x', 'mul_backward', lambda x: x * x, [3.0], {overwritten: [3.0]}), ('tanh(x) * x', 'tanh_backward', lambda x: x.tanh() * x, [0.7], {overwritten: [(1 - t * t) * 0.7]}), ('tanh(w1 * x1 + w2 * x2 + b)', 'mul_backward', lambda w1, x1, w2, x2, b: (w1 * x1 + w2 * x2 + b).tanh(), [0.4, 1.5, -0.8, 0.5, 0.1], {})]
    for expr, answer, build, values, mistakes in cases:
        got = leaf_grads(build, values, Node)
        if all((g == 0 for g in got)):
            raise AssertionError(f'{answer}: {checks.NOT_ANSWERED} (after backward() on {expr}, every gradient is still 0: add your share to a.grad with +=).')
        leaves = ', '.join((f'{name}.grad' for name in inspect.signature(build).parameters))
        checks.check_array(got, leaf_grads(build, values, Value), f'[{leaves}] for {expr} at {values}', mistakes=mistakes)

