"""The submission's notebook as the trusted side sees it: a process in a sandbox that answers.

A ``Session`` starts grading.runner in the sandbox with the notebook's code cells, waits cell by
cell, and then turns the tests' requests into messages (grading.protocol). A cell that uses more
than its CPU time, or ends the process, is skipped and the notebook started again without it (the
lenient policy). Values come back as plain data; functions come back as ``RemoteFunction`` handles,
so calling one sends plain-data arguments to the submission, runs there, and brings plain data back
(with the changes the function made to its arguments in place). A function that runs out of time or
ends its process fails the call; the notebook is started again for the next request.

Time is the submission's CPU time (grading.sandbox measures it over all its processes). Wall time
stops a step only (a) when the step neither ran nor waited for a CPU for most of it (a `sleep`, a
deadlock: the submission's own doing, told apart from a starved one by the kernel's scheduler
statistics), or (b) at the backstop of grading.limits, which marks the submission ``overloaded``:
its grade is an error to be graded again, never a zero.
"""
from __future__ import annotations

import builtins
import functools
import re
import subprocess
import time
import warnings
from pathlib import Path

import numpy as np

from . import protocol, sandbox, wire
from .limits import Limits

MAX_STARTS = 6           # the notebook is started at most this often per submission
CPU_GRACE_S = 2          # beyond a cell's CPU limit before its process is killed (the runner stops
                         # a cell or a call itself at the limit)
POLL_S = 0.2             # how often a waiting step checks the CPU clock
BUSY_SHARE = 0.5         # a step that ran or waited for a CPU under this share of the time slept
SAFE_EXCEPTIONS = {name for name in dir(builtins) if isinstance(getattr(builtins, name), type)
                   and issubclass(getattr(builtins, name), Exception)
                   and name not in ("StopIteration", "StopAsyncIteration", "GeneratorExit")}


class SubmissionDead(RuntimeError):
    """The notebook cannot be run (any more): every test that needs it fails."""


class Overloaded(SubmissionDead):
    """The machine, not the submission, was too slow: the grade is an error, graded again later."""


