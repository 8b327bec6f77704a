"""The restart budget as a learner sees it: ``3/5 · next frees in 1.2 s``.

OTP records each restart decision at a whole second (``floor`` of monotonic time) and counts the
stamps ``s`` with ``now_s - s <= max_seconds`` (docs/semantics.md §R3). So the budget never drains
smoothly: a stamp leaves the window all at once, at the first instant whose whole second is more than
``max_seconds`` past it. This module does that arithmetic exactly, for any instant, so the gauge on
screen can never disagree with the moment the engine gives up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..engine.intensity import stamp


@dataclass(frozen=True, slots=True)
class Gauge:
    """One supervisor's restart window at one instant.

    ``used`` counts the stamps still in the window (the restart that made a supervisor give up
    included, so a give-up reads ``6/5``); ``frees_in_ms`` is how long until the oldest of them leaves,
    ``None`` when nothing is counted or the supervisor has given up.
    """

    used: int
    max_restarts: int
    frees_in_ms: int | None
    max_seconds: int
    stamps: Sequence[int] = ()
    """The counted stamps, newest first, in whole seconds."""
    gave_up: bool = False

    @property
    def triple(self) -> tuple[int, int, int | None]:
        """``(used, max_restarts, frees_in_ms)``."""
        return (self.used, self.max_restarts, self.frees_in_ms)

    @property
    def full(self) -> bool:
        """True when one more restart inside the window would make the supervisor give up."""
        return self.used >= self.max_restarts

    def label(self) -> str:
        """``3/5 · next frees in 1.2 s``; ``0/5``; ``6/5 · gave up``."""
        text = f"{self.used}/{self.max_restarts}"
        if self.gave_up:
            return f"{text} · gave up"
        if self.frees_in_ms is not None:
            return f"{text} · next frees in {self.frees_in_ms / 1000:.1f} s"
        return text


def counted(window: Sequence[int], now_ms: int, max_seconds: int, phase_s: float = 0.0) -> tuple[int, ...]:
    """The stamps of ``window`` (newest first) that still count at ``now_ms``."""
    now_s = stamp(now_ms, phase_s)
    return tuple(s for s in window if now_s - s <= max_seconds)


def leaves_at_ms(stamp_s: int, max_seconds: int, phase_s: float = 0.0) -> int:
    """The first millisecond at which ``stamp_s`` no longer counts.

    That is the first ``t`` with ``floor(t / 1000 + phase) >= stamp_s + max_seconds + 1``.
    """
    return math.ceil((stamp_s + max_seconds + 1 - phase_s) * 1000)


def gauge_at(window: Sequence[int], now_ms: int, max_restarts: int, max_seconds: int, *,
             phase_s: float = 0.0, gave_up: bool = False) -> Gauge:
    """The gauge for a supervisor whose last decision left ``window`` (newest first), read at ``now_ms``."""
    kept = counted(window, now_ms, max_seconds, phase_s)
    frees_in = None
    if kept and not gave_up:
        frees_in = leaves_at_ms(kept[-1], max_seconds, phase_s) - now_ms
    return Gauge(len(kept), max_restarts, frees_in, max_seconds, kept, gave_up)
