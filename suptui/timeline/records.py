"""The things a timeline is made of: plain data, with no behaviour beyond a few derived fields.

A renderer (the app's widget, the SVG export) reads these and nothing else; the model builds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

EndKind = Literal["crash", "exit", "terminate", "killed", "replaced"]
MarkKind = Literal["crash", "exit", "terminate", "kill", "give_up", "zombie", "strategy"]


@dataclass(slots=True)
class Lifetime:
    """One process at one path: a bar from its start to its end (``None`` while it runs)."""

    pid: str
    start: int
    restart: bool = False
    cause: str | None = None
    """The path whose death this start answered (a restart by the supervisor), else ``None``."""
    by_strategy: str | None = None
    end: int | None = None
    ended_by: EndKind | None = None
    why: str | None = None
    """For ``terminate``: ``strategy`` (a group restart), ``shutdown`` (its supervisor stopping), ``api``."""
    reason: str | None = None
    gave_up: bool = False
    """A supervisor that ended by exceeding its restart intensity."""
    strategy: str | None = None
    max_restarts: int | None = None
    max_seconds: int | None = None

    @property
    def running(self) -> bool:
        return self.end is None


@dataclass(frozen=True, slots=True)
class Mark:
    """Something that happened at one instant on one lane.

    Kinds: ``crash`` (red), ``terminate`` (amber: its supervisor stopped it; ``detail`` is the why),
    ``exit`` (plain: an orderly exit), ``kill`` (the user or the script killed it), ``give_up``,
    ``zombie``, ``strategy`` (switched on the fly). A ``phase`` of ``init`` marks a failed start.
    """

    t: int
    kind: MarkKind
    pid: str
    detail: str = ""
    cause: str | None = None
    phase: str | None = None
    seq: int = 0


@dataclass(frozen=True, slots=True)
class Decision:
    """One restart decision of a supervisor: the whole second it was stamped and the window after it."""

    t: int
    pid: str
    """The supervisor's pid: a restarted supervisor starts with an empty window."""
    stamp: int
    window: tuple[int, ...]
    """Every stamp the supervisor kept after this decision, newest first (this one included)."""
    fatal: bool = False
    cause: str | None = None
    """The child whose exit was being decided on."""


@dataclass(frozen=True, slots=True)
class Effect:
    """A termination or restart that a supervisor did because of one child's death."""

    t: int
    kind: Literal["terminate", "restart"]
    path: str
    pid: str


@dataclass(slots=True)
class Group:
    """One cause and its effects, for drawing them in one column: the lesson's
    "bomb1 crashes (bomb2 and bomb3 restarted)" as a picture."""

    cause: str
    t: int
    """When the cause died: the column the group is drawn in."""
    cause_kind: str
    supervisor: str
    strategy: str | None
    effects: list[Effect] = field(default_factory=list)

    @property
    def end(self) -> int:
        """The last effect's time; later than ``t`` when slow children took time to stop."""
        return max(self.t, self.effects[-1].t) if self.effects else self.t

    @property
    def paths(self) -> tuple[str, ...]:
        """The cause, then every path an effect touched, each once."""
        return tuple(dict.fromkeys([self.cause, *(effect.path for effect in self.effects)]))

    @property
    def stopped(self) -> tuple[str, ...]:
        return tuple(e.path for e in self.effects if e.kind == "terminate")

    @property
    def restarted(self) -> tuple[str, ...]:
        return tuple(e.path for e in self.effects if e.kind == "restart")
