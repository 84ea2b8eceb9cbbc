from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_bce_with_logits(bce_with_logits, bce_with_logits_grad):
    import numpy as np
    from mlp import checks

    def softplus(z):
        return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))

    def sig(z):
        return np.exp(-softplus(-z))

    def loss(z, y):
        return np.mean(softplus(z) - y * z)

    def grad(z, y):
        return (sig(z) - y) / len(z)
    loss_mistakes = {'the loss is the mean over the N examples, not the sum.': lambda z, y: np.sum(softplus(z) - y * z), 'sign error: BCE = -[y log p + (1 - y) log(1 - p)] is never negative.': lambda z, y: -loss(z, y), 'y and 1 - y are swapped: the label-1 term is y log sigma(z).': lambda z, y: loss(z, 1 - y), 'return ONE number, the mean over the N examples, not the loss of each example.': lambda z, y: softplus(z) - y * z}
    grad_mistakes = {'missing the 1/N: the loss is a mean, so its gradient is (sigma(z) - y) / N.': lambda z, y: sig(z) - y, 'sign error: the gradient is (sigma(z) - y) / N, not (y - sigma(z)) / N.': lambda z, y: -grad(z, y)}
    rng = np.random.default_rng(4)
    inputs = [(np.array([-2.0, -0.5, 0.0, 0.3, 1.7, 4.0]), np.array([0, 1, 1, 0, 1, 1])), (rng.normal(scale=3.0, size=9), rng.integers(0, 2, size=9))]
    checks.check_function(bce_with_logits, loss, inputs, 'bce_with_logits', mistakes=loss_mistakes, topic='chapters/03-loss.html#binary-cross-entropy-a-negative-log-likelihood')
    checks.check_function(bce_with_logits_grad, grad, inputs, 'bce_with_logits_grad', mistakes=grad_mistakes, topic='chapters/03-loss.html#binary-cross-entropy-a-negative-log-likelihood')
    y = np.array([1, 0, 0, 1, 1])
    for z in (np.array([1000.0, -1000.0, 1000.0, -1000.0, 0.0]), np.array([20000.0, -20000.0, 20000.0, -20000.0, 0.0])):
        checks.check_stable(bce_with_logits, (z, y), loss(z, y), 'bce_with_logits', hint='write the loss as softplus(z) - y z with softplus(z) = max(z, 0) + log1p(exp(-|z|)); log(sigmoid(z)) is log(0) for very negative z')
        checks.check_stable(bce_with_logits_grad, (z, y), grad(z, y), 'bce_with_logits_grad', hint='use the sigmoid defined at the top, which never overflows')

