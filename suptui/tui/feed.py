"""The only door from engine threads into the app: a buffer that subscribers append to.

Engine threads must never touch widgets, and per-event ``call_from_thread`` or ``post_message``
stalls the engine under a crash storm. So the subscriber does the least possible work (append under
a lock) and the app swaps the whole buffer out on its own timer, about 30 times a second.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from ..engine import Event


@dataclass(frozen=True, slots=True)
class Note:
    """A line for the log that is not an engine event: a reply, an error, a marker, a log record."""

    text: str
    kind: str = "note"
    """``note`` (neutral), ``error``, ``marker`` or ``ok``; picks the log line's colour."""


@dataclass(frozen=True, slots=True)
class Later:
    """Work for the UI thread at the next drain (e.g. forget a node once delete_child said ok)."""

    fn: Callable[[], None]


Item = Event | Note | Later


class EventFeed:
    """Collects events and notes from any thread; the UI thread drains them in batches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[Item] = []
        self.received = 0
        """How many engine events arrived so far (never reset); lets a step wait for "the next event"."""

    def __call__(self, event: Event) -> None:
        """The event-bus subscriber. Runs on an engine thread, with the runtime lock held: stay tiny."""
        with self._lock:
            self._items.append(event)
            self.received += 1

    def note(self, text: str, kind: str = "note", *, at: int | None = None) -> None:
        """Queue a non-event log line. Safe from any thread (future callbacks run on engine threads).

        ``at``: a :meth:`mark` taken before the events this line is the cause of (the reply to an
        action whose events came during its call): the line goes before them, not after."""
        with self._lock:
            if at is None or at > len(self._items):  # (drained since: nothing to go before)
                self._items.append(Note(text, kind))
            else:
                self._items.insert(at, Note(text, kind))

    def mark(self) -> int:
        """Where the next item will go (for :meth:`note`'s ``at``; good until the next drain)."""
        with self._lock:
            return len(self._items)

    def call_soon(self, fn: Callable[[], None]) -> None:
        """Have the UI thread run ``fn`` at its next drain. Safe from any thread."""
        with self._lock:
            self._items.append(Later(fn))

    def drain(self) -> list[Item]:
        """Everything queued since the last drain, in arrival order. UI thread only."""
        with self._lock:
            items, self._items = self._items, []
        return items

    def pending(self) -> int:
        with self._lock:
            return len(self._items)


class FeedLogHandler(logging.Handler):
    """Engine warnings (a failing subscriber, a stuck shutdown) go to the log pane, not the terminal."""

    def __init__(self, sink: Callable[[str], None]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            self.sink(f"{record.name}: {record.getMessage()}")
