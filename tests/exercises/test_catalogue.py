"""The catalogue of real mistakes: every one gets a diagnosis that names it, in what the student
sees.

catalogue/<exercise>.py lists realistic wrong answers (MISTAKES, at least 8 per exercise). Each is
graded here in-process, as the grader grades a submission: the solution notebook runs with the
mistake's answer cells in place of the solution's (mlp's own answers forbidden, as the setup cell
does), then every case of the question's autograder tests, public and hidden, is called with the
notebook's values. What the student would see follows the grader's rule (visible_feedback): a
public check's whole message; for a hidden test its author's hint (failure_message), else the
value-free hint of a diagnosed mistake (mlp.checks.Mistake.hint), else a generic line.

The share of mistakes whose diagnosis appears there, and is not a generic "largest error", is
printed per exercise with the exceptions, and must be at least 90%. rules.py lists every rule the
questions state, each with a catalogued mistake that breaks it; the public checks alone must name
it. Hidden hints are checked to quote nothing from the hidden tests: no number and no literal that
is not already in the student's notebook or public tests.
"""
from __future__ import annotations

import ast
import contextlib
import io
import json
import re
import runpy
import traceback
import warnings
from pathlib import Path

import pytest
from exercise_helpers import ex
from submissions import answer_cells

from mlp import answers, checks
from tools.grading import testfiles

HERE = Path(__file__).parent
CATALOGUE = {p.stem: runpy.run_path(str(p))["MISTAKES"]
             for p in sorted((HERE / "catalogue").glob("*.py"))}
RULES = runpy.run_path(str(HERE / "rules.py"))["RULES"]
EXS = ex.available()
GENERIC_HIDDEN = "a hidden test found a wrong result (or one of the wrong type or shape)"
GENERIC = ("largest error", GENERIC_HIDDEN, "raised ")
SHARE = 0.9


# -- grading in-process -----------------------------------------------------------------------
def load_tests(path: Path) -> testfiles.TestFile:
    """grading.testfiles.load, keeping each case's failure_message (otter's hint for a hidden
    case)."""
    hints = {}

    class Recording(testfiles.test_case):
        def __init__(self, *args, failure_message=None, **kw):
            super().__init__(*args, failure_message=failure_message, **kw)
            self.hint = failure_message

        def __call__(self, function):
            hints[function] = self.hint
            return super().__call__(function)

    saved, testfiles.test_case = testfiles.test_case, Recording
    try:
        tf = testfiles.load(path)
    finally:
        testfiles.test_case = saved
    for case in tf.cases:
        case.failure_message = (getattr(case, "failure_message", None)
                                or getattr(case, "hint", None) or hints.get(case.function))
    return tf


def visible_feedback(case, exc: BaseException) -> str:
    """What the student sees when `case` fails with `exc` (the grader's visibility rule)."""
    if not case.hidden:
        return str(exc) if isinstance(exc, AssertionError) else f"{type(exc).__name__}: {exc}"
    if case.failure_message:
        return case.failure_message
    if isinstance(exc, checks.Mistake):
        return exc.hint
    return GENERIC_HIDDEN


def solution_notebook(built: Path, name: str) -> dict:
    return json.loads((built / "dist" / name / "autograder" / f"{name}.ipynb").read_text())


