"""The notation rules of notation.md that can be checked mechanically, in every chapter.

The rules: z^(l) is always a pre-activation (never a unit's output), a^(l) an activation, the
network's output is y-hat = a^(L) and the target y, weights are indexed target first (w_kj is
W[k, j]), terms are defined where a chapter first uses them, and a lecture is named when one is
meant. The chapters may quote a slide's own letters, but only inside the boxes made for that:
admonitions titled "Notation in the slides" or "Slip ...". notation.md keeps a dictionary with a
column for each lecture deck.

One meaning per letter (the promise at the top of notation.md), checked in the maths of every
chapter and of notation.md's own text (the deck dictionary and the slip list quote the decks; so
does the appendix of corrected slides, which is not checked here):

- a loss is C for a batch (the mean) and E for one example; J, L, calligraphic L, ell, H and R_N
  are not losses in the book's own words, and L is only the number of layers;
- alpha is the momentum constant (chapter 5) and eta the learning rate, everywhere;
- delta^(l) = dE/dz^(l) is the error of one example (the batch's rows are Delta = dC/dZ);
- phi and Phi are feature maps, never weights (deck 003's theta, psi and phi weights are quoted
  in notation boxes only), and theta is the vector of all parameters;
- chapter 2: h is a hidden unit, never the function being approximated;
- chapter 3 (and everywhere): the output minus the target is y-hat - y, never z - y;
- chapter 6: the model's output is y-hat (f is an activation), its readout weights w (a is an
  activation, b a bias), and the number of training samples N (n_l counts units).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("0*.ipynb"))
NOTATION = (ROOT / "notation.md").read_text()

# A box that quotes the slides: ```{admonition} Slip ... or ```{admonition} Notation in the slides
QUOTE_BOX = re.compile(r"```\{admonition\}\s*(Slip\b|Notation in the slides)[^\n]*\n.*?\n```", re.S)


def _cells(path: Path, kind: str) -> list[str]:
    nb = json.loads(path.read_text())
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == kind]


def book_text(markdown: str) -> str:
    """The chapter's own words: markdown without the boxes that quote the slides."""
    return QUOTE_BOX.sub("", markdown)


# The learning objectives list what the chapter will teach, so they may name terms it defines later.
OBJECTIVES = re.compile(r"```\{admonition\}\s*Learning objectives.*?\n```", re.S)


