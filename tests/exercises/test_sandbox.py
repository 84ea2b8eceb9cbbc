"""The pieces of trusted grading (tools/grading): the wire, the protocol, the sandbox, a session.

The batch tests (test_grading.py, test_gradescope.py) show the whole; these pin down each guarantee
on its own, with small notebooks, so a regression names its cause. What runs in the sandbox runs in
the grading environment (grading.environment), in both sandbox modes: bubblewrap and the fallback.
"""
from __future__ import annotations

import base64
import io
import json
import os
import shutil
import socket
import subprocess
import textwrap
from pathlib import Path

import numpy as np
import pytest
from exercise_helpers import ROOT, user_mode_unavailable

from tools.grading import (
    cgroups,
    environment,
    protocol,
    results,
    sandbox,
    seccomp,
    session,
    submission,
    wire,
)
from tools.grading.limits import Limits

MODE = sandbox.detect_mode()
MODES = ["bubblewrap", "user"]


@pytest.fixture(scope="module")
def grader_dir(tmp_path_factory) -> Path:
    """What the sandbox mounts at /grader: the grading package and mlp (as grading.bundle leaves
    it)."""
    d = tmp_path_factory.mktemp("grader")
    shutil.copytree(ROOT / "tools" / "grading", d / "grading",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "mlp", d / "mlp", ignore=shutil.ignore_patterns("__pycache__"))
    for p in [d, *d.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    return d


@pytest.fixture(scope="module")
def grading_python() -> Path:
    return environment.ensure(quiet=True)


def in_sandbox(grading_python, grader_dir, mode: str, cells: list[str], script: str,
               **limits) -> dict:
    """Run `script` (which may use `s`, a Session on `cells`, and must print one JSON line) in the
    grading environment, in sandbox `mode`."""
    if mode == "bubblewrap" and shutil.which("bwrap") is None:
        pytest.skip("bubblewrap is not installed")
    if mode == "user" and (why := user_mode_unavailable()):
        pytest.skip(why)
    code = "\n".join([
        "import json, sys",
        "from pathlib import Path",
        "from grading import session",  # the grader's copy (PYTHONPATH), as the judge has it
        "from grading.limits import Limits",
        f"s = session.Session(Path({str(grader_dir)!r}), None, {cells!r}, Limits(**{limits!r}))",
        "try:",
        textwrap.indent(textwrap.dedent(script).strip(), "    "),
        "finally:",
        "    s.stop()"])
    env = {"PATH": os.environ["PATH"], "GRADING_SANDBOX": mode, "OPENBLAS_NUM_THREADS": "1",
           "GRADING_HIDE": os.pathsep.join([str(ROOT)]), "PYTHONPATH": str(grader_dir)}
    proc = subprocess.run([str(grading_python), "-c", code], capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------------------
# the wire: plain data only, and bounded
def roundtrip(value):
    data = json.loads(json.dumps(wire.Encoder(lambda o, e, d: {"$": "opaque", "type": "x"})(value)))
    return wire.Decoder({"opaque": lambda d, dec, depth: wire.Opaque("x")})(data)


def test_values_survive_the_wire_with_their_types():
    a = np.arange(6.0).reshape(2, 3)
    value = {"a": a, "view": a.T, "int": np.int64(3), "f32": np.float32(0.5), "t": (1, [2.5, None]),
             "nan": float("nan"), "inf": -np.inf, "c": 1 + 2j, "e": ..., "zero_d": np.array(7),
             "b": np.array([True, False]), 3: "int key", "s": "text"}
    out = roundtrip(value)
    assert (out["a"].dtype == np.float64 and np.array_equal(out["a"], a)
            and np.array_equal(out["view"], a.T))
    assert type(out["int"]) is np.int64 and type(out["f32"]) is np.float32
    assert out["t"] == (1, [2.5, None]) and type(out["t"]) is tuple
    assert np.isnan(out["nan"]) and out["inf"] == -np.inf and out["c"] == 1 + 2j and out["e"] is ...
    assert out["zero_d"].shape == () and out[3] == "int key" and out["b"].dtype == bool


def test_aliasing_survives_and_changes_are_written_back():
    x = np.zeros(3)
    out = roundtrip([x, x, {"k": x}])
    assert out[0] is out[1] is out[2]["k"]
    params = {"W": np.ones(2), "b": 0.0}
    back = roundtrip(params)
    back["W"][0] = -1.0
    back["b"] = 3.0
    wire.write_back(params, back)
    assert params["W"][0] == -1.0 and params["b"] == 3.0
    matrix = np.arange(6.0).reshape(2, 3)
    view = matrix.T
    changed = roundtrip(view)
    changed[1, 0] = 99.0
    wire.write_back(view, changed)
    assert matrix[0, 1] == 99.0, "changes reach the array a view belongs to"


def test_random_generators_travel_as_their_state():
    rng = np.random.default_rng(5)
    copy = roundtrip(rng)
    assert copy.permutation(10).tolist() == np.random.default_rng(5).permutation(10).tolist()
    wire.write_back(rng, copy)
    assert rng.integers(1000) == copy.integers(1000)


def _npy_of(array) -> str:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=True)
    return base64.b64encode(buf.getvalue()).decode()


@pytest.mark.parametrize("data", [
    {"$": "nd", "id": 0, "npy": "not base64!"},
    {"$": "nd", "id": 0, "npy": _npy_of(np.array([{"a": 1}], dtype=object))},   # a pickle inside
    {"$": "pickle", "data": "gASVAAAA"},
    {"$": "list", "items": []},                      # no id
    {"$": "ref", "id": 42},
    {"$": "rng", "id": 0, "state": {"bit_generator": "os.system"}},
    {"$": "complex"},                                # missing fields: KeyError inside
    {"$": "list", "id": 0, "items": [{"$": "np"}]},
    [1, 2],
], ids=["base64", "object-array", "pickle", "no-id", "unknown-ref", "bad-rng", "complex", "np",
        "bare-list"])
def test_malformed_or_dangerous_data_is_a_protocol_error(data):
    with pytest.raises(wire.ProtocolError):
        wire.Decoder({})(data)


def test_aliased_lists_cannot_expand_past_the_limit():
    """30 KB on the wire that stand for 10^8 numbers: refused while decoding, before anything
    (np.asarray, a comparison) could expand them."""
    a = [0.0] * 1000
    bomb = [[a] * 1000] * 100
    data = json.loads(json.dumps(wire.Encoder(None)(bomb)))
    assert len(json.dumps(data)) < 100_000
    with pytest.raises(wire.ProtocolError, match="expands to more than"):
        wire.Decoder({})(data)
    small = [[a] * 10] * 10   # the same shape of aliasing, small enough: decoded, aliases kept
    out = wire.Decoder({})(json.loads(json.dumps(wire.Encoder(None)(small))))
    assert out[0] is out[1] and out[0][0] is out[0][1]


def test_a_frame_nested_too_deeply_is_a_protocol_error_and_the_channel_stays_in_step():
    r, w = os.pipe()
    sender, receiver = wire.Channel(-1, w), wire.Channel(r, -1)
    deep = b"[" * 20_000 + b"]" * 20_000          # past any recursion limit, within a pipe's buffer
    os.write(w, len(deep).to_bytes(4, "big") + deep)
    with pytest.raises(wire.ProtocolError, match="not a well-formed message"):
        receiver.recv(timeout=5)
    sender.send({"op": "ready"})
    assert receiver.recv(timeout=5) == {"op": "ready"}, "the next message is read whole"
    os.close(r)
    os.close(w)


def test_a_message_split_by_a_timeout_is_not_lost():
    r, w = os.pipe()
    receiver = wire.Channel(r, -1)
    frame = json.dumps({"op": "value", "re": 3}).encode()
    os.write(w, len(frame).to_bytes(4, "big") + frame[:5])
    with pytest.raises(TimeoutError):
        receiver.recv(timeout=0.1)
    os.write(w, frame[5:])
    assert receiver.recv(timeout=1) == {"op": "value", "re": 3}
    os.close(r)
    os.close(w)


def test_replies_are_matched_to_their_request_by_id():
    assert protocol.expect({"op": "value", "re": 7}, protocol.LOOKUP, 7) == "value"
    for wrong in ({"op": "value", "re": 6}, {"op": "return", "re": 7}, {"op": "value"}):
        with pytest.raises(wire.ProtocolError):
            protocol.expect(wrong, protocol.LOOKUP, 7)


def test_opaque_answers_are_useless_in_any_computation():
    thing = wire.Opaque("Node")
    for use in (bool, float, len, iter, np.asarray, lambda t: t == 1, lambda t: t + 1,
                lambda t: np.allclose(t, 1)):
        with pytest.raises(TypeError, match="object of type 'Node'"):
            use(thing)


def test_clean_escapes_what_could_forge_a_line():
    text = "ok\nq4 - 2 (hidden): passed\r\x1b[2J\u202egnp\udc80\u2028"
    out = results.clean(text, 500)
    assert "\n" not in out and "\r" not in out and "\x1b" not in out and "\u202e" not in out
    assert "\\n" in out and "\\x1b" in out and "\\u202e" in out and "\\udc80" in out
    out.encode("utf-8")                        # writable: no lone surrogate left


# ------------------------------------------------------------------------------------------------
# a session: remote calls, callbacks, restarts, CPU time
def test_calls_callbacks_and_exceptions(grader_dir):
    s = session.Session(grader_dir, None, [
        "import numpy as np\nW = np.eye(2)\n",
        "def apply(f, x):\n    return f(x) * 2\n",
        "def mutate(a):\n    a += 1\n",
        "def fails():\n    raise np.linalg.LinAlgError('singular')\n",
        "class Thing:\n    pass\ndef thing():\n    return Thing()\n",
    ], Limits(cell_cpu_s=10))
    try:
        assert np.array_equal(s.lookup("W"), np.eye(2)) and s.lookup("undefined") is None
        assert s.lookup("apply")(lambda v: v + 1, np.ones(2)).tolist() == [4.0, 4.0]
        a = np.zeros(2)
        s.lookup("mutate")(a)
        assert a.tolist() == [1.0, 1.0]
        with pytest.raises(session.SubmissionError) as info:
            s.lookup("fails")()
        assert type(info.value).__name__ == "LinAlgError" and "singular" in str(info.value)
        assert isinstance(s.lookup("thing")(), wire.Opaque)
        apply = s.lookup("apply")       # a grader's function that calls the student's in turn
        assert apply(lambda v: apply(lambda u: u * 10, v), 1.0) == 40.0
    finally:
        s.stop()


def test_grader_objects_with_slots_go_by_value_and_their_changes_come_back(grader_dir):
    from mlp.autograd import Value  # slots, no __dict__: exercise 4's graph nodes are Values
    s = session.Session(grader_dir, None, [
        "def add_grads(a, b, out):\n    a.grad += b.data * out.grad\n"
        "    b.grad += a.data * out.grad\n",
    ], Limits(cell_cpu_s=10))
    try:
        a, b = Value(2.0, label="a"), Value(-3.0, label="b")
        out = a * b
        out.grad = 1.0
        s.lookup("add_grads")(a, b, out)
        assert (a.grad, b.grad) == (-3.0, 2.0)
    finally:
        s.stop()


def test_a_cell_that_ends_the_process_or_ignores_its_time_is_skipped(grader_dir):
    s = session.Session(grader_dir, None, [
        "x = 1", "import os\nos._exit(3)", "y = 2",
        "import signal\nfor sig in (signal.SIGALRM, signal.SIGPROF):\n"
        "    signal.signal(sig, signal.SIG_IGN)\n"
        "while True:\n    pass", "z = 3", "while True:\n    pass"], Limits(cell_cpu_s=1.5))
    try:
        assert (s.lookup("x"), s.lookup("y"), s.lookup("z")) == (1, 2, 3)
        assert set(s.skipped) == {1, 3} and s.starts == 3
        assert "ended" in s.skipped[1] and "CPU time" in s.skipped[3]
        assert s.cell_errors[5]["type"] == "TimeoutError", "a plain loop is stopped inside its cell"
    finally:
        s.stop()


def test_a_function_that_loops_or_exits_fails_its_call_and_the_notebook_restarts(grader_dir):
    s = session.Session(grader_dir, None, [
        "import os, signal\ndef spin():\n    while True:\n        pass\n"
        "def deaf():\n    signal.signal(signal.SIGPROF, signal.SIG_IGN)\n"
        "    while True:\n        pass\n"
        "def leave():\n    os._exit(0)\nvalue = 7"], Limits(cell_cpu_s=1))
    try:
        with pytest.raises(TimeoutError):
            s.lookup("spin")()
        assert s.starts == 1, "the runner stopped the call itself: no restart"
        with pytest.raises(TimeoutError, match="CPU time"):
            s.lookup("deaf")()
        assert s.lookup("value") == 7 and s.starts == 2
        with pytest.raises(session.SubmissionDead, match="ended"):
            s.lookup("leave")()
        assert s.lookup("value") == 7 and s.starts == 3
    finally:
        s.stop()


def test_a_sleeping_cell_is_stopped_after_its_limit_not_at_the_backstop(grader_dir):
    """Asleep, a cell uses no CPU; the scheduler's statistics tell it apart from a starved one."""
    s = session.Session(grader_dir, None, ["import time\ntime.sleep(600)", "done = True"],
                        Limits(cell_cpu_s=1, wall_factor=20))
    try:
        assert s.lookup("done") is True
        assert "without working" in s.skipped[0] and not s.overloaded
    finally:
        s.stop()


def test_magics_and_figures_work_as_in_a_kernel(grader_dir):
    s = session.Session(grader_dir, None, [
        "%matplotlib inline\n%config InlineBackend.figure_format = 'retina'\n"
        "import matplotlib.pyplot as plt",
        "%load_ext autoreload\n%autoreload 2\n%time t = 1",
        "%matplotlib widget", "%gui qt",
        "fig, ax = plt.subplots()\nax.plot([1, 2])\nplt.show()\nbackend = plt.get_backend()",
        'grader.check("q1"); after = "the rest of the cell ran"',
        "%%time\nlast = sum(range(4))",
        "fmt = get_ipython().run_line_magic('config', 'InlineBackend.figure_format')"],
        Limits(cell_cpu_s=20))
    try:
        assert s.cell_errors == {}, s.cell_errors
        assert s.lookup("backend").lower() == "agg" and s.lookup("last") == 6
        assert s.lookup("fmt") == "retina", "%config did not reach matplotlib's inline backend"
        assert s.lookup("after") == "the rest of the cell ran"
    finally:
        s.stop()


@pytest.mark.parametrize("mode", MODES)
def test_cpu_time_not_wall_time_and_a_group_per_submission(grading_python, grader_dir, mode):
    """A notebook that starts busy processes in their own sessions: they stay in its cgroup, count
    towards its CPU time, are limited to its share, and all die when it stops."""
    if not cgroups.status().startswith("v"):
        pytest.skip(f"no cgroups here: {cgroups.status()}")
    cells = ["import os, time\nkids = []\nfor _ in range(6):\n    pid = os.fork()\n"
             "    if pid == 0:\n"
             "        os.setsid()\n        while True:\n            pass\n    kids.append(pid)\n"
             "t0 = time.time()\nwhile time.time() - t0 < 2:\n    pass"]
    facts = in_sandbox(grading_python, grader_dir, mode, cells, """
        import os, time
        s.ensure()
        kids = s.lookup("kids")
        cpu = s.box.cpu_seconds()
        group_pids = s.box.pids()
        s.stop()
        time.sleep(0.2)
        alive = [k for k in group_pids if os.path.exists(f"/proc/{k}")]
        print(json.dumps({"cpu": cpu, "in_group": len(group_pids), "alive": alive}))
    """, cell_cpu_s=30, cores=0.5)
    assert facts["in_group"] >= 7, "the detached processes are in the submission's group"
    assert facts["alive"] == [], "every process of the group is dead after stop()"
    assert 0.3 < facts["cpu"] < 2.0, \
        f"about 1 s in 2 s at half a core, not up to 4 s on two: {facts}"


@pytest.mark.parametrize("mode", MODES)
def test_the_sandbox_sees_nothing_private_and_reaches_nothing(grading_python, grader_dir, tmp_path,
                                                              mode):
    secret = tmp_path / "secret.txt"
    secret.write_text("instructor only")
    secret.parent.chmod(0o755)
    listener = socket.create_server(("127.0.0.1", 0))
    # Lines too long for this file end one literal and go on in the next: the probe's text is
    # unchanged.
    probe = textwrap.dedent(f"""
        import ctypes, errno, os, socket, subprocess
        def facts():
            libc = ctypes.CDLL(None, use_errno=True)
            out = {{"uid": os.getuid(), "env": sorted(os.environ),
                   "repo": [p for p in ({str(ROOT / 'exercises')!r}, {str(ROOT / 'mlp')!r}, """
        f"""{str(ROOT / '_build' / 'exercises')!r}, {str(ROOT / '.git')!r}) """
        f"""if os.path.exists(p)],
                   "home": os.getcwd(), "tmp": sorted(os.listdir("/tmp"))}}
            for target in ("/usr/x", {str(ROOT / 'mlp' / 'x')!r}, """
        f"""os.path.expanduser("~/grader/mlp/x"), "/grader/mlp/x"):
                try:
                    open(target, "w")
                    out["wrote " + target] = True
                except OSError:
                    pass
            try:
                socket.create_connection(("127.0.0.1", {listener.getsockname()[1]}), timeout=1)
                out["network"] = True
            except OSError:
                out["network"] = False
            calls = {{"add_key": (248, b"user", b"k", b"v", 1, -4), "keyctl": (250, 0, -4, 0),
                     "unshare": (272, 0x10000000), "ptrace": (101, 16, 1, 0, 0), """
        f""""mount": (165, 0, 0, 0, 0)}}
            out["denied"] = {{}}
            for name, (nr, *args) in calls.items():
                number = {{"add_key": 217, "keyctl": 219, "unshare": 97, "ptrace": 117, """
        f""""mount": 40}}[name] \\
                    if os.uname().machine == "aarch64" else nr
                ok = libc.syscall(number, *args) >= 0
                out["denied"][name] = (not ok) and ctypes.get_errno() == errno.EPERM
            procs = []
            try:
                for _ in range(200):
                    procs.append(subprocess.Popen(["sleep", "30"]))
            except OSError:
                pass
            out["processes"] = len(procs)
            return out
    """)
    facts = in_sandbox(grading_python, grader_dir, mode, [probe],
                       'print(json.dumps(s.lookup("facts")()))', cell_cpu_s=20)
    listener.close()
    assert 61000 <= facts["uid"] < 65000 and facts["repo"] == []
    assert len(facts["env"]) < 20
    assert not any(k.startswith("wrote") for k in facts), facts
    assert facts["network"] is False
    if seccomp.supported():
        assert all(facts["denied"].values()), f"seccomp must deny these: {facts['denied']}"
    assert facts["processes"] < Limits().pids, "the process limit did not hold"
    assert facts["home"] == "/home/student"
    # the grading environment is bound at its own path: under /tmp, its first folder shows there
    venv = Path(grading_python).parent.parent
    bound = {venv.relative_to("/tmp").parts[0]} if venv.is_relative_to("/tmp") else set()
    assert set(facts["tmp"]) <= {"matplotlib", "ipython", "jupyter", *bound}, \
        "a private, fresh /tmp"


def test_each_start_gets_a_fresh_uid(grading_python, grader_dir):
    facts = in_sandbox(grading_python, grader_dir, "bubblewrap",
                       ["import os\nuid = os.getuid()\ndef leave():\n    os._exit(0)"], """
        uids = [s.lookup("uid")]
        for _ in range(3):
            try:
                s.lookup("leave")()
            except Exception:
                pass
            uids.append(s.lookup("uid"))
        print(json.dumps(uids))
    """, cell_cpu_s=10)
    assert len(set(facts)) == 4, f"a restart runs under a new user id: {facts}"


def test_a_uid_is_held_while_its_grader_uses_it():
    """What the leftover checks rely on: a handed-out uid is held by its grader until released,
    and no other grader can then take it."""
    uid, fd = sandbox.allocate_uid()
    try:
        assert sandbox.held_by_a_grader(uid)
        other = {sandbox.allocate_uid() for _ in range(3)}
        for u, f in other:
            os.close(f)
        assert uid not in {u for u, _ in other}
    finally:
        os.close(fd)
    assert not sandbox.held_by_a_grader(uid)
    assert not sandbox.held_by_a_grader(sandbox.UID_RANGE[-1] + 1)


def test_detect_mode_can_be_forced_and_rejects_unknown(monkeypatch):
    sandbox.detect_mode.cache_clear()
    try:
        monkeypatch.setenv("GRADING_SANDBOX", "none")
        assert sandbox.detect_mode() == "none"
        sandbox.detect_mode.cache_clear()
        monkeypatch.setenv("GRADING_SANDBOX", "chroot")
        with pytest.raises(SystemExit, match="expected one of bubblewrap, user, none"):
            sandbox.detect_mode()
    finally:
        monkeypatch.delenv("GRADING_SANDBOX")
        sandbox.detect_mode.cache_clear()
    assert "fallback sandbox" in sandbox.warning("user") and "as root" in sandbox.warning("none")


def test_the_grading_environment_is_the_zips(grading_python):
    """make grade's environment is installed by the zip's own setup.sh from the zip's own
    requirements.txt: the same packages, at the pins for its Python."""
    from packaging.markers import default_environment
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    code = ("import json, sys, importlib.metadata as m, platform; "
            "print(json.dumps([platform.python_version(), "
            "{d.metadata['Name'].lower(): d.version for d in m.distributions()}]))")
    version, installed = json.loads(subprocess.run([str(grading_python), "-I", "-c", code],
                                                   capture_output=True, text=True).stdout)
    env = dict(default_environment(), python_version=".".join(version.split(".")[:2]),
               python_full_version=version)
    pinned = {}
    for line in environment.REQUIREMENTS.read_text().splitlines():
        if line and not line.startswith(("#", " ")):
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate(env):
                pinned[canonicalize_name(req.name)] = str(req.specifier).lstrip("=")
    got = {canonicalize_name(k): v for k, v in installed.items()}
    extra = sorted(set(got) - set(pinned) - {"pip", "setuptools", "wheel"})
    assert {k: got.get(k) for k in pinned} == pinned and extra == [], extra
    assert {"numpy", "matplotlib", "ipython", "ipywidgets", "psutil"} <= set(pinned)
    assert "scikit-learn" not in got and "otter-grader" not in got and "nn-from-scratch" not in got


def test_reading_a_notebook_runs_nothing_and_explains_refusals(tmp_path):
    good = tmp_path / "a.ipynb"
    good.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "source": ["x = 1\n", "y = 2"], "metadata": {}, "outputs": []},
        {"cell_type": "code", "source": 'grader.check("q1"); z = 3', "metadata": {}, "outputs": []},
        {"cell_type": "markdown", "source": "text", "metadata": {}}]}))
    assert submission.code_cells(good) == ["x = 1\ny = 2", 'grader.check("q1"); z = 3']
    cases = {"{not json": "not JSON", "[]": "no list of cells",
             '{"cells": [], "nbformat": 3}': "nbformat 3",
             '{"cells": [{"cell_type": "code", "source": 5}], "nbformat": 4}': "source is not text",
             "[" * 200_000 + "]" * 200_000: "nested too deeply"}
    for text, why in cases.items():
        bad = tmp_path / "b.ipynb"
        bad.write_text(text)
        with pytest.raises(submission.Invalid, match=why):
            submission.code_cells(bad)
    link = tmp_path / "c.ipynb"
    link.symlink_to(good)
    with pytest.raises(submission.Invalid, match="not a regular file"):
        submission.code_cells(link)


