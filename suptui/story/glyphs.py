"""One glyph per meaning, for every screen and printout: the tree, the log, the lanes, the details,
compare, the predict grid, the SVG's labels and the headless text.

Each screen used to have its own set, so a child shut down by its supervisor was ``○`` in the tree and
``■`` in the log, and a crash was ``✖`` here and ``✗`` (the predict score's "wrong") there. Here each
meaning has one character and one line of description; the ``?`` help screen's legend is generated
from :data:`LEGEND`, so what a glyph means is written once. Plain Python, no Textual: the headless
printer and the timeline core read it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Glyph:
    """A meaning, the character that shows it, and the sentence the legend gives it."""

    name: str
    char: str
    meaning: str


PENDING = Glyph("pending", "·", "pending: not started yet")
STARTED = Glyph("started", "●", "started / running")
RESTARTED = Glyph("restarted", "↻", "restarted by its supervisor (a new pid), or waiting to be")
CRASHED = Glyph("crashed", "✖", "crashed: ended with an abnormal reason, or failed to start")
KILLED = Glyph("killed", "↯", "killed: exit reason killed, which cannot be trapped")
EXITED = Glyph("exited", "○", "exited by itself with an orderly reason (normal, shutdown)")
SHUT_DOWN = Glyph("shut_down", "■", "shut down by its supervisor (a strategy, terminate_child, "
                                    "or the supervisor stopping)")
GAVE_UP = Glyph("gave_up", "‼", "gave up: a supervisor's window held more restarts than max_restarts; "
                                "it shuts down")
STRATEGY = Glyph("strategy", "⇄", "a supervisor's strategy was changed")
ZOMBIE = Glyph("zombie", "☠", "zombie: a worker's thread would not stop and was abandoned")
REMOVED = Glyph("removed", "⊘", "removed: its supervisor forgot it (temporary, or deleted)")
STAMP = Glyph("stamp", "•", "a restart as the supervisor's window counts it: one per restart decision "
                            "(a group restart is one)")
FAULT = Glyph("fault", "⚠", "a fault or error outside supervision: nothing died")
NOTE = Glyph("note", "›", "a note from the app, not an event of the tree")
RIGHT = Glyph("right", "✓", "done: a prediction that came true, or an action that worked (an export)")
WRONG = Glyph("wrong", "✗", "wrong: a prediction that did not come true, or a moment it missed")

ALIVE = Glyph("alive", "━", "lanes: a worker's process is alive")
ALIVE_SUPERVISOR = Glyph("alive_supervisor", "═", "lanes: a supervisor's process is alive")
LINK = Glyph("link", "┆", "lanes: joins a death to the siblings its supervisor stopped and restarted")

LEGEND: tuple[Glyph, ...] = (
    PENDING, STARTED, RESTARTED, CRASHED, KILLED, EXITED, SHUT_DOWN, GAVE_UP, STRATEGY, ZOMBIE, REMOVED,
    STAMP, FAULT, NOTE, RIGHT, WRONG, ALIVE, ALIVE_SUPERVISOR, LINK,
)
"""Every glyph, in the order the legend lists them. Each character appears once."""

BY_NAME: dict[str, Glyph] = {glyph.name: glyph for glyph in LEGEND}

EVENT: dict[str, Glyph] = {
    "start": STARTED, "restart": RESTARTED, "crash": CRASHED, "exit": EXITED, "terminate": SHUT_DOWN,
    "kill": KILLED, "give_up": GAVE_UP, "strategy": STRATEGY, "zombie": ZOMBIE, "fault": FAULT,
}
"""An event kind of the protocol (and of the timeline's marks) → its glyph."""

PREDICT: dict[str, str] = {
    "crash": CRASHED.char, "exit": EXITED.char, "give_up": GAVE_UP.char, "restart": RESTARTED.char,
    "stop": SHUT_DOWN.char,
}
"""The predict grid's mark kinds → their characters (the same as the log's and the lanes')."""


def event_glyph(kind: str, *, killed: bool = False, restart: bool = False) -> str:
    """The glyph of one event: a crash with reason ``killed`` is a kill, a start that is a restart
    is a restart. An unknown kind (a newer protocol) is a note."""
    if kind == "crash" and killed:
        return KILLED.char
    if kind == "start" and restart:
        return RESTARTED.char
    return EVENT.get(kind, NOTE).char


_ENDED: dict[str | None, Glyph] = {
    "crashed": CRASHED, "killed": KILLED, "exited": EXITED, "terminated": SHUT_DOWN,
}
"""How a node last ended (the tree model's ``last_end``) → its glyph."""

_ENDED_WORDS: dict[str | None, str] = {
    "crashed": "crashed", "killed": "killed", "exited": "exited", "terminated": "shut down",
}

_STATUS: dict[str, Glyph] = {
    "pending": PENDING, "running": STARTED, "crashed": CRASHED, "restarting": RESTARTED,
    "stopped": EXITED, "zombie": ZOMBIE, "removed": REMOVED,
}
"""A tree status → its glyph when how it ended is not known."""

STATUS_GLYPHS: dict[str, str] = {status: glyph.char for status, glyph in _STATUS.items()}
"""A tree status → its character (the tree's default; :func:`node_glyph` refines an ended node)."""


def node_glyph(status: str, last_end: str | None = None) -> str:
    """The glyph of a tree row: its status, refined by how it ended for a node that is down.

    A ``stopped`` node may have exited by itself (``○``) or been shut down by its supervisor (``■``),
    and a ``crashed`` one may have been killed (``↯``): the row shows what the log line said.
    """
    if status in ("crashed", "stopped") and last_end in _ENDED:
        return _ENDED[last_end].char
    return _STATUS.get(status, NOTE).char


def ended_word(last_end: str | None) -> str:
    """How a node last ended, as the tree and details say it: ``terminated`` is ``shut down``."""
    return _ENDED_WORDS.get(last_end, last_end or "ended")


class Ended(Protocol):
    """What :func:`of_node` reads of a tree node (the app's ``NodeView``), without importing it."""

    status: str
    last_end: str | None
    gave_up: Any


def of_node(node: Ended) -> tuple[str, str]:
    """``(glyph, word)`` of a tree node as every screen shows it: a supervisor down because it gave
    up is ``‼ gave up`` (not the ``○ exited`` its own exit would say), a killed node ``↯ killed``."""
    if node.gave_up is not None and node.status != "running":
        return GAVE_UP.char, "gave up"
    return node_glyph(node.status, node.last_end), status_word(node.status, node.last_end)


def status_word(status: str, last_end: str | None = None) -> str:
    """The word for a node's state, matching :func:`node_glyph`: ``killed`` rather than ``crashed``
    for a node that was killed, ``shut down`` for one its supervisor stopped."""
    if status in ("crashed", "stopped") and last_end in _ENDED_WORDS:
        return _ENDED_WORDS[last_end]
    return status


def legend_rows() -> list[tuple[str, str]]:
    """``(glyph, meaning)`` for every glyph, in legend order: the help screen and the docs print this."""
    return [(glyph.char, glyph.meaning) for glyph in LEGEND]


def legend_markdown() -> str:
    """The legend as the README's table (a test keeps the README's copy in step with this module)."""
    lines = ["| Glyph | Meaning |", "| --- | --- |"]
    lines += [f"| `{char}` | {meaning} |" for char, meaning in legend_rows()]
    return "\n".join(lines) + "\n"
