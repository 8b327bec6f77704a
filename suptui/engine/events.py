"""The event stream: every lifecycle fact, in causal order, for every reader.

The TUI, the headless printer and the tests all subscribe here; nobody polls engine internals.
Events are emitted while the runtime lock is held, so the stream order is the causal order.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from .protocol import EVENT_KINDS, KINDS, Event, ProtocolError, from_dict, maker

__all__ = ["EVENT_KINDS", "KINDS", "Event", "EventBus", "EventRecorder", "ProtocolError", "make_event"]

log = logging.getLogger(__name__)

Subscriber = Callable[[Event], None]


class EventBus:
    """Numbers events and hands each one to every subscriber, in order.

    A subscriber that raises is logged and kept; it never stops the engine or other subscribers.
    """

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._seq = 0
        self._lock = threading.RLock()
        self.subscriber_errors = 0

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Add a subscriber; returns a function that removes it."""
        with self._lock:
            self._subscribers = [*self._subscribers, subscriber]

        def unsubscribe() -> None:
            with self._lock:
                self._subscribers = [s for s in self._subscribers if s is not subscriber]

        return unsubscribe

    def emit(self, cls: type[Event], t: int, path: str, pid: str, **fields: Any) -> Event:
        """Number a new event of kind ``cls`` and hand it to every subscriber, in order."""
        with self._lock:
            self._seq += 1
            event = maker(cls)(self._seq, t, path, pid, **fields)
            for subscriber in self._subscribers:
                try:
                    subscriber(event)
                except Exception:
                    self.subscriber_errors += 1
                    log.exception("event subscriber %r failed on %r", subscriber, event)
            return event


def make_event(seq: int, t: int, kind: str, path: str, pid: str, data: Any = None) -> Event:
    """An event from its wire pieces (tests and tools that build events by hand)."""
    return from_dict({"t": t, "event": kind, "path": path, "pid": pid, **dict(data or {})}, seq)


class EventRecorder:
    """A subscriber that keeps every event in a list (tests, export, headless runs)."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        with self._lock:
            self.events.append(event)

    def snapshot(self) -> list[Event]:
        with self._lock:
            return list(self.events)