def test_seccomp_program_denies_in_a_forked_child():
    """The filter itself, without a sandbox around it: keyrings and namespaces refused, threads,
    forks and numpy fine."""
    if not seccomp.supported():
        pytest.skip("no seccomp filter for this machine")
    # The long line ends one literal and goes on in the next: the program's text is unchanged.
    code = textwrap.dedent(f"""
        import ctypes, errno, os, sys, threading, json
        from tools.grading import seccomp
        seccomp.install()
        libc = ctypes.CDLL(None, use_errno=True)
        out = {{"keyctl": libc.syscall("""
        f"""{seccomp.DENIED['keyctl'][0 if seccomp.machine() == 'x86_64' else 1]}, 0, 0, 0, 0) """
        f"""== -1 and ctypes.get_errno() == errno.EPERM,
               "unshare": libc.unshare(0x10000000) == -1 and ctypes.get_errno() == errno.EPERM}}
        t = threading.Thread(target=lambda: None); t.start(); t.join()
        pid = os.fork()
        if pid == 0:
            os._exit(7)
        out["fork"] = os.waitpid(pid, 0)[1] >> 8 == 7
        print(json.dumps(out))
    """)
    proc = subprocess.run([shutil.which("python3") or "python3", "-c", code], capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"keyctl": True, "unshare": True, "fork": True}


