"""The run's bookkeeping, with no screen: which run is on, the drain that folds its events, time control.

The app drives a :class:`RunControl` and reacts to what it returns: :meth:`RunControl.drain` folds
everything the engine said since the last drain into the view-model, the history and the timeline and
hands back a :class:`Batch` (the log lines, the changed rows) for the widgets to draw. Pause, speed and
the ``.`` step queue live here too, as do the knobs a new run inherits (``R`` keeps the speed).

Nothing here imports Textual, so it is tested on its own (``tests/tui/test_tui_runcontrol.py``), and
nothing here blocks: the step loop is meant for a worker thread, and checks before each timer it fires
that its run is still the one on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..engine import Event
from ..treefile.model import Tree
from .feed import Later, Note
from .guard import exc_text
from .history import LIVE_SPACING, MAX_LIVE_CHECKPOINTS, MAX_LIVE_EVENTS, History
from .liverun import LiveRun, RunFactory
from .livetimeline import LiveTimeline
from .model import Changes, TreeModel
from .narrate import GLYPHS, LogLine, format_t, narrate
from .replayrun import ReplayRun
from .timecontrol import StepQueue

log = logging.getLogger(__name__)

Run = LiveRun | ReplayRun

CATCH_UP_SLICE = 200
"""Events the spool writes and the timeline folds at a time while catching up after a start (an
event costs both about 15 µs)."""
CATCH_UP_S = 0.012
"""Time a drain spends catching up, at most (a slice more): a key pressed meanwhile waits no longer
than that, and 100,000 start events are caught up in about five seconds."""
STEP_TIMERS_MAX = 10_000
"""Timers one step fires at most while looking for the next event (a ticker's tick may not make one)."""


@dataclass
class Batch:
    """What one drain brought: the screen draws ``lines`` and the rows in ``changes``."""

    events: list[Event] = field(default_factory=list)
    """The engine events, in order (a live run's only are spooled and fed to the timeline)."""
    lines: list[LogLine] = field(default_factory=list)
    """The log's new lines: one per event (the newest ``log_cap`` only) and per note."""
    changes: Changes = field(default_factory=Changes)
    """The live model's rows that changed."""


class RunControl:
    """The current run (live or a replay), its view-model, history and timeline, and its time knobs.

    ``root_ended`` tells from the live model whether the root is down (its header decides how it is
    told; here it only stops time, once per run).
    """

    def __init__(self, factory: RunFactory, *, speed: float = 1.0, paused: bool = False, log_cap: int = 5000,
                 root_ended: Callable[[TreeModel], object] = lambda model: None) -> None:
        self.factory = factory
        self.speed = speed
        """The speed a new run starts at (the last one set)."""
        self.paused = paused
        """Whether a new run starts paused (the last pause state set)."""
        self.log_cap = log_cap
        self.root_ended = root_ended
        self.run: Run | None = None
        """The run shown: a live one, or a replay (which has no session)."""
        self.live_model = TreeModel()
        """The tree now, folded from every drained event (a replay's: as loaded so far)."""
        self.history: History | None = None
        """The run's events and checkpoints of its tree, for time travel."""
        self.timeline = LiveTimeline()
        """The run's timeline, fed by the same drain as the model; the lanes draw it."""
        self.steps = StepQueue()
        """``.`` presses not yet stepped."""
        self.loading_notes: list[LogLine] | None = None
        """A replay still loading: the notes logged meanwhile (kept when its log is redrawn)."""
        self._ended_run: Run | None = None
        """The run whose root's end stopped time (it stops it once; space runs it on)."""

    # ------------------------------------------------------------------ runs

    def load(self, tree: Tree) -> TreeModel:
        """A new live run's tree: the view-model laid out afresh and an empty history."""
        self.live_model.load(tree)
        # A checkpoint walks every node: one every LIVE_SPACING events on a tree of 100,000 is a walk
        # of the whole tree every 4,096 events (a third of the start-up's drain). As many events as
        # the tree has nodes keeps a checkpoint's cost per event constant; a seek then applies up to
        # twice that, which costs about what copying the checkpoint's nodes costs anyway.
        spacing = max(LIVE_SPACING, len(self.live_model.nodes))
        self.history = History(self.live_model, spacing=spacing, max_events=MAX_LIVE_EVENTS,
                               max_checkpoints=MAX_LIVE_CHECKPOINTS, rebuild=lambda: TreeModel(tree))
        return self.live_model

    def open(self, tree: Tree, *, paused: bool) -> LiveRun:
        """Make the run of ``tree`` at the current speed (not started: the caller starts it once it has
        hooked itself to it), with a fresh timeline on its clock."""
        run = self.factory(tree, self.speed, paused)
        self.run = run
        self.timeline.reset(run.clock.now_ms, run.intensity_phase)
        return run

    def show_replay(self, run: ReplayRun) -> None:
        """A recording in place of a run: its model, history and clock."""
        self.run = run
        self.history = run.history
        self.live_model = run.model
        self.timeline.reset(run.clock.now_ms, run.intensity_phase)

    def stop(self) -> None:
        """Stop the run shown (its engine threads, its pacer). Idempotent."""
        if self.run is not None:
            self.run.stop()

    def note(self, text: str, kind: str = "note") -> None:
        """A log line that is not an engine event; any thread; shows at the next drain."""
        if self.run is not None:
            self.run.feed.note(text, kind)

    # ------------------------------------------------------------------ the drain

    def drain(self) -> Batch | None:
        """Fold everything queued since the last drain, in arrival order (UI thread only; never waits).

        Engine events go to the spool, the timeline, the live model and the history, and become log
        lines; notes become log lines; deferred UI work runs. One event that cannot be shown costs only
        its own line. None when nothing was queued.
        """
        run = self.run
        if run is None:
            return None
        items = run.feed.drain()
        if not items:
            return None
        batch = Batch(events=[item for item in items if isinstance(item, Event)])
        first_line = max(0, len(items) - self.log_cap)  # older lines would be trimmed at once
        now = int(run.clock.now_ms())
        if isinstance(run, LiveRun):
            # While the tree starts, the spool and the timeline only queue: the tree and the log are
            # what the screen shows of a start, and they get the events at once
            starting = not run.up.is_set()
            run.spool.deferring = self.timeline.deferring = starting
            if batch.events:
                run.spool.write(batch.events)
                self._feed_timeline(lambda: self.timeline.feed(batch.events), run)
        model, history, lines = self.live_model, self.history, batch.lines
        for index, item in enumerate(items):
            if isinstance(item, Note):
                lines.append(LogLine(now, item.kind, f"{GLYPHS.get(item.kind, '·')} {item.text}"))
                if self.loading_notes is not None:
                    self.loading_notes.append(lines[-1])
                continue
            if isinstance(item, Later):
                self._run_later(item, run)
                continue
            try:
                if index >= first_line:
                    lines.append(narrate(item, model))
                model.apply(item, batch.changes)
                if history is not None:
                    history.append(item, model)
            except Exception as exc:  # one odd event must not cost the rest of the batch
                log.debug("cannot show %r", item, exc_info=True)
                lines.append(LogLine(item.t, "error", f"{GLYPHS['error']} display update failed: {exc!r}",
                                     item.path))
        if isinstance(run, LiveRun) and model.root in batch.changes.paths:
            self._stop_time_if_root_ended(run)
        return batch

    def catch_up(self) -> bool:
        """After a drain: write and fold a slice of what the spool and the timeline queued while the
        tree started (a few milliseconds' worth, so a key pressed meanwhile is not held up). True
        while some is left."""
        run = self.run
        if not isinstance(run, LiveRun) or run.spool.deferring:
            return False
        end = time.perf_counter() + CATCH_UP_S
        while time.perf_counter() < end and (self.timeline.backlog or run.spool.pending):
            if self.timeline.backlog:
                self._feed_timeline(lambda: self.timeline.catch_up(CATCH_UP_SLICE), run)
            if run.spool.pending:
                run.spool.catch_up(CATCH_UP_SLICE)
        return bool(self.timeline.backlog or run.spool.pending)

    def behind(self) -> bool:
        """Whether the spool or the timeline still has start-up work queued (see :meth:`catch_up`)."""
        run = self.run
        if not isinstance(run, LiveRun) or run.spool.deferring:
            return False
        return bool(self.timeline.backlog or run.spool.pending)

    def _feed_timeline(self, feed: Callable[[], bool], run: LiveRun) -> None:
        """The timeline gets the same events as the view-model; one it chokes on costs only itself."""
        try:
            if feed():
                run.feed.note(f"timeline: history before t = {format_t(self.timeline.forgot_before or 0)} s "
                              "forgotten to bound memory (e exports the whole stream)")
        except Exception as exc:
            log.debug("the timeline cannot take a batch", exc_info=True)
            run.feed.note(f"timeline update failed: {exc!r}", "error")

    @staticmethod
    def _run_later(item: Later, run: Run) -> None:
        try:
            item.fn()
        except Exception as exc:
            log.debug("deferred UI work failed", exc_info=True)
            run.feed.note(f"display update failed: {exc!r}", "error")

    def _stop_time_if_root_ended(self, run: LiveRun) -> None:
        """The root gave up or was killed: pause the clock (once per run; space resumes it)."""
        if self.root_ended(self.live_model) is None or self._ended_run is run:
            return
        self._ended_run = run
        run.time.set_paused(True)  # never blocks: the pacer only re-bases its clock

    # ------------------------------------------------------------------ time

    def _current(self) -> Run:
        if self.run is None:
            raise RuntimeError("no tree is running")
        return self.run

    def set_paused(self, paused: bool) -> None:
        """Pause or run the run shown; the next run starts the same way."""
        run = self._current()
        run.time.set_paused(paused)
        self.paused = run.time.paused

    def toggle_pause(self) -> bool:
        """Space: the run shown pauses or runs on; True when it is now paused."""
        self.set_paused(not self._current().time.paused)
        return self.paused

    def faster(self) -> float:
        """``+``: twice the speed (the time control caps it); the speed it took."""
        time = self._current().time
        self.speed = time.set_speed(time.speed * 2)
        return self.speed

    def slower(self) -> float:
        """``-``: half the speed (the time control caps it); the speed it took."""
        time = self._current().time
        self.speed = time.set_speed(time.speed / 2)
        return self.speed

    def request_step(self) -> bool:
        """``.`` pressed: one more step queued (every press counts, however fast). True when no worker
        is running the steps and the caller must start one on :meth:`run_steps`."""
        return self.steps.request()

    def run_steps(self, run: LiveRun, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Run the queued steps one after the other (a worker thread's body: it blocks on the engine).

        Stops early, dropping the steps still queued, when stepping on makes no sense: ``cancelled``
        (the app is quitting), ``run`` no longer the one shown (``R``), nothing scheduled, an error.
        """
        more = True
        while more:
            if not self.step_once(run, lambda: cancelled() or self.run is not run):
                self.steps.clear()  # the presses still waiting would fail the same way
                return
            more = self.steps.done()

    @staticmethod
    def step_once(run: LiveRun, stopped: Callable[[], bool]) -> bool:
        """One step: fire timers until one produces an event ("to the next event"). False when
        stepping on makes no sense (``stopped``: the worker's thread cannot be stopped, so it checks
        before each timer; nothing scheduled; an error, said in the log)."""
        before = run.feed.received
        try:
            for _ in range(STEP_TIMERS_MAX):
                if stopped():
                    return False
                if not run.time.step():
                    run.feed.note("nothing is scheduled: no next event", "note")
                    return False
                if run.feed.received != before:
                    return True
        except Exception as exc:
            run.feed.note(f"step failed: {exc_text(exc)}", "error")
            return False
        return True
