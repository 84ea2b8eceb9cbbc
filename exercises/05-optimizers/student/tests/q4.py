from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_clip_by_norm(clip_by_norm):
    import numpy as np
    import mlp
    from mlp import checks
    checks.check_answered(clip_by_norm([np.array([3.0, 4.0])], 1.0), 'clip_by_norm')

    def student(*args):
        out = clip_by_norm([np.array(g) for g in args[:-1]], args[-1])
        checks.check_answered(out, 'clip_by_norm')
        return tuple(out)

    def reference(*args):
        params = [mlp.Parameter(np.zeros_like(g)) for g in args[:-1]]
        for p, g in zip(params, args[:-1]):
            p.grad = np.array(g, dtype=float)
        mlp.optim.SGD(params, lr=1.0, clip_norm=args[-1]).step()
        return tuple((-p.data for p in params))

    def norm(gs):
        return np.sqrt(sum((np.sum(g ** 2) for g in gs)))
    mistakes = {'clip by the norm, not entry by entry: np.clip(g, -c, c) changes the direction of the gradient; rescale all arrays by c / ||g|| instead.': lambda *a: tuple((np.clip(g, -a[-1], a[-1]) for g in a[:-1])), "use ONE global norm over all arrays together, sqrt(sum over every array of sum(g**2)), not each array's own norm: all arrays get the same factor.": lambda *a: tuple((g * min(1.0, a[-1] / norm([g])) for g in a[:-1])), 'only clip when the norm exceeds max_norm; smaller gradients pass unchanged.': lambda *a: tuple((g * a[-1] / norm(a[:-1]) for g in a[:-1])), 'the factor is max_norm / ||g||, which shrinks the gradient (you used ||g|| / max_norm).': lambda *a: tuple((g * max(1.0, norm(a[:-1]) / a[-1]) for g in a[:-1])), 'the norm is the square root of the SUM of all squared entries, not of their mean.': lambda *a: tuple((g * min(1.0, a[-1] / np.sqrt(np.mean(np.concatenate([np.ravel(h) ** 2 for h in a[:-1]])))) for g in a[:-1]))}
    inputs = [(np.array([[3.0, -0.5, 0.2], [1.5, 0.0, -2.5]]), np.array([0.4, -0.1, 0.3]), 1.0), (np.array([[0.3, -0.2], [0.1, 0.4]]), np.array([-0.5]), 5.0), (np.array([0.6, -0.8, 0.3, 0.1]), 0.5)]
    checks.check_update_rule(student, reference, inputs, 'clip_by_norm', mistakes=mistakes, topic='chapters/05-optimizers.html#gradient-clipping-and-learning-rate-schedules')

