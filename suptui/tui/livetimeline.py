"""The live run's timeline, fed from the same drained batches as the tree's view-model, and the zoom.

One ordered event stream feeds the log, the tree and the timeline: the app hands every drained event
to :meth:`LiveTimeline.feed` next to ``TreeModel.apply``, on the UI thread (the model is not
thread-safe). ``version`` counts what was fed, so a lanes widget can tell in O(1) whether the frame it
drew last is still right.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..engine import Event
from ..timeline import TimelineModel, window_ending_at, zoom_in, zoom_out

DEFAULT_SPAN_MS = 10_000
"""Ten seconds across: the lesson's bombs from the first crash to the give-up fit in one window."""


class LiveTimeline:
    """A :class:`TimelineModel` for the current run, the clock it is drawn against, and the zoom."""

    def __init__(self, span_ms: int = DEFAULT_SPAN_MS) -> None:
        self.model = TimelineModel()
        self.version = 0
        self.span_ms = span_ms
        self._now: Callable[[], float] = lambda: 0.0

    def reset(self, now: Callable[[], float], phase_s: float = 0.0) -> None:
        """A new run: forget the old one's lanes; ``phase_s`` is where its runtime's seconds fall."""
        self.model = TimelineModel(phase_s=phase_s)
        self._now = now
        self.version += 1

    def feed(self, events: Iterable[Event]) -> None:
        for event in events:
            self.model.feed(event)
            self.version += 1

    def now_ms(self) -> int:
        return int(self._now())

    def window(self) -> tuple[int, int]:
        """The span on screen: it scrolls with the clock, ``now`` at the right edge once it fills."""
        return window_ending_at(self.now_ms(), self.span_ms)

    def zoom_in(self) -> int:
        self.span_ms = zoom_in(self.span_ms)
        return self.span_ms

    def zoom_out(self) -> int:
        self.span_ms = zoom_out(self.span_ms)
        return self.span_ms
