"""mlp: a small numpy library for multilayer perceptrons, written to be read.

The course "Neural Networks from Scratch" imports it in every chapter and exercise. The lecture
notation is the API: layers l = 1..L, W^(l) of shape (n_l, n_{l-1}), b^(l), z^(l), a^(l), delta^(l).

    >>> import mlp
    >>> net = mlp.MLP([2, 2, 1], activation="sigmoid", output="sigmoid", rng=0)
    >>> X, y = mlp.datasets.xor()
    >>> loss = mlp.losses.SquaredError()
    >>> opt = mlp.optim.SGD(net.parameters(), lr=2.0)
    >>> hist = mlp.fit(net, loss, opt, X, y, epochs=10, rng=0)

The core: read these. One concept per module, in the order the course meets them:
  numerics     stable sigmoid, softplus, logsumexp, softmax, one_hot
  activations  f(z) and f'(z): identity, step, sigmoid, tanh, relu, leaky_relu, elu, softplus
  losses       SquaredError, MSE, MAE, BCE, BCEWithLogits, SoftmaxCrossEntropy, Hinge
  init         Xavier/Glorot and He initializers
  layers       Parameter, Dense
  network      MLP: forward, backward (the delta recursion), loss_and_grads
  optim        SGD, Momentum, Nesterov, AdaGrad, AdaDelta, RMSProp, Adam
  train        minibatches, fit -> History
  autograd     Value: a scalar reverse-mode autodiff graph
  gradcheck    numerical_gradient, relative_error, check_gradients, ScalarMLP
(_validation holds the checks that give bad input a clear error at the public calls.)

Course support: what the chapters and exercises use around the core (no core module imports them):
  datasets        XOR, gates, moons, blobs, regression sets, splits, standardize
  plotting        decision boundaries, learning curves, loss surfaces, diagrams (matplotlib)
  widgets         figure sliders that work with or without a running kernel (ipywidgets)
  double_descent  random-features regression through the interpolation threshold
  checks          diagnoses of students' answers, used by the exercises' tests
  answers         the functions of mlp that are an exercise's answers, switched off while it runs
  answers         which parts of mlp answer each exercise, refused to its notebook's code
The core needs only numpy. matplotlib and ipywidgets, for plotting and widgets, come with the
"plots" extra (pip install "nn-from-scratch[plots]") and load only when a figure is drawn.
"""
from . import (  # the core and the course support (the docstring above says which is which)
    activations,
    answers,
    autograd,
    checks,
    datasets,
    double_descent,
    gradcheck,
    init,
    losses,
    numerics,
    optim,
    plotting,
    train,
    widgets,
)
from .activations import get_activation
from .gradcheck import check_gradients, numerical_gradient, relative_error
from .layers import Dense, Parameter
from .losses import BCE, MAE, MSE, BCEWithLogits, Hinge, Loss, SoftmaxCrossEntropy, SquaredError
from .network import MLP
from .train import History, fit, minibatches

__version__ = "0.1.0"


__all__ = [
    "MLP", "Dense", "Parameter", "get_activation",
    "Loss", "SquaredError", "MSE", "MAE", "BCE", "BCEWithLogits", "SoftmaxCrossEntropy", "Hinge",
    "fit", "History", "minibatches", "check_gradients", "numerical_gradient", "relative_error",
    "activations", "autograd", "checks", "datasets", "double_descent", "gradcheck", "init",
    "losses", "numerics", "optim", "plotting", "train", "widgets", "answers",
]
