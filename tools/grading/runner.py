"""The submission's side: run the notebook's code cells, then answer the grader's requests.

    python -I runner.py READ_FD WRITE_FD       (started inside the sandbox by grading.sandbox)

This process runs student code and is trusted with nothing. It executes the cells in an IPython
shell, as a Jupyter kernel would: `%magics`, `get_ipython()`, `%matplotlib inline` and `%config`
work, and figures are drawn (off screen). It reports each cell's start and end so that the grader
can stop a cell that runs too long and skip a cell that ends the process. Then it serves requests
(grading.protocol): look up a name in the notebook's namespace, call a function with plain-data
arguments. Everything it sends back is plain data (grading.wire); the grader compares it with its
own references in a process that never imports student code. Whatever this process says, it can
only hand in answers: it never decides a score.

Before the first cell, the exercise's answers in `mlp` (mlp.answers) are made unavailable
to notebook code, as the exercise's setup cell does on the student's computer.
"""
from __future__ import annotations

import builtins
import os
import signal
import sys
import types
import warnings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402  (sys.path set above)
from grading import protocol, wire  # noqa: E402  (sys.path set above)

MESSAGE_CHARS = 500


def describe(exc: BaseException) -> dict:
    """An exception as plain data: its type's name, whether it is a built-in, a short message."""
    try:
        message = str(exc)
    except BaseException:  # a student exception whose __str__ fails
        message = ""
    return protocol.error(type(exc).__name__[:80], message[:MESSAGE_CHARS],
                          type(exc).__module__ == "builtins")


class Callback:
    """A function of the grader's, called from student code: the call travels over the channel."""

    def __init__(self, server: "Server", ident: int, name: str):
        self.server, self.id, self.__name__ = server, ident, name

    def __call__(self, *args, **kwargs):
        return self.server.call_grader(self, args, kwargs)

    def __repr__(self):
        return f"<function {self.__name__}>"


class Server:
    def __init__(self, channel: wire.Channel, namespace: dict, call_limit: float = 60.0):
        self.channel, self.namespace, self.call_limit = channel, namespace, call_limit
        self.functions: list = []
        self.ids = protocol.Ids()
        self.calls: list[int] = []        # ids of the judge's calls being served, innermost last

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
        ident = self.ids.next()
        self.channel.send({"op": protocol.CALLBACK, "id": ident,
                           "re": self.calls[-1] if self.calls else 0,
                           "cb": callback.id, "args": self.encode(list(args)),
                           "kwargs": self.encode(dict(kwargs))})
        reply = self.channel.recv()
        while reply.get("op") in (protocol.LOOKUP, protocol.CALL):   # the grader calls us in turn
            self.answer(reply)
            reply = self.channel.recv()
        op = protocol.expect(reply, protocol.CALLBACK, ident)
        if op == protocol.RETURN:
            return self.decoder()(reply.get("value"))
        error = reply.get("error") or {}
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
                    if k in ("divide", "over", "under", "invalid")
                    and v in ("ignore", "warn", "raise", "call", "print", "log")}
        outer = signal.getitimer(signal.ITIMER_PROF)     # a call inside a call: the outer clock
        try:
            with np.errstate(**errstate), warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                if outer[0] == 0:
                    signal.setitimer(signal.ITIMER_PROF, self.call_limit)
                result = fn(*args, **kwargs)
        except CellTimeout as exc:
            return {"op": protocol.RAISE, "error": protocol.error("TimeoutError", str(exc))}
        except BaseException as exc:  # the student's code failed: report it, keep serving
            return {"op": protocol.RAISE, "error": describe(exc)}
        finally:
            if outer[0] == 0:
                signal.setitimer(signal.ITIMER_PROF, 0)
        seen = [{"category": w.category.__name__, "message": str(w.message)[:MESSAGE_CHARS]}
                for w in caught[:20] if issubclass(w.category, RuntimeWarning)]
        try:
            return {"op": protocol.RETURN, "value": self.encode(result),
                    "args": self.encode(args), "kwargs": self.encode(kwargs), "warnings": seen}
        except Exception as exc:
            return {"op": protocol.RAISE, "error": protocol.error(
                "TypeError", f"the result could not be handed in: {describe(exc)['message']}")}

    def answer(self, request: dict) -> None:
        ident = request.get("id")
        if request.get("op") == protocol.LOOKUP:
            reply = {"op": protocol.VALUE, **self.lookup(str(request.get("name")))}
            too_big = {"op": protocol.VALUE, "kind": "error"}
        else:
            self.calls.append(ident)
            try:
                reply = self.call(request)
            finally:
                self.calls.pop()
            too_big = {"op": protocol.RAISE}
        try:
            self.channel.send({**reply, "re": ident})
        except wire.ProtocolError as exc:    # e.g. an answer of gigabytes: refuse it, keep serving
            self.channel.send({**too_big, "re": ident, "error": protocol.error(
                "MemoryError", f"the answer is too large to hand in ({exc})")})

    def serve(self) -> None:
        while True:
            request = self.channel.recv()
            if request.get("op") not in (protocol.LOOKUP, protocol.CALL):
                return
            self.answer(request)


