"""The attach wire: the messages a served program and an attached client exchange (docs/protocol.md).

Newline-delimited JSON, one object per line, both ways; nothing else is ever read (no pickle, no
eval), and every read is bounded: a line longer than its limit ends the connection. The events inside
are the protocol's own wire objects (:mod:`suptui.engine.protocol`), so the version the handshake
checks is :data:`~suptui.engine.protocol.PROTOCOL_VERSION`.

This module holds what both ends must agree on (names, limits, the reason and request forms, and the
bounded line reader both use); the server is :mod:`suptui.engine.serve`, the client
:mod:`suptui.attach`.
"""

from __future__ import annotations

import json
import re
import socket
from dataclasses import dataclass
from typing import Any

from .reasons import Reason

MAGIC = "attach"
"""The server's hello has ``"suptui": "attach"``."""
MAX_SERVER_LINE = 64 << 20
"""The longest line a client reads (a snapshot of a tree of 100,000 processes is about 10 MB)."""
MAX_CLIENT_LINE = 64 << 10
"""The longest line the server reads from a client (a request is a few hundred bytes)."""
BATCH_EVENTS = 64
"""Events per ``events`` line at most: few writes in a storm, and the writer never holds the GIL
long (a line of events with big restart windows takes a while to encode)."""
HANDSHAKE_TIMEOUT_S = 5.0
"""How long the server waits for a client's hello before it hangs up."""

OPS = ("kill", "exit", "set_strategy", "start_child", "terminate_child", "restart_child", "delete_child")
"""The control requests a client may send."""

ERRORS = ("bad_request", "unknown_op", "too_long", "protocol", "bad_token", "busy", "read_only", "noproc",
          "unknown_actor", "timeout")
"""The server's own error codes (a supervisor's OTP errors, ``not_found``, ``running``,
``restarting``, ``dynamic_supervisor``, ``already_present``…, are passed on as its reason text)."""


class WireError(ValueError):
    """A message that is not what the attach wire allows; the text says what was expected."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def encode(message: dict[str, Any]) -> bytes:
    """One line of the wire (ASCII JSON, newline included)."""
    return (json.dumps(message, ensure_ascii=True, separators=(",", ":"), default=str) + "\n").encode("ascii")


def decode(line: bytes, limit: int) -> dict[str, Any]:
    """A line's object; :class:`WireError` if it is too long, not JSON, or not an object."""
    if len(line) > limit:
        raise WireError("too_long", f"line longer than {limit} bytes")
    try:
        obj = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        raise WireError("bad_request", "not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise WireError("bad_request", f"not JSON: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise WireError("bad_request", "JSON nested too deeply") from None
    if not isinstance(obj, dict):
        raise WireError("bad_request", f"expected a JSON object, got {type(obj).__name__}")
    return obj


# ---------------------------------------------------------------------------- reasons

_SHUTDOWN_TEXT = re.compile(r"\{\s*shutdown\s*,\s*(.+?)\s*\}", re.DOTALL)
MAX_REASON_DEPTH = 8


def reason_from_wire(value: Any) -> Reason:
    """An exit reason as a client may send it: the protocol's reason text or its array form.

    ``"normal"``, ``"shutdown"``, ``"kill"`` or any other word (an abnormal reason); the text
    ``"{shutdown, done}"`` as events print it, or ``["shutdown", "done"]`` as tree files spell it, for
    the orderly ``("shutdown", "done")``. Arrays become tuples (of text and whole numbers, nested at
    most :data:`MAX_REASON_DEPTH` deep), so any term the events can show can be sent back.
    """
    return _reason(value, 0)


def _reason(value: Any, depth: int) -> Reason:
    if depth > MAX_REASON_DEPTH:
        raise WireError("bad_request", f"a reason may nest at most {MAX_REASON_DEPTH} arrays deep")
    if type(value) is str:
        if not value:
            raise WireError("bad_request", "a reason must not be empty")
        match = _SHUTDOWN_TEXT.fullmatch(value)
        return ("shutdown", match.group(1)) if match else value
    if type(value) is int and depth > 0:
        return value
    if type(value) is list and value and depth < MAX_REASON_DEPTH:
        return tuple(_reason(item, depth + 1) for item in value)
    raise WireError("bad_request", 'a reason is text ("normal", "shutdown", "{shutdown, done}", any word '
                    'for a crash) or an array such as ["shutdown", "done"]')


# ---------------------------------------------------------------------------- requests

@dataclass(frozen=True, slots=True)
class Request:
    """A control request: ``op`` on the process at ``path`` (for ``set_strategy`` and ``start_child``
    the supervisor, else the process or child itself), with its own arguments."""

    id: int | str
    op: str
    path: str
    reason: Reason = None
    strategy: str | None = None
    spec: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "request", "id": self.id, "op": self.op, "path": self.path}
        if self.reason is not None:
            out["reason"] = _reason_to_wire(self.reason)
        if self.strategy is not None:
            out["strategy"] = self.strategy
        if self.spec is not None:
            out["spec"] = self.spec
        return out


