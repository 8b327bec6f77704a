"""One log line per event, worded so a learner sees cause and effect.

Every restart line names what caused it and under which strategy
(``↻ bomb2 restarted ← bomb1 crashed (one_for_all)``); a supervisor giving up is a loud line.
:func:`narrate` reads the model *before* the event is applied, so "how did the cause end" and "which
strategy was in force" are the facts of that moment.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine import Event
from .model import TreeModel


@dataclass(frozen=True, slots=True)
class LogLine:
    """A rendered log entry: when, which colour (a ``log--<style>`` component class), what, about whom."""

    t: int
    style: str
    text: str
    path: str = ""


GLYPHS = {
    "start": "●", "restart": "↻", "crash": "✖", "exit": "○", "terminate": "■", "kill": "↯",
    "give_up": "‼", "strategy": "⇄", "zombie": "☠", "fault": "⚠", "note": "·", "error": "✗", "ok": "✓",
    "marker": "──",
}


def format_t(ms: float) -> str:
    """Virtual time as the header and log show it: seconds with milliseconds (``12.400``)."""
    return f"{ms / 1000:.3f}"


def narrate(event: Event, model: TreeModel) -> LogLine:
    """The log line for ``event``; call before ``model.apply(event)``."""
    describe = _DESCRIBERS.get(event.kind)
    if describe is None:
        return LogLine(event.t, "note", f"{GLYPHS['note']} {event.kind} {model.display(event.path)}",
                       event.path)
    style, text = describe(event, model)
    return LogLine(event.t, style, text, event.path)


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
    return f"{name} {node.last_end}"


def _parent_strategy(model: TreeModel, path: str) -> str:
    node = model.nodes.get(path)
    parent = model.nodes.get(node.parent or "") if node is not None else None
    return (parent.strategy if parent is not None else None) or "?"


def _start(e: Event, model: TreeModel) -> tuple[str, str]:
    name = _name(model, e.path)
    own = f" ({e.get('strategy')})" if e.get("type") == "supervisor" and e.get("strategy") else ""
    if e.get("why") == "api":
        if e.get("restart"):
            return "restart", f"{GLYPHS['restart']} {name} restarted by restart_child {e.pid}"
        return "start", f"{GLYPHS['start']} {name} started by start_child {e.pid}{own}"
    if e.get("restart") and not e.get("cause"):
        parent = model.nodes.get(e.path.rsplit("/", 1)[0]) if "/" in e.path else None
        with_whom = f" with its supervisor {_name(model, parent.path)}" if parent is not None else ""
        return "restart", f"{GLYPHS['restart']} {name} restarted{with_whom}"
    if e.get("restart"):
        cause = _cause(model, e.get("cause"))
        strategy = e.get("by_strategy") or _parent_strategy(model, e.path)
        return "restart", f"{GLYPHS['restart']} {name} restarted ← {cause} ({strategy})"
    return "start", f"{GLYPHS['start']} {name} started {e.pid}{own}"


def _crash(e: Event, model: TreeModel) -> tuple[str, str]:
    name = _name(model, e.path)
    reason = e.get("reason")
    if e.get("phase") == "init":
        return "crash", f"{GLYPHS['crash']} {name} failed to start: {reason}"
    if reason == "killed":
        return "crash", f"{GLYPHS['crash']} {name} killed"
    return "crash", f"{GLYPHS['crash']} {name} crashed: {reason}"


def _exit(e: Event, model: TreeModel) -> tuple[str, str]:
    return "exit", f"{GLYPHS['exit']} {_name(model, e.path)} exited: {e.get('reason')}"


def _terminate(e: Event, model: TreeModel) -> tuple[str, str]:
    name = _name(model, e.path)
    reason = e.get("reason")
    why = e.get("why")
    if why == "strategy":
        how = "" if reason == "shutdown" else f" ({reason})"
        strategy = e.get("by_strategy") or _parent_strategy(model, e.path)
        text = f"{name} stopped{how} ← {_cause(model, e.get('cause'))} ({strategy})"
    elif why == "api":
        text = f"{name} stopped by terminate_child ({reason})"
    else:
        text = f"{name} shut down ({reason})"
    if e.get("shutdown_error"):
        return "error", f"{GLYPHS['terminate']} {text} — not the expected reason"
    return "terminate", f"{GLYPHS['terminate']} {text}"


def _kill(e: Event, model: TreeModel) -> tuple[str, str]:
    return "kill", f"{GLYPHS['kill']} kill {_name(model, e.path)} (by {e.get('by', '?')})"


def _give_up(e: Event, model: TreeModel) -> tuple[str, str]:
    restarts = e.get("restarts") or []
    child = _name(model, e.get("child") or "?")
    return "give_up", (f"{GLYPHS['give_up']} {_name(model, e.path)} GAVE UP: {len(restarts)} restarts in "
                       f"{e.get('max_seconds')} s > max {e.get('max_restarts')} (last: {child})")


def _strategy(e: Event, model: TreeModel) -> tuple[str, str]:
    return "strategy", (f"{GLYPHS['strategy']} {_name(model, e.path)} strategy {e.get('previous')} → "
                        f"{e.get('strategy')}")


def _zombie(e: Event, model: TreeModel) -> tuple[str, str]:
    return "zombie", (f"{GLYPHS['zombie']} {_name(model, e.path)} {e.pid}: thread {e.get('thread')} "
                      "would not stop; abandoned as a zombie")


def _fault(e: Event, model: TreeModel) -> tuple[str, str]:
    """A worker's fault outside its callbacks (an exception in a thread it started, or in a
    ``__del__``): nothing died, so it is told in the error colour but not as a crash."""
    where = _name(model, e.path) if e.path else "a worker"
    reason = f": {e.get('reason')}" if e.get("reason") else ""
    return "error", f"{GLYPHS['fault']} fault in {where} ({e.get('what') or '?'}){reason}"


_DESCRIBERS = {
    "start": _start, "crash": _crash, "exit": _exit, "terminate": _terminate, "kill": _kill,
    "give_up": _give_up, "strategy": _strategy, "zombie": _zombie, "fault": _fault,
}


def banner_text(model: TreeModel, source: str | None) -> str | None:
    """What the banner says once the root is down (why, and how to start again), else None."""
    root = model.nodes.get(model.root or "")
    if root is None or root.status in ("running", "pending"):
        return None
    again = f"press R to start it again from {source}" if source else "no file to restart it from"
    if root.gave_up:
        info = root.gave_up
        child = model.nodes.get(info.get("child") or "")
        how = f"{model.display(child.path)} {child.last_end or 'failed'}" if child else "a child failed"
        return (f"✖ {root.id} gave up: {len(info.get('restarts') or [])} restarts in "
                f"{info.get('max_seconds')} s is more than max_restarts {info.get('max_restarts')} "
                f"(last: {how}). The tree is down — {again}")
    return f"✖ {root.id} {root.last_end or 'ended'} ({root.last_reason}). The tree is down — {again}"
