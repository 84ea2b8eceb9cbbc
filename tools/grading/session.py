"""The submission's notebook as the trusted side sees it: a process in a sandbox that answers.

A ``Session`` starts grading.runner in the sandbox with the notebook's code cells, waits cell by
cell (a cell that runs past the limit, or ends the process, is skipped and the notebook started
again without it: the lenient policy), and then turns the tests' requests into messages. Values
come back as plain data; functions come back as ``RemoteFunction`` handles, so calling one sends
plain-data arguments to the submission, runs there, and brings plain data back (with the changes
the function made to its arguments in place). A function that hangs or ends its process fails the
call; the notebook is started again for the next request.
"""
from __future__ import annotations

import builtins
import functools
import re
import warnings
from pathlib import Path

import numpy as np

from . import sandbox, wire

STARTUP_S = 60           # to start Python and the notebook's shell in the sandbox
GRACE_S = 5              # beyond the cell limit, before the process is killed
MAX_STARTS = 6           # the notebook is started at most this often per submission
SAFE_EXCEPTIONS = {name for name in dir(builtins) if isinstance(getattr(builtins, name), type)
                   and issubclass(getattr(builtins, name), Exception)
                   and name not in ("StopIteration", "StopAsyncIteration", "GeneratorExit")}


class SubmissionDead(RuntimeError):
    """The notebook cannot be run (any more): every test that needs it fails."""


class SubmissionError(Exception):
    """An exception raised by the student's code (its type is not a built-in one)."""


def student_exception(error: dict) -> Exception:
    """The exception a student's function raised, rebuilt here from its name and message only."""
    name = str(error.get("type", "Exception"))
    message = str(error.get("message", ""))[:500]
    if error.get("builtin") and name in SAFE_EXCEPTIONS:
        exc = getattr(builtins, name)(message)
    else:
        safe = re.sub(r"\W", "", name)[:60] or "Exception"
        exc = type(safe, (SubmissionError,), {})(message)
    exc.from_submission = name
    return exc


class RemoteFunction:
    """A function of the submission's. Calling it runs it in the sandbox on copies of the
    arguments; changes it makes to them in place are applied to the originals afterwards."""

    def __init__(self, session: "Session", name: str, ref: int | None = None):
        self.session, self.__name__, self.ref = session, name, ref
        self.generation = session.generation

    def __call__(self, *args, **kwargs):
        return self.session.call(self, args, kwargs)

    def __repr__(self):
        return f"<function {self.__name__} of the submission>"


