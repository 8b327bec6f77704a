"""Restart intensity: OTP's whole-second sliding window (docs/semantics.md §R3).

Stamps are integer seconds, newest first. A new restart keeps the leading stamps that are
``>= now - period`` (inclusive: exactly ``period`` apart still counts) and then counts itself, so
``max_restarts = N`` tolerates N restarts in the window and the (N+1)-th is fatal.

A supervisor keeps its window as a :class:`RestartWindow`: counts per whole second, so a restart
costs the same whether the window holds 3 stamps or 30,000 (a supervisor told never to give up, in a
storm, holds every restart of its period). Each restart hands out a :class:`Window`, an immutable
snapshot that reads as the tuple of stamps (newest first) without ever building it, which the
``start`` events of that decision carry. ``add_restart`` is the same rule on plain tuples.
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Iterator, Sequence
from typing import Any, overload


def stamp(now_ms: float, phase_s: float = 0.0) -> int:
    """The integer second a restart is recorded at (Erlang floors monotonic time to seconds)."""
    return math.floor(now_ms / 1000.0 + phase_s)


def add_restart(stamps: Sequence[int], now: int, period: int) -> tuple[int, ...]:
    """The window after one more restart at ``now``: ``now`` first, then the stamps still inside."""
    kept: list[int] = []
    for previous in stamps:
        if previous < now - period:
            break
        kept.append(previous)
    return (now, *kept)


def exceeded(stamps: Sequence[int], max_restarts: int) -> bool:
    """True when the window holds more restarts than the supervisor tolerates: time to give up."""
    return len(stamps) > max_restarts


def in_window(stamps: Sequence[int], now: int, period: int) -> tuple[int, ...]:
    """The stamps that would still count if a restart happened at ``now`` (for displays)."""
    return tuple(s for s in stamps if s >= now - period)


Run = tuple[int, int]
"""One whole second of a window and how many restarts were stamped in it."""


class Window(Sequence[int]):
    """A restart window as it stood after one decision: reads as its stamps, newest first.

    Held as runs of ``(second, count)``, newest first, so making one per restart costs the number of
    distinct seconds in the window (at most ``max_seconds + 1``), not the number of restarts. It
    equals, and hashes like, the tuple of its stamps; slicing gives a tuple. Immutable.
    """

    __slots__ = ("_flat", "_len", "runs")

    def __init__(self, runs: tuple[Run, ...] = (), length: int | None = None) -> None:
        self.runs = runs
        self._len = sum(count for _second, count in runs) if length is None else length
        self._flat: tuple[int, ...] | None = None

    @classmethod
    def of(cls, stamps: Sequence[int]) -> Window:
        """The window holding ``stamps`` (newest first), e.g. a recording's list."""
        return cls(tuple((second, len(list(group))) for second, group in itertools.groupby(stamps)),
                   len(stamps))

    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:
        return self._len > 0

    def __iter__(self) -> Iterator[int]:
        for second, count in self.runs:
            yield from itertools.repeat(second, count)

    def __reversed__(self) -> Iterator[int]:
        for second, count in reversed(self.runs):
            yield from itertools.repeat(second, count)

    def __contains__(self, value: object) -> bool:
        return any(second == value for second, _count in self.runs)

    def as_tuple(self) -> tuple[int, ...]:
        """The stamps as a plain tuple (built once, on first use)."""
        flat = self._flat
        if flat is None:
            flat = self._flat = tuple(self)
        return flat

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[int, ...]: ...

    def __getitem__(self, index: int | slice) -> int | tuple[int, ...]:
        if index == 0 and self.runs:  # the newest stamp: what readers ask for most
            return self.runs[0][0]
        return self.as_tuple()[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Window):
            return self._len == other._len and self.runs == other.runs
        if isinstance(other, tuple):
            return self._len == len(other) and self.as_tuple() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.as_tuple())

    def __repr__(self) -> str:
        return repr(self.as_tuple())

    def __reduce__(self) -> tuple[Any, ...]:
        return (Window, (self.runs, self._len))


EMPTY = Window()


class RestartWindow:
    """A supervisor's own window, kept as counts per whole second (newest first).

    Pruned on OTP's rule at each restart: a second leaves once it is older than ``now - period``.
    Stamps normally only grow (the clock is monotonic); a stamp older than the newest (which OTP's
    list would take as it comes) is handled by the plain rule, so the window is always OTP's.
    """

    __slots__ = ("_ordered", "_runs", "_total", "snapshot")

    def __init__(self) -> None:
        self._runs: deque[Run] = deque()
        self._total = 0
        self._ordered = True
        """Whether the stamps are newest first (always, unless a stamp ever went back in time)."""
        self.snapshot: Window = EMPTY
        """The window after the latest restart (what the supervisor reports)."""

    def __len__(self) -> int:
        return self._total

    def add(self, now: int, period: int) -> Window:
        """Count one restart at ``now`` and return the window after it."""
        runs = self._runs
        if not self._ordered or (runs and now < runs[0][0]):
            return self._reset(add_restart(self.snapshot, now, period))
        floor = now - period
        while runs and runs[-1][0] < floor:
            self._total -= runs.pop()[1]
        if runs and runs[0][0] == now:
            runs[0] = (now, runs[0][1] + 1)
        else:
            runs.appendleft((now, 1))
        self._total += 1
        self.snapshot = Window(tuple(runs), self._total)
        return self.snapshot

    def _reset(self, stamps: tuple[int, ...]) -> Window:
        snapshot = Window.of(stamps)
        self._ordered = all(a > b for (a, _n), (b, _m) in itertools.pairwise(snapshot.runs))
        self._runs = deque(snapshot.runs)
        self._total = len(snapshot)
        self.snapshot = snapshot
        return snapshot
