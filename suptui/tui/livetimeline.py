"""The live run's timeline, fed from the same drained batches as the tree's view-model, and the zoom.

One ordered event stream feeds the log, the tree and the timeline: the app hands every drained event
to :meth:`LiveTimeline.feed` next to ``TreeModel.apply``, on the UI thread (the model is not
thread-safe). ``version`` counts what was fed, so a lanes widget can tell in O(1) whether the frame it
drew last is still right.

The timeline core keeps a run's whole history (about 220 bytes an event), which a crash storm of
20,000 events a second turns into hundreds of megabytes a minute. So past :data:`MAX_EVENTS` the
model starts afresh from what is alive at that moment (every running process keeps its bar from its
real start): the lanes on screen lose nothing, only history older than that is gone (from the SVG
export too; ``e`` still exports the whole stream).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..engine import Event, Start
from ..timeline import TimelineModel, window_ending_at, zoom_in, zoom_out

DEFAULT_SPAN_MS = 10_000
"""Ten seconds across: the lesson's bombs from the first crash to the give-up fit in one window."""
MAX_EVENTS = 1_000_000
"""About 220 MB of timeline; past it the model keeps only what is alive (see the module docstring)."""


class LiveTimeline:
    """A :class:`TimelineModel` for the current run, the clock it is drawn against, and the zoom."""

    def __init__(self, span_ms: int = DEFAULT_SPAN_MS, max_events: int = MAX_EVENTS) -> None:
        self._model = TimelineModel()
        self.version = 0
        self.span_ms = span_ms
        self.max_events = max_events
        self.forgot_before: int | None = None
        """Set when history was dropped to bound memory: nothing before this time is known."""
        self._fed = 0
        self._now: Callable[[], float] = lambda: 0.0
        self._live = self._model
        self.pinned: int | None = None
        """Time travel: the lanes show ``model`` (a past moment's, see ``History.lanes``) up to this time."""
        self.deferring = False
        """Queue what :meth:`feed` gets instead of folding it in: while a big tree starts, folding its
        100,000 start events (a second) would only delay the tree on screen; :meth:`catch_up` folds
        them a slice at a time afterwards, and reading :attr:`model` folds whatever is left first."""
        self._backlog: list[Event] = []

    @property
    def model(self) -> TimelineModel:
        """The lanes shown: the live run's (every event fed so far folded in), or a past moment's."""
        if self._backlog:
            self.catch_up()
        return self._model

    @model.setter
    def model(self, model: TimelineModel) -> None:
        self._model = model

    @property
    def backlog(self) -> int:
        """Events fed but not folded in yet."""
        return len(self._backlog)

    def reset(self, now: Callable[[], float], phase_s: float = 0.0) -> None:
        """A new run: forget the old one's lanes; ``phase_s`` is where its runtime's seconds fall."""
        self.model = self._live = TimelineModel(phase_s=phase_s)
        self._backlog = []
        self.pinned = None
        self._now = now
        self._fed = 0
        self.forgot_before = None
        self.version += 1

    def feed(self, events: Iterable[Event]) -> bool:
        """Feed a drained batch; True when that made the model forget its older history. Queued
        instead while :attr:`deferring` or while older events wait (they go in first)."""
        if self.deferring or self._backlog:
            self._backlog.extend(events)
            return False
        return self._fold(events)

    def catch_up(self, limit: int | None = None) -> bool:
        """Fold up to ``limit`` queued events (all with None); True when that made the model forget
        its older history."""
        if not self._backlog:
            return False
        cut = len(self._backlog) if limit is None else limit
        batch, self._backlog = self._backlog[:cut], self._backlog[cut:]
        return self._fold(batch)

    def _fold(self, events: Iterable[Event]) -> bool:
        live_feed = self._live.feed
        fed = 0
        for event in events:
            live_feed(event)
            fed += 1
        self.version += fed
        self._fed += fed
        if self._fed <= self.max_events:
            return False
        self._start_afresh()
        return True

    def _start_afresh(self) -> None:
        """A new model seeded with a start for every process running now, at its real start time."""
        old = self._live
        seeds = []
        for lane in old.lanes():
            life = lane.lifetimes[-1] if lane.lifetimes else None
            if life is None or not life.running:
                continue
            if lane.is_supervisor:
                seeds.append(Start(seq=0, t=life.start, path=lane.path, pid=life.pid, restart=life.restart,
                                   child_type="supervisor", strategy=life.strategy,
                                   max_restarts=life.max_restarts, max_seconds=life.max_seconds))
            else:
                seeds.append(Start(seq=0, t=life.start, path=lane.path, pid=life.pid, restart=life.restart,
                                   child_type="worker"))
        self._live = TimelineModel(sorted(seeds, key=lambda event: event.t), phase_s=old.phase_s)
        if self.pinned is None:
            self.model = self._live
        self.forgot_before = old.last_t
        self._fed = len(seeds)
        self.version += 1

    def pin(self, model: TimelineModel, t: int) -> None:
        """Show ``model`` (which holds nothing after ``t``) with ``t`` as now: the lanes of the past."""
        self.model, self.pinned = model, t
        self.version += 1

    def unpin(self) -> None:
        """Back to the live run's lanes and clock."""
        self.model, self.pinned = self._live, None
        self.version += 1

    def now_ms(self) -> int:
        return int(self._now()) if self.pinned is None else self.pinned

    def window(self) -> tuple[int, int]:
        """The span on screen: it scrolls with the clock, ``now`` at the right edge once it fills."""
        return window_ending_at(self.now_ms(), self.span_ms)

    def zoom_in(self) -> int:
        self.span_ms = zoom_in(self.span_ms)
        return self.span_ms

    def zoom_out(self) -> int:
        self.span_ms = zoom_out(self.span_ms)
        return self.span_ms