class Notebook:
    """What `otter.Notebook(...)` gives the notebook while it is graded. Its `grader.check(...)`
    calls give students feedback while they work; here the judge runs the tests itself, so they
    do nothing (and the rest of their cell runs). The real otter, which imports pandas (seconds per
    submission), is not loaded."""

    def __init__(self, *args, **kwargs):
        pass

    def check(self, *args, **kwargs):
        return None

    check_all = export = to_pdf = check


def otter_stand_in() -> types.ModuleType:
    module = types.ModuleType("otter", Notebook.__doc__)
    module.Notebook = Notebook
    return module


def make_shell():
    """An IPython shell that runs cells as a kernel does, with figures drawn off screen."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class GradingShell(InteractiveShell):
        def enable_gui(self, gui=None):
            """No event loop to attach to: `%gui` and `%matplotlib qt` draw nothing, and work."""

        def enable_matplotlib(self, gui=None):
            import matplotlib

            matplotlib.use("Agg", force=True)     # %matplotlib inline/widget/qt: off screen here
            return "agg", "agg"

        def enable_pylab(self, gui=None, import_all=True, welcome_message=False):
            self.enable_matplotlib(gui)
            ns = {}
            exec("import numpy\nimport matplotlib\nfrom matplotlib import pylab, mlab, pyplot\n"
                 "np = numpy\nplt = pyplot", ns)
            self.user_ns.update({k: v for k, v in ns.items() if not k.startswith("__")})
            return "agg", "agg", []

    config = Config()
    config.HistoryManager.enabled = False       # no history database, no background thread
    config.InteractiveShell.colors = "NoColor"
    shell = GradingShell.instance(config=config)
    # `%config InlineBackend.figure_format = "retina"` needs the configurable it sets. It imports
    # matplotlib (0.3 s of CPU time, half of a start), so it is added only when a cell names it.
    config_magic = shell.find_line_magic("config")

    def config_with_inline_backend(line=""):
        if "InlineBackend" in line:
            add_inline_backend(shell)
        return config_magic(line)

    config_with_inline_backend.__doc__ = config_magic.__doc__
    # in the magics table itself: register_magic_function would set UserMagics.config, a trait
    shell.magics_manager.magics["line"]["config"] = config_with_inline_backend
    return shell


def add_inline_backend(shell) -> None:
    try:
        from matplotlib_inline.backend_inline import InlineBackend
    except ImportError:
        return
    if not any(isinstance(c, InlineBackend) for c in shell.configurables):
        shell.configurables.append(InlineBackend.instance(parent=shell))


def forbid_answers(exercise: str) -> None:
    """The exercise's answers in mlp raise a clear error when notebook code calls them."""
    try:
        from mlp import answers
    except ImportError:          # a course package without the list: nothing to forbid
        return
    if exercise:
        answers.forbid(exercise)


class CellTimeout(BaseException):
    """A cell or a call used up its CPU time (a BaseException: `except Exception` does not catch
    it)."""


def _out_of_time(signum, frame):
    raise CellTimeout("it used more CPU time than its limit while grading")


def main(read_fd: int, write_fd: int) -> None:
    channel = wire.Channel(read_fd, write_fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)     # what the notebook prints goes nowhere: only the channel speaks
    os.dup2(devnull, 2)
    start = channel.recv()
    if start.get("op") != protocol.START:
        return
    sys.modules["otter"] = otter_stand_in()
    shell = make_shell()
    shell.user_ns["grader"] = Notebook()
    forbid_answers(str(start.get("exercise") or ""))
    skip = {int(k) for k in start.get("skip", {})}
    limit = float(start.get("cell_cpu_s", 60))
    signal.signal(signal.SIGPROF, _out_of_time)
    for i, source in enumerate(start["cells"]):
        if i in skip:
            continue
        channel.send({"op": protocol.CELL, "cell": i})
        signal.setitimer(signal.ITIMER_PROF, limit)     # CPU time of this process, not wall time
        try:
            result = shell.run_cell(source, store_history=False, silent=False)
            error = result.error_before_exec or result.error_in_exec
            if isinstance(error, CellTimeout):          # IPython caught it, as a kernel would
                error = TimeoutError(str(error))
        except CellTimeout as exc:
            error = TimeoutError(str(exc))
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        channel.send({"op": protocol.DONE, "cell": i, "error": describe(error) if error else None})
    channel.send({"op": protocol.READY})
    Server(channel, shell.user_ns, limit).serve()


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