# ------------------------------------------------------------------------------------------------
# the test files: read without otter, resolved as otter resolves them
POINT_CASES = [  # (the file's points, each case's own points)
    (None, [None, None]), (None, [2, None]), (None, [0, None, None]), (3, [None, None]),
    (3, [1, None, None]), (3, [1, 2]), (4, [2, 2, None]), ([1, 0.5, 2], [None, None, None]),
    (None, [1.5, 2.5]), (2, []),
]


@pytest.mark.parametrize("total,given", POINT_CASES)
def test_points_resolve_as_otter_resolves_them(total, given, tmp_path):
    from otter.test_files.exception_test import ExceptionTestFile

    from tools.grading import testfiles

    lines = ["from otter.test_files import test_case", "OK_FORMAT = False", 'name = "q1"',
             *([f"points = {total!r}"] if total is not None else [])]
    for i, points in enumerate(given):
        args = ", ".join(a for a in (f"points={points!r}" if points is not None else "",
                                     f"hidden={i % 2 == 1}") if a)
        lines += [f"@test_case({args})", f"def test_{i}(x):", "    assert x"]
    path = tmp_path / "q1.py"
    path.write_text("\n".join(lines) + "\n")
    theirs = [(c.name, float(c.points), bool(c.hidden))
              for c in ExceptionTestFile.from_file(str(path)).test_cases]
    ours = [(c.name, c.points, c.hidden) for c in testfiles.load(path).cases]
    assert ours == theirs


