"""Work the app runs off its UI thread that owns engine threads of its own (the ``c`` comparison runs).

Textual's thread workers cannot be stopped, and cancelling one only stops *waiting* for it: its
thread runs on, with the runtimes it started. Such work is wrapped here so that it can be told to
stop (its own worker cancelled, or everything at once when the app quits) and so that quitting
waits until it has stopped and shut its runtimes down: no thread of ours outlives the app.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from textual.worker import get_current_worker

T = TypeVar("T")


class BackgroundRuns:
    """Counts the wrapped work in flight; :meth:`stop_all` cancels it and waits for it to end."""

    def __init__(self) -> None:
        self._idle = threading.Condition()
        self._running = 0
        self._stopping = threading.Event()

    def wrap(self, work: Callable[[Callable[[], bool]], T]) -> Callable[[], T]:
        """A worker function that runs ``work(cancelled)``; call the result in a Textual thread worker.

        ``cancelled()`` is true once this worker is cancelled or the app is stopping.
        """
        def run() -> T:
            worker = get_current_worker()
            with self._idle:
                self._running += 1
            try:
                return work(lambda: worker.is_cancelled or self._stopping.is_set())
            finally:
                with self._idle:
                    self._running -= 1
                    self._idle.notify_all()
        return run

    @property
    def running(self) -> int:
        with self._idle:
            return self._running

    def stop_all(self, timeout_s: float = 10.0) -> bool:
        """Ask all wrapped work to stop and wait for it; False if some was still running at the timeout."""
        self._stopping.set()
        deadline = time.monotonic() + timeout_s
        with self._idle:
            while self._running:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True
