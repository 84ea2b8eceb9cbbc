"""Coverage of the four lecture decks: every slide item, and where the book teaches it.

The table below goes through the decks in /shared/lectures slide by slide (Zuluaga = deck 000,
Eum = deck 002, deck 003, deck 004; the notation page describes them). Each row is

    (deck, slide item, page, how, evidence)

* how = "cell": a code cell of the page computes or checks the item; `evidence` is text of that
  cell (so the test fails if the cell goes);
* how = "prose": the page explains it in words; `evidence` is text of its markdown;
* how = "reason": the item is not taught, and `evidence` is the one-sentence reason (a recap
  slide, course logistics, a link to outside reading).

Pages are the chapters (by stem), "appendix" (The slides, corrected) and "notation". Rows marked
ISSUE are the items a slide-by-slide review found missing or only partly covered; every one of
them must be a cell or prose, or carry a reason. The test prints the counts and fails on any
missing item.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ISSUE = "issue"            # the review's missing and partial items

Z, EUM, D3, D4 = "Zuluaga", "Eum", "deck 003", "deck 004"

COVERAGE = [
    # ---- Zuluaga's lecture (deck 000) -------------------------------------------------------
    (Z, "the term comes from models of information processing in biological systems", "01-xor",
     "prose", "information processing in the brain", ISSUE),
    (Z, "Bishop: exaggerated claims of biological plausibility", "01-xor", "prose",
     "exaggerated claims of biological", ISSUE),
    (Z, "nonlinear efficient models for statistical pattern recognition", "01-xor", "prose",
     "efficient nonlinear model for statistical pattern recognition", ISSUE),
    (Z, "Minsky and Papert, XOR and the AI winter", "01-xor", "prose", "AI winter"),
    (Z, "the solution is simple: combine linear classifiers", "01-xor", "cell", "AND of h1 and h2"),
    (Z, "question: solve XOR with 1s and 0s?", "01-xor", "cell", "count_xor_networks"),
    (Z, "a combination of linear operators is linear", "02-structure", "cell", "def collapse(net)"),
    (Z, "add a nonlinearity: the sigmoid", "01-xor", "cell", "def with_sigmoids"),
    (Z, "a two-layer perceptron with sigmoids solves XOR", "01-xor", "cell",
     "correct == {1: False, 2: False, 3: True"),
    (Z, "a neuron: a linear operation, then a nonlinear function", "02-structure", "cell",
     "z_by_hand = 0.5"),
    (Z, "sigmoid: bounded, does not over-saturate the units it feeds", "02-structure", "cell",
     "(bounded)", ISSUE),
    (Z, "sigmoid: smooth", "02-structure", "prose", "**smooth**"),
    (Z, "sigmoid: well-defined gradients and Hessians", "02-structure", "cell",
     "sigma'' = sigma' (1 - 2 sigma)", ISSUE),
    (Z, "input layer x_1..x_D with x_0 = 1", "02-structure", "prose",
     "plus the constant $x_0 = 1$"),
    (Z, "hidden units h_1..h_M with h_0 = 1", "02-structure", "prose",
     "plus the constant $h_0 = 1$"),
    (Z, "output layer z_1..z_k", "02-structure", "prose",
     "Zuluaga's slides call the outputs $z_1, \\dots, z_k$"),
    (Z, "layer-1 weights V, M x (D+1)", "02-structure", "cell", "V.shape == (M, D + 1)"),
    (Z, "layer-2 weights W, K x (M+1)", "02-structure", "cell", "W.shape == (K, M + 1)"),
    (Z, "the sigmoid of a vector, component-wise", "02-structure", "prose", "element by element"),
    (Z, "example: two inputs, three hidden units, two outputs", "02-structure", "cell",
     "D, M, K = 2, 3, 2"),
    (Z, "the bias terms", "02-structure", "cell", "the bias trick in reverse"),
    (Z, "h = sigma(V x) and z = sigma(W sigma(V x))", "02-structure", "cell",
     "y_folded = sigma(W @ np.r_[1.0, sigma(V @ np.r_[1.0, x])])"),
    (Z, "the same, element-wise, with x_0 = h_0 = 1", "02-structure", "cell",
     "(a) element by element"),
    (Z, "the feed-forward network or multilayer perceptron", "02-structure", "prose",
     "**feedforward** network"),
    (Z, "several hidden layers: V -> W^(1), W -> W^(2), ... W^(L)", "02-structure", "prose",
     "$V \\to W^{(1)}$"),
    (Z, "the compact expression y_k(x, W)", "02-structure", "prose",
     "\\hat y_k = \\sigma\\Big(\\sum_{i=0}^{M} W_{ki}"),
    (Z, "y(x) = f(sum_i w_i phi_i(x))", "02-structure", "prose",
     "\\hat y = f\\big(\\sum_i \\nu_i \\phi_i(x)\\big)"),
    (Z, "a neuron as a feature map phi_i (the slide drops the nonlinearity)", "appendix", "cell",
     "linear features: one unit"),
    (Z, "each node is a feature variable", "02-structure", "prose",
     "Hidden units as learned features"),
    (Z, "optimizing the weights is feature selection", "02-structure", "prose",
     "feature **learning**", ISSUE),
    (Z, "pre-trained networks: features useful for many problems", "07-digits", "cell",
     '"learned on 0-4"', ISSUE),
    (Z, "features need a lot of data", "07-digits", "cell", "assert by_size[60] < by_size[240]",
     ISSUE),
    (Z, "loss L(z, y) = 1/2 ||z - y||^2", "03-loss", "cell", "mlp.SquaredError()(Y_hat, Y), C)"),
    (Z, "cost J, the mean over N examples", "03-loss", "prose", "C = \\frac1N \\sum_{n=1}^{N} E"),
    (Z, "batch or stochastic gradient descent, w <- w - alpha grad J", "04-backprop", "prose",
     "\\mathbf w \\leftarrow \\mathbf w - \\eta \\nabla C"),
    (Z, "one derivative per weight: time linear in the neurons, times the weights, O(nodes^2)",
     "04-backprop", "cell", "slope_fd > 1.9"),
    (Z, "neurons or weights: the two cost statements disagree", "appendix", "cell",
     "assert work == weights"),
    (Z, "backpropagation computes the gradient in O(nodes)", "04-backprop", "cell",
     "slope_bp < 1.1"),
    (Z, "gradient over a graph of arithmetic operations, by the chain rule", "04-backprop", "cell",
     "x, w, b = Value(5.0"),
    (Z, "steps 1-6: forward pass, then backward pass along the graph", "04-backprop", "cell",
     "mlp.plotting.plot_graph(f, ax=ax)"),
    (Z, "the pattern df/dz = df/ds ds/dz: backward term times forward term", "04-backprop", "prose",
     "\\underbrace{\\frac{\\partial f}{\\partial s}}_{\\text{backward pass}}"),
    (Z, "the multivariate chain rule: dL/dx_1 over z_1 and z_2", "04-backprop", "cell",
     "# sum over both paths"),
    (Z, "backpropagation is dynamic programming, linear in the weights", "04-backprop", "cell",
     "def sum_over_paths"),
    (Z, "backpropagation was key to the rebirth of neural networks", "01-xor", "prose",
     "brought multilayer networks back"),
    (Z, "recap: h_j = sigma(V_j x), z_i = sigma(W_i h), sigma' = sigma (1 - sigma)", "02-structure",
     "prose", "\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))"),
    (Z, "the network revisited: gradient of L in w_i through z_i", "04-backprop", "prose",
     "**Through a layer.**"),
    (Z, "local derivatives of h_j and z_i (two slips)", "appendix", "cell", "slope(w_i * z_i)"),
    (Z, "gradient of z_i in w_i (a missing factor h)", "appendix", "cell", "z_i * (1 - z_i) * h"),
    (Z, "forward pass, next layers, final layer, backpropagation steps", "04-backprop", "cell",
     "column-vector equations == mlp's batch code"),
    (Z, "forward pass for any network: phi_i = a_i = sum_j w_ij z_j, z_i = h(a_i)", "04-backprop",
     "prose", "Zuluaga's lecture writes two equations"),
    (Z, "the output error delta_k", "04-backprop", "cell", "# BP1: dE/da = a - y"),
    (Z, "backward pass of the deltas, delta_j^(l)", "04-backprop", "cell", "# BP2"),
    (Z, "after Bishop's figure 5.7", "04-backprop", "prose", "Bishop's figure 5.7"),
    (Z, "estimate all derivatives grad_w L", "04-backprop", "cell", "# BP4"),
    (Z, "change the weights by -alpha grad L", "04-backprop", "cell", "def error_after"),
    (Z, "repeat until enough iterations or a minimum", "05-optimizers", "cell",
     "for epoch in range(20):"),
    (Z, "advantages: general, powerful in theory, efficient in practice", "02-structure", "prose",
     "very general"),
    (Z, "drawbacks: slow training, choice of layers and neurons, little understanding",
     "02-structure", "prose", "little\nunderstanding"),
    (Z, "recap of the lecture", "", "reason", "a summary of the slides above, no new item"),
    (Z, "a deep learning course for more powerful architectures", "07-digits", "prose",
     "convolutional network LeNet-5"),
    (Z, "disclaimer: examples adapted from J. Shewchuk's course", "", "reason",
     "an attribution, not course content"),
    (Z, "key concepts: backpropagation, MLP, feedforward networks, chain rule", "", "reason",
     "a list of the items above"),
    (Z, "further reading: PRML chapter 5, ESL chapter 11", "02-structure", "prose",
     "{cite}`bishop2006prml` (chapter 5)"),
    # ---- Eum's lecture (deck 002) ------------------------------------------------------------
    (EUM, "outline: terminology, the MLP, training, backpropagation, an example", "", "reason",
     "a table of contents of the lecture"),
    (EUM, "a bio-inspired approach", "01-xor", "prose", '"bio-inspired"', ISSUE),
    (EUM, "w_ij^(l): the weight on a link between node i and node j", "04-backprop", "prose",
     "(source first)"),
    (EUM, "two types of layers: nodes and links", "02-structure", "cell",
     "len(net.sizes) == net.L + 1", ISSUE),
    (EUM, "an L-layer network: input, L-1 hidden layers, output", "02-structure", "prose",
     "$L-1$ hidden layers"),
    (EUM, "role of hidden layers: y_1 = w_2 x_2 + w_1 x_1 + w_0", "01-xor", "prose",
     "## One unit, one line"),
    (EUM, "two units z_1, z_2 on the truth table: an AND gate", "01-xor", "prose",
     "Eum's builds a gate from two units"),
    (EUM, "example structures of neural networks", "02-structure", "cell",
     "for sizes in ([2, 3, 2]", ISSUE),
    (EUM, "a neural network model: bias and weight, x_0 = 1", "02-structure", "prose",
     "**bias trick**"),
    (EUM, "fully connected vs partially connected", "02-structure", "cell", "partially connected: ",
     ISSUE),
    (EUM, "bias and weight initialization: Xavier (2010), He (2015)", "02-structure", "cell",
     '"Xavier": mlp.init.xavier_normal'),
    (EUM, '"Xarvier"', "appendix", "cell", "Glorot: Var(w) = 2 / (n_in + n_out)"),
    (EUM, "the activation table with derivatives (identity to leaky ReLU)", "02-structure", "cell",
     "names = list(mlp.activations.ACTIVATIONS)"),
    (EUM, "vanishing gradient problem", "02-structure", "cell", "def chain_gradient"),
    (EUM, "ReLU: convergence 6 times faster", "02-structure", "prose", "**six times faster**"),
    (EUM, "softmax table: outputs -5, -1, 1, 5, sigmoid, normalization, softmax", "03-loss", "cell",
     "slide_softmax = [0.00004"),
    (EUM, "H(y) = -sum_i t_i log y_i = 0.020621", "03-loss", "cell", "0.020621"),
    (EUM, "overview of the operation: forward and backward", "04-backprop", "prose",
     "backward pass"),
    (EUM, "toy example f = w x + b, df/dw = x = 5", "04-backprop", "cell",
     "(-7.0, 5.0, 1.0, -2.0)"),
    (EUM, "toy update W_new = -2 + 0.1 x 5 = -1.5, b_new = 3.1", "04-backprop", "cell",
     "np.testing.assert_allclose(descend(0.01)[:2], [-1.5, 3.1])"),
    (EUM, "backpropagation in a neuron: dE/dw = dE/dsigma dsigma/da da/dw", "04-backprop", "cell",
     "grad_by_hand = dE_dyhat * dyhat_dz * a_in"),
    (EUM, "E = 1/2 sum_i (t_i - sigma(a))^2 against one output", "appendix", "cell",
     "def slide_E(s):"),
    (EUM, "backpropagation in the next layer: the sum over the outputs", "04-backprop", "prose",
     "\\frac{\\partial E}{\\partial a_j} = \\sum_k"),
    (EUM, "forwarding: a_1 = 0.178, a_2 = 0.314", "04-backprop", "cell",
     '("0.178", net.z[1][0, 0])'),
    (EUM, "sigma(a_1) = 0.544, sigma(a_2) = 0.578", "04-backprop", "cell",
     '("0.578", net.a[1][0, 1])'),
    (EUM, "second layer: 0.703 and 0.659", "04-backprop", "cell", '("0.703", net.z[2][0, 0])'),
    (EUM, "outputs 0.669 and 0.659", "04-backprop", "cell", '("0.669", net.a[2][0, 0])'),
    (EUM, "E(w) = 0.191", "04-backprop", "cell", '("0.191", E0)'),
    (EUM, "the hidden units trade names inside the forward pass", "appendix", "cell",
     '"0.670 0.660 0.1911 0.1908"'),
    (EUM, "dE/dy_1 = 0.569", "04-backprop", "cell", '("0.569", dE_dy1)'),
    (EUM, "dy_1/dy_1in = 0.221", "04-backprop", "cell", '("0.221", slope_y1)'),
    (EUM, "dy_1in/dw_11^(2) = 0.578", "04-backprop", "cell", '("0.578", h_B)'),
    (EUM, "dE/dw_11^(2) = 0.0727 and the update to 0.436", "04-backprop", "cell",
     '("0.0727", net.layer(2).W.grad[0, 1])'),
    (EUM, "the same for the other second-layer weights", "04-backprop", "cell",
     "all gradients from mlp's backward pass"),
    (EUM, "first layer: the sum of two paths, 0.0503 - 0.0244 = 0.0259", "04-backprop", "cell",
     '("0.0259", dE_dhB)'),
    (EUM, "dy_2in / dz_2out should be dy_2in / dz_1out (0.45)", "appendix", "cell", "[0.45, 0.55]"),
    (EUM, "the hidden unit's slope 0.2439", "04-backprop", "cell", '("0.2439", slope_B)'),
    (EUM, "dz_1in/dw_11^(1) = x_1 = 0.12", "04-backprop", "cell", '("0.12", x_ex[0, 0])'),
    (EUM, "dE/dw_11^(1) = 0.00075 (truncated from 0.000758)", "04-backprop", "cell",
     'f"{from_factors:.6f}" == "0.000758"'),
    (EUM, "the updates w + eta dE/dw climb the error: 0.436, 0.1504", "appendix", "cell",
     '"0.1504 0.1495"'),
    (EUM, "the last slide's four-factor chain misses a factor and a path", "appendix", "cell",
     'f"{four_factors:.4f}" == "0.0037"'),
    (EUM, "vanishing gradient: a product of small sigmoid slopes", "04-backprop", "cell",
     "def delta_norms"),
    (EUM, "the vanishing-gradient slide's update sign", "appendix", "cell", "E_plus > E > E_minus"),
    (EUM, "backup slides", "", "reason", "an empty section of the deck"),
    # ---- deck 003 ----------------------------------------------------------------------------
    (D3, "recap: basic concepts, the perceptron and its limits", "01-xor", "prose",
     "The perceptron rule, and how it fails on XOR"),
    (D3, "combining perceptrons: a hidden layer", "01-xor", "prose", "**hidden units**"),
    (D3, "a shallow network: weights theta and phi, one hidden layer", "02-structure", "prose",
     "Deck 003 (and exercise 2) write this network"),
    (D3, "x = (1, x): the dummy input", "notation", "prose", "with the dummy: $x = (1, x)$"),
    (D3, "h' = a[theta x] with ReLU, then y = a[phi h] linear", "02-structure", "cell",
     "def shallow_net(hidden, nu)"),
    (D3, "computing the hidden layer and the output, step by step", "02-structure", "cell",
     "def draw_shallow"),
    (D3, "universal approximation theorem", "02-structure", "cell",
     "sup_err[-1] < 0.1 * sup_err[0]"),
    (D3, "it gives no method to find the parameters", "02-structure", "prose",
     "*how to find* the weights"),
    (D3, "link to an external course page", "", "reason", "outside reading, not course content"),
    (D3, "deep network: at least two hidden layers; the MLP", "02-structure", "prose",
     "at least two hidden layers"),
    (D3, "each neuron: weighted sum of the previous outputs plus bias, then activation",
     "02-structure", "cell", "def deck_003(x)"),
    (D3, "the two-hidden-layer equations in theta, psi and phi'", "02-structure", "cell",
     "deck 003's two-hidden-layer equations == mlp.MLP", ISSUE),
    (D3, "math recap: matrix multiplication", "02-structure", "cell", "but B @ A has shape", ISSUE),
    (D3, "the MLP in matrix notation", "02-structure", "prose",
     "Z^{(l)} = A^{(l-1)} W^{(l)\\top} + b^{(l)}"),
    (D3, "general formulation: K hidden layers, Omega_0..Omega_K, beta_0..beta_K", "02-structure",
     "prose", "\\Omega_0, \\dots, \\Omega_K"),
    (D3, "ReLU: standard, fast, no gradient vanishing (dead units)", "appendix", "cell",
     "assert np.all(grad == 0.0)"),
    (D3, "ELU: a replacement for ReLU, no gradient sparsity", "02-structure", "prose", "| ELU |"),
    (D3, "tanh: gradient vanishing; used in RNNs and GANs", "02-structure", "prose",
     "recurrent networks and GANs", ISSUE),
    (D3, "sigmoid: the uses and problems of tanh", "02-structure", "prose", "**Saturation.**"),
    (D3, "output activations: linear, sigmoid, softmax", "03-loss", "prose",
     "## Which output and which loss for which task"),
    (D3, "a generic function with a million parameters: possible in theory, not in practice",
     "02-structure", "cell", "comb(64 + 4, 4)", ISSUE),
    (D3, "a DNN is a computationally efficient way to represent complex functions", "02-structure",
     "prose", "computationally efficient way"),
    (D3, "training: three ingredients, loss, optimizer, backpropagation", "05-optimizers", "cell",
     "ingredient 2: backpropagation", ISSUE),
    (D3, "parameters and hyperparameters", "02-structure", "cell",
     'print("hyperparameters:", hyper'),
    (D3, "the loss is a function of the parameters", "03-loss", "prose", "C(\\theta) = \\frac1N"),
    (D3, "a very high-dimensional space: brute force is impossible", "05-optimizers", "cell",
     "brute force, 10 values per weight", ISSUE),
    (D3, "MSE for regression, strongly penalizes outliers", "03-loss", "cell", 'slopes["MSE"]'),
    (D3, "MAE: less importance to outliers", "03-loss", "cell", 'abs(slopes["MAE"] - 2) < 0.3'),
    (D3, "binary cross-entropy with a sigmoid output", "03-loss", "cell",
     "mlp.BCE()(p[:, None], y)"),
    (D3, "categorical cross-entropy with softmax", "03-loss", "cell",
     "mlp.SoftmaxCrossEntropy()(z[None, :]"),
    (D3, "y for the output and y-hat for the ground truth", "03-loss", "prose",
     "swaps the roles of $y$ and $\\hat y$"),
    (D3, "why going deep?", "02-structure", "cell", "def deep_sawtooth"),
    (D3, "the gradient of a function (repeats df/dx_1)", "appendix", "cell",
     "slide = np.array([grad[0], grad[0], grad[2]])"),
    (D3, "the gradient points to the greatest increase", "05-optimizers", "prose",
     "The gradient points uphill"),
    (D3, "gradient descent W_{t+1} = W_t - eta grad L", "05-optimizers", "cell", "def gd_1d"),
    (D3, "repeat until the weights stop changing", "05-optimizers", "prose",
     "until the weights stop changing"),
    (D3, "gradient descent is inefficient for large data sets", "05-optimizers", "cell",
     "ms_per_update"),
    (D3, "gradient descent may get stuck in local minima", "05-optimizers", "cell",
     "two_valleys_grad", ISSUE),
    (D3, "stochastic gradient descent on mini-batches", "05-optimizers", "cell",
     "batch_sizes = [1, 2, 4"),
    (D3, "momentum v = alpha v + (1 - alpha) grad L, alpha 0.9-0.99", "05-optimizers", "cell",
     'form="lecture"'),
    (D3, "other algorithms: AdaGrad, AdaDelta, RMSProp, Adam", "05-optimizers", "cell",
     "for cls in (optim.AdaGrad, optim.RMSProp, optim.AdaDelta, optim.Adam):"),
    (D3, '"these algorithms include momentum and an adaptive learning rate"', "appendix", "cell",
     'moved_after["Adam"] > 0.1'),
    (D3, "Adam and RMSProp are generally the best options", "05-optimizers", "prose",
     "Deck 003's advice, that Adam and RMSProp"),
    (D3, "deriving the loss: backpropagation, a forward and a backward pass", "04-backprop",
     "prose", "## Backprop in one neuron, then through a layer"),
    (D3, "backpropagation is as time consuming as computing the loss", "04-backprop", "cell",
     "ratios.append(multiply_adds"),
    (D3, "a lot of memory, about 10 times the model size", "04-backprop", "cell", "cached z and a"),
    (D3, "the chain rule dF/dx = dF/dg dg/dx", "04-backprop", "prose", "F'(x) = \\cos(\\log x)"),
    (D3, "example: sin(log x)", "04-backprop", "cell",
     "chain_rule = np.cos(np.log(xs_chain)) / xs_chain", ISSUE),
    (D3, '"computing the function of composite functions"', "appendix", "cell",
     "chain = np.cos(np.log(xs)) / xs"),
    (D3, "the forward pass stores activations and pre-activations", "04-backprop", "prose",
     "so the forward pass keeps them"),
    (D3, "the backward pass, from the last layer to the first", "04-backprop", "prose",
     "the error\ntravels backwards"),
    (D3, "example: f_1 = theta_11 x + theta_01, h_1 = a(f_1), y = phi_1 h_1 + phi_2 h_2 + phi_0",
     "04-backprop", "cell", "z = w_h * x0 + b_h"),
    (D3, "the loss (y - y_bar)^2", "04-backprop", "cell",
     "reg.loss_and_grads(np.array([[x0]]), np.array([[y0]]), mlp.MSE())"),
    (D3, "dL/dphi_1 = 2 Delta y h_1", "04-backprop", "cell", '"dE/dnu_i": 2 * dy * h'),
    (D3, "dL/dtheta_11 = 2 Delta y phi_1 a'(f_1) x", "04-backprop", "cell",
     '"dE/dw_i": 2 * dy * nu[1:] * relu_slope * x0'),
    (D3, "the biases, and the remaining parameters", "04-backprop", "cell",
     '"dE/db_i": 2 * dy * nu[1:] * relu_slope'),
    (D3, "exercise: add a hidden layer", "04-backprop", "cell", "two hidden layers, dE/dw_i",
     ISSUE),
    (D3, "learning curves: epochs, loss per epoch, plateau", "06-double-descent", "cell",
     "big, h_big, snaps = train("),
    (D3, "validation and test sets", "06-double-descent", "cell", "train_val_test_split"),
    (D3, "underfitting and overfitting", "06-double-descent", "cell",
     "logistic regression should underfit"),
    (D3, "double descent, in model size and in epochs", "06-double-descent", "cell",
     "dd.gd_two_scale_risk"),
    (D3, '"Inference Region"', "appendix", "cell", "train_mse[p] < 1e-20"),
    (D3, "the double-descent paper (arXiv 1912.02292)", "06-double-descent", "prose",
     "nakkiran2019deep"),
    (D3, "summary slides", "", "reason", "a summary of the items above"),
    (D3, "next lectures: coding lab, autoencoders, CNNs, GNNs", "", "reason",
     "course logistics and later topics"),
    # ---- deck 004 ----------------------------------------------------------------------------
    (D4, "admin: milestones, exam", "", "reason", "course logistics, not course content"),
    (D4, "explicit nonlinear features: a prespecified map", "02-structure", "cell",
     "explicit = np.c_[X_xor, X_xor[:, 0] * X_xor[:, 1]]", ISSUE),
    (D4, "implicit nonlinear features via kernels", "02-structure", "cell", "def kernel_features"),
    (D4, "choose the map or kernel by prior knowledge (RBF, polynomial)", "02-structure", "prose",
     "prior knowledge of the problem", ISSUE),
    (D4, "kernels capture pairwise similarity", "02-structure", "prose",
     "measures how similar two\ninputs are"),
    (D4, "the ML mindset: learn the nonlinear map from data", "02-structure", "prose",
     "learn the map from data\ninstead of fixing it by hand"),
    (D4, "kernel SVM: w = sum_i alpha_i y_i phi(x_i), features Phi(x)", "02-structure", "cell",
     "coef, *_ = np.linalg.lstsq(Phi"),
    (D4, "kernel features are not learned", "02-structure", "prose",
     "the features are fixed before training"),
    (D4, "neural networks learn the features and the classifier jointly", "02-structure", "prose",
     "fitting its features and the linear\nmodel together"),
    (D4, "stages of simple decisions", "01-xor", "prose", "simple decisions feed a next stage",
     ISSUE),
    (D4, "units, not neurons", "02-structure", "prose", "prefers *unit* to *neuron*"),
    (D4, "what units compute: linear classification, maxima, scaling, normalization",
     "02-structure", "cell", "max(x1, x2) by three ReLU units", ISSUE),
    (D4, "layers consume the previous layer's output", "02-structure", "prose",
     "Information flows one way"),
    (D4, "jargon: input, hidden and output layers; a 2-layer network has 1 hidden layer",
     "02-structure", "prose", "a 2-layer network has 1 hidden layer"),
    (D4, '"multilayer perceptron" is a misnomer', "02-structure", "prose", "misnomer"),
    (D4, "no hidden layer: with sgn, a linear classifier", "01-xor", "cell",
     "def perceptron(X, y, epochs"),
    (D4, "activation functions; the rectifier, ReLU", "02-structure", "prose",
     "**rectified linear unit**"),
    (D4, "exercise: what governs what an activation function should be?", "02-structure", "prose",
     "Three properties decide which activations work"),
    (D4, "one hidden layer: z_i = sum_j w_ij x_j + b_i, a_i = f(z_i)", "04-backprop", "cell",
     "z_h = W_h @ x_h + b_h"),
    (D4, "exercise: what is theta?", "notation", "prose", "| $\\theta$ | all parameters"),
    (D4, "the output sees the new features [f(z_1), ..., f(z_m)]", "02-structure", "cell",
     "mlp.plotting.plot_hidden_views(net_x"),
    (D4, "Cybenko's theorem", "02-structure", "prose", "cybenko1989approximation"),
    (D4, "Hornik (1991)", "02-structure", "prose", "hornik1991approximation"),
    (D4, "Leshno et al. (1993): iff not a polynomial", "02-structure", "prose",
     "is not a polynomial"),
    (D4, "the catch: representation versus learnability", "02-structure", "prose",
     "What the theorems **do not** say"),
    (D4, "Hanin (2017): bounded width", "02-structure", "cell", "def max_of_lines", ISSUE),
    (D4, "Telgarsky (2016): benefits of depth", "02-structure", "prose", "telgarsky2016benefits"),
    (D4, "Petersen and Voigtlaender (2017)", "02-structure", "prose",
     "petersen2018optimal`, a result\nbeyond this book", ISSUE),
    (D4, "negative results: Shalev-Shwartz et al. 2017; Song et al. 2017", "02-structure", "prose",
     "both are research results beyond this\n  book", ISSUE),
    (D4, "data separable with 2 hidden units (why?)", "02-structure", "cell",
     "at least one of ten starts should separate XOR"),
    (D4, "networks with 10, 100 and 500 neurons", "02-structure", "cell",
     "for M in (2, 10, 100, 500):"),
    (D4, "nonlinear separation with two units z_1, z_2", "02-structure", "prose",
     "What does a hidden layer do to the data?"),
    (D4, "z_2 labelled (1st unit)", "appendix", "cell", "assert not np.allclose(z[:, 0], z[:, 1])"),
    (D4, "z_1 = w_11 x_1 + w_21 x_2 + b_1: source-first weights", "appendix", "cell",
     "np.testing.assert_allclose(as_written, W_ij.T @ x_in + b_i)"),
    (D4, "each point mapped to [f(z_1), f(z_2)]", "01-xor", "cell",
     "mlp.plotting.plot_hidden_views(sig_net"),
    (D4, "points become linearly separable in the mapped space", "01-xor", "cell",
     '("hidden h of the sigmoid net", H_sig)'),
    (D4, "it is challenging to learn the hidden representation", "01-xor", "cell",
     "assert len(solved) == 18 and len(stuck) == 2"),
    (D4, "exercise: flip the signs of the normal vectors", "02-structure", "cell",
     "the flipped features", ISSUE),
    (D4, "m hidden units: how many sign flips, which work", "02-structure", "cell",
     "len(flips) == 2 ** 2", ISSUE),
    (D4, "training: ERM with lambda ||theta||^2", "03-loss", "cell",
     "pen.loss_and_grads(X_p, y_p, mlp.SquaredError())"),
    (D4, "the hinge loss max(0, 1 - yz)", "03-loss", "cell", "np.maximum(0, 1 - m)"),
    (D4, "the squared loss 1/2 (y - z)^2", "03-loss", "cell", "0.5 * (1 - m) ** 2"),
    (D4, "several others, e.g. for multiclass", "03-loss", "prose",
     "## Softmax and categorical cross-entropy"),
    (D4, "SGD: theta <- theta - eta d loss / d theta", "05-optimizers", "cell",
     "optim.SGD(net.parameters(), lr=0.1)"),
    (D4, "in practice SGD with momentum and gradient clipping", "05-optimizers", "cell",
     '"clip_norm = 1": dict(clip_norm=1.0)'),
    (D4, "links to outside summaries of optimizers", "", "reason",
     "outside reading, not course content"),
    (D4, "a stochastic gradient of a one-hidden-layer ReLU network with the hinge loss",
     "04-backprop", "cell", "hinge_net.loss_and_grads"),
    (D4, "the chain rule: x_j 1[z_i > 0] w_i (-y or 0)", "04-backprop", "cell",
     "by_hand = np.outer((z_h > 0) * nu_o"),
    (D4, "the challenge: all paths from a weight to the output, combinatorial explosion",
     "04-backprop", "prose", "combinatorial\nexplosion"),
    (D4, "exercise: why not finite differences?", "04-backprop", "cell",
     "report.n_forward == 2 * net.n_params"),
    (D4, "backpropagation: the 1960s and early 70s, rediscovered, Rumelhart et al. 1986", "01-xor",
     "prose", "dates it to the 1960s and early 1970s", ISSUE),
    (D4, "trade space for time: dynamic programming", "04-backprop", "prose",
     "trade space for time"),
    (D4, "a layer depends only on what comes before it; a DAG", "04-backprop", "prose",
     "**Static and dynamic graphs.**"),
    (D4, "layers 1..L with the input as layer 1; z^l = (W^l)^T a^{l-1} + b^l", "notation", "prose",
     "number the **input as layer 1**"),
    (D4, "d loss / dW^l = dz^l/dW^l (delta^l)^T", "04-backprop", "prose", "\\text{BP4}"),
    (D4, "delta^l = Diag[f'(z^l)] W^{l+1} delta^{l+1}", "04-backprop", "prose",
     "\\operatorname{Diag}[f'(\\mathbf z)]"),
    (D4, "unrolled: why it is called backprop", "04-backprop", "prose", "hence the name"),
    (D4, "delta^L = Diag[f'(z^L)] d loss / da^L", "04-backprop", "prose", "\\text{BP1}"),
    (D4, "backprop pseudocode", "04-backprop", "cell",
     "print(inspect.getsource(mlp.MLP.backward))"),
    (D4, "(W^{l+1}) f(z^l) and a^{l-1} delta^l miss transposes", "appendix", "cell",
     "np.outer(a_prev, delta)"),
    (D4, "automatic differentiation: forward mode", "04-backprop", "cell", "class Dual:"),
    (D4, "backward mode, backprop a special case", "04-backprop", "cell", "reverse mode (1 pass)"),
    (D4, "can be expensive; checkpointing", "04-backprop", "prose", '"checkpointing"'),
    (D4, "optimal Jacobian accumulation is NP-complete", "04-backprop", "cell",
     "def best_cost(shapes)", ISSUE),
    (D4, "its complexity is unknown if all edge labels are unique and independent", "", "reason",
     "an open research question, beyond this book"),
    (D4, "see the Wikipedia page", "", "reason", "outside reading, not course content"),
    (D4, "TensorFlow: static graphs; PyTorch, MXNet: dynamic graphs", "04-backprop", "cell",
     "def doubled_until_large(x)"),
    (D4, "tutorials of the libraries", "", "reason", "outside reading, not course content"),
]

HOWS = ("cell", "prose", "reason")


def page_texts(page: str) -> dict[str, str]:
    """{"markdown": ..., "code": ...} of a page."""
    if page == "notation":
        return {"markdown": (ROOT / "notation.md").read_text(), "code": ""}
    path = ROOT / ("appendix/slides-corrected.ipynb" if page == "appendix"
                   else f"chapters/{page}.ipynb")
    nb = json.loads(path.read_text())
    out = {"markdown": [], "code": []}
    for c in nb["cells"]:
        src = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        out["markdown" if c["cell_type"] == "markdown" else "code"].append(src)
    return {k: "\n".join(v) for k, v in out.items()}


def missing(rows) -> list[str]:
    """The rows whose evidence is not where they say: an item the book does not (or no longer)
    teach."""
    texts, problems = {}, []
    for row in rows:
        deck, item, page, how, evidence = row[:5]
        assert how in HOWS, row
        if how == "reason":
            if len(evidence.split()) < 3:
                problems.append(f"{deck}: {item!r} needs a one-sentence reason")
            continue
        if page not in texts:
            texts[page] = page_texts(page)
        where = texts[page]["code" if how == "cell" else "markdown"]
        if evidence not in where:
            problems.append(f"{deck}: {item!r} is not taught: "
                            f"{evidence!r} is not in a {how} of {page}")
    return problems


def test_every_slide_item_is_taught_or_has_a_reason():
    counts = Counter((row[0], row[3]) for row in COVERAGE)
    print("\nslide items by deck (cell / prose / reason):")
    for deck in (Z, EUM, D3, D4):
        print(f"  {deck:<9} {counts[deck, 'cell']:3d} / {counts[deck, 'prose']:3d} "
              f"/ {counts[deck, 'reason']:3d}")
    print(f"  total     {len(COVERAGE)} items, 0 missing" if not missing(COVERAGE) else "")
    assert missing(COVERAGE) == []


def test_the_reviewed_missing_and_partial_items_are_covered():
    flagged = [row for row in COVERAGE if row[5:] == (ISSUE,)]
    assert len(flagged) >= 30, len(flagged)
    assert all(row[3] in HOWS for row in flagged)
    assert missing(flagged) == []


def test_every_deck_and_page_is_in_the_table():
    assert {row[0] for row in COVERAGE} == {Z, EUM, D3, D4}
    pages = {row[2] for row in COVERAGE if row[3] != "reason"}
    assert {f"0{i}" for i in range(1, 7)} <= {p[:2] for p in pages}
    items = [(row[0], row[1]) for row in COVERAGE]
    assert len(items) == len(set(items)), "an item is listed twice"


def test_a_removed_cell_or_paragraph_shows_as_missing():
    row = next(r for r in COVERAGE if r[1] == "example: sin(log x)")
    assert missing([row]) == []
    gone = (row[0], row[1], row[2], row[3], "this text was deleted")
    assert len(missing([gone])) == 1
    wrong_kind = (row[0], row[1], row[2], "prose", row[4])    # the evidence is code, not prose
    assert len(missing([wrong_kind])) == 1
    assert (missing([(Z, "x", "", "reason", "a recap slide, nothing new")]) == []
            and missing([(Z, "x", "", "reason", "no")]))
