from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=2, hidden=False, 
    success_message="public check passed; hidden tests with more cases run when your work is graded")
def test_early_stopping(early_stopping):
    import numpy as np
    from mlp import checks

    def rule(losses, patience, late=0, tie=False, previous=False, end=0):
        best = 0
        for e in range(1, len(losses)):
            against = losses[e - 1] if previous else losses[best]
            if losses[e] < against or (tie and losses[e] == against):
                best = e
            elif e - best >= patience + late:
                return (best, e)
        return (best, len(losses) - 1 + end)

    def right(losses, patience):
        return rule(losses, patience)
    mistakes = {'off by one: training stops at the first epoch e with e - best_epoch >= patience, right after `patience` epochs in a row without improvement.': [lambda l, p: rule(l, p, late=1), lambda l, p: rule(l, p, late=-1)], 'epochs are numbered from 0: val_losses[0] is the untrained network (epoch 0), so an epoch is its index in val_losses.': [lambda l, p: (rule(l, p)[0] + 1, rule(l, p)[1]), lambda l, p: (rule(l, p)[0] + 1, rule(l, p)[1] + 1)], 'a tie is not an improvement: the best epoch is the FIRST one with the lowest loss (use <, not <=).': lambda l, p: rule(l, p, tie=True), 'the best epoch must be one that training reached before it stopped: the losses after the stopping epoch are never computed (you took the minimum of all of them).': lambda l, p: (int(np.argmin(l)), rule(l, p)[1]), 'compare each epoch with the best loss so far, not with the previous epoch.': lambda l, p: rule(l, p, previous=True), 'when the patience never runs out, training ends at the last epoch, len(val_losses) - 1.': lambda l, p: rule(l, p, end=1)}
    inputs = [(np.array([1.0, 0.8, 0.6, 0.65, 0.7, 0.55, 0.58, 0.6, 0.62, 0.5, 0.7]), 3), (np.array([0.7, 0.8, 0.6, 1.0, 0.6, 0.6]), 3), (np.array([0.9, 0.7, 0.7, 0.7, 0.6, 0.8, 0.8]), 2), (np.array([1.0, 0.9, 0.8, 0.85, 0.7]), 3), (np.array([0.5, 0.6, 0.7, 0.8]), 2), (np.array([1.0, 0.5, 0.9, 0.8, 0.7, 0.6, 0.55]), 3)]
    checks.check_function(early_stopping, right, inputs, 'early_stopping', mistakes=mistakes, topic='chapters/06-double-descent.html#early-stopping')

