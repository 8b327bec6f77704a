"""Exit reasons and the one rule that sorts them (docs/semantics.md §R5).

Reasons are plain Python values so user code can exit with anything, as in Erlang:
``"normal"``, ``"shutdown"``, ``("shutdown", term)``, ``"killed"``, or a :class:`Crash`
wrapping an exception raised by a callback.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Any

NORMAL = "normal"
SHUTDOWN = "shutdown"
KILL = "kill"
KILLED = "killed"

Reason = Any

MAX_DEPTH = 12
"""Nesting shown by :func:`format_reason`; deeper parts are ``…`` (a reason may nest without end)."""
MAX_ITEMS = 32
"""Elements of one tuple shown by :func:`format_reason`."""
MAX_TEXT = 2000
"""Characters kept of one reason, message or ``str()`` of a user object."""
MAX_TRACEBACK = 20_000
"""Characters kept of a traceback (its start and its end, where the raising frame is)."""


class ProcessKilled(BaseException):
    """Thrown into a callback whose process was already killed, to unwind it quickly.

    Defined here, below everything that formats user objects, so that those guards can let it pass:
    it is the engine's own signal, not a fault of the object being formatted.
    """


def _cut(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def safe_str(obj: object, limit: int = MAX_TEXT) -> str:
    """``str(obj)``, cut to ``limit``; never raises, whatever the object's ``__str__`` does.

    A user's ``__str__`` may raise anything (even ``SystemExit`` or ``KeyboardInterrupt``), recurse
    without end or return a non-string; each becomes a placeholder naming the type.
    """
    try:
        text = str(obj)
        if not isinstance(text, str):
            raise TypeError("__str__ returned a non-string")
    except ProcessKilled:
        raise
    except BaseException:
        return f"<unprintable {_type_name(obj)}>"
    return _cut(text, limit)


def safe_repr(obj: object, limit: int = MAX_TEXT) -> str:
    """``repr(obj)``, cut to ``limit``; never raises (see :func:`safe_str`)."""
    try:
        text = repr(obj)
        if not isinstance(text, str):
            raise TypeError("__repr__ returned a non-string")
    except ProcessKilled:
        raise
    except BaseException:
        return f"<unprintable {_type_name(obj)}>"
    return _cut(text, limit)


def _type_name(obj: object) -> str:
    try:
        name = type(obj).__name__
        return name if isinstance(name, str) else "object"
    except BaseException:
        return "object"


@dataclass(frozen=True, slots=True)
class Crash:
    """An exception that ended a process, kept as text so it can cross threads and be logged."""

    type_name: str
    message: str
    traceback: str

    @classmethod
    def from_exception(cls, exc: BaseException) -> Crash:
        """Never raises, even for an exception whose ``str()`` raises: a worker's fault is the show."""
        type_name = _type_name(exc)
        message = safe_str(exc)
        try:
            text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        except ProcessKilled:
            raise
        except BaseException:
            text = f"{type_name}: {message}"
        if len(text) > MAX_TRACEBACK:
            half = MAX_TRACEBACK // 2
            text = f"{text[:half]}\n… ({len(text) - MAX_TRACEBACK} characters left out) …\n{text[-half:]}"
        return cls(type_name, message, text)

    def __str__(self) -> str:
        return f"{self.type_name}: {self.message}" if self.message else self.type_name


def is_orderly(reason: Reason) -> bool:
    """True for ``normal``, ``shutdown`` and ``("shutdown", term)``: the reasons that are not a failure."""
    if isinstance(reason, str):
        return reason in (NORMAL, SHUTDOWN)
    return isinstance(reason, tuple) and len(reason) == 2 and is_reason(reason[0], SHUTDOWN)


def is_reason(reason: Reason, name: str) -> bool:
    """``reason == name`` without trusting a user object's ``__eq__``."""
    return isinstance(reason, str) and reason == name


def format_reason(reason: Reason) -> str:
    """A short human-readable form, used in events and logs. Never raises.

    Bounded however the reason is built: tuples deeper than :data:`MAX_DEPTH` or longer than
    :data:`MAX_ITEMS` are cut with ``…``, and the whole text is at most :data:`MAX_TEXT` characters,
    so a reason nested a million levels deep cannot exhaust the stack in the middle of a death.
    """
    if type(reason) is str:  # (the common case, as the loop below would give it)
        return _cut(reason)
    parts: list[str] = []
    size = 0
    # An explicit stack instead of recursion: (value, depth), or a literal piece of text.
    stack: list[tuple[Any, int] | str] = [(reason, 0)]
    while stack and size <= MAX_TEXT:
        item = stack.pop()
        if isinstance(item, str):
            piece = item
        else:
            value, depth = item
            if isinstance(value, tuple):
                if depth >= MAX_DEPTH:
                    piece = "{…}"
                else:
                    shown = value[:MAX_ITEMS]
                    pending: list[tuple[Any, int] | str] = ["{"]
                    for index, part in enumerate(shown):
                        if index:
                            pending.append(", ")
                        pending.append((part, depth + 1))
                    if len(value) > MAX_ITEMS:
                        pending.append(", …")
                    pending.append("}")
                    stack.extend(reversed(pending))
                    continue
            elif isinstance(value, str):
                piece = value
            else:
                piece = safe_str(value)
        parts.append(piece)
        size += len(piece)
    return _cut("".join(parts))


def reason_traceback(reason: Reason) -> str | None:
    return reason.traceback if isinstance(reason, Crash) else None