def rule_breaks(pattern: str, texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        found += [m.group(0) for m in re.finditer(pattern, text)]
    return found


# z used for a unit's output: "z = sigma(...)", "z_k = \sigma\Big(", "z_i = h(a_i)", "outputs $z_1",
# "the network output $z$".
Z_AS_OUTPUT = (r"(?<!/)(?<!/ )(?<!\\partial )\bz(_\{?[\w]+\}?)?\s*=\s*"
               r"(\\sigma|\\mathrm\{softmax\}|f|h|g)\s*"
               r"(\\[Bb]ig[gl]?)?\("
               r"|outputs?\s*\|?\s*\$z|network output\s+\$z\b")
# a code variable named z... that is assigned a unit's output (a forward pass, a sigmoid, ...)
Z_ASSIGNED_OUTPUT = (r"(?m)^\s*z\w*\s*=\s*[^#;\n]*"
                     r"\b(forward|predict|sigmoid|sigma|sig|softmax|tanh|relu)"
                     r"\(")
# Eum's y_k^in, never defined in the book
Y_IN = r"y_\{?k?\}?\s*\^\s*\{?\s*(\\text\{|\\mathrm\{)?in\b"
# source-first weights w_jk (the book writes w_kj, as W[k, j])
W_SOURCE_FIRST = r"w_\{?jk\}?\b|w_\{j,\s*k\}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_z_is_never_a_units_output(path):
    prose = [book_text(t) for t in _cells(path, "markdown")]
    assert rule_breaks(Z_AS_OUTPUT, prose) == [], (
        f"{path.name}: z names a unit's output; in this book z is the pre-activation (write "
        "y-hat or a^(l), or quote the slides inside a 'Notation in the slides' box)")
    assert rule_breaks(Z_ASSIGNED_OUTPUT, _cells(path, "code")) == [], (
        f"{path.name}: a variable named z... holds a unit's output; name it y_hat, a or logits")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_undefined_y_in_and_weights_target_first(path):
    markdown = _cells(path, "markdown")
    assert rule_breaks(Y_IN, markdown) == [], f"{path.name}: y_k^in is never defined; use z_k^(L)"
    assert rule_breaks(W_SOURCE_FIRST, [book_text(t) for t in markdown]) == [], (
        f"{path.name}: w_jk indexes source first; the book writes w_kj, as in W[k, j]")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_a_lecture_is_named_when_one_is_meant(path):
    prose = " ".join(book_text(t) for t in _cells(path, "markdown"))
    vague = re.findall(r"(?:the other lecture|another lecture|one of the lectures"
                       r"|the lecture deck that)", prose, re.I)
    assert vague == [], f"{path.name}: name the lecture ({vague}); see notation.md for the names"


# term: (the chapter that defines it, what its definition says). A chapter up to and including
# the defining one must define the term, or link to the defining chapter, where it first uses it.
TERMS = {
    "ReLU": ("02-structure", r"\\max\(0,\s*z\)"),
    "Xavier": ("02-structure", r"variance"),
    "Adam": ("05-optimizers", r"(optimizer|step size)"),
    "BCEWithLogits": ("03-loss", r"cross-entropy"),
}


def first_use_problems(chapters: dict[str, list[str]]) -> list[str]:
    problems = []
    for term, (home, definition) in TERMS.items():
        for stem, markdown in chapters.items():
            if stem > home:
                continue                       # read after the defining chapter: already known
            cells = [OBJECTIVES.sub("", t) for t in markdown]
            cell = next((t for t in cells if re.search(rf"\b{term}\b", t)), None)
            if cell is None:
                continue
            link = f"{home}.ipynb" in cell or (stem == home and re.search(definition, cell))
            if not (re.search(definition, cell) or link):
                problems.append(f"{stem}: {term} is used before it is defined (the first cell "
                                f"that names it neither defines it nor links to {home})")
    return problems


def test_terms_are_defined_at_first_use():
    chapters = {p.stem: _cells(p, "markdown") for p in CHAPTERS}
    assert first_use_problems(chapters) == []


def test_the_first_use_check_catches_an_undefined_term():
    chapters = {"01-xor": ["Train it with Adam for 20 epochs."],
                "02-structure": ["ReLU is everywhere.", r"ReLU is $\max(0, z)$."]}
    assert len(first_use_problems(chapters)) == 2
    chapters = {"01-xor": ["Adam, an optimizer with a step size per weight (chapter 5)."],
                "02-structure": [r"The rectified linear unit ReLU is $\max(0, z)$."]}
    assert first_use_problems(chapters) == []


def test_the_patterns_catch_what_they_guard():
    assert rule_breaks(Z_AS_OUTPUT, [r"$z = \sigma(W h)$",
                                     r"$z_k = \sigma\Big(\sum_i W_{ki} h_i\Big)$",
                                     r"outputs $z_1, \dots, z_K$", r"| outputs | $z_1$ |",
                                     r"$z_i = h(a_i)$", "compares the network output $z$ with"])
    assert len(rule_breaks(Z_AS_OUTPUT, [r"$z = \sigma(W h)$", r"outputs $z_1$"])) == 2
    assert rule_breaks(Z_AS_OUTPUT, [r"$z = w_1 x_1 + b$, $\hat y = \sigma(z)$", r"$f(z)$",
                                     r"$\partial H / \partial z = \mathrm{softmax}(z) - y$"]) == []
    assert rule_breaks(Z_ASSIGNED_OUTPUT, ["z_mlp = net.forward(x)", "z_out = sigma(W @ h)"])
    assert rule_breaks(Z_ASSIGNED_OUTPUT,
                       ["z1 = W1 @ a0 + b1; a1 = sig(z1)", "zs = np.linspace(0, 1)"]) == []
    assert rule_breaks(Y_IN, [r"\partial y_k^{\text{in}}", "y_k^in"])
    assert (rule_breaks(W_SOURCE_FIRST, [r"\cdot w_{jk}"])
            and not rule_breaks(W_SOURCE_FIRST, [r"w_{kj}"]))
    boxed = "```{admonition} Notation in the slides\n:class: note\n$z = \\sigma(W h)$\n```"
    assert book_text(boxed).strip() == "" and rule_breaks(Z_AS_OUTPUT, [book_text(boxed)]) == []


# ----------------------------------------------------------------------------------------------
# notation.md: the per-deck dictionary

DECKS = ["Zuluaga", "Eum", "deck 003", "deck 004"]


def dictionary_tables() -> list[list[str]]:
    """The lines of every table whose header starts with | quantity | (two decks per table, so
    that each fits the page's text column)."""
    lines = NOTATION.splitlines()
    tables, i = [], 0
    while i < len(lines):
        if lines[i].startswith("| quantity |"):
            j = i
            while j < len(lines) and lines[j].startswith("|"):
                j += 1
            tables.append(lines[i:j])
            i = j
        i += 1
    return tables


def dictionary() -> dict[str, dict[str, str]]:
    """{quantity: {column: entry}}, merged over the dictionary's tables."""
    rows: dict[str, dict[str, str]] = {}
    for table in dictionary_tables():
        header = [h.strip() for h in table[0].strip("|").split("|")]
        for ln in table[2:]:
            cells = [c.strip() for c in ln.strip("|").split("|")]
            assert len(cells) == len(header), (
                f"notation.md: a row with {len(cells)} cells: {ln[:60]}")
            rows.setdefault(cells[0], {}).update(zip(header, cells))
    return rows


def test_the_dictionary_fits_the_text_column():
    """The page's column is 688 px wide: each table holds the book and at most two decks."""
    tables = dictionary_tables()
    assert len(tables) >= 2
    for table in tables:
        assert table[0].count("|") - 1 <= 4, f"notation.md: a dictionary table too wide: {table[0]}"


def test_notation_has_a_dictionary_with_a_column_per_deck():
    assert "## The four lecture decks" in NOTATION
    rows = dictionary()
    for quantity in ("input", "layer numbering", "weights", "bias", "pre-activation",
                     "activation function", "hidden activation", "network output", "target", "loss",
                     "learning rate"):
        assert quantity in rows, f"notation.md: the dictionary has no row for {quantity!r}"
        for deck in DECKS:
            assert rows[quantity].get(deck), f"notation.md: {quantity!r} has no entry for {deck}"
    for deck in DECKS:                            # and each deck is described by name
        assert re.search(rf"^\| {re.escape(deck)}", NOTATION, re.M) or deck in ("Zuluaga", "Eum")
    assert "Zuluaga's lecture (deck 000)" in NOTATION and "Eum's lecture (deck 002)" in NOTATION


def test_the_dictionary_records_the_known_conflicts():
    rows = dictionary()
    assert r"\hat y" in rows["target"]["deck 003"]             # deck 003: y-hat is the ground truth
    assert "**$y$**" in rows["network output"]["deck 003"]        # ... and y the network's output
    assert "$f$" in rows["pre-activation"]["deck 003"]           # f for pre-activations
    assert "a[" in rows["activation function"]["deck 003"]      # a for the activation function
    assert "input as layer 1" in rows["layer numbering"]["deck 004"]
    assert r"(W^l)^\top a" in rows["weights"]["deck 004"]
    assert "source first" in rows["weights"]["Eum"]
    assert "$a_i$" in rows["pre-activation"]["Zuluaga"]           # after Bishop
    assert "$z_k$" in rows["network output"]["Zuluaga"]
    assert "$t$" in rows["target"]["Eum"]
    assert "source first" in rows["weights"]["deck 004"]        # the nonlinear-separation slide
    assert "$J$" in rows["loss"]["Zuluaga"] and "$\\alpha$" in rows["learning rate"]["Zuluaga"]


# ----------------------------------------------------------------------------------------------
# one meaning per letter

PAGES = {p.stem: p for p in CHAPTERS}
OWN_NOTATION = NOTATION.split("## The four lecture decks")[0]     # before the deck dictionary


def page_text(stem: str) -> str:
    """The book's own words on a page: a chapter's markdown without the slide-quoting boxes, or
    notation.md up to its deck dictionary."""
    if stem == "notation":
        return OWN_NOTATION
    return "\n".join(book_text(t) for t in _cells(PAGES[stem], "markdown"))


def maths(text: str) -> list[str]:
    """The maths of a markdown text: display blocks $$...$$ and inline $...$ (which may span
    lines)."""
    display = re.findall(r"\$\$.*?\$\$", text, re.S)
    rest = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.S)
    return display + rest.split("$")[1::2]


