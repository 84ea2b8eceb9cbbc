from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_elu(elu, elu_prime):
    import numpy as np
    from mlp import checks

    def f(z, a):
        return np.where(z >= 0, z, a * np.expm1(np.minimum(z, 0)))

    def df(z, a):
        return np.where(z >= 0, 1.0, a * np.exp(np.minimum(z, 0)))
    z1 = np.array([-3.0, -1.0, -0.2, 0.0, 0.5, 2.0])
    z2 = np.array([[-2.0, -0.7, 0.0, 0.4], [1.5, -0.1, 3.0, -4.0]])
    inputs = [(z1, 1.0), (z2, 0.5)]
    elu_mistakes = {'for z < 0, ELU is alpha * (exp(z) - 1): the factor alpha is missing.': lambda z, a: f(z, 1.0), 'for z < 0, ELU is alpha * (exp(z) - 1), which tends to -alpha; you forgot the - 1.': lambda z, a: np.where(z >= 0, z, a * np.exp(z))}
    prime_mistakes = {'for z < 0 the derivative of alpha * (exp(z) - 1) is alpha * exp(z); you returned ELU itself.': lambda z, a: np.where(z >= 0, 1.0, f(z, a)), 'for z < 0 the derivative is alpha * exp(z): the factor alpha is missing.': lambda z, a: np.where(z >= 0, 1.0, np.exp(z)), "for z < 0 the derivative is alpha * exp(z), not 0 (0 is ReLU's derivative there).": lambda z, a: np.where(z >= 0, 1.0, 0.0), 'at z = 0 take the right-hand derivative, 1: test z >= 0, not z > 0.': lambda z, a: np.where(z > 0, 1.0, a * np.exp(z))}
    checks.check_function(elu, f, inputs, 'elu', mistakes=elu_mistakes, topic='chapters/02-structure.html#activation-functions')
    checks.check_function(elu_prime, df, inputs, 'elu_prime', mistakes=prime_mistakes, topic='chapters/02-structure.html#activation-functions')
    hint = 'np.where evaluates both branches on every element, so exp(z) also runs at large positive z: apply exp to np.minimum(z, 0)'
    for z in (np.array([-1000.0, -1.0, 0.0, 1.0, 1000.0]), np.array([-100000.0, 100000.0])):
        checks.check_stable(elu, (z, 1.0), f(z, 1.0), 'elu', hint=hint)
        checks.check_stable(elu_prime, (z, 1.0), df(z, 1.0), 'elu_prime', hint=hint)

