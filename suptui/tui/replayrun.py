"""A recording opened in the app: the run source that has no engine, only the events it recorded.

It stands where a :class:`~suptui.tui.liverun.LiveRun` stands (a feed for the log's notes, a clock,
time knobs, an export), so the drain, the header and the keys work the same; what it lacks
(``session``) is what the rules refuse in a replay. Everything shown is rebuilt from the events: the
recording's header carries the tree's skeleton (no worker is imported), and :class:`History` folds
the events once, at open, keeping checkpoints so any moment is a short seek.

A long recording is not waited for: opened on a :class:`~suptui.engine.recording.RecordingStream`, the
run reads and folds it on a thread of its own, :data:`CHUNK_EVENTS` at a time (a
:class:`~suptui.tui.history.Folder`: the view-model and the checkpoints are built there, never on the
UI thread), and hands each folded chunk over the way the engine hands its events (a list swapped out
under a lock, :meth:`ReplayRun.take_loaded` at the app's drain). Until the last chunk, "now" is the
newest moment loaded; a bad line found late ends the loading with its ``FILE:LINE`` message and keeps
what was loaded.

Time in a replay is the recording's. The clock is the moment shown; playing moves it at the chosen
speed over the recorded events (``space``, ``+``, ``-``), and it opens at the end.
"""

from __future__ import annotations

import gc
import logging
import threading
import time as walltime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..engine.pacer import MAX_SPEED, MIN_SPEED
from ..engine.recording import Recording, RecordingError, RecordingStream
from ..treefile.model import Tree
from .feed import EventFeed
from .history import Folded, Folder, History
from .model import TreeModel, thaw

log = logging.getLogger(__name__)

CHUNK_EVENTS = 32_768
"""Events the loader reads and folds before handing them to the app (about a third of a second of
reading): small enough that the app opens soon and fills in smoothly, big enough that the UI thread
redraws "now" a few times a second at most. Tests shrink it."""


@dataclass(frozen=True, slots=True)
class Loaded:
    """What the loader delivered since the app last looked (see :meth:`ReplayRun.take_loaded`)."""

    grew: bool
    """New events: the newest moment loaded (now) moved on."""
    finished: bool
    """The whole recording is loaded."""
    error: str | None = None
    """Loading stopped at a bad line (``FILE:LINE: message``); what came before it is kept."""


@dataclass(frozen=True, slots=True)
class _Failed:
    message: str