LETTER_PAGES = [*PAGES, "notation"]

# a loss written with a letter other than C (batch) and E (one example)
LOSS_LETTERS = {
    "J": r"(?<![\w\\])J(?![\w])",
    "L as a loss": (r"\\(partial|nabla)\s*L(?![\w])|(?<![\w\\{(^])L\s*\("
                    r"|(?<![\w\\{(^])L\s*=(?!\s*\d)"
                    r"|\\frac\{d\s*L"),
    "calligraphic L": r"\\mathcal\s*\{?\s*L",
    "ell": r"\\ell(?![\w])",
    "H": r"(?<![\w\\])H\s*[(=]|\\partial\s*H(?![\w])",
    "R_N": r"R_N",
}
ALPHA = r"\\alpha(?![\w])"
ALPHA_AS_LEARNING_RATE = r"\\alpha\s*(\\nabla|\\frac\s*\{\s*\\partial|\\partial)"
DELTA_OF_C = r"\\delta[^=$]{0,30}=\s*\\partial\s*C"
PHI_THETA_PSI_AS_WEIGHTS = r"\\phi_\{?\d|\\phi_\{1\.\.|\\phi'|\\theta_|\\psi"
OUTPUT_AS_Z = r"(?<![\w\\])z\s*-\s*y(?![\w])"
CH2_H_AS_FUNCTION = r"(?<![\w\\])h\s*\(\s*x"
CH6_LETTERS = {
    "f(x) for the model's output": r"(?<![\w\\])f\s*\(\s*x\s*\)\s*=",
    "a for the readout weights": (r"\\Phi\s*\\?\s*a(?![\w])|\\\|\s*a\s*\\\||\\lVert\s*a"
                                  r"|(?<![\w\\])a\s*=\s*\\Phi|(?<![\w\\])a_\{?\\min"),
    "b for a weight vector": r"(?<![\w\\])b\s*=\s*0",
    "n for the sample count": r"(?<![\w\\{])n(?![\w])",
}


