"""The messages between the judge (trusted) and the runner (the submission's process), defined once.

Every message is a JSON object with an ``op`` (grading.wire frames it). Values inside are
grading.wire's plain data. A request carries an ``id``, unique per sender; its reply carries the
same number as ``re``, so an answer can never be taken for the answer to another question.

judge -> runner
    start     {cells, exercise, cell_cpu_s}               run these cells, then serve requests
    lookup    {id, name}                                  the notebook's value of `name`
    call      {id, ref | name, args, kwargs, errstate}    call a function of the notebook's
    return    {re, value}       | raise {re, error}       the reply to a callback

runner -> judge
    cell      {cell}            a cell starts               } while the cells run
    done      {cell, error}     it ended (error: or None)   }
    ready     {}                every cell has run; requests may come
    value     {re, kind, value | error}                   reply to lookup (kind: value,
                                                          missing, error)
    return    {re, value, args, kwargs, warnings}         reply to call: the result, and the
                                                          arguments as the call left them
    raise     {re, error}                                 reply to call: the function raised
    callback  {id, re, cb, args, kwargs}                  during call `re`: call the judge's
                                                          function number `cb` (handed over as
                                                          an argument)

An ``error`` is {type, builtin, message} (grading.runner.describe). Anything else, or a reply whose
``re`` is not the one expected, is a protocol error: the submission's process is stopped.
"""
from __future__ import annotations

from .wire import ProtocolError

START, LOOKUP, CALL = "start", "lookup", "call"
CELL, DONE, READY = "cell", "done", "ready"
VALUE, RETURN, RAISE, CALLBACK = "value", "return", "raise", "callback"
REPLIES = {LOOKUP: (VALUE,), CALL: (RETURN, RAISE, CALLBACK), CALLBACK: (RETURN, RAISE)}


class Ids:
    """Request numbers of one side."""

    def __init__(self):
        self.last = 0

    def next(self) -> int:
        self.last += 1
        return self.last


def expect(message: dict, request_op: str, request_id: int) -> str:
    """The op of `message` if it is a valid reply to request (`request_op`, `request_id`)."""
    op = message.get("op")
    if op not in REPLIES[request_op]:
        raise ProtocolError(f"expected a reply to {request_op}, got {str(op)[:30]!r}")
    if message.get("re") != request_id:
        raise ProtocolError(f"a reply to request {str(message.get('re'))[:20]} arrived for request "
                            f"{request_id}")
    return op


def error(kind: str, message: str, builtin: bool = True) -> dict:
    return {"type": kind, "builtin": builtin, "message": message}
