"""The timeline as data: one lane per node, built from the event stream and nothing else.

The app, the SVG export and the predict scorer all read the same model, so a bar on screen, a bar
in a slide and an explanation in a scored prediction cannot disagree. It is fed one event at a time
(``feed`` does a constant amount of work, plus a scan of one supervisor's few stamps), and every
query bisects per-lane sorted lists, so asking for ten seconds of a long run costs ten seconds'
worth, not the whole history.

Events must arrive in stream order (``t`` never decreases), as the engine's event bus delivers them.
The model is not thread-safe: feed it from the thread that reads it (the app's message handler).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from ..engine.intensity import stamp
from ..engine.protocol import (
    Crash,
    Ended,
    Event,
    Exit,
    GiveUp,
    Kill,
    Start,
    StrategyChanged,
    Terminate,
    Zombie,
)
from ..paths import parent
from .gauge import Gauge, gauge_at
from .lane import Lane, LaneSlice
from .records import Decision, Effect, Group, Lifetime, Mark


@dataclass(slots=True)
class _Death:
    t: int
    kind: str
    group: Group | None = None


class TimelineModel:
    """Lanes, marks, restart windows and cause→effect groups, fed incrementally from events."""

    def __init__(self, events: Iterable[Event] = (), *, phase_s: float = 0.0) -> None:
        """``phase_s`` is the runtime's ``intensity_phase``: where whole seconds fall for the stamps."""
        self.phase_s = phase_s
        self.first_t: int | None = None
        self.last_t: int | None = None
        self.groups: list[Group] = []
        self._lanes: dict[str, Lane] = {}
        self._children: dict[str | None, list[str]] = {}
        self._order: tuple[Lane, ...] | None = None
        self._rows: dict[str, int] = {}
        self._group_ts: list[int] = []
        self._max_group_span = 0
        self._deaths: dict[str, _Death] = {}
        self._windows: dict[str, tuple[str, Sequence[int], int | None]] = {}
        """Per supervisor path: its pid, the last window seen and its decision number (a start of
        the same decision is not a new one)."""
        self.feed_all(events)

    # ---------------------------------------------------------------- feeding

    def feed_all(self, events: Iterable[Event]) -> None:
        for event in events:
            self.feed(event)

    def feed(self, event: Event) -> None:
        """Take one event into account; cheap enough to call for every event the engine emits."""
        if self.first_t is None:
            self.first_t = event.t
        self.last_t = event.t if self.last_t is None else max(self.last_t, event.t)
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            handler(self, event, self._lane(event.path))

    def _lane(self, path: str) -> Lane:
        lane = self._lanes.get(path)
        if lane is not None:
            return lane
        above = parent(path)
        if above is not None:
            above = self._lane(above).path  # children report their start before their supervisor does
        lane = self._lanes[path] = Lane(path, above)  # one string for the supervisor's path, shared
        self._children.setdefault(above, []).append(path)
        self._order = None
        return lane

    def _on_start(self, event: Start, lane: Lane) -> None:
        current = lane.lifetimes[-1] if lane.lifetimes else None
        if current is not None and current.pid == event.pid and current.running:
            return
        lifetime = Lifetime(event.pid, event.t, event.restart, event.cause, event.by_strategy)
        if event.child_type == "supervisor":
            lane.is_supervisor = True
            lifetime.strategy = event.strategy
            lifetime.max_restarts = event.max_restarts
            lifetime.max_seconds = event.max_seconds
        lane._add_lifetime(lifetime)
        stamps = event.stamps
        if stamps is not None and lane.parent is not None:
            self._decide(self._lane(lane.parent), self._decided_at(event, lifetime.cause, stamps),
                         stamps, fatal=False, cause=lifetime.cause, decision=event.decision)
        if lifetime.cause is not None:
            self._effect(lifetime.cause, Effect(event.t, "restart", event.path, event.pid),
                         lane.parent, lifetime.by_strategy)

    def _on_crash(self, event: Crash, lane: Lane) -> None:
        self._died(event, lane, "crash")

    def _on_exit(self, event: Exit, lane: Lane) -> None:
        self._died(event, lane, "exit")

    def _died(self, event: Ended, lane: Lane, kind: Literal["crash", "exit"]) -> None:
        killed = event.killed_by is not None  # the kill just before is this death: told once, by it
        lifetime = lane.current(event.pid)
        if lifetime is not None:
            lifetime.end, lifetime.reason = event.t, event.reason
            lifetime.ended_by = "killed" if killed else kind
        gave_up = lifetime is not None and lifetime.gave_up
        if not killed and not gave_up:  # the kill or give-up mark already stands for this end
            lane._add_mark(Mark(event.t, kind, event.pid, event.reason, phase=event.phase, seq=event.seq))
        if not killed:
            self._death(event.path, event.t, kind)

    def _on_terminate(self, event: Terminate, lane: Lane) -> None:
        lifetime = lane.current(event.pid)
        if lifetime is not None:
            lifetime.end, lifetime.ended_by = event.t, "terminate"
            lifetime.why, lifetime.reason = event.why, event.reason
        detail = event.why + (", shutdown error" if event.shutdown_error else "")
        lane._add_mark(Mark(event.t, "terminate", event.pid, detail, event.cause, seq=event.seq))
        if event.decision is not None and event.cause is not None:  # a stop for a restart decision
            self._effect(event.cause, Effect(event.t, "terminate", event.path, event.pid), lane.parent,
                         event.by_strategy)

    def _on_kill(self, event: Kill, lane: Lane) -> None:
        lane._add_mark(Mark(event.t, "kill", event.pid, event.by, seq=event.seq))
        self._death(event.path, event.t, "kill")

    def _on_give_up(self, event: GiveUp, lane: Lane) -> None:
        lane.is_supervisor = True
        limit, period, restarts = event.max_restarts, event.max_seconds, event.restarts
        lifetime = lane.current(event.pid)
        if lifetime is not None:
            lifetime.gave_up = True
            lifetime.max_restarts = lifetime.max_restarts if lifetime.max_restarts is not None else limit
            lifetime.max_seconds = lifetime.max_seconds if lifetime.max_seconds is not None else period
        detail = f"{len(restarts)} restarts in {period} s > {limit}"
        lane._add_mark(Mark(event.t, "give_up", event.pid, detail, event.child, seq=event.seq))
        self._decide(lane, event.t, restarts, fatal=True, pid=event.pid, cause=event.child)
        self._death(event.path, event.t, "give_up")

    def _on_strategy(self, event: StrategyChanged, lane: Lane) -> None:
        lifetime = lane.current(event.pid)
        if lifetime is not None:
            lifetime.strategy = event.strategy
        detail = f"{event.previous} → {event.strategy}"
        lane._add_mark(Mark(event.t, "strategy", event.pid, detail, seq=event.seq))

    def _on_zombie(self, event: Zombie, lane: Lane) -> None:
        lane._add_mark(Mark(event.t, "zombie", event.pid, event.thread, seq=event.seq))

    # ---------------------------------------------------------------- restart windows

    def _decide(self, lane: Lane, t: int, window: Sequence[int], *, fatal: bool, pid: str | None = None,
                cause: str | None = None, decision: int | None = None) -> None:
        """Record the decisions that produced ``window``.

        Every start of one group restart carries the same decision number, so a start of a decision
        already seen adds nothing. The model reads windows off starts only, so a restart whose start
        failed is not seen by itself; its stamp shows up in the next window, and is recorded then.
        """
        if pid is None:
            if not lane.lifetimes or not lane.lifetimes[-1].running:
                return
            pid = lane.lifetimes[-1].pid
        last_pid, previous, last_decision = self._windows.get(lane.path, (pid, (), None))
        if last_pid != pid:
            previous, last_decision = (), None
        if not fatal and (decision == last_decision if decision is not None else window == previous):
            return
        self._windows[lane.path] = (pid, window, decision)
        new = _new_stamps(previous, window)
        for index in range(new - 1, -1, -1):
            lane._add_decision(Decision(t, pid, window[index], tuple(window[index:]), fatal and index == 0,
                                        cause))

    def _decided_at(self, event: Start, cause: str | None, stamps: Sequence[int]) -> int:
        """When a restart was decided: its start may come later (slow siblings to stop first), but
        the supervisor stamped it when it handled the death, which is the cause's death time when
        that falls in the stamped second."""
        death = self._deaths.get(cause) if cause is not None else None
        if death is not None and stamps and stamp(death.t, self.phase_s) == stamps[0]:
            return death.t
        return event.t

    # ---------------------------------------------------------------- causes and effects

    def _death(self, path: str, t: int, kind: str) -> None:
        last = self._deaths.get(path)
        if last is not None and last.t == t and last.kind == "give_up" and last.group is None:
            return  # the exit after a give-up: one death, told once
        self._deaths[path] = _Death(t, kind)

    def _effect(self, cause: str, effect: Effect, supervisor: str | None, strategy: str | None) -> None:
        death = self._deaths.get(cause)
        if death is None:
            death = self._deaths[cause] = _Death(effect.t, "unknown")
        if death.group is None:
            death.group = Group(cause, death.t, death.kind, supervisor or "", strategy)
            self._group_ts.insert(bisect_right(self._group_ts, death.t), death.t)
            self.groups.insert(bisect_right(self._group_ts, death.t) - 1, death.group)
        death.group.effects.append(effect)
        self._max_group_span = max(self._max_group_span, effect.t - death.t)

    # ---------------------------------------------------------------- queries

    def lanes(self) -> tuple[Lane, ...]:
        """Every lane in tree order: a supervisor before its children, siblings in first-start order."""
        if self._order is None:
            order: list[Lane] = []
            stack = list(reversed(self._children.get(None, [])))
            while stack:
                path = stack.pop()
                order.append(self._lanes[path])
                stack.extend(reversed(self._children.get(path, [])))
            self._order = tuple(order)
            self._rows = {lane.path: row for row, lane in enumerate(order)}
        return self._order

    def lane(self, path: str) -> Lane | None:
        return self._lanes.get(path)

    def row_of(self, path: str) -> int | None:
        """The lane's index in :meth:`lanes`."""
        self.lanes()
        return self._rows.get(path)

    def __len__(self) -> int:
        return len(self._lanes)

    def visible(self, t0: int, t1: int, paths: Sequence[str] | None = None) -> list[LaneSlice]:
        """What each lane shows in ``[t0, t1)``; all lanes in tree order, or just ``paths``."""
        lanes = self.lanes() if paths is None else [self._lanes[p] for p in paths if p in self._lanes]
        return [LaneSlice(lane, lane.lifetimes_between(t0, t1), lane.marks_between(t0, t1),
                          lane.decisions_between(t0, t1)) for lane in lanes]

    def groups_between(self, t0: int, t1: int) -> list[Group]:
        """Cause→effect groups that overlap ``[t0, t1)``, by the time of their cause."""
        lo = bisect_left(self._group_ts, t0 - self._max_group_span)
        hi = bisect_left(self._group_ts, t1)
        return [group for group in self.groups[lo:hi] if group.end >= t0]

    def gauge(self, path: str, t: int, pid: str | None = None) -> Gauge | None:
        """The restart window of the supervisor at ``path`` at ``t``, after every event at ``t``.

        ``None`` when ``path`` is not a supervisor, was not running at ``t`` or its limits are
        unknown. A supervisor that gave up keeps showing its final ``6/5 · gave up``; when its
        successor started at the same instant, ``t`` shows the successor unless ``pid`` asks for it.
        """
        lane = self._lanes.get(path)
        if lane is None or not lane.is_supervisor:
            return None
        lifetime = lane.lifetime_at(t) if pid is None else lane.lifetime_of(pid, t)
        if lifetime is None or lifetime.max_restarts is None or lifetime.max_seconds is None:
            return None
        if lifetime.end is not None and t > lifetime.end:
            if not lifetime.gave_up:
                return None
            t = lifetime.end
        decision = lane.decision_at(t)
        ours = decision is not None and decision.pid == lifetime.pid
        window = decision.window if ours and decision is not None else ()
        fatal = ours and decision is not None and decision.fatal
        return gauge_at(window, t, lifetime.max_restarts, lifetime.max_seconds, phase_s=self.phase_s,
                        gave_up=fatal)


