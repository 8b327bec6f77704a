"""Drives a virtual clock from wall time, for the app: speed, pause and single steps.

The engine stays deterministic: the pacer only decides *when* virtual time advances, and every
timer still fires in (deadline, creation order) with quiescence in between.
"""

from __future__ import annotations

import threading
import time

from .clock import VirtualClock

MIN_SPEED = 1 / 8
MAX_SPEED = 16.0


class Pacer:
    """A thread that moves a :class:`VirtualClock` at ``speed`` × wall time unless paused."""

    def __init__(self, clock: VirtualClock, speed: float = 1.0, paused: bool = False,
                 tick_s: float = 1 / 60) -> None:
        self.clock = clock
        self._speed = self._clamp(speed)
        self._paused = paused
        self._tick = tick_s
        self._cond = threading.Condition()
        self._closed = False
        self._base_virtual = clock.now_ms()
        self._base_wall = time.monotonic()
        clock.paced = True
        self._thread = threading.Thread(target=self._run, name="suptui-pacer", daemon=True)

    @staticmethod
    def _clamp(speed: float) -> float:
        return min(MAX_SPEED, max(MIN_SPEED, speed))

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def paused(self) -> bool:
        return self._paused

    def start(self) -> None:
        self._thread.start()

    def _rebase(self) -> None:
        self._base_virtual = self.clock.now_ms()
        self._base_wall = time.monotonic()

    def set_speed(self, speed: float) -> float:
        with self.clock.frozen(), self._cond:
            self._rebase()
            self._speed = self._clamp(speed)
            self._cond.notify()
            return self._speed

    def set_paused(self, paused: bool) -> None:
        """Pause or resume. Once this returns paused, virtual time stands exactly still."""
        with self.clock.frozen(), self._cond:
            self._rebase()
            self._paused = paused
            self._cond.notify()

    def step(self) -> bool:
        """Fire the next timer now (meant for a paused clock). False if nothing is scheduled."""
        with self._cond:
            fired = self.clock.step()
            self._rebase()
            return fired

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=2.0)
        self.clock.paced = False

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._closed:
                    return
                if self._paused:
                    self._cond.wait()
                    continue
            with self.clock.frozen():  # decide and advance as one step, so a pause cannot slip in
                with self._cond:
                    if self._paused or self._closed:
                        continue
                    target = self._base_virtual + (time.monotonic() - self._base_wall) * 1000.0 * self._speed
                self.clock.advance_to(target)
            with self._cond:
                if not self._closed:
                    self._cond.wait(self._tick)
