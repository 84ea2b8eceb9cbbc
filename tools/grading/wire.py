"""The only thing that crosses between a submission's process and the grader: plain data.

Messages are length-prefixed JSON frames on a pair of pipes. Values are encoded as JSON with a few
tagged forms: tuples, lists, dicts, numpy arrays and scalars (as .npy bytes, loaded with
``allow_pickle=False``), Ellipsis, complex numbers, numpy random Generators (their bit generator's
state, which is plain data), and three kinds of handle:

- ``callback``: a function of the grader's that the submission may call (e.g. the ``f`` handed to
  a student's ``numerical_gradient``); the call comes back over the channel and runs on the
  grader's side with plain-data arguments;
- ``function``: a function of the submission's, which the grader can only call remotely;
- ``record``: a grader object passed to a student function by value (its plain attributes), e.g.
  the nodes of a computation graph; changes to the attributes travel back after the call.

Anything else the submission sends is ``opaque``: the grader sees only its type's name. Decoding
never runs code: no pickle, no object construction beyond the types above, and limits on size and
depth. Containers carry an id, so an object that appears twice arrives as one object (aliasing
survives) and the arguments of a call can be sent back after it, with the changes the student's
code made to them in place.
"""
from __future__ import annotations

import base64
import io
import json
import os
import select
import struct
import time
import types

import numpy as np

MAX_FRAME = 256 * 2**20        # bytes in one message
MAX_DEPTH = 32                 # nesting of containers
MAX_ELEMENTS = 2**24           # numbers, characters/8 and containers in one value, aliases expanded
NUMERIC_KINDS = "biufc"        # bool, signed, unsigned, float, complex


class ProtocolError(Exception):
    """The other side sent something that is not a well-formed message."""


