"""A recording opened in the app: the run source that has no engine, only the events it recorded.

It stands where a :class:`~suptui.tui.liverun.LiveRun` stands (a feed for the log's notes, a clock,
time knobs, an export), so the drain, the header and the keys work the same; what it lacks
(``session``) is what the rules refuse in a replay. Everything shown is rebuilt from the events: the
recording's header carries the tree's skeleton (no worker is imported), and :class:`History` folds
the events once, at open, keeping checkpoints so any moment is a short seek.

Time in a replay is the recording's. The clock is the moment shown; playing moves it at the chosen
speed over the recorded events (``space``, ``+``, ``-``), and it opens at the end.
"""

from __future__ import annotations

import gc
import time as walltime
from collections.abc import Callable
from pathlib import Path

from ..engine.pacer import MAX_SPEED, MIN_SPEED
from ..engine.recording import Recording
from ..treefile.model import Tree
from .feed import EventFeed
from .history import History
from .model import TreeModel


class ReplayClock:
    """The moment a replay shows, in ms of the recording's time (what ``clock.now_ms()`` answers)."""

    virtual = True

    def __init__(self, end: int) -> None:
        self.t = end
        self.end = end

    def now_ms(self) -> float:
        return float(self.t)


class ReplayTime:
    """Play, pause and speed over recorded time: while playing, the clock moves with the wall clock."""

    def __init__(self, clock: ReplayClock, wall: Callable[[], float] = walltime.monotonic) -> None:
        self.clock = clock
        self._wall = wall
        self._speed = 1.0
        self._paused = True
        self._anchor = (wall(), clock.t)

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def paused(self) -> bool:
        return self._paused

    def start(self) -> None:
        return None

    def set_speed(self, speed: float) -> float:
        self._rebase()
        self._speed = min(MAX_SPEED, max(MIN_SPEED, speed))
        return self._speed

    def set_paused(self, paused: bool) -> None:
        if not paused and self.clock.t >= self.clock.end:
            self.clock.t = 0  # play at the end: from the start again
        self._rebase()
        self._paused = paused

    def step(self) -> bool:
        """Nothing to fire: a replay's ``.`` moves to the next recorded event (the app does it)."""
        return False

    def close(self) -> None:
        self._paused = True

    def seek(self, t: int) -> None:
        """The app moved the moment shown (time travel): playing goes on from there."""
        self.clock.t = max(0, min(self.clock.end, t))
        self._rebase()

    def tick(self) -> int:
        """Where playing has got to now (the app calls it at each drain); pauses at the end."""
        if not self._paused:
            began, from_t = self._anchor
            self.clock.t = min(self.clock.end, int(from_t + (self._wall() - began) * 1000 * self._speed))
            if self.clock.t >= self.clock.end:
                self._paused = True
        return self.clock.t

    def _rebase(self) -> None:
        self._anchor = (self._wall(), self.clock.t)


class ReplayRun:
    """A recording, folded once: its history (checkpoints), its final tree, its clock and knobs."""

    session = None
    """No engine: what needs one is refused (see :mod:`.rules`)."""
    intensity_phase = 0.0
    """Where the recorded run's whole seconds fell (recordings are made with the default, 0)."""

    def __init__(self, recording: Recording, tree: Tree | None, source: str | None = None, *,
                 wall: Callable[[], float] = walltime.monotonic) -> None:
        self.recording = recording
        self.tree = tree
        self.source = source
        self.feed = EventFeed()
        self.model = TreeModel(tree)
        """The tree at the end of the recording ("now" in a replay)."""
        self.history = History(TreeModel(tree))
        was_enabled = gc.isenabled()
        gc.disable()  # a million new objects: the collector would walk them all, several times
        try:
            self.history.fold(recording.events, self.model)
        finally:
            if was_enabled:
                gc.enable()
        gc.freeze()  # they live as long as the replay: keep later collections from walking them again
        end = recording.events[-1].t if recording.events else 0
        self.clock = ReplayClock(end)
        self.time = ReplayTime(self.clock, wall)

    @property
    def end_ms(self) -> int:
        return self.clock.end

    def export(self, path: Path) -> int:
        """Write the recording (any thread: it is never changed); returns the number of events."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as out:
            self.recording.write(out)
        return len(self.recording.events)

    def stop(self) -> None:
        self.time.close()