def _reason_to_wire(reason: Reason) -> Any:
    return [_reason_to_wire(item) for item in reason] if isinstance(reason, tuple) else reason


_REQUEST_FIELDS = {
    "kill": frozenset(), "exit": frozenset(("reason",)), "set_strategy": frozenset(("strategy",)),
    "start_child": frozenset(("spec",)), "terminate_child": frozenset(), "restart_child": frozenset(),
    "delete_child": frozenset()}
_SPEC_FIELDS = frozenset(("id", "actor", "args", "restart", "shutdown", "type", "significant"))


def request_id(obj: dict[str, Any]) -> int | str | None:
    """The request's id if it has a usable one (to echo it in an error reply)."""
    ident = obj.get("id")
    if (type(ident) is int and abs(ident) < 1 << 53) or (type(ident) is str and len(ident) <= 200):
        return ident
    return None


def parse_request(obj: dict[str, Any]) -> Request:
    """A request from its wire object; :class:`WireError` naming what is wrong."""
    if obj.get("type") != "request":
        raise WireError("bad_request", f"expected a request ({{\"type\": \"request\", ...}}), got type "
                        f"{obj.get('type')!r}")
    ident = request_id(obj)
    if ident is None:
        raise WireError("bad_request", "a request needs an 'id': a whole number or short text")
    op = obj.get("op")
    if op not in _REQUEST_FIELDS:
        raise WireError("unknown_op", f"unknown op {op!r} (expected one of {', '.join(OPS)})")
    path = obj.get("path")
    if type(path) is not str or not path or len(path) > 4096:
        raise WireError("bad_request", f"{op}: 'path' must be the process's path as text")
    extra = set(obj) - {"type", "id", "op", "path"} - _REQUEST_FIELDS[op]
    if extra:
        raise WireError("bad_request", f"{op}: unknown field {sorted(extra)[0]!r}")
    if op == "exit":
        if "reason" not in obj:
            raise WireError("bad_request", "exit: missing 'reason'")
        return Request(ident, op, path, reason=reason_from_wire(obj["reason"]))
    if op == "set_strategy":
        strategy = obj.get("strategy")
        if type(strategy) is not str:
            raise WireError("bad_request", "set_strategy: 'strategy' must be text")
        return Request(ident, op, path, strategy=strategy)
    if op == "start_child":
        spec = obj.get("spec")
        if (not isinstance(spec, dict) or type(spec.get("id")) is not str
                or type(spec.get("actor")) is not str):
            raise WireError("bad_request",
                            "start_child: 'spec' must be an object with 'id' and 'actor' as text")
        unknown = set(spec) - _SPEC_FIELDS
        if unknown:
            raise WireError("bad_request", f"start_child: unknown spec field {sorted(unknown)[0]!r}")
        if "args" in spec and not isinstance(spec["args"], dict):
            raise WireError("bad_request", "start_child: the spec's 'args' must be an object")
        return Request(ident, op, path, spec=spec)
    return Request(ident, op, path)


@dataclass(frozen=True, slots=True)
class Reply:
    """The answer to a request: ``ok`` with a ``result`` (text or null), or an ``error`` code (an
    OTP reason as text, or one of :data:`ERRORS`) with a human ``message``."""

    id: int | str | None
    ok: bool
    result: Any = None
    error: str | None = None
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "reply", "id": self.id, "ok": self.ok}
        if self.ok:
            out["result"] = self.result
        else:
            out["error"] = self.error
            out["message"] = self.message or self.error
        return out

    @classmethod
    def from_dict(cls, obj: dict[str, Any]) -> Reply:
        ok = obj.get("ok")
        if type(ok) is not bool:
            raise WireError("protocol", "a reply needs 'ok' as true or false")
        ident = obj.get("id")
        if ok:
            return cls(ident if isinstance(ident, (int, str)) else None, True, obj.get("result"))
        error, message = obj.get("error"), obj.get("message")
        return cls(ident if isinstance(ident, (int, str)) else None, False, None,
                   error if type(error) is str else "error", message if type(message) is str else None)


def ok(ident: int | str | None, result: Any = None) -> Reply:
    return Reply(ident, True, result)


def error(ident: int | str | None, code: str, message: str | None = None) -> Reply:
    return Reply(ident, False, None, code, message or code)


class LineReader:
    """Lines from a socket, each at most ``limit`` bytes (a longer one is a ``too_long`` error)."""

    def __init__(self, sock: socket.socket, limit: int) -> None:
        self.sock = sock
        self.limit = limit
        self._buffer = bytearray()

    def readline(self) -> bytes | None:
        """The next line without its newline; ``None`` at the end of the stream."""
        buffer = self._buffer
        while True:
            cut = buffer.find(b"\n")
            if cut >= 0:
                line = bytes(buffer[:cut])
                del buffer[:cut + 1]
                if len(line) > self.limit:
                    raise WireError("too_long", f"line longer than {self.limit} bytes")
                return line
            if len(buffer) > self.limit:
                raise WireError("too_long", f"line longer than {self.limit} bytes")
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                return None
            buffer += chunk
