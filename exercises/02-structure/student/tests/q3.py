from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 2

@test_case(points=1.5, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_n_params(n_params):
    from mlp import checks

    def pairs(sizes):
        return list(zip(sizes[:-1], sizes[1:]))

    def right(sizes):
        return sum((m * (n + 1) for n, m in pairs(sizes)))
    mistakes = {'the biases are missing: each unit of layers 1..L has one, so layer l has n_l * (n_(l-1) + 1) parameters.': lambda s: sum((m * n for n, m in pairs(s))), 'the input layer has no biases (and no weights): count biases for layers 1..L only.': lambda s: right(s) + s[0], 'the constant units x_0 = 1 and h_0 = 1 are not trained: layer l has n_l rows of n_(l-1) + 1 numbers, not n_l + 1 rows.': lambda s: sum(((m + 1) * (n + 1) for n, m in pairs(s))), 'a layer is missing (an off-by-one in the loop): a network with sizes [n_0, ..., n_L] has L = len(sizes) - 1 layers of weights, from layer 1 to layer L.': [lambda s: right(s[:-1]), lambda s: right(s[1:])]}
    checks.check_function(n_params, right, [([3, 4, 2],), ([784, 100, 10],), ([5, 1],)], 'n_params', mistakes=mistakes, topic='chapters/02-structure.html#deep-versus-shallow-parameters-versus-hyperparameters')
    checks.check_count(n_params([2, 3, 2]), 17, 'n_params([2, 3, 2])', label='n_params')