# ------------------------------------------------------------------------------------------------
# framing
class Channel:
    """Length-prefixed JSON messages over two file descriptors. Bytes that arrive before a timeout
    are kept, so a message is never lost or cut in two by waiting in short steps."""

    def __init__(self, read_fd: int, write_fd: int):
        self.read_fd, self.write_fd = read_fd, write_fd
        self._buffer = bytearray()

    def send(self, message: dict) -> None:
        try:
            data = json.dumps(message, allow_nan=True, separators=(",", ":")).encode()
        except (ValueError, RecursionError) as exc:
            raise ProtocolError(f"message cannot be encoded: {exc}") from None
        if len(data) > MAX_FRAME:
            raise ProtocolError(f"message of {len(data)} bytes exceeds the {MAX_FRAME}-byte limit")
        frame = struct.pack(">I", len(data)) + data
        view = memoryview(frame)
        while view:
            view = view[os.write(self.write_fd, view):]

    def _fill(self, n: int, deadline: float | None) -> None:
        while len(self._buffer) < n:
            if deadline is not None:
                wait = deadline - time.monotonic()
                if wait <= 0 or not select.select([self.read_fd], [], [], wait)[0]:
                    raise TimeoutError("no answer in time")
            chunk = os.read(self.read_fd, max(1 << 16, min(n - len(self._buffer), 1 << 20)))
            if not chunk:
                raise EOFError("the other side closed the channel")
            self._buffer += chunk

    def recv(self, timeout: float | None = None) -> dict:
        """The next message; TimeoutError if none is complete within `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        self._fill(4, deadline)
        (size,) = struct.unpack(">I", self._buffer[:4])
        if size > MAX_FRAME:
            raise ProtocolError(f"announced message of {size} bytes exceeds the limit")
        self._fill(4 + size, deadline)
        data = bytes(self._buffer[4:4 + size])
        del self._buffer[:4 + size]
        try:
            message = json.loads(data)
        except (ValueError, RecursionError) as exc:     # RecursionError: nested too deeply
            raise ProtocolError(f"not a well-formed message: {str(exc)[:100]}") from None
        if not isinstance(message, dict):
            raise ProtocolError("a message must be a JSON object")
        return message


# ------------------------------------------------------------------------------------------------
# values
class Opaque:
    """A value of the submission's that is not plain data: usable in no computation at all, so a
    test can never mistake it for a number, an array or a truth value."""

    def __init__(self, type_name: str):
        self.type_name = type_name

    def _refuse(self, *args, **kwargs):
        raise TypeError(f"the answer is an object of type {self.type_name!r}, not a number, an "
                        "array, a string, a list, a tuple or a dict")

    __bool__ = __float__ = __int__ = __index__ = __len__ = __iter__ = __array__ = _refuse
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __getitem__ = __contains__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = _refuse
    __matmul__ = __rmatmul__ = __neg__ = __abs__ = __pow__ = _refuse
    __hash__ = None

    def __repr__(self):
        return f"<{self.type_name} object>"


def _npy(array: np.ndarray) -> str:
    buf = io.BytesIO()
    np.save(buf, np.array(array, order="C", subok=False), allow_pickle=False)  # 0-d arrays stay 0-d
    return base64.b64encode(buf.getvalue()).decode()


def _from_npy(text: str) -> np.ndarray:
    try:
        array = np.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)
    except (ValueError, OSError) as exc:
        raise ProtocolError(f"bad array: {exc}") from None
    if array.dtype.kind not in NUMERIC_KINDS:
        raise ProtocolError(f"arrays must be numeric, got dtype {array.dtype}")
    return array


class Encoder:
    """Turns a value into its JSON form. ``handle(obj)`` decides what to do with an object that is
    not plain data: return a tagged dict (a callback, a function, a record, opaque)."""

    def __init__(self, handle):
        self.handle = handle
        self.ids: dict[int, int] = {}
        self.keep: list = []           # keeps encoded objects alive, so their ids stay unique
        self.count = 0                 # elements encoded so far (an array counts its size)

    def _grow(self, n: int) -> None:
        self.count += n
        if self.count > MAX_ELEMENTS:
            raise ProtocolError(f"the value has more than {MAX_ELEMENTS} elements")

    def __call__(self, obj, depth: int = 0):
        if depth > MAX_DEPTH:
            raise ValueError(f"values nested more than {MAX_DEPTH} levels deep")
        self._grow(1)
        if obj is None or type(obj) in (bool, int, str):
            return obj
        if type(obj) is float:
            return obj if np.isfinite(obj) else {"$": "float", "v": repr(obj)}
        if obj is Ellipsis:
            return {"$": "ellipsis"}
        if type(obj) is complex:
            return {"$": "complex", "re": obj.real, "im": obj.imag}
        if isinstance(obj, np.generic) and obj.dtype.kind in NUMERIC_KINDS:
            return {"$": "np", "npy": _npy(np.asarray(obj))}
        if id(obj) in self.ids:
            return {"$": "ref", "id": self.ids[id(obj)]}
        if isinstance(obj, np.ndarray) and obj.dtype.kind in NUMERIC_KINDS:
            self._grow(obj.size)  # before the bytes are made: a huge array is refused at once
            return {"$": "nd", "id": self._remember(obj), "npy": _npy(obj)}
        if type(obj) in (tuple, list):
            tag = self._remember(obj)
            return {"$": type(obj).__name__, "id": tag, "items": [self(x, depth + 1) for x in obj]}
        if type(obj) is dict:
            tag = self._remember(obj)
            return {"$": "dict", "id": tag,
                    "items": [[self(k, depth + 1), self(v, depth + 1)] for k, v in obj.items()]}
        if isinstance(obj, np.random.Generator):
            return {"$": "rng", "id": self._remember(obj), "state": obj.bit_generator.state}
        return self.handle(obj, self, depth)

    def _remember(self, obj) -> int:
        self.ids[id(obj)] = len(self.ids)
        self.keep.append(obj)
        return self.ids[id(obj)]


class Decoder:
    """Builds values from their JSON form; ``handles`` maps the handle tags a side accepts
    ("callback", "function", "record", "opaque") to functions building the local object.

    Whatever is wrong with the data (a missing field, a bad array, too deep, or a value that would
    expand past MAX_ELEMENTS once its aliases are counted: a small message whose lists repeat one
    big list can stand for gigabytes), it raises ProtocolError and nothing else."""

    def __init__(self, handles: dict):
        self.handles = handles
        self.objects: dict[int, object] = {}
        self.sizes: dict[int, int] = {}

    def __call__(self, data, depth: int = 0):
        try:
            return self._decode(data, depth)[0]
        except ProtocolError:
            raise
        except (KeyError, TypeError, ValueError, OverflowError, RecursionError,
                AttributeError) as exc:
            raise ProtocolError(f"malformed value ({type(exc).__name__})") from None

    def _decode(self, data, depth: int) -> tuple:
        """(value, expanded size)."""
        if depth > MAX_DEPTH:
            raise ProtocolError("values nested too deeply")
        if data is None or type(data) in (bool, int, float):
            return data, 1
        if type(data) is str:
            return data, 1 + len(data) // 8
        if type(data) is not dict or not isinstance(data.get("$"), str):
            raise ProtocolError(f"unexpected value of type {type(data).__name__}")
        tag = data["$"]
        if tag == "float":
            if data.get("v") not in ("nan", "inf", "-inf"):
                raise ProtocolError("bad float")
            return float(data["v"]), 1
        if tag == "ellipsis":
            return Ellipsis, 1
        if tag == "complex":
            return complex(float(data["re"]), float(data["im"])), 1
        if tag == "np":
            array = _from_npy(data["npy"])
            if array.shape != ():
                raise ProtocolError("a numpy scalar must have shape ()")
            return array[()], 1
        if tag == "ref":
            ident = data.get("id")
            if ident not in self.objects:
                raise ProtocolError("reference to an unknown object")
            return self.objects[ident], self.sizes.get(ident, 1)
        if tag == "nd":
            array = _from_npy(data["npy"])
            return self._store(data, array, 1 + array.size), 1 + array.size
        if tag in ("list", "tuple"):
            items, total = [], 1
            out = [] if tag == "list" else None
            if out is not None:
                self._store(data, out, 1)
            for x in self._items(data):
                value, size = self._decode(x, depth + 1)
                items.append(value)
                total = self._grow(total, size)
            if out is None:
                return self._store(data, tuple(items), total), total
            out.extend(items)
            return self._store(data, out, total), total
        if tag == "dict":
            out, total = {}, 1
            self._store(data, out, 1)
            for pair in self._items(data):
                if type(pair) is not list or len(pair) != 2:
                    raise ProtocolError("dict items must be pairs")
                key, k_size = self._decode(pair[0], depth + 1)
                value, v_size = self._decode(pair[1], depth + 1)
                try:
                    out[key] = value
                except TypeError:
                    raise ProtocolError("unhashable dict key") from None
                total = self._grow(total, k_size + v_size)
            return self._store(data, out, total), total
        if tag == "rng":
            return self._store(data, generator_from_state(data.get("state"))), 1
        if tag in self.handles:
            return self.handles[tag](data, self, depth), 1
        raise ProtocolError(f"unknown value tag {tag!r}")

    @staticmethod
    def _grow(total: int, size: int) -> int:
        total += size
        if total > MAX_ELEMENTS:
            raise ProtocolError(f"the value expands to more than {MAX_ELEMENTS} elements (counting "
                                "every repeated reference to a list or array)")
        return total

    @staticmethod
    def _items(data) -> list:
        items = data.get("items")
        if type(items) is not list:
            raise ProtocolError("container without items")
        return items

    def _store(self, data, obj, size: int = 1):
        if type(data.get("id")) is not int:
            raise ProtocolError("container without an id")
        self.objects[data["id"]] = obj
        self.sizes[data["id"]] = size
        return obj

def generator_from_state(state) -> np.random.Generator:
    """A numpy Generator with the given bit-generator state (only numpy's own bit generators)."""
    name = state.get("bit_generator") if isinstance(state, dict) else None
    if name not in ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64"):
        raise ProtocolError(f"unknown random bit generator {name!r}")
    bit_generator = getattr(np.random, name)()
    try:
        bit_generator.state = state
    except (TypeError, ValueError, KeyError) as exc:
        raise ProtocolError(f"bad random state: {exc}") from None
    return np.random.Generator(bit_generator)


def record_decoder(data, decode: Decoder, depth: int):
    """A grader object passed by value arrives as a namespace with the same plain attributes."""
    obj = decode._store(data, types.SimpleNamespace())
    attrs = data.get("attrs")
    if type(attrs) is not dict:
        raise ProtocolError("record without attributes")
    for name, value in attrs.items():
        setattr(obj, name, decode(value, depth + 1))
    return obj


def is_plain_attribute(name: str, value) -> bool:
    return (not name.startswith("_") and not callable(value)
            and not isinstance(value, types.ModuleType))


def has_attributes(obj) -> bool:
    """Whether `obj` is a grader object sent by value: it keeps attributes in a __dict__ or in
    __slots__ (mlp.autograd.Value and exercise 4's graph nodes use slots)."""
    return not isinstance(obj, type) and (
        hasattr(obj, "__dict__") or any("__slots__" in vars(k) for k in type(obj).__mro__[:-1]))


def attributes(obj) -> dict:
    """The attributes a grader object holds, from its __dict__ and from every class's __slots__."""
    found = {}
    for klass in reversed(type(obj).__mro__[:-1]):
        slots = vars(klass).get("__slots__", ())
        for name in ((slots,) if isinstance(slots, str) else slots):
            if name not in ("__dict__", "__weakref__") and hasattr(obj, name):
                found[name] = getattr(obj, name)
    found.update(getattr(obj, "__dict__", {}))
    return found


def _mergeable(original, new) -> bool:
    """Whether `new` is `original` sent back (so its changes go into `original` in place)."""
    if isinstance(new, types.SimpleNamespace):
        return has_attributes(original)
    return type(original) is type(new) and isinstance(
        new, (np.ndarray, list, dict, tuple, np.random.Generator))


def write_back(original, new) -> None:
    """Apply to `original` the in-place changes that arrived as `new` (the same argument, sent
    back after a call): array contents, list and dict items, record attributes, generator state.
    Objects keep their identity, so views and aliases the caller holds see the changes."""
    if isinstance(original, np.ndarray):
        if isinstance(new, np.ndarray) and new.shape == original.shape:
            if not np.array_equal(original, new, equal_nan=original.dtype.kind in "fc"):
                original[...] = new
    elif isinstance(original, list) and isinstance(new, list):
        merged = []
        for i, item in enumerate(new):
            if i < len(original) and _mergeable(original[i], item):
                write_back(original[i], item)
                merged.append(original[i])
            else:
                merged.append(item)
        original[:] = merged
    elif isinstance(original, dict) and isinstance(new, dict):
        for key in [k for k in original if k not in new]:
            del original[key]
        for key, item in new.items():
            if key in original and _mergeable(original[key], item):
                write_back(original[key], item)
            else:
                original[key] = item
    elif isinstance(original, tuple) and isinstance(new, tuple) and len(original) == len(new):
        for a, b in zip(original, new):
            write_back(a, b)
    elif isinstance(original, np.random.Generator) and isinstance(new, np.random.Generator):
        original.bit_generator.state = new.bit_generator.state
    elif isinstance(new, types.SimpleNamespace) and has_attributes(original):
        for name, value in vars(new).items():
            if is_plain_attribute(name, getattr(original, name, None)):
                setattr(original, name, value)
