"""Real mistakes in exercise 02-structure, each with the diagnosis a student must see (see
test_catalogue.py). answers: question -> the whole answer cell that replaces the solution's."""

FOLDED = ("def forward_folded(X, V, W):\n"
          "    X1 = {X1}\n"
          "    H = {act}(X1 @ {V})\n"
          "    H1 = {H1}\n"
          "    return {out}")


def folded(X1="np.hstack([np.ones((X.shape[0], 1)), X])", V="V.T", act="sigmoid",
           H1="np.hstack([np.ones((H.shape[0], 1)), H])", out="sigmoid(H1 @ W.T)"):
    return FOLDED.format(X1=X1, V=V, act=act, H1=H1, out=out)


FORWARD = ("def forward(X, params, f, f_out):\n"
           "    A = X\n"
           "    for l, (W_l, b_l) in enumerate(params, start=1):\n"
           "        g = f_out if l == len(params) else f\n"
           "        A = {step}\n"
           "    return A\n\n\n"
           "params_232 = {params}")
RIGHT_PARAMS = "[(V[:, 1:], V[:, 0]), (W[:, 1:], W[:, 0])]"


def forward(step="g(A @ W_l.T + b_l)", params=RIGHT_PARAMS):
    return FORWARD.format(step=step, params=params)


KINKS = ("def kinks(theta, phi):\n"
         "    bends = {bends}\n"
         "    return {kinks}\n\n\n"
         "def slopes(theta, phi):\n"
         "    bends = (theta[:, 1] != 0) & (phi[1:] != 0)\n"
         "    w, c = theta[bends, 1], phi[1:][bends]\n"
         "    order = np.argsort(-theta[bends, 0] / w)\n"
         "    left = {left}\n"
         "    return left + np.r_[0.0, np.cumsum((c * np.abs(w))[order])]")


def kinks(bends="(theta[:, 1] != 0) & (phi[1:] != 0)",
          kinks="np.sort(-theta[bends, 0] / theta[bends, 1])", left="np.sum((c * w)[w < 0])"):
    return KINKS.format(bends=bends, kinks=kinks, left=left)


ELU = ("def elu(z, alpha=1.0):\n"
       "{elu}\n\n\n"
       "def elu_prime(z, alpha=1.0):\n"
       "{prime}")
ELU_RIGHT = ("    z = np.asarray(z, dtype=float)\n"
             "    return np.where(z >= 0, z, alpha * np.expm1(np.minimum(z, 0.0)))")
PRIME_RIGHT = ("    z = np.asarray(z, dtype=float)\n"
               "    return np.where(z >= 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))")


def elu(elu=ELU_RIGHT, prime=PRIME_RIGHT):
    return ELU.format(elu=elu, prime=prime)


