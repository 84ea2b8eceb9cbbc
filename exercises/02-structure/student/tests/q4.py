from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_kinks_and_slopes(kinks, slopes):
    import numpy as np
    from mlp import checks

    def bends(t, p):
        return (t[:, 1] != 0) & (p[1:] != 0)

    def right_kinks(t, p):
        b = bends(t, p)
        return np.sort(-t[b, 0] / t[b, 1])

    def right_slopes(t, p, left=True, absolute=True):
        b = bends(t, p)
        w, c = (t[b, 1], p[1:][b])
        order = np.argsort(-t[b, 0] / w)
        start = np.sum((c * w)[w < 0]) if left else 0.0
        return start + np.r_[0.0, np.cumsum((c * (np.abs(w) if absolute else w))[order])]
    THETA = np.array([[0.3, -1.0], [-0.8, 1.5], [1.1, -0.7]])
    PHI = np.array([-0.2, 1.0, 1.5, -0.8])
    theta2 = np.array([[1.0, 2.0], [0.5, 0.0], [-3.0, 1.0], [2.0, -4.0], [0.7, 1.3]])
    phi2 = np.array([0.3, -1.0, 2.0, 0.5, 1.5, 0.0])
    inputs = [(THETA, PHI), (theta2, phi2)]
    kink_mistakes = {'sign error: unit i switches where theta_i0 + theta_i1 x = 0, that is at x = -theta_i0 / theta_i1.': lambda t, p: np.sort(t[bends(t, p), 0] / t[bends(t, p), 1]), 'the ratio is upside down: the kink of unit i is at x = -theta_i0 / theta_i1.': lambda t, p: np.sort(-t[bends(t, p), 1] / t[bends(t, p), 0]), 'sort the kinks from left to right (np.sort).': lambda t, p: -t[bends(t, p), 0] / t[bends(t, p), 1], 'a unit with output weight phi_i = 0 adds nothing to y, so it makes no kink: leave it out.': lambda t, p: np.sort(-t[t[:, 1] != 0, 0] / t[t[:, 1] != 0, 1])}
    slope_mistakes = {'the leftmost slope is not 0: as x -> -infinity the units with theta_i1 < 0 are active, each adding phi_i * theta_i1 to the slope.': lambda t, p: right_slopes(t, p, left=False), 'a unit with theta_i1 < 0 switches OFF at its kink, so the slope changes by -phi_i * theta_i1 = phi_i * |theta_i1| there (and it is active to the left of the kink).': lambda t, p: right_slopes(t, p, absolute=False), 'units with theta_i1 < 0 are active to the LEFT of their kink and switch off there: the leftmost slope is the sum of phi_i * theta_i1 over them, and each kink changes the slope by phi_i * |theta_i1|.': lambda t, p: right_slopes(t, p, left=False, absolute=False)}
    checks.check_function(kinks, right_kinks, inputs, 'kinks', mistakes=kink_mistakes, topic='chapters/02-structure.html#a-shallow-relu-network-is-a-piecewise-linear-function')
    checks.check_function(slopes, right_slopes, inputs, 'slopes', mistakes=slope_mistakes, topic='chapters/02-structure.html#a-shallow-relu-network-is-a-piecewise-linear-function')

