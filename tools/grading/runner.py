"""The submission's side: run the notebook's code cells, then answer the grader's requests.

    python -I runner.py READ_FD WRITE_FD       (started inside the sandbox by grading.sandbox)

This process runs student code and is trusted with nothing. It executes the cells in an IPython
shell (so `%magics` and `get_ipython()` work as in Jupyter), reporting each cell's start and end
so that the grader can stop a cell that runs too long and skip a cell that ends the process. Then
it serves requests: look up a name in the notebook's namespace, call a function with plain-data
arguments. Everything it sends back is plain data (grading.wire); the grader compares it with its
own references in a process that never imports student code. Whatever this process says, it can
only hand in answers: it never decides a score.
"""
from __future__ import annotations

import builtins
import os
import signal
import sys
import types
import warnings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from grading import wire  # noqa: E402

import numpy as np  # noqa: E402

MESSAGE_CHARS = 500


def describe(exc: BaseException) -> dict:
    """An exception as plain data: its type's name, whether it is a built-in, a short message."""
    try:
        message = str(exc)
    except BaseException:  # a student exception whose __str__ fails
        message = ""
    return {"type": type(exc).__name__[:80], "builtin": type(exc).__module__ == "builtins",
            "message": message[:MESSAGE_CHARS]}


class Callback:
    """A function of the grader's, called from student code: the call travels over the channel."""

    def __init__(self, server: "Server", ident: int, name: str):
        self.server, self.id, self.__name__ = server, ident, name

    def __call__(self, *args, **kwargs):
        return self.server.call_grader(self, args, kwargs)

    def __repr__(self):
        return f"<function {self.__name__}>"


class Server:
    def __init__(self, channel: wire.Channel, namespace: dict):
        self.channel, self.namespace = channel, namespace
        self.functions: list = []

    # -- encoding what the submission hands back ------------------------------------------------
    def _handle(self, obj, encode, depth):
        """Student objects that are not plain data: coerce subclasses of plain types to the plain
        type, callables to remote functions, anything else to its type's name."""
        for plain in (bool, int, float, complex, str):
            if isinstance(obj, plain):
                return encode(plain(obj), depth)
        if isinstance(obj, np.ndarray):
            return encode(np.array(obj, subok=False), depth)
        for container in (tuple, list, dict):
            if isinstance(obj, container):
                return encode(container(obj), depth)
        if isinstance(obj, Callback):
            return {"$": "callback", "id": obj.id}
        if isinstance(obj, types.SimpleNamespace):  # a record the grader sent, going back
            return {"$": "record", "id": encode._remember(obj),
                    "attrs": {k: encode(v, depth + 1) for k, v in vars(obj).items()}}
        if callable(obj):
            self.functions.append(obj)
            return {"$": "function", "ref": len(self.functions) - 1,
                    "name": str(getattr(obj, "__name__", type(obj).__name__))[:80]}
        return {"$": "opaque", "type": type(obj).__name__[:80]}

    def encode(self, value):
        return wire.Encoder(self._handle)(value)

    def decoder(self) -> wire.Decoder:
        return wire.Decoder({
            "callback": lambda d, dec, depth: Callback(self, int(d["id"]), str(d.get("name", "f"))),
            "record": wire.record_decoder,
            "function": lambda d, dec, depth: (self.functions[int(d["ref"])] if "ref" in d
                                               else self.namespace[str(d.get("name"))]),
        })

    # -- calls in both directions ---------------------------------------------------------------
    def call_grader(self, callback: Callback, args, kwargs):
        self.channel.send({"op": "callback", "id": callback.id, "args": self.encode(list(args)),
                           "kwargs": self.encode(dict(kwargs))})
        reply = self.channel.recv()
        while reply.get("op") in ("lookup", "call"):   # the grader's function calls ours in turn
            self.answer(reply)
            reply = self.channel.recv()
        if reply.get("op") == "return":
            return self.decoder()(reply["value"])
        error = reply.get("error", {})
        exc_type = getattr(builtins, str(error.get("type")), None)
        if not (isinstance(exc_type, type) and issubclass(exc_type, Exception)):
            exc_type = RuntimeError
        raise exc_type(str(error.get("message", "")))

    def lookup(self, name: str) -> dict:
        if name not in self.namespace:
            return {"kind": "missing"}
        try:
            return {"kind": "value", "value": self.encode(self.namespace[name])}
        except Exception as exc:
            return {"kind": "error", "error": describe(exc)}

    def call(self, request: dict) -> dict:
        decode = self.decoder()
        if "ref" in request:
            fn = self.functions[int(request["ref"])]
        else:
            fn = self.namespace.get(str(request.get("name")))
        args, kwargs = decode(request["args"]), decode(request["kwargs"])
        errstate = {k: v for k, v in dict(request.get("errstate") or {}).items()
                    if k in ("divide", "over", "under", "invalid") and v in ("ignore", "warn", "raise", "call", "print", "log")}
        try:
            with np.errstate(**errstate), warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = fn(*args, **kwargs)
        except BaseException as exc:  # the student's code failed: report it, keep serving
            return {"op": "raise", "error": describe(exc)}
        seen = [{"category": w.category.__name__, "message": str(w.message)[:MESSAGE_CHARS]}
                for w in caught[:20] if issubclass(w.category, RuntimeWarning)]
        try:
            return {"op": "return", "value": self.encode(result),
                    "args": self.encode(args), "kwargs": self.encode(kwargs), "warnings": seen}
        except Exception as exc:
            return {"op": "raise", "error": {"type": "TypeError", "builtin": True,
                                             "message": f"the result could not be handed in: {describe(exc)['message']}"}}

    def answer(self, request: dict) -> None:
        if request.get("op") == "lookup":
            reply = {"op": "value", **self.lookup(str(request.get("name")))}
            too_big = {"op": "value", "kind": "error"}
        else:
            reply = self.call(request)
            too_big = {"op": "raise"}
        try:
            self.channel.send(reply)
        except wire.ProtocolError as exc:    # e.g. an answer of gigabytes: refuse it, keep serving
            self.channel.send({**too_big, "error": {"type": "MemoryError", "builtin": True,
                                                    "message": f"the answer is too large to hand in ({exc})"}})

    def serve(self) -> None:
        while True:
            request = self.channel.recv()
            if request.get("op") not in ("lookup", "call"):
                return
            self.answer(request)