def run_notebook(built: Path, name: str, replaced: dict | None = None,
                 until: str | None = None) -> dict:
    """The namespace of the solution notebook run top to bottom in this process, with the answer
    cells of some questions replaced; cells are compiled under cell names, so they count as
    notebook code, and the setup cell's answers.forbid(...) runs (its Colab and otter lines do not).
    A cell that raises does not stop the notebook, as in the grader; only grader.check calls go.
    With `until`, the notebook stops after that question's answer cell (what its tests read)."""
    nb = solution_notebook(built, name)
    where = answer_cells(nb)
    for q, source in (replaced or {}).items():
        nb["cells"][where[q]]["source"] = source
    last = where[until] if until else len(nb["cells"]) - 1
    answers.allow_all()
    env: dict = {"__name__": "__main__"}
    for i, cell in enumerate(nb["cells"][:last + 1]):
        if cell["cell_type"] != "code":
            continue
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        if src.startswith(ex.SETUP_MARKER):
            src = "\n".join(line for line in src.splitlines() if "answers" in line)
        src = "\n".join(line for line in src.splitlines()
                        if not line.strip().startswith("grader.check("))
        try:
            with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(compile(src, f"<cell-{i}>", "exec"), env)
        except Exception:
            env.setdefault("__cell_errors__", []).append((i, traceback.format_exc(limit=2)))
    return env


class Env:
    def __init__(self, namespace):
        self.namespace = namespace

    def get(self, key):
        return self.namespace.get(key)


def grade(built: Path, name: str, namespace: dict, questions, public_only: bool = False,
          raised: list | None = None) -> dict:
    """question -> [(case, passed, what the student sees)] for the given questions; the exceptions
    of the failed cases are appended to `raised`, when given."""
    out = {}
    for q in questions:
        tf = load_tests(built / "autograder" / name / "tests" / f"{q}.py")
        rows = []
        for case in tf.cases:
            if public_only and case.hidden:
                continue
            try:
                with warnings.catch_warnings():     # as the grader, which shows no warnings
                    warnings.simplefilter("ignore")
                    case.call(Env(namespace))
                rows.append((case, True, ""))
            except Exception as exc:  # a failed test: anything the test raised
                rows.append((case, False, visible_feedback(case, exc)))
                if raised is not None:
                    raised.append(exc)
        out[q] = rows
    return out


def seen_text(rows) -> str:
    return "\n".join(text for _, passed, text in rows if not passed)


def is_specific(diagnosis: str, seen: str) -> bool:
    return diagnosis in seen and not any(g in diagnosis for g in GENERIC)


@pytest.fixture(scope="module")
def graded(built):
    """exercise -> [(mistake, rows of its question)], graded once for all tests; "raised" -> every
    exception the failed cases raised."""
    results = {"raised": []}
    try:
        for name in EXS:
            rows = []
            for m in CATALOGUE[name]:
                env = run_notebook(built, name, m["answers"], until=m["question"])
                full = grade(built, name, env, [m["question"]],
                             raised=results["raised"])[m["question"]]
                rows.append((m, full))
            results[name] = rows
    finally:
        answers.allow_all()
    return results


# -- the catalogue ------------------------------------------------------------------------------
def test_catalogue_format():
    ids = [m["id"] for ms in CATALOGUE.values() for m in ms]
    assert len(ids) == len(set(ids)), "catalogue ids must be unique"
    assert sorted(CATALOGUE) == EXS, "one catalogue per exercise"
    for name, mistakes in CATALOGUE.items():
        assert len(mistakes) >= 8, \
            f"{name}: {len(mistakes)} catalogued mistakes, expected at least 8"
        for m in mistakes:
            assert set(m) == {"id", "question", "what", "answers", "diagnosis"}, m["id"]
            assert (re.fullmatch(r"q\d+", m["question"]) and m["answers"]
                    and m["diagnosis"].strip()), m["id"]


def test_every_mistake_loses_points_and_the_share_of_specific_diagnoses(graded, capsys):
    lines, failures, lost = [], [], []
    for name in EXS:
        rows = graded[name]
        specific, exceptions = 0, []
        for m, full in rows:
            if all(passed for _, passed, _ in full):
                lost.append(f"{m['id']}: passes every test of {m['question']}")
                continue
            seen = seen_text(full)
            if is_specific(m["diagnosis"], seen):
                specific += 1
            else:
                exceptions.append(f"{m['id']} ({m['what']}): expected {m['diagnosis']!r}, "
                                  f"saw {seen!r:.300}")
        share = specific / len(rows)
        lines.append(f"{name:20s} {specific:3d} / {len(rows):3d} specific  {share:6.1%}")
        lines += [f"    exception: {e}" for e in exceptions]
        if share < SHARE:
            failures.append(f"{name}: {share:.0%} < {SHARE:.0%}")
    with capsys.disabled():
        print("\ncatalogue: share of mistakes with a specific diagnosis\n" + "\n".join(lines))
    assert not lost, lost
    assert not failures, failures


