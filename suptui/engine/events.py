"""The event stream: every lifecycle fact, in causal order, for every reader.

The TUI, the headless printer and the tests all subscribe here; nobody polls engine internals.
Events are emitted while the runtime lock is held, so the stream order is the causal order.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

log = logging.getLogger(__name__)

EventKind = Literal["start", "crash", "exit", "terminate", "give_up", "strategy", "kill", "zombie", "fault"]
EVENT_KINDS: tuple[str, ...] = (
    "start", "crash", "exit", "terminate", "give_up", "strategy", "kill", "zombie", "fault",
)


@dataclass(frozen=True, slots=True)
class Event:
    """One immutable fact. ``t`` is integer milliseconds since the tree started."""

    seq: int
    t: int
    kind: str
    path: str
    pid: str
    data: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape: ``t``, ``event``, ``path``, ``pid`` first, then the event's own fields."""
        out: dict[str, Any] = {"t": self.t, "event": self.kind, "path": self.path, "pid": self.pid}
        out.update(self.data)
        return out

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


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

    def emit(self, t: int, kind: str, path: str, pid: str, data: dict[str, Any]) -> Event:
        with self._lock:
            self._seq += 1
            event = Event(self._seq, t, kind, path, pid, MappingProxyType(data))
            for subscriber in self._subscribers:
                try:
                    subscriber(event)
                except Exception:
                    self.subscriber_errors += 1
                    log.exception("event subscriber %r failed on %r", subscriber, event)
            return event


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
