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
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        return cls(type(exc).__name__, str(exc), text)

    def __str__(self) -> str:
        return f"{self.type_name}: {self.message}" if self.message else self.type_name


def is_orderly(reason: Reason) -> bool:
    """True for ``normal``, ``shutdown`` and ``("shutdown", term)``: the reasons that are not a failure."""
    if reason in (NORMAL, SHUTDOWN):
        return True
    return isinstance(reason, tuple) and len(reason) == 2 and reason[0] == SHUTDOWN


def format_reason(reason: Reason) -> str:
    """A short human-readable form, used in events and logs."""
    if isinstance(reason, str):
        return reason
    if isinstance(reason, tuple):
        return "{" + ", ".join(format_reason(part) for part in reason) + "}"
    return str(reason)


def reason_traceback(reason: Reason) -> str | None:
    return reason.traceback if isinstance(reason, Crash) else None