MISTAKES = [
    {"id": "ex2-q1-v-not-transposed", "question": "q1",
     "what": "X1 @ V instead of X1 @ V.T (V is square in the example, so the shapes fit)",
     "answers": {"q1": folded(V="V")},
     "diagnosis": "V is used transposed"},
    {"id": "ex2-q1-no-h0", "question": "q1",
     "what": "forgot h_0 = 1 and dropped W's bias column to make the shapes fit",
     "answers": {"q1": folded(H1="H", out="sigmoid(H1 @ W[:, 1:].T)")},
     "diagnosis": "h_0 = 1 is missing"},
    {"id": "ex2-q1-no-x0", "question": "q1",
     "what": "forgot x_0 = 1 and dropped V's bias column",
     "answers": {"q1": folded(X1="X", V="V[:, 1:].T")},
     "diagnosis": "x_0 = 1 is missing"},
    {"id": "ex2-q1-ones-last", "question": "q1",
     "what": "the column of ones appended at the end instead of in front",
     "answers": {"q1": folded(X1="np.hstack([X, np.ones((X.shape[0], 1))])",
                              H1="np.hstack([H, np.ones((H.shape[0], 1))])")},
     "diagnosis": "the constant 1 must be column 0"},
    {"id": "ex2-q1-no-output-sigmoid", "question": "q1",
     "what": "a linear output (no sigmoid at the output)",
     "answers": {"q1": folded(out="H1 @ W.T")},
     "diagnosis": "the output has no sigmoid"},
    {"id": "ex2-q1-h0-inside", "question": "q1",
     "what": "the constant put in front before the sigmoid, so h_0 = sigma(1)",
     "answers": {"q1": folded(act="", H1="sigmoid(np.hstack([np.ones((H.shape[0], 1)), H]))")},
     "diagnosis": "h_0 must be exactly 1"},
    {"id": "ex2-q1-outputs-as-columns", "question": "q1",
     "what": "the outputs returned as columns, W @ H1.T, shape (K, N)",
     "answers": {"q1": folded(out="sigmoid(W @ H1.T)")},
     "diagnosis": "is transposed: it has shape (2, 4), expected (4, 2)"},
    {"id": "ex2-q2-f-everywhere", "question": "q2",
     "what": "the hidden activation used on the last layer too",
     "answers": {"q2": forward(step="f(A @ W_l.T + b_l)")},
     "diagnosis": "the last layer uses f_out"},
    {"id": "ex2-q2-w-not-transposed", "question": "q2",
     "what": "A @ W instead of A @ W.T",
     "answers": {"q2": forward(step="g(A @ W_l + b_l)")},
     "diagnosis": "W^(l) has shape (n_out, n_in), one row per unit"},
    {"id": "ex2-q2-bias-outside", "question": "q2",
     "what": "the bias added after the activation",
     "answers": {"q2": forward(step="g(A @ W_l.T) + b_l")},
     "diagnosis": "the bias belongs inside the activation"},
    {"id": "ex2-q2-bias-last-column", "question": "q2",
     "what": "the biases taken from the last column of V and W",
     "answers": {"q2": forward(params="[(V[:, :-1], V[:, -1]), (W[:, :-1], W[:, -1])]")},
     "diagnosis": "W1 is V[:, :-1], V without its last column, but the biases are column 0 of V"},
    {"id": "ex2-q2-bias-column-matrix", "question": "q2",
     "what": "the biases as (n, 1) columns, V[:, :1]",
     "answers": {"q2": forward(params="[(V[:, 1:], V[:, :1]), (W[:, 1:], W[:, :1])]")},
     "diagnosis": "b1 should be a vector of shape (3,)"},
    {"id": "ex2-q3-no-biases", "question": "q3",
     "what": "only the weights counted",
     "answers": {"q3": "def n_params(sizes):\n"
                       "    return sum(n_out * n_in "
                       "for n_in, n_out in zip(sizes[:-1], sizes[1:]))"},
     "diagnosis": "the biases are missing"},
    {"id": "ex2-q3-last-layer-missing", "question": "q3",
     "what": "a loop over the layers that stops one layer early",
     "answers": {"q3": "def n_params(sizes):\n"
                       "    total = 0\n"
                       "    for l in range(1, len(sizes) - 1):\n"
                       "        total += sizes[l] * (sizes[l - 1] + 1)\n"
                       "    return total"},
     "diagnosis": "a layer is missing (an off-by-one in the loop)"},
    {"id": "ex2-q3-per-layer", "question": "q3",
     "what": "the count of every layer returned as a list instead of their total",
     "answers": {"q3": "def n_params(sizes):\n"
                       "    return [n_out * (n_in + 1) "
                       "for n_in, n_out in zip(sizes[:-1], sizes[1:])]"},
     "diagnosis": "should be a single number, got an array of shape (2,)"},
    {"id": "ex2-q3-constant-units", "question": "q3",
     "what": "the constant units counted as trainable rows",
     "answers": {"q3": "def n_params(sizes):\n"
                       "    return sum((n_out + 1) * (n_in + 1) "
                       "for n_in, n_out in zip(sizes[:-1], sizes[1:]))"},
     "diagnosis": "the constant units x_0 = 1 and h_0 = 1 are not trained"},
    {"id": "ex2-q4-kink-sign", "question": "q4",
     "what": "the kink at theta_i0 / theta_i1 (sign error)",
     "answers": {"q4": kinks(kinks="np.sort(theta[bends, 0] / theta[bends, 1])")},
     "diagnosis": "sign error: unit i switches where theta_i0 + theta_i1 x = 0"},
    {"id": "ex2-q4-unsorted", "question": "q4",
     "what": "the kinks in the order of the units, not sorted",
     "answers": {"q4": kinks(kinks="-theta[bends, 0] / theta[bends, 1]")},
     "diagnosis": "sort the kinks from left to right"},
    {"id": "ex2-q4-dead-unit-kink", "question": "q4",
     "what": "a unit with phi_i = 0 counted as a kink",
     "answers": {"q4": kinks(bends="theta[:, 1] != 0")},
     "diagnosis": "a unit with output weight phi_i = 0 adds nothing to y"},
    {"id": "ex2-q4-left-slope-zero", "question": "q4",
     "what": "the leftmost slope taken as 0",
     "answers": {"q4": kinks(left="0.0")},
     "diagnosis": "the leftmost slope is not 0"},
    {"id": "ex2-q5-no-alpha", "question": "q5",
     "what": "ELU without the factor alpha",
     "answers": {"q5": elu(elu="    z = np.asarray(z, dtype=float)\n"
                               "    return np.where(z >= 0, z, np.expm1(np.minimum(z, 0.0)))")},
     "diagnosis": "the factor alpha is missing"},
    {"id": "ex2-q5-prime-is-elu", "question": "q5",
     "what": "elu_prime returns ELU itself for z < 0",
     "answers": {"q5": elu(prime="    z = np.asarray(z, dtype=float)\n"
                                 "    return np.where(z >= 0, 1.0, "
                                 "alpha * np.expm1(np.minimum(z, 0.0)))")},
     "diagnosis": "you returned ELU itself"},
    {"id": "ex2-q5-prime-at-zero", "question": "q5",
     "what": "the derivative at 0 taken from the left (z > 0)",
     "answers": {"q5": elu(prime="    z = np.asarray(z, dtype=float)\n"
                                 "    return np.where(z > 0, 1.0, "
                                 "alpha * np.exp(np.minimum(z, 0.0)))")},
     "diagnosis": "at z = 0 take the right-hand derivative"},
    {"id": "ex2-q5-overflow", "question": "q5",
     "what": "exp(z) on every element inside np.where: overflow at z = 1000",
     "answers": {"q5": elu(elu="    z = np.asarray(z, dtype=float)\n"
                               "    return np.where(z >= 0, z, alpha * (np.exp(z) - 1))")},
     "diagnosis": "elu overflows at large inputs"},
    {"id": "ex2-q5-longdouble", "question": "q5",
     "what": "the naive formula computed in np.longdouble, then cast back to float64",
     "answers": {"q5": elu(elu="    z = np.asarray(z, dtype=np.longdouble)\n"
                               "    return np.where(z >= 0, z, alpha * (np.exp(z) - 1))"
                               ".astype(float)",
                           prime="    z = np.asarray(z, dtype=np.longdouble)\n"
                                 "    return np.where(z >= 0, 1.0, alpha * np.exp(z))"
                                 ".astype(float)")},
     "diagnosis": "elu overflows at large inputs"},
]