def test_points_beyond_the_total_are_refused_as_otter_refuses_them():
    from tools.grading import testfiles
    with pytest.raises(ValueError, match="more than the file's"):
        testfiles.resolve_points(2, [1, 2])
    with pytest.raises(ValueError, match="point values for"):
        testfiles.resolve_points([1, 2], [None])


def test_every_exercise_test_file_reads_as_otter_reads_it(built):
    from otter.test_files.exception_test import ExceptionTestFile

    from tools.grading import testfiles

    files = sorted(built.glob("autograder/*/tests/q*.py"))
    assert len(files) >= 25
    for path in files:
        theirs = [(c.name, float(c.points), bool(c.hidden), c.failure_message)
                  for c in ExceptionTestFile.from_file(str(path)).test_cases]
        ours = [(c.name, c.points, c.hidden, c.hint) for c in testfiles.load(path).cases]
        assert ours == theirs, path


def test_cgroup_v2_files_written_as_the_kernel_expects(tmp_path, monkeypatch):
    """cgroup v2 on a fake /sys/fs/cgroup (this machine mounts v1, where the tests above run for
    real): the controllers enabled for the grader's groups, each group's limits in the v2 files,
    a process joined through cgroup.procs, CPU time from cpu.stat, cgroup.kill to end it."""
    root = tmp_path / "cgroup"
    own = root / "grader.slice"
    own.mkdir(parents=True)
    (root / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")
    (own / "cgroup.controllers").write_text("cpu memory pids\n")
    (own / "cgroup.subtree_control").write_text("")
    (own / "cgroup.procs").write_text("")
    monkeypatch.setattr(cgroups, "ROOT", root)
    monkeypatch.setattr(cgroups, "_own_paths", lambda: {"": "/grader.slice"})
    monkeypatch.setattr(cgroups, "_hierarchy", None)
    monkeypatch.delenv("GRADING_CGROUPS", raising=False)
    if os.geteuid() != 0:
        pytest.skip("cgroups are used only as root")
    assert cgroups.status() == "v2"
    group = cgroups.create("sub-1", cores=0.5, memory_mb=100, pids=10)
    parent = own / f"{cgroups.BASE}-{os.getpid()}"
    assert (own / "cgroup.subtree_control").read_text() == "+cpu +memory +pids"
    assert (parent / "cgroup.subtree_control").read_text() == "+cpu +memory +pids"
    d = parent / "sub-1"
    assert (d / "cpu.max").read_text() == "50000 100000"
    assert (d / "memory.max").read_text() == str(100 * 2**20) \
        and (d / "pids.max").read_text() == "10"
    group.join()
    assert (d / "cgroup.procs").read_text() == str(os.getpid())
    (d / "cpu.stat").write_text("usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n")
    assert group.cpu_seconds() == 2.5
    (d / "memory.events").write_text("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
    assert group.out_of_memory()
    (d / "cgroup.kill").write_text("")
    (d / "cgroup.procs").write_text("")          # as the kernel empties it once everything is dead
    assert group.kill(timeout=1) is True
