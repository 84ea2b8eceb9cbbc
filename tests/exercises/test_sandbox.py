"""The pieces of trusted grading (tools/grading): the plain-data wire, the sandbox, a session.

The batch tests (test_grading.py, test_gradescope.py) show the whole; these pin down each guarantee
on its own, with small notebooks, so a regression names its cause.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from exercise_helpers import ROOT, ex
from grading import sandbox, session, submission, wire

MODE = sandbox.detect_mode()


@pytest.fixture(scope="module")
def grader_dir(tmp_path_factory) -> Path:
    """What the sandbox mounts at /grader: the grading package and mlp."""
    d = tmp_path_factory.mktemp("grader")
    shutil.copytree(ROOT / "tools" / "grading", d / "grading", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "mlp", d / "mlp", ignore=shutil.ignore_patterns("__pycache__"))
    for p in [d, *d.rglob("*")]:      # as grading.bundle leaves it: readable by the sandbox's user
        p.chmod(0o755 if p.is_dir() else 0o644)
    return d


def run(grader_dir, cells, **kw) -> session.Session:
    return session.Session(grader_dir, None, cells, cell_limit=kw.pop("cell_limit", 10),
                           call_limit=kw.pop("call_limit", 10), **kw)


# ------------------------------------------------------------------------------------------------
# the wire: plain data only
def roundtrip(value):
    data = json.loads(json.dumps(wire.Encoder(lambda o, e, d: {"$": "opaque", "type": "x"})(value)))
    return wire.Decoder({"opaque": lambda d, dec, depth: wire.Opaque("x")})(data)


def test_values_survive_the_wire_with_their_types():
    a = np.arange(6.0).reshape(2, 3)
    value = {"a": a, "view": a.T, "int": np.int64(3), "f32": np.float32(0.5), "t": (1, [2.5, None]),
             "nan": float("nan"), "inf": -np.inf, "c": 1 + 2j, "e": ..., "zero_d": np.array(7),
             "b": np.array([True, False]), 3: "int key", "s": "text"}
    out = roundtrip(value)
    assert out["a"].dtype == np.float64 and np.array_equal(out["a"], a) and np.array_equal(out["view"], a.T)
    assert type(out["int"]) is np.int64 and type(out["f32"]) is np.float32
    assert out["t"] == (1, [2.5, None]) and type(out["t"]) is tuple
    assert np.isnan(out["nan"]) and out["inf"] == -np.inf and out["c"] == 1 + 2j and out["e"] is ...
    assert out["zero_d"].shape == () and out[3] == "int key" and out["b"].dtype == bool


def test_aliasing_survives_and_changes_are_written_back():
    x = np.zeros(3)
    out = roundtrip([x, x, {"k": x}])
    assert out[0] is out[1] is out[2]["k"]
    out[0][1] = 5.0
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


@pytest.mark.parametrize("data", [
    {"$": "nd", "id": 0, "npy": "not base64!"},
    {"$": "pickle", "data": "gASVAAAA"},
    {"$": "list", "items": []},                      # no id
    {"$": "ref", "id": 42},
    {"$": "rng", "id": 0, "state": {"bit_generator": "os.system"}},
    [1, 2],
])
def test_malformed_or_dangerous_data_is_refused(data):
    with pytest.raises(wire.ProtocolError):
        wire.Decoder({})(data)


def test_object_arrays_and_pickles_never_load():
    import base64
    import io
    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(wire.ProtocolError):
        wire.Decoder({})({"$": "nd", "id": 0, "npy": base64.b64encode(buf.getvalue()).decode()})


def test_opaque_answers_are_useless_in_any_computation():
    thing = wire.Opaque("Node")
    for use in (bool, float, len, iter, np.asarray, lambda t: t == 1, lambda t: t + 1,
                lambda t: np.allclose(t, 1)):
        with pytest.raises(TypeError, match="object of type 'Node'"):
            use(thing)


# ------------------------------------------------------------------------------------------------
# a session: remote calls, callbacks, restarts
def test_calls_callbacks_and_exceptions(grader_dir):
    s = run(grader_dir, [
        "import numpy as np\nW = np.eye(2)\n",
        "def apply(f, x):\n    return f(x) * 2\n",
        "def mutate(a):\n    a += 1\n",
        "def fails():\n    raise np.linalg.LinAlgError('singular')\n",
        "class Thing:\n    pass\ndef thing():\n    return Thing()\n",
    ])
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
        # a grader's function that calls the student's function in turn (nested calls)
        apply = s.lookup("apply")
        assert apply(lambda v: apply(lambda u: u * 10, v), 1.0) == 40.0
    finally:
        s.stop()


def test_a_cell_that_ends_the_process_is_skipped_and_noted(grader_dir):
    s = run(grader_dir, ["x = 1", "import os\nos._exit(3)", "y = 2", "import signal\n"
                         "signal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass", "z = 3"],
            cell_limit=3)
    try:
        assert (s.lookup("x"), s.lookup("y"), s.lookup("z")) == (1, 2, 3)
        assert set(s.skipped) == {1, 3} and s.starts == 3
        assert "ended" in s.skipped[1] and "longer than 3 s" in s.skipped[3]
    finally:
        s.stop()


def test_a_function_that_hangs_or_exits_fails_its_call_and_the_notebook_restarts(grader_dir):
    s = run(grader_dir, ["import os, time\ndef hang():\n    time.sleep(60)\n"
                         "def leave():\n    os._exit(0)\nvalue = 7"], call_limit=2)
    try:
        with pytest.raises(TimeoutError, match="did not return within 2 s"):
            s.lookup("hang")()
        assert s.lookup("value") == 7 and s.starts == 2
        with pytest.raises(session.SubmissionDead, match="ended"):
            s.lookup("leave")()
        assert s.lookup("value") == 7 and s.starts == 3
    finally:
        s.stop()


# ------------------------------------------------------------------------------------------------
# what the sandbox allows
@pytest.mark.skipif(MODE != "bubblewrap", reason=f"bubblewrap is not available here ({MODE} mode)")
def test_the_sandbox_sees_nothing_private_and_reaches_nothing(grader_dir, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("instructor only")
    listener = socket.create_server(("127.0.0.1", 0))      # a service on the host's loopback
    port = listener.getsockname()[1]
    os.environ["COURSE_SECRET_VARIABLE"] = "42"
    probe = f"""
