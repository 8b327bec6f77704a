"""Drives a virtual clock from wall time, for the app: speed, pause and single steps.

The engine stays deterministic: the pacer only decides *when* virtual time advances, and every
timer still fires in (deadline, creation order) with quiescence in between.

The knobs (pause, speed, step) are turned from the app's UI thread, which must never wait long: the
pacer fires one timer at a time and looks at the knobs between timers, and a knob waits for the
timer in flight only briefly (:data:`KNOB_WAIT_S`) before it takes effect from the next timer on.
"""

from __future__ import annotations

import threading
import time

from .clock import VirtualClock

MIN_SPEED = 1 / 8
MAX_SPEED = 16.0
KNOB_WAIT_S = 0.2
"""How long pause and speed wait for the timer in flight, so that they act exactly between timers."""


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
        frozen = self.clock.frozen()
        exact = frozen.acquire(timeout=KNOB_WAIT_S)
        try:
            with self._cond:
                self._rebase()
                self._speed = self._clamp(speed)
                self._cond.notify()
                return self._speed
        finally:
            if exact:
                frozen.release()

    def set_paused(self, paused: bool) -> None:
        """Pause or resume. Once this returns paused, no further timer fires.

        Normally it waits for the timer in flight, so time stands exactly still when it returns; if
        that timer's work is stuck in a worker, it returns after :data:`KNOB_WAIT_S` anyway and the
        pacer stops as soon as that timer is over (the caller is the UI: it must not freeze).
        """
        frozen = self.clock.frozen()
        exact = frozen.acquire(timeout=KNOB_WAIT_S)
        try:
            with self._cond:
                self._rebase()
                self._paused = paused
                self._cond.notify()
        finally:
            if exact:
                frozen.release()

    def step(self) -> bool:
        """Fire the next timer now (meant for a paused clock). False if nothing is scheduled.

        It blocks until that timer's work is over: call it from a worker thread, not the UI.
        """
        fired = self.clock.step()
        with self._cond:
            self._rebase()
        return fired

    def _advance(self) -> None:
        """Move time to where the wall clock says, one timer at a time, until a knob says stop."""
        while True:
            with self.clock.frozen():  # decide and fire as one step, so a pause cannot slip in
                with self._cond:
                    if self._paused or self._closed:
                        return
                    target = self._base_virtual + (time.monotonic() - self._base_wall) * 1000.0 * self._speed
                if not self.clock.step(target):
                    self.clock.advance_to(target)  # nothing due: only the time moves
                    return

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
            self._advance()
            with self._cond:
                if not self._closed:
                    self._cond.wait(self._tick)
