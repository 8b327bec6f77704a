"""``--format text``: one aligned line per event, for reading a run in a terminal.

Columns: seconds (3 decimals), the event's glyph and kind, path, pid, then a short detail. The glyph
is the one the app's tree, log and lanes show (:mod:`suptui.story.glyphs`), so a printout reads like
the screen. Tracebacks are left to ``jsonl``; here a crash shows its one-line reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..engine.protocol import (
    Crash,
    Ended,
    Event,
    Exit,
    Fault,
    GiveUp,
    Kill,
    Start,
    StrategyChanged,
    Terminate,
    Zombie,
)
from ..safetext import visible
from ..story import glyphs
from ..story.counts import over_limit
from ..story.sentences import plural as _plural
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
    return (f"{event.t / 1000:.3f}", f"{glyph(event)} {event.kind}", visible(event.path), visible(event.pid),
            detail(event))


def glyph(event: Event) -> str:
    """The event's glyph: a crash with reason ``killed`` is a kill, a start that is a restart a restart."""
    killed = isinstance(event, Crash) and (event.killed_by is not None or event.reason == "killed")
    restart = isinstance(event, Start) and bool(event.restart)
    return glyphs.event_glyph(event.kind, killed=killed, restart=restart)


def detail(event: Event) -> str:
    """The one-line gist of an event's own fields, safe to print (see :func:`text_row`)."""
    describe = _DETAILS.get(type(event))
    text = describe(event) if describe is not None else ""
    return visible(_SPACES.sub(" ", text).strip(" "))


_SPACES = re.compile(r"[ \t\n]+")
"""Runs of plain whitespace become one space; a CR or any other control character is shown."""


def _start(event: Start) -> str:
    if event.cause is not None:
        return f"restart ← {event.cause} ({event.by_strategy})"
    if event.restart:
        return "restart (api)" if event.why == "api" else "restart"
    what = event.actor or ""
    if event.child_type == "supervisor" and event.strategy:
        what += f" {event.strategy}, max {_plural(event.max_restarts, 'restart')} in {event.max_seconds} s"
    if event.why == "api":
        what += " (api)"
    return what


def _death(event: Ended) -> str:
    return f"{event.reason} (in {event.phase})" if event.phase else event.reason


def _terminate(event: Terminate) -> str:
    text = event.reason
    if event.why == "strategy":
        text += f" ← {event.cause} ({event.by_strategy})"
    elif event.why:
        text += f" ({_WHY.get(event.why, event.why)})"
    if event.shutdown_error:
        text += ", shutdown error"
    return text


_WHY = {"shutdown": "its supervisor is stopping", "api": "terminate_child"}


def _give_up(event: GiveUp) -> str:
    return f"{intensity(event)} ← {event.child}"


def intensity(event: GiveUp) -> str:
    """A give_up's restarts as its window counted them, against its limit:
    "6 restarts in 5 s > max_restarts 5" (the app's log says the same)."""
    return over_limit(len(event.restarts), event.max_seconds, event.max_restarts)


def _strategy(event: StrategyChanged) -> str:
    return f"{event.previous} → {event.strategy}"


def _kill(event: Kill) -> str:
    return f"by {event.by}"


def _zombie(event: Zombie) -> str:
    return f"thread {event.thread}"


def _fault(event: Fault) -> str:
    """What failed outside a callback (a worker's own thread, a ``__del__``) and its one-line reason."""
    return f"{event.what}: {event.reason}"


_DETAILS: dict[type[Event], Callable[[Event], str]] = {
    Start: _start,  # type: ignore[dict-item]
    Crash: _death,  # type: ignore[dict-item]
    Exit: _death,  # type: ignore[dict-item]
    Terminate: _terminate,  # type: ignore[dict-item]
    GiveUp: _give_up,  # type: ignore[dict-item]
    StrategyChanged: _strategy,  # type: ignore[dict-item]
    Kill: _kill,  # type: ignore[dict-item]
    Zombie: _zombie,  # type: ignore[dict-item]
    Fault: _fault,  # type: ignore[dict-item]
}
"""The detail column of each kind."""