class Session:
    """The submission's notebook, run in a sandbox, and the requests the tests make to it."""

    def __init__(self, grader_dir: Path, public_tests: Path | None, cells: list[str], slot: int = 0,
                 cell_limit: float = 60, call_limit: float = 60, limits: sandbox.Limits | None = None):
        self.grader_dir, self.public_tests, self.cells, self.slot = grader_dir, public_tests, cells, slot
        self.cell_limit, self.call_limit, self.limits = cell_limit, call_limit, limits
        self.skipped: dict[int, str] = {}      # cell -> why it was skipped
        self.cell_errors: dict[int, dict] = {}
        self.starts, self.generation = 0, 0
        self.box: sandbox.Sandbox | None = None
        self.channel: wire.Channel | None = None
        self.dead: str | None = None
        self.broken = False        # the sandbox itself failed, before any student code ran
        self.mode = sandbox.detect_mode()

    # -- the notebook ---------------------------------------------------------------------------
    def ensure(self) -> wire.Channel:
        while self.channel is None:
            if self.dead:
                raise SubmissionDead(self.dead)
            if self.starts >= MAX_STARTS:
                self.dead = f"the notebook was started {MAX_STARTS} times and did not finish"
                raise SubmissionDead(self.dead)
            self.starts += 1
            self._run_notebook()
        return self.channel

    def _run_notebook(self) -> None:
        box = sandbox.Sandbox(self.grader_dir, self.public_tests, self.slot, self.limits, self.mode)
        try:
            channel = box.start()
        except OSError as exc:
            box.stop()
            self.broken = True
            self.dead = f"the sandbox could not start ({exc})"
            raise SubmissionDead(self.dead) from None
        self.cell_errors = {}
        current = None
        try:
            channel.send({"op": "start", "cells": self.cells, "cell_limit": int(self.cell_limit),
                          "skip": {str(i): why for i, why in self.skipped.items()}})
            while True:
                wait = STARTUP_S if current is None else self.cell_limit + GRACE_S
                try:
                    message = channel.recv(timeout=wait)
                except TimeoutError:
                    if current is None:
                        self.broken = True
                        raise SubmissionDead("the notebook's process did not start") from None
                    self.skipped[current] = f"ran longer than {self.cell_limit:g} s and was stopped"
                    return
                except (EOFError, wire.ProtocolError, OSError):
                    if current is None:
                        self.broken = True
                        raise SubmissionDead("the notebook's process ended before it could run "
                                             "any cell") from None
                    self.skipped[current] = ("ended the notebook's process (os._exit, a crash, a "
                                             "signal, or a resource limit such as memory)")
                    return
                event, cell = message.get("event"), message.get("cell")
                if event == "cell" and isinstance(cell, int) and 0 <= cell < len(self.cells):
                    current = cell
                elif event == "done" and cell == current:
                    if message.get("error"):
                        self.cell_errors[cell] = message["error"]
                    current = None
                elif event == "ready" and current is None:
                    self.box, self.channel, box = box, channel, None
                    self.generation += 1
                    return
                else:
                    self.dead = "the notebook's process broke the grading protocol"
                    raise SubmissionDead(self.dead)
        except SubmissionDead as exc:
            self.dead = str(exc)
            raise
        finally:
            if box is not None:
                box.stop()

    def stop(self) -> None:
        if self.box is not None:
            self.box.stop()
        self.box = self.channel = None

    # -- requests -------------------------------------------------------------------------------
    def _handle(self, callbacks: list, obj, encode, depth):
        """Grader objects sent to the submission: functions as callbacks, others by value."""
        if isinstance(obj, RemoteFunction):
            if obj.ref is None:
                return {"$": "function", "name": obj.__name__}
            if obj.generation != self.generation:
                raise SubmissionDead(f"{obj.__name__} belonged to an earlier run of the notebook")
            return {"$": "function", "ref": obj.ref}
        if callable(obj):
            callbacks.append(obj)
            return {"$": "callback", "id": len(callbacks) - 1,
                    "name": str(getattr(obj, "__name__", "function"))}
        if hasattr(obj, "__dict__"):
            return {"$": "record", "id": encode._remember(obj),
                    "attrs": {k: encode(v, depth + 1) for k, v in vars(obj).items()
                              if wire.is_plain_attribute(k, v)}}
        raise TypeError(f"cannot send a {type(obj).__name__} to the submission")

    def _decoder(self, callbacks: list) -> wire.Decoder:
        return wire.Decoder({
            "function": lambda d, dec, depth: RemoteFunction(self, str(d.get("name", "function"))[:80],
                                                             int(d["ref"])),
            "opaque": lambda d, dec, depth: wire.Opaque(str(d.get("type", "object"))[:80]),
            "callback": lambda d, dec, depth: callbacks[int(d["id"])],
            "record": wire.record_decoder,
        })

    def lookup(self, name: str):
        """The notebook's value of `name`: plain data, a RemoteFunction, or None if undefined."""
        channel = self.ensure()
        try:
            channel.send({"op": "lookup", "name": name})
            reply = channel.recv(timeout=self.call_limit)
        except (TimeoutError, EOFError, wire.ProtocolError, OSError):
            self.stop()
            raise SubmissionDead("the notebook's process stopped answering") from None
        kind = reply.get("kind")
        if kind == "missing":
            return None
        if kind == "value":
            value = self._decoder([])(reply.get("value"))
            if isinstance(value, RemoteFunction):
                return RemoteFunction(self, name)        # by name: survives a restart
            return value
        if kind == "error":
            raise student_exception(reply.get("error", {}))
        raise SubmissionDead("the notebook's process broke the grading protocol")

    def call(self, fn: RemoteFunction, args: tuple, kwargs: dict):
        channel = self.ensure()
        callbacks: list = []
        handle = functools.partial(self._handle, callbacks)
        encode = wire.Encoder(handle)
        target = {"ref": fn.ref} if fn.ref is not None else {"name": fn.__name__}
        if fn.ref is not None and fn.generation != self.generation:
            raise SubmissionDead(f"{fn.__name__} belonged to an earlier run of the notebook")
        try:
            channel.send({"op": "call", **target, "args": encode(list(args)),
                          "kwargs": encode(dict(kwargs)), "errstate": np.geterr()})
            while True:
                message = channel.recv(timeout=self.call_limit)
                op = message.get("op")
                if op == "callback":
                    self._answer_callback(channel, message, callbacks)
                elif op == "return":
                    decode = self._decoder(callbacks)
                    value = decode(message.get("value"))
                    wire.write_back(list(args), decode(message.get("args")))
                    wire.write_back(dict(kwargs), decode(message.get("kwargs")))
                    for w in message.get("warnings") or []:
                        warnings.warn(str(w.get("message", "")), RuntimeWarning, stacklevel=3)
                    return value
                elif op == "raise":
                    raise student_exception(message.get("error") or {})
                else:
                    raise wire.ProtocolError(f"unexpected message {op!r}")
        except TimeoutError:
            self.stop()
            raise TimeoutError(f"{fn.__name__} did not return within {self.call_limit:g} s") from None
        except (EOFError, wire.ProtocolError, OSError) as exc:
            self.stop()
            raise SubmissionDead(f"the process running {fn.__name__} ended or broke the grading "
                                 f"protocol ({type(exc).__name__})") from None

    def _answer_callback(self, channel: wire.Channel, message: dict, callbacks: list) -> None:
        decode = self._decoder(callbacks)
        try:
            fn = callbacks[int(message["id"])]
            result = fn(*decode(message.get("args")), **decode(message.get("kwargs")))
            reply = {"op": "return",
                     "value": wire.Encoder(functools.partial(self._handle, callbacks))(result)}
        except Exception as exc:  # the test's function failed on the student's arguments
            reply = {"op": "raise", "error": {"type": type(exc).__name__, "message": str(exc)[:300]}}
        channel.send(reply)
