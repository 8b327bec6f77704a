"""Exit reasons and the one rule that sorts them (SUPERVISION.md §5).

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


@dataclass(frozen=True, slots=True)
class Crash:
    """An exception that ended a process, kept as text so it can cross threads and be logged."""

    type_name: str
    message: str
    traceback: str

    @classmethod
    def from_exception(cls, exc: BaseException) -> Crash:
        """Never raises, even for an exception whose ``str()`` does: a worker's fault is the show."""
        try:
            message = str(exc)
        except Exception:
            message = "<exception str() failed>"
        try:
            text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        except Exception:
            text = f"{type(exc).__name__}: {message}"
        return cls(type(exc).__name__, message, text)

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
    """A short human-readable form, used in events and logs. Never raises."""
    if isinstance(reason, str):
        return reason
    if isinstance(reason, tuple):
        return "{" + ", ".join(format_reason(part) for part in reason) + "}"
    try:
        return str(reason)
    except Exception:
        return f"<unprintable {type(reason).__name__}>"


def reason_traceback(reason: Reason) -> str | None:
    return reason.traceback if isinstance(reason, Crash) else None