import os, socket, subprocess
def facts():
    out = {{"uid": os.getuid(), "env": sorted(os.environ), "pids": len([p for p in os.listdir("/proc") if p.isdigit()]),
           "repo": [p for p in ({str(ROOT / 'exercises')!r}, {str(ROOT / 'mlp')!r}, {str(ROOT / '_build')!r})
                     if os.path.exists(p)],
           "repo_listing": os.listdir({str(ROOT)!r}) if os.path.isdir({str(ROOT)!r}) else [], "secret": os.path.exists({str(secret)!r}),
           "grader_tests": os.path.exists("/grader/tests"), "home": os.getcwd()}}
    for target in ("/usr/x", {str(ROOT / 'mlp' / 'x')!r}, "/grader/mlp/x"):
        try:
            open(target, "w")
            out["wrote " + target] = True
        except OSError:
            pass
    try:
        socket.create_connection(("127.0.0.1", {port}), timeout=1)
        out["network"] = True
    except OSError:
        out["network"] = False
    procs = []
    try:
        for _ in range(200):
            procs.append(subprocess.Popen(["sleep", "30"]))
    except OSError:
        pass
    out["processes"] = len(procs)
    return out
"""
    s = run(grader_dir, [probe])
    try:
        facts = s.lookup("facts")()
    finally:
        s.stop()
        listener.close()
        del os.environ["COURSE_SECRET_VARIABLE"]
    assert facts["uid"] >= 61000 and not facts["repo"] and not facts["secret"]
    assert set(facts["repo_listing"]) <= {".venv"}, "only the environment is mounted from the repository"
    assert "COURSE_SECRET_VARIABLE" not in facts["env"] and len(facts["env"]) < 20
    assert not any(k.startswith("wrote") for k in facts), facts
    assert facts["network"] is False and facts["pids"] < 10, "only the sandbox's own processes are visible"
    assert facts["processes"] < sandbox.Limits().nproc, "the process limit did not hold"
    assert facts["home"] == "/home/student"


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
    assert "bubblewrap" in sandbox.warning("user") and sandbox.warning("bubblewrap") is None


@pytest.mark.parametrize("mode", ["none", "user"])
def test_fallback_modes_grade_the_same(built, tmp_path, monkeypatch, mode):
    """Without bubblewrap: the same scores, one clear warning, patches still useless."""
    if mode == "user" and not sandbox.python_usable_by(sandbox.BASE_UID):
        pytest.skip("this Python installation is not readable by an unprivileged user (e.g. it "
                    "lives under /root), so the 'user' fallback cannot start it here")
    name = "01-xor"
    sol = built / "dist" / name / "autograder" / f"{name}.ipynb"
    stub = built / "student" / name / f"{name}.ipynb"
    folder = tmp_path / "subs" / name
    folder.mkdir(parents=True)
    shutil.copy(sol, folder / "solution.ipynb")
    from submissions import with_cell
    with_cell(stub, "np.allclose = lambda *a, **k: True\nimport mlp\nmlp.checks.check_truth_table = "
              "lambda *a, **k: None", folder / "patched.ipynb")
    monkeypatch.setenv("GRADING_SANDBOX", mode)
    sandbox.detect_mode.cache_clear()
    try:
        summary = ex.grade(tmp_path / "subs", tmp_path / "grades", jobs=2, build_dir=built, progress=False)
    finally:
        sandbox.detect_mode.cache_clear()
    assert summary.get("graded") == 2
    res = {p.stem: json.loads(p.read_text()) for p in (tmp_path / "grades" / "results" / name).glob("*.json")}
    assert res["solution"]["score"] == 12 and res["patched"]["score"] == 0
    assert res["solution"]["extra_data"]["sandbox"] == mode


def test_reading_a_notebook_runs_nothing_and_explains_refusals(tmp_path):
    good = tmp_path / "a.ipynb"
    good.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "source": ["x = 1\n", "y = 2"], "metadata": {}, "outputs": []},
        {"cell_type": "code", "source": 'grader.check("q1")', "metadata": {}, "outputs": []},
        {"cell_type": "markdown", "source": "text", "metadata": {}}]}))
    assert submission.code_cells(good) == ["x = 1\ny = 2", ""]
    cases = {"{not json": "not JSON", "[]": "no list of cells", '{"cells": [], "nbformat": 3}': "nbformat 3",
             '{"cells": [{"cell_type": "code", "source": 5}], "nbformat": 4}': "source is not text"}
    for text, why in cases.items():
        bad = tmp_path / "b.ipynb"
        bad.write_text(text)
        with pytest.raises(submission.Invalid, match=why):
            submission.code_cells(bad)
    link = tmp_path / "c.ipynb"
    link.symlink_to(good)
    with pytest.raises(submission.Invalid, match="not a regular file"):
        submission.code_cells(link)