def otter_stand_in() -> types.ModuleType:
    """What `import otter` gives the notebook while it is graded. Its `grader.check(...)` cells give
    students feedback while they work; here the judge runs the tests itself, so the checks do
    nothing, and the real otter (which imports pandas: seconds per submission) is not loaded."""
    module = types.ModuleType("otter", otter_stand_in.__doc__)

    class Notebook:
        def __init__(self, *args, **kwargs):
            pass

        def check(self, *args, **kwargs):
            return None

        check_all = export = check

    module.Notebook = Notebook
    return module


def make_shell():
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False       # no history database, no background thread
    config.InteractiveShell.colors = "NoColor"
    return InteractiveShell.instance(config=config)


def _alarm(signum, frame):
    raise TimeoutError("this cell ran longer than the time limit while grading")


def main(read_fd: int, write_fd: int) -> None:
    channel = wire.Channel(read_fd, write_fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)     # what the notebook prints goes nowhere: only the channel speaks
    os.dup2(devnull, 2)
    start = channel.recv()
    sys.modules["otter"] = otter_stand_in()
    shell = make_shell()
    skip = {int(k) for k in start.get("skip", {})}
    limit = int(start.get("cell_limit", 60))
    for i, source in enumerate(start["cells"]):
        if i in skip:
            continue
        channel.send({"event": "cell", "cell": i})
        signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(limit)
        result = shell.run_cell(source, store_history=False, silent=False)
        signal.alarm(0)
        error = result.error_before_exec or result.error_in_exec
        channel.send({"event": "done", "cell": i, "error": describe(error) if error else None})
    channel.send({"event": "ready"})
    Server(channel, shell.user_ns).serve()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
