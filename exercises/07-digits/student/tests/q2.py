from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 8

@test_case(points=0, hidden=False, 
    success_message="your network is handed in correctly; its score on the held-out digits is computed when your work is graded")
def test_network_handed_in(weights, activation, mean, std):
    import numpy as np
    import mlp
    from mlp import checks
    checks.check_weights(weights, activation, mean, std)
    X, y = mlp.datasets.load_course_digits()
    _, _, X_val, y_val = mlp.datasets.train_test_split(X, y, 0.2, rng=0)
    accuracy = float(np.mean(checks.classify(weights, activation, mean, std, X_val) == y_val))
    if accuracy < 0.5:
        raise checks.Mistake(f'your network reads {accuracy:.1%} of your validation digits correctly; points start at 50% on the held-out digits. Did it train? (Check the learning curve, the standardization, and that the weights are the trained ones.)', 'the network reads fewer than half of the validation digits: it did not train, or its inputs are not standardized as handed in', 'chapters/07-digits.html#watching-it-learn')