class OutOfTime(Exception):
    """A step used more than its CPU time, or sat idle past it while the machine had CPU to
    spare."""


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

    def __init__(self, grader_dir: Path, public_tests: Path | None, cells: list[str],
                 limits: Limits | None = None, exercise: str = "", name: str = "submission"):
        self.grader_dir, self.public_tests, self.cells = grader_dir, public_tests, cells
        self.limits = limits or Limits()
        self.exercise, self.name = exercise, name
        self.skipped: dict[int, str] = {}      # cell -> why it was skipped
        self.cell_errors: dict[int, dict] = {}
        self.starts, self.generation = 0, 0
        self.cpu_before = 0.0                  # CPU seconds of the notebook's earlier starts
        self.box: sandbox.Sandbox | None = None
        self.channel: wire.Channel | None = None
        self.dead: str | None = None
        self.broken = False        # the sandbox itself failed, before any student code ran
        self.overloaded = False    # stopped by the wall-clock backstop: not the submission's fault
        self.mode = sandbox.detect_mode()
        self.ids = protocol.Ids()

    # -- the clock -----------------------------------------------------------------------------
    def cpu_seconds(self) -> float:
        return self.cpu_before + (self.box.cpu_seconds() if self.box else 0.0)

    def _wait(self, box: sandbox.Sandbox, channel: wire.Channel, cpu_limit: float) -> dict:
        """The next message, while the step it ends uses at most `cpu_limit` CPU seconds."""
        wall0, cpu0, wait0 = time.monotonic(), box.cpu_seconds(), box.waiting_seconds()
        backstop = self.limits.wall_backstop(cpu_limit)
        while True:
            try:
                return channel.recv(timeout=POLL_S)
            except TimeoutError:
                pass
            now, cpu = time.monotonic(), box.cpu_seconds()
            if cpu - cpu0 > cpu_limit + CPU_GRACE_S:
                raise OutOfTime(f"used more than {cpu_limit:g} s of CPU time")
            if self.cpu_before + cpu > self.limits.submission_cpu_s:
                raise SubmissionDead(f"the notebook used more than "
                                     f"{self.limits.submission_cpu_s:g} s of CPU time in all")
            if now - wall0 > cpu_limit + CPU_GRACE_S:
                # Running, or runnable but waiting for a CPU (a busy machine): not its fault.
                # Neither (sleeping, blocked): it is, once it has taken longer than its CPU limit.
                wait = box.waiting_seconds()
                waited = (wait - wait0) if wait is not None and wait0 is not None else now - wall0
                if (cpu - cpu0 + waited) / (now - wall0) < BUSY_SHARE:
                    raise OutOfTime(f"waited longer than {cpu_limit:g} s without working "
                                    "(sleeping, or waiting for something that never comes)")
            if now - wall0 > backstop:
                self.overloaded = True
                raise Overloaded(f"the grading machine was too busy: a step did not finish within "
                                 f"{backstop:g} s of wall-clock time after using only "
                                 f"{cpu - cpu0:.1f} s of CPU time; it will be graded again")

    # -- the notebook ---------------------------------------------------------------------------
    def ensure(self) -> wire.Channel:
        while self.channel is None:
            if self.dead:
                raise (Overloaded if self.overloaded else SubmissionDead)(self.dead)
            if self.starts >= MAX_STARTS:
                self.dead = f"the notebook was started {MAX_STARTS} times and did not finish"
                raise SubmissionDead(self.dead)
            self.starts += 1
            self._run_notebook()
        return self.channel

    def _run_notebook(self) -> None:
        box = sandbox.Sandbox(self.grader_dir, self.public_tests, self.limits, self.mode, self.name)
        try:
            channel = box.start()
        except (OSError, subprocess.SubprocessError) as exc:    # e.g. the preexec step failed
            box.stop()
            self.broken = True
            self.dead = f"the sandbox could not start ({exc})"
            raise SubmissionDead(self.dead) from None
        self.cell_errors = {}
        current = None
        try:
            channel.send({"op": protocol.START, "cells": self.cells, "exercise": self.exercise,
                          "cell_cpu_s": self.limits.cell_cpu_s,
                          "skip": {str(i): why for i, why in self.skipped.items()}})
            while True:
                try:
                    message = self._wait(box, channel, self.limits.cell_cpu_s)
                except OutOfTime as exc:
                    if current is None:
                        self.broken = True
                        raise SubmissionDead(
                            f"the notebook's process did not start: it {exc}") from None
                    self.skipped[current] = f"{exc} and was stopped"
                    return
                except (EOFError, wire.ProtocolError, OSError):
                    if current is None:
                        self.broken = True
                        raise SubmissionDead("the notebook's process ended before it could run "
                                             "any cell") from None
                    self.skipped[current] = self._why_ended(box)
                    return
                op, cell = message.get("op"), message.get("cell")
                if op == protocol.CELL and isinstance(cell, int) and 0 <= cell < len(self.cells):
                    current = cell
                elif op == protocol.DONE and cell == current:
                    if message.get("error"):
                        self.cell_errors[cell] = message["error"]
                    current = None
                elif op == protocol.READY and current is None:
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
                self.cpu_before += box.cpu_seconds()
                box.stop()

    def _why_ended(self, box: sandbox.Sandbox) -> str:
        if box.out_of_memory():
            return f"used more than its memory limit ({self.limits.memory_mb} MB) and was stopped"
        return ("ended the notebook's process (os._exit, a crash, a signal, or a resource limit "
                "such as memory)")

    def stop(self) -> None:
        if self.box is not None:
            self.cpu_before += self.box.cpu_seconds()
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
        if wire.has_attributes(obj):
            return {"$": "record", "id": encode._remember(obj),
                    "attrs": {k: encode(v, depth + 1) for k, v in wire.attributes(obj).items()
                              if wire.is_plain_attribute(k, v)}}
        raise TypeError(f"cannot send a {type(obj).__name__} to the submission")

    def _decoder(self, callbacks: list) -> wire.Decoder:
        return wire.Decoder({
            "function": lambda d, dec, depth: RemoteFunction(
                self, str(d.get("name", "function"))[:80], int(d["ref"])),
            "opaque": lambda d, dec, depth: wire.Opaque(str(d.get("type", "object"))[:80]),
            "callback": lambda d, dec, depth: callbacks[int(d["id"])],
            "record": wire.record_decoder,
        })

    def _request(self, what: str) -> tuple[sandbox.Sandbox, wire.Channel]:
        channel = self.ensure()
        return self.box, channel

    def lookup(self, name: str):
        """The notebook's value of `name`: plain data, a RemoteFunction, or None if undefined."""
        box, channel = self._request(name)
        ident = self.ids.next()
        try:
            channel.send({"op": protocol.LOOKUP, "id": ident, "name": name})
            reply = self._wait(box, channel, self.limits.cell_cpu_s)
            protocol.expect(reply, protocol.LOOKUP, ident)
        except OutOfTime as exc:
            self.stop()
            raise TimeoutError(f"looking up {name} {exc}") from None
        except (EOFError, wire.ProtocolError, OSError):
            self.stop()
            raise SubmissionDead("the notebook's process stopped answering") from None
        except SubmissionDead:
            self.stop()
            raise
        kind = reply.get("kind")
        if kind == "missing":
            return None
        if kind == "value":
            try:
                value = self._decoder([])(reply.get("value"))
            except wire.ProtocolError:
                self.stop()
                raise SubmissionDead(f"the value of {name} could not be read (it breaks the "
                                     "grading protocol's limits)") from None
            if isinstance(value, RemoteFunction):
                return RemoteFunction(self, name)        # by name: survives a restart
            return value
        if kind == "error":
            raise student_exception(reply.get("error") or {})
        self.stop()
        raise SubmissionDead("the notebook's process broke the grading protocol")

    def call(self, fn: RemoteFunction, args: tuple, kwargs: dict):
        box, channel = self._request(fn.__name__)
        callbacks: list = []
        encode = wire.Encoder(functools.partial(self._handle, callbacks))
        target = {"ref": fn.ref} if fn.ref is not None else {"name": fn.__name__}
        if fn.ref is not None and fn.generation != self.generation:
            raise SubmissionDead(f"{fn.__name__} belonged to an earlier run of the notebook")
        ident = self.ids.next()
        try:
            channel.send({"op": protocol.CALL, "id": ident, **target, "args": encode(list(args)),
                          "kwargs": encode(dict(kwargs)), "errstate": np.geterr()})
            while True:
                message = self._wait(box, channel, self.limits.cell_cpu_s)
                op = protocol.expect(message, protocol.CALL, ident)
                if op == protocol.CALLBACK:
                    self._answer_callback(channel, message, callbacks)
                elif op == protocol.RETURN:
                    decode = self._decoder(callbacks)
                    value = decode(message.get("value"))
                    wire.write_back(list(args), decode(message.get("args")))
                    wire.write_back(dict(kwargs), decode(message.get("kwargs")))
                    for w in message.get("warnings") or []:
                        if isinstance(w, dict):
                            warnings.warn(str(w.get("message", ""))[:300], RuntimeWarning,
                                          stacklevel=3)
                    return value
                else:
                    raised = student_exception(message.get("error") or {})
                    break
        except OutOfTime as exc:
            self.stop()
            raise TimeoutError(f"{fn.__name__} did not return: it {exc}") from None
        except (EOFError, wire.ProtocolError, OSError) as exc:
            self.stop()
            raise SubmissionDead(f"the process running {fn.__name__} ended or broke the grading "
                                 f"protocol ({type(exc).__name__})") from None
        except SubmissionDead:
            self.stop()
            raise
        raise raised  # the student's exception (an OSError among them), outside the handlers above

    def _answer_callback(self, channel: wire.Channel, message: dict, callbacks: list) -> None:
        decode = self._decoder(callbacks)
        ident = message.get("id")
        try:
            fn = callbacks[int(message["cb"])]
            result = fn(*decode(message.get("args")), **decode(message.get("kwargs")))
            reply = {"op": protocol.RETURN,
                     "value": wire.Encoder(functools.partial(self._handle, callbacks))(result)}
        except (SubmissionDead, wire.ProtocolError):
            raise
        except Exception as exc:  # the test's function failed on the student's arguments
            reply = {"op": protocol.RAISE,
                     "error": protocol.error(type(exc).__name__, str(exc)[:300])}
        channel.send({**reply, "re": ident})