_HANDLERS: dict[type[Event], Callable[[TimelineModel, Event, Lane], None]] = {
    Start: TimelineModel._on_start,  # type: ignore[dict-item]
    Crash: TimelineModel._on_crash,  # type: ignore[dict-item]
    Exit: TimelineModel._on_exit,  # type: ignore[dict-item]
    Terminate: TimelineModel._on_terminate,  # type: ignore[dict-item]
    Kill: TimelineModel._on_kill,  # type: ignore[dict-item]
    GiveUp: TimelineModel._on_give_up,  # type: ignore[dict-item]
    StrategyChanged: TimelineModel._on_strategy,  # type: ignore[dict-item]
    Zombie: TimelineModel._on_zombie,  # type: ignore[dict-item]
}
"""What each kind adds to the lanes; a fault adds nothing (nothing died)."""


def _new_stamps(previous: Sequence[int], window: Sequence[int]) -> int:
    """How many stamps at the head of ``window`` are new since ``previous``.

    A decision keeps a prefix of the previous window and puts its own stamp first, so the answer is
    the smallest ``m`` for which ``window[m:]`` is a prefix of ``previous``.
    """
    for new in range(1, len(window) + 1):
        rest = window[new:]
        if rest == previous[:len(rest)]:
            return new
    return len(window)
