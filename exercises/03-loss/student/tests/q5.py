from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_squared_losses(squared_error, squared_error_grad, mse, mse_grad):
    import numpy as np
    from mlp import checks

    def J(A, Y):
        return np.sum((A - Y) ** 2) / (2 * A.shape[0])

    def dJ(A, Y):
        return (A - Y) / A.shape[0]

    def M(A, Y):
        return np.mean((A - Y) ** 2)

    def dM(A, Y):
        return 2 * (A - Y) / A.size
    rng = np.random.default_rng(5)
    A = np.array([[0.2, 0.9, -0.4], [1.5, -0.3, 0.0], [0.0, 0.4, 2.0], [-1.0, 0.5, 0.8]])
    Y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.5, 0.5, 1.5], [-0.5, 0.0, 1.0]])
    inputs = [(A, Y), (rng.normal(size=(5, 2)), rng.normal(size=(5, 2)))]

    def K(A):
        return A.shape[1]
    J_mistakes = {'the 1/2 is missing: J = (1/N) sum_n 1/2 ||a_n - y_n||^2.': lambda A, Y: 2 * J(A, Y), "J averages over the N examples only (each example's squared distance sums its K outputs); you divided by N * K.": lambda A, Y: J(A, Y) / K(A), 'divide by N: J is a mean over the examples, not a sum.': lambda A, Y: J(A, Y) * len(A)}
    dJ_mistakes = {'missing the 1/N: J is a mean over the N examples, so dJ/dA = (A - Y) / N.': lambda A, Y: A - Y, 'the 1/2 cancels the 2 from the derivative of the square: dJ/dA = (A - Y) / N, without a factor 2.': lambda A, Y: 2 * dJ(A, Y), 'J divides by N, not by N * K: dJ/dA = (A - Y) / N.': lambda A, Y: dJ(A, Y) / K(A)}
    M_mistakes = {'MSE averages over all N * K numbers, not only over the N examples.': lambda A, Y: M(A, Y) * K(A), 'MSE has no 1/2: it is the plain mean of (a - y)^2.': lambda A, Y: M(A, Y) / 2}
    dM_mistakes = {'MSE has no 1/2, so its derivative keeps the factor 2 of the square: 2 (A - Y) / (N K).': lambda A, Y: dM(A, Y) / 2, 'MSE averages over all N * K numbers: its gradient is 2 (A - Y) / (N K), not divided by N only.': lambda A, Y: dM(A, Y) * K(A), 'missing the 1/(N K) of the mean: the gradient is 2 (A - Y) / (N K).': lambda A, Y: 2 * (A - Y)}
    checks.check_function(squared_error, J, inputs, 'squared_error', mistakes=J_mistakes, topic='chapters/03-loss.html#squared-error-mse-and-mae')
    checks.check_function(squared_error_grad, dJ, inputs, 'squared_error_grad', mistakes=dJ_mistakes, topic='chapters/03-loss.html#squared-error-mse-and-mae')
    checks.check_function(mse, M, inputs, 'mse', mistakes=M_mistakes, topic='chapters/03-loss.html#squared-error-mse-and-mae')
    checks.check_function(mse_grad, dM, inputs, 'mse_grad', mistakes=dM_mistakes, topic='chapters/03-loss.html#squared-error-mse-and-mae')

