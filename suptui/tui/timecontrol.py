"""Who moves virtual time: the engine's :class:`~suptui.engine.Pacer` in the app, nobody in tests.

The app only talks to the :class:`TimeControl` interface (speed, pause, step). In tests a
:class:`ManualTime` keeps the same knobs but owns no thread: the test advances the clock to exact
milliseconds itself, so snapshots never move and no busy thread slows the pilot down.
"""

from __future__ import annotations

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