def letter_breaks(pattern: str, text: str) -> list[str]:
    return [m for m in maths(text) if re.search(pattern, m)]


@pytest.mark.parametrize("stem", LETTER_PAGES)
def test_a_loss_is_C_for_a_batch_and_E_for_one_example(stem):
    text = page_text(stem)
    for name, pattern in LOSS_LETTERS.items():
        found = letter_breaks(pattern, text)
        assert found == [], (f"{stem}: a loss written {name}: {found[:3]}; the book writes C for "
                             "the batch mean and E for one example (L is the number of layers)")


@pytest.mark.parametrize("stem", LETTER_PAGES)
def test_alpha_is_the_momentum_constant_and_eta_the_learning_rate(stem):
    text = page_text(stem)
    assert letter_breaks(ALPHA_AS_LEARNING_RATE, text) == [], (
        f"{stem}: alpha used as a learning rate (eta)")
    assert not re.search(r"learning rate[^.$]{0,20}\$\\alpha|\$\\alpha\$[^|.]{0,5}\(learning rate",
                         text), (
        f"{stem}: alpha called a learning rate")
    if stem not in ("05-optimizers", "notation"):
        found = letter_breaks(ALPHA, text)
        assert found == [], (f"{stem}: alpha outside the momentum of chapter 5: {found[:3]}; "
                             "give this quantity another letter")


@pytest.mark.parametrize("stem", LETTER_PAGES)
def test_delta_is_the_error_of_one_example(stem):
    found = letter_breaks(DELTA_OF_C, page_text(stem))
    assert found == [], (
        f"{stem}: delta defined from C {found}; delta^(l) = dE/dz^(l), Delta = dC/dZ")


@pytest.mark.parametrize("stem", LETTER_PAGES)
def test_phi_is_a_feature_map_and_never_weights(stem):
    found = letter_breaks(PHI_THETA_PSI_AS_WEIGHTS, page_text(stem))
    assert found == [], (f"{stem}: deck 003's theta/psi/phi weights in the book's own words "
                         f"{found[:3]}; "
                         "phi is a feature map, theta all parameters: write w, b and nu")


@pytest.mark.parametrize("stem", LETTER_PAGES)
def test_the_output_minus_the_target_is_y_hat_minus_y(stem):
    found = letter_breaks(OUTPUT_AS_Z, page_text(stem))
    assert found == [], f"{stem}: {found} writes z for the output; the output is y-hat"


def test_chapter_2_h_is_a_hidden_unit_not_the_target_function():
    text = page_text("02-structure")
    assert letter_breaks(CH2_H_AS_FUNCTION, text) == []
    assert not re.search(r"function \$h\$", text), "chapter 2 calls the approximated function h"


@pytest.mark.parametrize("name", CH6_LETTERS)
def test_chapter_6_letters(name):
    found = letter_breaks(CH6_LETTERS[name], page_text("06-double-descent"))
    assert found == [], f"06-double-descent: {name}: {found[:3]}"