def test_the_solution_passes_every_test_with_mlps_answers_forbidden(built):
    """The masters' given code and solutions never call an mlp answer from notebook code."""
    try:
        for name in EXS:
            env = run_notebook(built, name)
            assert not env.get("__cell_errors__"), (name, env.get("__cell_errors__"))
            questions = [q["name"] for q in ex._questions_of(name, built) if not q["manual"]]
            for q, rows in grade(built, name, env, questions).items():
                assert all(passed for _, passed, _ in rows), (name, q, [t for *_, t in rows if t])
    finally:
        answers.allow_all()


def test_the_diagnoses_hints_quote_no_value(graded):
    """The class report counts Mistake.hint over a class, and a hidden test may show it: no hint
    of the mistakes diagnosed here quotes a value (a decimal number or an array shape)."""
    hints = {exc.hint for exc in graded["raised"] if isinstance(exc, checks.Mistake)}
    assert len(hints) > 100
    quoting = [h for h in hints if re.search(r"\d\.\d|\(\d+, \d+\)|\b\d{2,}\b", h)]
    assert not quoting, quoting
    topics = {exc.topic for exc in graded["raised"] if isinstance(exc, checks.Mistake)}
    assert len(topics - {None}) >= 15, "most diagnoses name the section that teaches them"


# -- every stated rule has a public check --------------------------------------------------------
def test_rules_name_catalogued_mistakes(built):
    ids = {m["id"]: (name, m) for name, ms in CATALOGUE.items() for m in ms}
    for name in EXS:
        assert name in RULES, f"rules.py has no entry for {name}"
        questions = {q["name"] for q in ex._questions_of(name, built) if not q["manual"]}
        assert set(RULES[name]) == questions, \
            f"{name}: rules for {sorted(RULES[name])}, questions {sorted(questions)}"
        for q, rules in RULES[name].items():
            assert rules, f"{name} {q}: no rule listed"
            for text, mistake in rules:
                assert mistake in ids and ids[mistake][0] == name, \
                    f"{name} {q}: {text!r} -> unknown {mistake}"


@pytest.mark.parametrize("name", EXS)
def test_every_rule_has_a_public_check(graded, name):
    """Grade the mistake that breaks each rule with the public checks only: they must name it."""
    rows = {m["id"]: (m, full) for m, full in graded[name]}
    missing = []
    for q, rules in RULES[name].items():
        for text, mistake in rules:
            m, full = rows[mistake]
            seen = seen_text([row for row in full if not row[0].hidden])
            if not is_specific(m["diagnosis"], seen):
                missing.append(f"{q}: {text!r} ({mistake}): the public checks say {seen!r:.200}")
    assert not missing, "rules without a public check:\n" + "\n".join(missing)


# -- hints for hidden tests ---------------------------------------------------------------------
def _public_text(built: Path, name: str) -> str:
    student = built / "student" / name
    return "\n".join(p.read_text() for p in [student / f"{name}.ipynb",
                                             *sorted((student / "tests").glob("*.py"))])


def _hidden_literals(function) -> set[str]:
    """The numbers and data strings of a hidden test: not its messages (assert and err_msg texts,
    f-strings, the names given to the checks, all of which are phrases)."""
    import inspect
    import textwrap

    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            node.decorator_list = []          # @test_case(...) holds the hint itself
    messages = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and node.msg is not None:
            messages |= {id(n) for n in ast.walk(node.msg)}
        if isinstance(node, ast.keyword) and node.arg == "err_msg":
            messages |= {id(n) for n in ast.walk(node.value)}
        if isinstance(node, ast.JoinedStr):
            messages |= {id(n) for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and id(node) not in messages
                and not isinstance(node.value, bool)):
            if isinstance(node.value, (int, float)):
                found.add(repr(node.value))
            elif (isinstance(node.value, str) and node.value.strip()
                  and not re.search(r"\s", node.value)):
                found.add(node.value)          # a data string ("tanh", "dW1"), not a phrase
    return found


