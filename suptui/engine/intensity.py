"""Restart intensity: OTP's whole-second sliding window (docs/semantics.md §R3).

Stamps are integer seconds, newest first. A new restart keeps the leading stamps that are
``>= now - period`` (inclusive: exactly ``period`` apart still counts) and then counts itself, so
``max_restarts = N`` tolerates N restarts in the window and the (N+1)-th is fatal.
"""

from __future__ import annotations

import math


def stamp(now_ms: float, phase_s: float = 0.0) -> int:
    """The integer second a restart is recorded at (Erlang floors monotonic time to seconds)."""
    return math.floor(now_ms / 1000.0 + phase_s)


def add_restart(stamps: tuple[int, ...], now: int, period: int) -> tuple[int, ...]:
    """The window after one more restart at ``now``: ``now`` first, then the stamps still inside."""
    kept: list[int] = []
    for previous in stamps:
        if previous < now - period:
            break
        kept.append(previous)
    return (now, *kept)


def exceeded(stamps: tuple[int, ...], max_restarts: int) -> bool:
    """True when the window holds more restarts than the supervisor tolerates: time to give up."""
    return len(stamps) > max_restarts


def in_window(stamps: tuple[int, ...], now: int, period: int) -> tuple[int, ...]:
    """The stamps that would still count if a restart happened at ``now`` (for displays)."""
    return tuple(s for s in stamps if s >= now - period)
