"""Workers' descriptions of their own state, for the details pane and the predict grid, asked for
without ever running user code on the UI thread.

``describe_state`` is the worker's code: it may block for ever, raise ``SystemExit`` or return
anything. So the app never calls it. It asks the engine (``Runtime.describe_state_async``), which has
the process answer on its own thread, between two of its callbacks and under the engine's watchdog,
and hands back a future. This module keeps, per pid, at most one question in flight (a pane that
redraws 5 times a second asks again only once the last answer is in), the last answer, and whether
the current question has gone unanswered for longer than the time limit.

Nothing here touches a widget. The app polls :meth:`Descriptions.shown` on the UI thread; the
futures' callbacks, which run on engine threads, only call the ``changed`` hook the app gives, which
queues a redraw through the run's feed. A time limit is noticed through ``expire``, which the app
calls from a UI-side timer.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass

from ..safetext import visible

WAITING = "…"
"""Shown while the first answer for a pid is on its way."""
BUSY = "(no answer: busy)"
"""Shown once a question has waited longer than the time limit (the process is in a long callback)."""
LIMIT_S = 0.5
"""Wall-clock seconds a question may wait before the pane says the process is busy."""
MAX_TEXT = 500
"""Characters kept of one description: it is one line of a pane."""
KEPT = 256
"""Pids remembered; a storm of restarts must not grow this without end."""

Ask = Callable[[Hashable], "Future[object]"]


@dataclass
class _Entry:
    known: bool = False
    """An answer has come for this pid (``answer`` may still be None: nothing to say)."""
    answer: str | None = None
    pending: Future[object] | None = None
    overdue: bool = False
    """The pending question outlived the time limit."""


class Descriptions:
    """Per-pid descriptions, asked for with :data:`ask` and read back as display text."""

    def __init__(self, ask: Ask, *, changed: Callable[[], None] | None = None,
                 started: Callable[[Hashable, Future[object]], None] | None = None) -> None:
        """``ask(pid)`` returns a future of the description (``str``, ``None`` or anything at all);
        ``changed`` is called, from any thread, when an answer arrives; ``started(pid, future)`` is
        called on the UI thread when a question goes out (the app starts its time-limit timer)."""
        self._ask = ask
        self._changed = changed
        self._started = started
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()

    def shown(self, pid: Hashable, *, ask: bool = True) -> str | None:
        """What to show for ``pid`` now; with ``ask``, a new question goes out if none is in flight
        (so what is shown follows the worker). UI thread.

        The last answer (or :data:`WAITING` before the first), or :data:`BUSY` while a question has
        waited past the limit. ``None`` when the process has nothing to say (or is gone).
        """
        entry = self._entry(pid)
        self._collect(entry)
        if entry.pending is None and (ask or not entry.known):
            self._send(pid, entry)
            self._collect(entry)  # a dead process answers at once
        if entry.pending is not None and entry.overdue:
            return BUSY
        if not entry.known:
            return WAITING
        return entry.answer

    def ask_all(self, pids: list[Hashable]) -> None:
        """Put a question to each of ``pids`` that has none in flight (the predict grid's timers)."""
        for pid in pids:
            entry = self._entry(pid)
            self._collect(entry)
            if entry.pending is None and not entry.known:
                self._send(pid, entry)
                self._collect(entry)

    def settled(self, pid: Hashable) -> bool:
        """An answer is in for ``pid``, or its question is overdue: nothing more to wait for."""
        entry = self._entry(pid)
        self._collect(entry)
        return entry.known or entry.overdue

    def final(self, pid: Hashable) -> str | None:
        """The answer for ``pid`` if one came, else :data:`BUSY`: for a view that cannot wait."""
        entry = self._entry(pid)
        self._collect(entry)
        return entry.answer if entry.known else BUSY

    def expire(self, pid: Hashable, future: Future[object]) -> bool:
        """The time limit of the question ``future`` is up (UI thread, from the app's timer).

        True if that question is still in flight, so the display changes to :data:`BUSY`.
        """
        entry = self._entries.get(pid)
        if entry is None or entry.pending is not future or future.done():
            return False
        entry.overdue = True
        return True

    def in_flight(self) -> list[Future[object]]:
        """The questions still unanswered (tests wait for them before they look at the screen)."""
        return [entry.pending for entry in self._entries.values() if entry.pending is not None]

    def forget(self) -> None:
        """A new run: its pids mean other processes."""
        self._entries.clear()

    # ------------------------------------------------------------------ inside

    def _entry(self, pid: Hashable) -> _Entry:
        entry = self._entries.get(pid)
        if entry is None:
            entry = self._entries[pid] = _Entry()
            while len(self._entries) > KEPT:
                self._entries.popitem(last=False)
        else:
            self._entries.move_to_end(pid)
        return entry

    def _send(self, pid: Hashable, entry: _Entry) -> None:
        try:
            future = self._ask(pid)
        except Exception as exc:  # the engine refused outright: say so, do not ask again each redraw
            entry.known, entry.answer = True, f"(describe_state not asked: {type(exc).__name__})"
            return
        entry.pending, entry.overdue = future, False
        if self._started is not None:
            self._started(pid, future)
        if self._changed is not None:
            future.add_done_callback(self._answered)

    def _answered(self, _future: Future[object]) -> None:
        """An engine thread (or this one, if it was done already): only the hook, which is thread-safe."""
        if self._changed is not None:
            self._changed()

    @staticmethod
    def _collect(entry: _Entry) -> None:
        future = entry.pending
        if future is None or not future.done():
            return
        entry.pending, entry.overdue, entry.known = None, False, True
        entry.answer = answer_text(future)


def answer_text(future: Future[object]) -> str | None:
    """A finished question's answer as display text; never raises, never runs user code.

    The engine promises a ``str`` or ``None``, and a failure as a ``"(describe_state failed: …)"``
    string. Anything else is named by its type: calling its ``__str__`` would run user code here.
    """
    try:
        if future.cancelled():
            return None
        error = future.exception(timeout=0)
        if error is not None:
            return f"(describe_state failed: {type(error).__name__})"
        answer = future.result(timeout=0)
    except BaseException as exc:  # whatever a future holds, the UI thread goes on
        return f"(describe_state failed: {type(exc).__name__})"
    if answer is None:
        return None
    return visible(answer, limit=MAX_TEXT)
