"""``--format text``: one aligned line per event, for reading a run in a terminal.

Columns: seconds (3 decimals), event kind, path, pid, then a short detail. Tracebacks are left to
``jsonl``; here a crash shows its one-line reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..engine import Event
from ..safetext import visible
from .printer import align

Row = tuple[str, str, str, str, str]


def text_lines(events: Sequence[Event]) -> list[str]:
    """Every event as ``time kind path pid detail``, columns padded to the widest entry of the run."""
    return align([text_row(event) for event in events])


def text_row(event: Event) -> Row:
    """One event's columns before alignment: what a streaming run sends to the printer process.

    Paths and details carry worker text (ids, reasons): control characters are shown as escapes,
    so a reason cannot clear the reader's terminal or overwrite a line.
    """
    return (f"{event.t / 1000:.3f}", event.kind, visible(event.path), visible(event.pid), detail(event))


def detail(event: Event) -> str:
    """The one-line gist of an event's own fields, safe to print (see :func:`text_row`)."""
    text = _DETAILS.get(event.kind, _no_detail)(event)
    return visible(_SPACES.sub(" ", text).strip(" "))


_SPACES = re.compile(r"[ \t\n]+")
"""Runs of plain whitespace become one space; a CR or any other control character is shown."""


def _start(event: Event) -> str:
    supervisor = event.get("type") == "supervisor"
    if event.get("cause") is not None:
        return f"restart ← {event.get('cause')} ({event.get('by_strategy')})"
    if event.get("restart"):
        return "restart (api)" if event.get("why") == "api" else "restart"
    what = str(event.get("actor", ""))
    if supervisor and event.get("strategy"):
        limit = event.get("max_restarts")
        what += f" {event.get('strategy')}, max {_plural(limit, 'restart')} in {event.get('max_seconds')} s"
    if event.get("why") == "api":
        what += " (api)"
    return what


def _plural(count: object, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _death(event: Event) -> str:
    phase = event.get("phase")
    return f"{event.get('reason')} (in {phase})" if phase else str(event.get("reason"))


def _terminate(event: Event) -> str:
    why = event.get("why")
    text = str(event.get("reason"))
    if why == "strategy":
        text += f" ← {event.get('cause')} ({event.get('by_strategy')})"
    elif why:
        text += f" ({_WHY.get(why, why)})"
    if event.get("shutdown_error"):
        text += ", shutdown error"
    return text


_WHY = {"shutdown": "its supervisor is stopping", "api": "terminate_child"}


def _give_up(event: Event) -> str:
    return f"{intensity(event)} ← {event.get('child')}"


def intensity(event: Event) -> str:
    """A give_up's restarts against its limit, e.g. "6 restarts in 5 s > 5"."""
    restarts = _plural(len(event.get("restarts") or []), "restart")
    return f"{restarts} in {event.get('max_seconds')} s > {event.get('max_restarts')}"


def _strategy(event: Event) -> str:
    return f"{event.get('previous')} → {event.get('strategy')}"


def _kill(event: Event) -> str:
    return f"by {event.get('by')}"


def _zombie(event: Event) -> str:
    return f"thread {event.get('thread')}"


def _fault(event: Event) -> str:
    """What failed outside a callback (a worker's own thread, a ``__del__``) and its one-line reason."""
    return f"{event.get('what')}: {event.get('reason')}"


def _no_detail(event: Event) -> str:
    return ""


_DETAILS = {
    "start": _start,
    "crash": _death,
    "exit": _death,
    "terminate": _terminate,
    "give_up": _give_up,
    "strategy": _strategy,
    "kill": _kill,
    "zombie": _zombie,
    "fault": _fault,
}
