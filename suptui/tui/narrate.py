"""One log line per event, worded so a learner sees cause and effect.

Every restart line names what caused it and under which strategy
(``↻ bomb2 restarted ← bomb1 crashed (one_for_all)``); a supervisor giving up is a loud line.
:func:`narrate` reads the model *before* the event is applied, so "how did the cause end" and "which
strategy was in force" are the facts of that moment.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..engine.protocol import (
    Crash,
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
from ..story import glyphs
from ..story.counts import GROUP_ONCE, over_limit
from .model import TreeModel


@dataclass(frozen=True, slots=True)
class LogLine:
    """A rendered log entry: when, which colour (a ``log--<style>`` component class), what, about whom."""

    t: int
    style: str
    text: str
    path: str = ""
    seq: int = 0
    """The event's place in the stream (0 for a note): picking the line travels to that moment."""


GLYPHS = {
    **{kind: glyph.char for kind, glyph in glyphs.EVENT.items()},
    "note": glyphs.NOTE.char, "error": glyphs.FAULT.char, "ok": glyphs.RIGHT.char, "marker": "──",
}
"""A log style → the glyph its lines begin with, all from :mod:`suptui.story.glyphs` (the marker is a
rule, not a glyph)."""


def format_t(ms: float) -> str:
    """Virtual time as the header and log show it: seconds with milliseconds (``12.400``).

    Whole milliseconds, cut rather than rounded: an event's time is the clock's, cut to the
    millisecond, so the header's clock at 1,718.6 ms must say 1.718 as the log line made then does
    (rounded, it said 1.719 beside a 1.718 line)."""
    return f"{math.floor(ms) / 1000:.3f}"


def narrate(event: Event, model: TreeModel) -> LogLine:
    """The log line for ``event``; call before ``model.apply(event)``."""
    describe = _DESCRIBERS.get(type(event))
    if describe is None:  # a kind newer than this reader
        return LogLine(event.t, "note", f"{GLYPHS['note']} {event.kind} {model.display(event.path)}",
                       event.path, event.seq)
    style, text = describe(event, model)
    return LogLine(event.t, style, text, event.path, event.seq)


def _name(model: TreeModel, path: str) -> str:
    return model.display(path)


def _cause(model: TreeModel, cause: str | None) -> str:
    """``bomb1 crashed``, ``bomb1 killed`` or ``quitter exited (normal)``, from the cause's last end."""
    if not cause:
        return "?"
    node = model.nodes.get(cause)
    name = _name(model, cause)
    if node is None or node.last_end is None:
        return f"{name} ended"
    if node.last_end == "exited":
        return f"{name} exited ({node.last_reason})"
    return f"{name} {glyphs.ended_word(node.last_end)}"


def _start(e: Start, model: TreeModel) -> tuple[str, str]:
    name = _name(model, e.path)
    own = f" ({e.strategy})" if e.child_type == "supervisor" and e.strategy else ""
    if e.why == "api":
        if e.restart:
            return "restart", f"{GLYPHS['restart']} {name} restarted by restart_child {e.pid}"
        return "start", f"{GLYPHS['start']} {name} started by start_child {e.pid}{own}"
    if e.restart and not e.cause:
        parent = model.nodes.get(e.path.rsplit("/", 1)[0]) if "/" in e.path else None
        with_whom = f" with its supervisor {_name(model, parent.path)}" if parent is not None else ""
        return "restart", f"{GLYPHS['restart']} {name} restarted{with_whom}"
    if e.restart:
        return "restart", (f"{GLYPHS['restart']} {name} restarted ← {_cause(model, e.cause)} "
                           f"({e.by_strategy or '?'})")
    return "start", f"{GLYPHS['start']} {name} started {e.pid}{own}"


def _crash(e: Crash, model: TreeModel) -> tuple[str, str]:
    name = _name(model, e.path)
    if e.phase == "init":
        return "crash", f"{GLYPHS['crash']} {name} failed to start: {e.reason}"
    if e.killed_by is not None or e.reason == "killed":
        return "crash", f"{glyphs.KILLED.char} {name} killed"
    return "crash", f"{GLYPHS['crash']} {name} crashed: {e.reason}"