def hint_problems(hint: str | None, function, public: str) -> list[str]:
    """What a hidden case's hint quotes that it must not: a number (other than a question's: a
    formula such as step(0) or 1/N may appear when the public notebook has it), or a data literal
    of the hidden test's code."""
    if not hint:
        return ["no failure_message"]
    problems = []
    for token in re.findall(r"[^\s,;:]*\d[^\s,;:]*",
                            re.sub(r"\bquestions? \d+( (and|to) \d+)?", "", hint)):
        token = token.strip(".")
        if re.fullmatch(r"[-+]?\d*\.?\d+(e[-+]?\d+)?", token):
            problems.append(f"the hint quotes the number {token!r}")     # a value, not a formula
        elif token not in public:
            problems.append(f"the hint quotes {token!r}, which is not public")
    for literal in _hidden_literals(function):
        if len(literal) >= 2 and literal in hint and literal not in public:
            problems.append(f"the hint quotes the hidden literal {literal!r}")
    return problems


@pytest.mark.parametrize("name", EXS)
def test_every_hidden_case_has_a_hint_that_quotes_nothing_hidden(built, name):
    public = _public_text(built, name)
    problems = []
    for path in sorted((built / "autograder" / name / "tests").glob("q*.py")):
        for case in load_tests(path).cases:
            if case.hidden:
                problems += [f"{path.stem} {case.name}: {p}"
                             for p in hint_problems(case.failure_message, case.function, public)]
    assert not problems, "\n".join(problems)


def test_the_hint_check_catches_a_hidden_value(built):
    """Planted hints that quote a hidden input, a hidden data literal, or nothing at all."""
    def hidden_case(seen_only_here):
        rng = seen_only_here("quokka", 0.2718)
        return rng

    public = _public_text(built, "02-structure")
    assert hint_problems("a hidden test found a wrong value at 0.2718", hidden_case, public) == \
        ["the hint quotes the number '0.2718'", "the hint quotes the hidden literal '0.2718'"]
    assert hint_problems("a hidden test with eps = 0 failed", hidden_case, public) == \
        ["the hint quotes the number '0'"]
    assert hint_problems("a hidden test found the bias x_0 = 1 missing", hidden_case, public) == \
        ["the hint quotes the number '1'"]   # x_0 is in the notebook of exercise 2, not 1
    assert hint_problems("a hidden test found that sigma(1) is public, w_9z not", hidden_case,
                         public) == \
        ["the hint quotes 'w_9z', which is not public"]
    assert hint_problems("a hidden test found that quokka is wrong", hidden_case, public) == \
        ["the hint quotes the hidden literal 'quokka'"]
    assert hint_problems(None, hidden_case, public) == ["no failure_message"]
    assert hint_problems("a hidden test found that question 3 is wrong", hidden_case, public) == []


def test_visible_feedback_follows_the_graders_rule():
    class Case:
        hidden, failure_message = False, None
    case = Case()
    exc = checks.Mistake("W1 is transposed: it has shape (2, 3)", "W1 is transposed")
    assert visible_feedback(case, exc) == "W1 is transposed: it has shape (2, 3)"
    case.hidden = True
    assert visible_feedback(case, exc) == "W1 is transposed"
    assert visible_feedback(case, AssertionError("largest error 0.3 at x = 0.123")) \
        == GENERIC_HIDDEN
    case.failure_message = "a hidden test found that gd_step changed params in place"
    assert visible_feedback(case, exc) == case.failure_message