_DONE = object()


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
    """A recording, folded: its history (checkpoints), its tree now, its clock and knobs.

    Given a :class:`Recording`, it is folded at once (the caller waits); given a
    :class:`RecordingStream` (its header read), a loader thread reads and folds the rest and the run
    grows as the app takes each chunk. ``resume`` (a test hook) holds the loader after each chunk
    until it is set.
    """

    session = None
    """No engine: what needs one is refused (see :mod:`.rules`)."""
    intensity_phase = 0.0
    """Where the recorded run's whole seconds fell (recordings are made with the default, 0)."""

    def __init__(self, recording: Recording | RecordingStream, tree: Tree | None,
                 source: str | None = None, *, wall: Callable[[], float] = walltime.monotonic,
                 resume: threading.Event | None = None) -> None:
        self.tree = tree
        self.source = source
        self.feed = EventFeed()
        base = TreeModel(tree)
        self._defs = base._defs
        self.model = TreeModel(tree)
        """The tree at the end of the recording ("now" in a replay), or of the part loaded so far."""
        self.history = History(base, rebuild=lambda: TreeModel(tree))
        self.recording = Recording(recording.header, self.history.events)
        """The header and the events loaded (the history's list: it grows while loading)."""
        self.loading: float | None = None
        """While the loader runs: how much of the file is loaded (0 to 1); None once it is done."""
        self.error: str | None = None
        """Why loading stopped early (``FILE:LINE: message``), if it did."""
        self.first_chunk = threading.Event()
        """Set once the first chunk is ready (or loading ended): the app can open on something."""
        self._inbox: list[Folded | _Failed | object] = []
        self._lock = threading.Lock()
        self._stopped = False
        self._resume = resume
        self.loader: threading.Thread | None = None
        if isinstance(recording, RecordingStream):
            self.loading = 0.0
            folder = Folder(TreeModel(tree), rebuild=lambda: TreeModel(tree))
            self.loader = threading.Thread(target=self._load, args=(recording, folder),
                                           name="suptui-replay-loader", daemon=True)
            self.loader.start()
        else:
            self._fold(recording)
            self.first_chunk.set()
        end = self.recording.events[-1].t if self.recording.events else 0
        self.clock = ReplayClock(end)
        self.time = ReplayTime(self.clock, wall)

    def _fold(self, recording: Recording) -> None:
        was_enabled = gc.isenabled()
        gc.disable()  # a million new objects: the collector would walk them all, several times
        try:
            self.history.fold(recording.events, self.model)
        finally:
            if was_enabled:
                gc.enable()
        gc.freeze()  # they live as long as the replay: keep later collections from walking them again
        self.recording = Recording(recording.header, self.history.events)

    # ------------------------------------------------------------------ the loader thread

    def _load(self, stream: RecordingStream, folder: Folder) -> None:
        """Read and fold the rest of the recording, a chunk at a time (loader thread; touches nothing
        the UI thread reads: each chunk is posted whole)."""
        was_enabled = gc.isenabled()
        gc.disable()  # as for a fold at once: the collector would walk the new events again and again
        try:
            for events in stream.chunks(CHUNK_EVENTS):
                if self._stopped:
                    return
                fraction = stream.fraction()
                if fraction > 0:  # the events to come, from the bytes read so far: the checkpoints'
                    folder.expect(int(stream.count / fraction))  # spacing as a fold at once chooses it
                self._post(folder.fold(events, fraction))
                self.first_chunk.set()
                if self._resume is not None:
                    self._resume.wait()
                if self._stopped:
                    return
            self._post(_DONE)
        except RecordingError as exc:
            self._post(_Failed(str(exc)))
        except Exception as exc:  # a bug of ours: what was loaded stays, the log says why it stopped
            log.debug("loading the replay failed", exc_info=True)
            self._post(_Failed(f"{self.source or 'the recording'}: loading stopped: {exc!r}"))
        finally:
            stream.close()
            self.first_chunk.set()
            if was_enabled:
                gc.enable()
                gc.freeze()

    def _post(self, item: Folded | _Failed | object) -> None:
        with self._lock:
            self._inbox.append(item)

    # ------------------------------------------------------------------ the UI thread

    def take_loaded(self) -> Loaded | None:
        """Take what the loader delivered since the last call (UI thread), or None if nothing came.

        The history grows, ``model`` becomes the newest moment loaded and the clock's end moves with
        it (the clock too if it showed the end, paused: a replay opens at its end)."""
        with self._lock:
            items, self._inbox = self._inbox, []
        if not items:
            return None
        last: Folded | None = None
        finished = False
        for item in items:
            if isinstance(item, Folded):
                self.history.take(item)
                last = item
            elif isinstance(item, _Failed):
                self.error = item.message
            else:
                finished = True
        if last is not None and last.events:
            self.model = thaw(last.end, last.root, self._defs)
            at_end = self.clock.t >= self.clock.end
            self.clock.end = last.events[-1].t
            if at_end and self.time.paused:
                self.clock.t = self.clock.end
            self.loading = last.fraction
        if finished or self.error is not None:
            self.loading = None
        return Loaded(last is not None, finished, self.error if self.loading is None else None)

    @property
    def end_ms(self) -> int:
        return self.clock.end

    def export(self, path: Path) -> int:
        """Write the recording as loaded so far (any thread: the events are only ever appended to);
        returns the number of events."""
        path.parent.mkdir(parents=True, exist_ok=True)
        events = self.recording.events[:]  # one atomic copy: the loading may go on meanwhile
        with open(path, "w", encoding="utf-8") as out:
            Recording(self.recording.header, events).write(out)
        return len(events)

    def stop(self) -> None:
        """Pause, and end the loader at its next chunk (a held one too)."""
        self.time.close()
        self._stopped = True
        if self._resume is not None:
            self._resume.set()