def _exit(e: Exit, model: TreeModel) -> tuple[str, str]:
    return "exit", f"{GLYPHS['exit']} {_name(model, e.path)} exited: {e.reason}"


HOW_WORDS = {"timeout": "killed after its shutdown time", "brutal_kill": "brutal_kill"}
"""How a stop ended, when it was not in time: the engine says it (``Terminate.how``)."""


def _terminate(e: Terminate, model: TreeModel) -> tuple[str, str]:
    name = _name(model, e.path)
    if e.why == "strategy":
        how = HOW_WORDS.get(e.how or "") or ("" if e.reason == "shutdown" else e.reason)
        how = f" ({how})" if how else ""
        text = f"{name} shut down{how} ← {_cause(model, e.cause)} ({e.by_strategy or '?'})"
    elif e.why == "api":
        text = f"{name} shut down by terminate_child ({e.reason})"
    else:
        text = f"{name} shut down ({HOW_WORDS.get(e.how or '') or e.reason})"
    if e.shutdown_error:
        return "error", f"{GLYPHS['terminate']} {text} — not the expected reason"
    return "terminate", f"{GLYPHS['terminate']} {text}"


def _kill(e: Kill, model: TreeModel) -> tuple[str, str]:
    return "kill", f"{GLYPHS['kill']} kill {_name(model, e.path)} (by {e.by})"


def _give_up(e: GiveUp, model: TreeModel) -> tuple[str, str]:
    child = _name(model, e.child or "?")
    return "give_up", (f"{GLYPHS['give_up']} {_name(model, e.path)} GAVE UP: "
                       f"{over_limit(len(e.restarts), e.max_seconds, e.max_restarts)} (last: {child})")


def _strategy(e: StrategyChanged, model: TreeModel) -> tuple[str, str]:
    return "strategy", f"{GLYPHS['strategy']} {_name(model, e.path)} strategy {e.previous} → {e.strategy}"


def _zombie(e: Zombie, model: TreeModel) -> tuple[str, str]:
    return "zombie", (f"{GLYPHS['zombie']} {_name(model, e.path)} {e.pid}: thread {e.thread} "
                      "would not stop; abandoned as a zombie")


def _fault(e: Fault, model: TreeModel) -> tuple[str, str]:
    """A worker's fault outside its callbacks (an exception in a thread it started, or in a
    ``__del__``): nothing died, so it is told in the error colour but not as a crash."""
    where = _name(model, e.path) if e.path else "a worker"
    reason = f": {e.reason}" if e.reason else ""
    return "error", f"{GLYPHS['fault']} fault in {where} ({e.what or '?'}){reason}"


_DESCRIBERS: dict[type[Event], Callable[[Any, TreeModel], tuple[str, str]]] = {
    Start: _start, Crash: _crash, Exit: _exit, Terminate: _terminate, Kill: _kill, GiveUp: _give_up,
    StrategyChanged: _strategy, Zombie: _zombie, Fault: _fault,
}


def banner_text(model: TreeModel, source: str | None, *, replay: bool = False,
                restart_off: str | None = None) -> str | None:
    """What the banner says once the root is down (why, and how to start again), else None.

    ``restart_off``: why ``R`` does not work now (the rules' :func:`~suptui.tui.rules.why_not`: an
    attached program, the past), said instead of offering it."""
    root = model.nodes.get(model.root or "")
    if root is None or root.status in ("running", "pending"):
        return None
    if replay:
        again = "this recording ends here; , [ g go back through it"
    elif restart_off is not None:
        again = restart_off
    else:
        again = f"press R to start it again from {source}" if source else "no file to restart it from"
    if root.gave_up:
        info = root.gave_up
        child = model.nodes.get(info.child)
        how = f"{model.display(child.path)} {child.last_end or 'failed'}" if child else "a child failed"
        return (f"{glyphs.GAVE_UP.char} {root.id} gave up: its window counted "
                f"{over_limit(len(info.restarts), info.max_seconds, info.max_restarts)} "
                f"({GROUP_ONCE}; last: {how}). The tree is down — {again}")
    glyph = glyphs.node_glyph(root.status, root.last_end)
    word = glyphs.status_word(root.status, root.last_end)
    return f"{glyph} {root.id} {word} (reason {root.last_reason}). The tree is down — {again}"
