"""Who moves virtual time: the engine's :class:`~suptui.engine.Pacer` in the app, nobody in tests.

The app only talks to the :class:`TimeControl` interface (speed, pause, step). In tests a
:class:`ManualTime` keeps the same knobs but owns no thread: the test advances the clock to exact
milliseconds itself, so snapshots never move and no busy thread slows the pilot down.
"""

from __future__ import annotations

import threading
from typing import Protocol

from ..engine import VirtualClock
from ..engine.pacer import MAX_SPEED, MIN_SPEED


class TimeControl(Protocol):
    """The knobs the app turns; :class:`~suptui.engine.Pacer` implements them."""

    clock: VirtualClock

    @property
    def speed(self) -> float: ...

    @property
    def paused(self) -> bool: ...

    def start(self) -> None: ...

    def set_speed(self, speed: float) -> float: ...

    def set_paused(self, paused: bool) -> None: ...

    def step(self) -> bool: ...

    def close(self) -> None: ...


class ManualTime:
    """Speed and pause are remembered and shown, but time moves only when the test advances it."""

    def __init__(self, clock: VirtualClock, speed: float = 1.0, paused: bool = False) -> None:
        self.clock = clock
        self._speed = min(MAX_SPEED, max(MIN_SPEED, speed))
        self._paused = paused

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def paused(self) -> bool:
        return self._paused

    def start(self) -> None:
        return None

    def set_speed(self, speed: float) -> float:
        self._speed = min(MAX_SPEED, max(MIN_SPEED, speed))
        return self._speed

    def set_paused(self, paused: bool) -> None:
        self._paused = paused

    def step(self) -> bool:
        """Fire the next timer now, exactly as the pacer's step does."""
        return self.clock.step()

    def close(self) -> None:
        return None


def speed_label(speed: float) -> str:
    """``×1``, ``×16``, ``×1/8``: how the header shows speed."""
    if speed >= 1:
        return f"×{speed:g}"
    return f"×1/{round(1 / speed)}"


class StepQueue:
    """Steps asked for (``.`` presses) and not yet run: every press counts, however fast they come.

    The UI thread calls :meth:`request` per press; one worker at a time runs the steps, calling
    :meth:`done` after each until it says none are left. (A worker per press, each cancelling the
    last, dropped the presses that came before the previous worker had stepped.)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending = 0

    @property
    def pending(self) -> int:
        return self._pending

    def request(self) -> bool:
        """One more step; True when no worker is running them and the caller must start one."""
        with self._lock:
            self._pending += 1
            return self._pending == 1

    def done(self) -> bool:
        """One step run; True while more are waiting (the worker goes on)."""
        with self._lock:
            self._pending = max(0, self._pending - 1)
            return self._pending > 0

    def clear(self) -> None:
        """Drop the waiting steps (the worker ends after the one it is running)."""
        with self._lock:
            self._pending = 0
