"""One lane: everything that happened at one path, with sorted indexes for window queries."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

from ..paths import leaf, parent
from .records import Decision, Lifetime, Mark


def _end_key(lifetime: Lifetime) -> float:
    return math.inf if lifetime.end is None else float(lifetime.end)


def _start_key(lifetime: Lifetime) -> int:
    return lifetime.start


class Lane:
    """Everything that happened at one path, in time order, with bisectable indexes.

    A tree of 100,000 workers has 100,000 lanes, most of which only ever hold one lifetime: so the
    lists a lane may never need (marks, decisions) start as the shared empty tuple and become lists
    on their first item, and the lane keeps its supervisor's path as the supervisor's lane's own
    string (see :meth:`TimelineModel._lane`) instead of cutting a new one; the lifetimes are bisected
    by their start through a key, not through a parallel list of starts (two lists of one item are 180
    bytes). About 370 bytes a lane with its one lifetime, instead of 800.
    """

    __slots__ = ("_decision_ts", "_mark_ts", "decisions", "depth", "is_supervisor",
                 "lifetimes", "marks", "parent", "path")

    lifetimes: list[Lifetime]
    marks: list[Mark]
    """Read-only to callers (a tuple until the first mark)."""
    decisions: list[Decision]
    """Read-only to callers (a tuple until the first decision)."""

    def __init__(self, path: str, parent_path: str | None = None) -> None:
        """``parent_path``: the supervisor's path if the caller has that string already (else cut)."""
        self.path = path
        self.parent = parent_path if parent_path is not None else parent(path)
        self.depth = path.count("/")
        self.is_supervisor = False
        self.lifetimes = []
        self.marks = _NONE  # type: ignore[assignment]
        self._mark_ts: list[int] = _NONE  # type: ignore[assignment]
        self.decisions = _NONE  # type: ignore[assignment]
        self._decision_ts: list[int] = _NONE  # type: ignore[assignment]

    @property
    def name(self) -> str:
        """The node's own id (the path's last part), cut when asked: only drawn lanes need it."""
        return leaf(self.path)

    def __repr__(self) -> str:
        return f"Lane({self.path!r}, {len(self.lifetimes)} lifetimes, {len(self.marks)} marks)"

    # ---------------------------------------------------------------- queries

    def lifetimes_between(self, t0: int, t1: int) -> list[Lifetime]:
        """Lifetimes that overlap ``[t0, t1)``: started before ``t1`` and not ended before ``t0``."""
        hi = bisect_left(self.lifetimes, t1, key=_start_key)
        lo = bisect_left(self.lifetimes, float(t0), 0, hi, key=_end_key)
        return self.lifetimes[lo:hi]

    def lifetime_at(self, t: int) -> Lifetime | None:
        """The last lifetime that started at or before ``t`` (it may have ended since)."""
        index = bisect_right(self.lifetimes, t, key=_start_key) - 1
        return self.lifetimes[index] if index >= 0 else None

    def lifetime_of(self, pid: str, t: int) -> Lifetime | None:
        """The lifetime of ``pid`` among those started at or before ``t`` (the latest ones first)."""
        index = bisect_right(self.lifetimes, t, key=_start_key) - 1
        while index >= 0 and self.lifetimes[index].pid != pid:
            index -= 1
        return self.lifetimes[index] if index >= 0 else None

    def marks_between(self, t0: int, t1: int) -> list[Mark]:
        return self.marks[bisect_left(self._mark_ts, t0):bisect_left(self._mark_ts, t1)]

    def decisions_between(self, t0: int, t1: int) -> list[Decision]:
        return self.decisions[bisect_left(self._decision_ts, t0):bisect_left(self._decision_ts, t1)]

    def decision_at(self, t: int) -> Decision | None:
        """The last decision taken at or before ``t``."""
        index = bisect_right(self._decision_ts, t) - 1
        return self.decisions[index] if index >= 0 else None

    def current(self, pid: str) -> Lifetime | None:
        """The running lifetime of ``pid``, if it is this lane's latest."""
        if self.lifetimes and self.lifetimes[-1].pid == pid and self.lifetimes[-1].running:
            return self.lifetimes[-1]
        return None

    # ---------------------------------------------------------------- building

    def _add_lifetime(self, lifetime: Lifetime) -> None:
        if self.lifetimes and self.lifetimes[-1].running:
            last = self.lifetimes[-1]
            last.end, last.ended_by = lifetime.start, "replaced"
        self.lifetimes.append(lifetime)

    def _add_mark(self, mark: Mark) -> None:
        if self.marks is _NONE:
            self.marks, self._mark_ts = [], []
        _insert(self._mark_ts, self.marks, mark.t, mark)

    def _add_decision(self, decision: Decision) -> None:
        if self.decisions is _NONE:
            self.decisions, self._decision_ts = [], []
        _insert(self._decision_ts, self.decisions, decision.t, decision)


_NONE: tuple[()] = ()
"""The empty list a lane starts with for marks and decisions (shared, never appended to)."""


def _insert(keys: list[int], items: list[Any], key: int, item: Any) -> None:
    """Append in the usual case; keep both lists sorted if an item ever arrives late."""
    if not keys or keys[-1] <= key:
        keys.append(key)
        items.append(item)
        return
    index = bisect_right(keys, key)
    keys.insert(index, key)
    items.insert(index, item)


@dataclass(frozen=True, slots=True)
class LaneSlice:
    """What one lane shows in a time window."""

    lane: Lane
    lifetimes: list[Lifetime]
    marks: list[Mark]
    decisions: list[Decision]