def test_the_letter_patterns_catch_what_they_guard():
    text = (r"Take $L = z_1 z_2$, so $\partial L/\partial z_1 = z_2$;"
            r" $J = \frac1N \sum L(\hat y_n, y_n)$;"
            r" $\mathcal L = (y - \bar y)^2$; the hinge $\ell(y, z)$; $\partial H/\partial z$;"
            r" $R_N(\theta)$;"
            r" $w \leftarrow w - \alpha \nabla J$; $\delta^{(l)} = \partial C / \partial z^{(l)}$;"
            r" $\hat y = \phi_0 + \phi_1 h_1$ with $\theta_{i0}$; residuals $z - y = (1, 0)$")
    for name, pattern in LOSS_LETTERS.items():
        assert letter_breaks(pattern, text), name
    for pattern in (ALPHA_AS_LEARNING_RATE, DELTA_OF_C, PHI_THETA_PSI_AS_WEIGHTS, OUTPUT_AS_Z):
        assert letter_breaks(pattern, text), pattern
    fine = (r"The input is layer 0 and $L$ counts layers, $L = 2$;"
            r" $\delta^{(L)} = f'(z^{(L)}) \odot"
            r" \nabla_{a} E$ with $E = \tfrac12 \lVert \hat y - y \rVert^2$"
            r" and $C = \frac1N \sum_n E_n$;"
            r" $\delta^{(l)} = \partial E / \partial z^{(l)}$; features $\phi_i(x)$, $\Phi(x)$;"
            r" $\mathbf v \leftarrow \alpha \mathbf v + (1 - \alpha) \nabla C$;"
            r" $\partial C/\partial z = \hat y - y$")
    for name, pattern in LOSS_LETTERS.items():
        assert letter_breaks(pattern, fine) == [], name
    for pattern in (ALPHA_AS_LEARNING_RATE, DELTA_OF_C, PHI_THETA_PSI_AS_WEIGHTS, OUTPUT_AS_Z):
        assert letter_breaks(pattern, fine) == [], pattern
    assert maths("a $x$ b $$y = 1$$ c $z\nw$") == ["$$y = 1$$", "x", "z\nw"]
    assert letter_breaks(CH2_H_AS_FUNCTION, r"$|F(x) - h(x)|$") and not letter_breaks(
        CH2_H_AS_FUNCTION, r"$h_i = a^{(1)}_i$ and $\sigma'(z) = h(1 - h)$")
    six = r"$f(x) = \phi(x)^\top a$, from $b = 0$, $p = n$, $\|a\|$"
    assert all(letter_breaks(p, six) for p in CH6_LETTERS.values())
    assert not any(letter_breaks(p, r"$\hat y(x) = \mathbf w^\top \phi(x)$, $p = N$, $n_l$")
                   for p in CH6_LETTERS.values())


# ----------------------------------------------------------------------------------------------
# exercise 4: the targets are y, as in the chapters and on this page (t is a deck's letter)

def test_exercise_4_writes_y_for_the_targets():
    """The targets of exercise 4 are y (Y for a batch of rows): in its text, its given code, its
    solutions and its tests. The slides' t (T, t_k, t_lec) appears nowhere."""
    def t_targets(cells: list[dict]) -> list[str]:
        found = []
        for cell in cells:
            src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                found += re.findall(r"\\mathbf t\b|\bt_k\b|`T`|\(X, T\b", src)
            elif cell["cell_type"] == "code":   # a name T, t or t_... (not a transpose, .T or ^T)
                found += re.findall(r"(?<![\w.'\"^])(?:T|t|t_\w+|T_\w+)\b(?![(\"'])", src)
        return found

    path = ROOT / "exercises" / "04-backprop" / "04-backprop.ipynb"
    cells = json.loads(path.read_text())["cells"]
    assert t_targets(cells) == []
    text = "\n".join(c["source"] for c in cells)
    for expected in (r"\mathbf y\rVert^2", r"\sum_k y_k \log", "backprop(X, Y, W1",
                     "y_lec = np.array"):
        assert expected in text, expected
    # the check sees the letters it guards against
    planted = [{"cell_type": "markdown", "source": r"targets $\mathbf t = (0.1, 0.9)$ and $t_k$"},
               {"cell_type": "code",
                "source": "def backprop(X, T, W1):\n    return X.T @ (A - T), t_lec"}]
    assert t_targets(planted) == [r"\mathbf t", "t_k", "T", "T", "t_lec"]
