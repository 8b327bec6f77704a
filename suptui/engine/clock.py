"""Clocks: one interface for timers, shutdown timeouts and restart-intensity stamps.

``VirtualClock`` makes every run exact and replayable: time only moves when someone advances it,
timers fire one at a time in (deadline, creation order), and after each one the runtime runs to
quiescence before the next fires. ``RealClock`` follows ``time.monotonic`` for supervising real work.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Protocol


class IdleWaiter(Protocol):
    """What a virtual clock needs from the runtime: a way to wait until nothing is runnable, and
    a way to tell a process's thread (which must never move time) from the thread that drives it."""

    def wait_idle(self) -> None: ...

    def on_process_thread(self) -> bool: ...


class ClockMoveRefused(RuntimeError):
    """A process tried to move the virtual clock it runs on.

    Time is moved by whoever drives the run (a test, the headless runner, the app's pacer); a
    worker that moved it would make the app's clock jump and break every replay. Raised in the
    worker's callback, it is that worker's crash.
    """


_COMPACT_AFTER = 1024
"""Cancelled timers a clock keeps before it drops them from its heap (see ``_forget_cancelled``)."""


class TimerHandle:
    """A scheduled callback; ``cancelled`` timers are skipped when their deadline comes."""

    __slots__ = ("callback", "cancelled", "deadline", "seq")

    def __init__(self, deadline: float, seq: int, callback: Callable[[], None]) -> None:
        self.deadline = deadline
        self.seq = seq
        self.callback = callback
        self.cancelled = False

    def __lt__(self, other: TimerHandle) -> bool:
        return (self.deadline, self.seq) < (other.deadline, other.seq)


class Clock(ABC):
    """Milliseconds since the clock started, plus timers."""

    virtual: bool = False

    @abstractmethod
    def now_ms(self) -> float: ...

    @abstractmethod
    def call_later(self, delay_ms: float, callback: Callable[[], None]) -> TimerHandle:
        """Run ``callback`` (on the clock's own thread) ``delay_ms`` from now."""

    def cancel(self, handle: TimerHandle) -> None:
        handle.cancelled = True
        self._forget_cancelled()

    def _forget_cancelled(self) -> None:
        """Called after each cancel: a clock may drop cancelled timers before their deadline."""
        return None

    def attach(self, runtime: IdleWaiter) -> None:
        """Called once by the runtime that owns this clock."""
        return None

    def close(self) -> None:
        """Stop any thread the clock owns."""
        return None


class VirtualClock(Clock):
    """Deterministic time that moves only when advanced (by a test, the headless runner or a pacer)."""

    virtual = True

    def __init__(self) -> None:
        self.paced = False
        """Set by a pacer that drives this clock from wall time; then waits never drive it themselves."""
        self._now = 0.0
        self._heap: list[TimerHandle] = []
        self._seq = itertools.count()
        self._lock = threading.Lock()
        self._cancels = 0
        self._advance_lock = threading.RLock()
        self._runtime: IdleWaiter | None = None

    def attach(self, runtime: IdleWaiter) -> None:
        self._runtime = runtime

    def now_ms(self) -> float:
        return self._now

    def call_later(self, delay_ms: float, callback: Callable[[], None]) -> TimerHandle:
        with self._lock:
            handle = TimerHandle(self._now + max(0.0, delay_ms), next(self._seq), callback)
            heapq.heappush(self._heap, handle)
            return handle

    def _forget_cancelled(self) -> None:
        """Cancelled timers wait in the heap for their deadline; a process that re-arms a long timeout
        on every message would pile them up. Past a threshold, rebuild the heap without them."""
        with self._lock:
            self._cancels += 1
            if self._cancels >= _COMPACT_AFTER and self._cancels * 2 >= len(self._heap):
                self._heap = [handle for handle in self._heap if not handle.cancelled]
                heapq.heapify(self._heap)
                self._cancels = 0

    def frozen(self) -> threading.RLock:
        """A context manager: while it is held, no one else can move this clock's time."""
        return self._advance_lock

    def next_deadline(self) -> float | None:
        """The deadline of the next live timer, or None when nothing is scheduled."""
        with self._lock:
            self._drop_cancelled()
            return self._heap[0].deadline if self._heap else None

    def _drop_cancelled(self) -> None:
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)

    def _wait_idle(self) -> None:
        if self._runtime is not None:
            self._runtime.wait_idle()

    def _check_mover(self) -> None:
        if self._runtime is not None and self._runtime.on_process_thread():
            raise ClockMoveRefused("a process cannot move the clock it runs on; wait with "
                                   "'yield self.sleep(ms)' or 'send_after' instead")

    def step(self, limit_ms: float | None = None) -> bool:
        """Fire the next timer (if due by ``limit_ms``), then run to quiescence. False if none fired."""
        self._check_mover()
        with self._advance_lock:
            self._wait_idle()
            with self._lock:
                self._drop_cancelled()
                if not self._heap or (limit_ms is not None and self._heap[0].deadline > limit_ms):
                    return False
                handle = heapq.heappop(self._heap)
                self._now = max(self._now, handle.deadline)
            handle.callback()
            self._wait_idle()
            return True

    def advance_to(self, t_ms: float) -> int:
        """Fire every timer due by ``t_ms`` one at a time, then set the time to ``t_ms``."""
        self._check_mover()
        fired = 0
        with self._advance_lock:
            while self.step(t_ms):
                fired += 1
            with self._lock:
                self._now = max(self._now, t_ms)
        return fired

    def advance(self, delta_ms: float) -> int:
        return self.advance_to(self._now + delta_ms)


class RealClock(Clock):
    """Wall time from ``time.monotonic``; timers fire on one daemon thread."""

    def __init__(self) -> None:
        self._origin = time.monotonic()
        self._heap: list[TimerHandle] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._closed = False
        self._cancels = 0
        self._thread = threading.Thread(target=self._run, name="suptui-clock", daemon=True)
        self._thread.start()

    def now_ms(self) -> float:
        return (time.monotonic() - self._origin) * 1000.0

    def call_later(self, delay_ms: float, callback: Callable[[], None]) -> TimerHandle:
        with self._cond:
            handle = TimerHandle(self.now_ms() + max(0.0, delay_ms), next(self._seq), callback)
            heapq.heappush(self._heap, handle)
            if self._heap[0] is handle:
                self._cond.notify()
            return handle

    def _forget_cancelled(self) -> None:
        """As the virtual clock: drop cancelled timers once they are many (see there)."""
        with self._cond:
            self._cancels += 1
            if self._cancels >= _COMPACT_AFTER and self._cancels * 2 >= len(self._heap):
                self._heap = [handle for handle in self._heap if not handle.cancelled]
                heapq.heapify(self._heap)
                self._cancels = 0

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed:
                    while self._heap and self._heap[0].cancelled:
                        heapq.heappop(self._heap)
                    if self._heap and self._heap[0].deadline <= self.now_ms():
                        break
                    timeout = (self._heap[0].deadline - self.now_ms()) / 1000.0 if self._heap else None
                    self._cond.wait(timeout)
                if self._closed:
                    return
                handle = heapq.heappop(self._heap)
            handle.callback()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join(timeout=1.0)
