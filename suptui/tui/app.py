"""The playground app. A key's path is short: binding → action method → one Session call → events
→ the next drain folds them into the model → only the touched rows are redrawn.

The node keys (``k`` ``x`` ``s`` ``1 2 3`` ``r`` ``a`` ``d`` ``delete``) are the rows of one table,
:data:`~suptui.tui.nodeactions.NODE_ACTIONS`, all run down :meth:`SuptuiApp.node_action`. The run's
bookkeeping (which run, the drain into model, log lines, history and timeline, pause, speed and
steps) is :class:`~suptui.tui.runcontrol.RunControl`, which knows no Textual: the app drives it and
draws what each drain returns.

Nothing here runs on an engine thread. Engine events and supervisor replies arrive through the
run's :class:`~suptui.tui.feed.EventFeed`, which :meth:`SuptuiApp.drain_now` has the controller empty
about 30 times a second. Every action is guarded: an exception from the engine, a worker or user
code becomes a red log line, never a dead app.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from textual import events, work
from textual.app import App, ComposeResult
from textual.command import CommandPalette
from textual.containers import Container, Vertical
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from ..engine import Event
from ..engine.recording import Recording, RecordingStream
from ..gcpolicy import Collector
from ..safetext import visible
from ..treefile.bundled import notes_for
from ..treefile.errors import TreeFileError
from ..treefile.model import Tree
from .attachrun import AttachRun
from .attachview import AttachView
from .background import BackgroundRuns
from .bindings import APP_BINDINGS, FILTER_BINDINGS
from .commands import BindingCommands, NodeCommands, Palette
from .describe import LIMIT_S, Descriptions
from .details import OFFERED_IN_DETAILS, DetailsPane, NodeFacts, describe, frees_in_text
from .dialogs import ChoiceScreen, ConfirmScreen, HelpScreen
from .export import export_path, send_to_browser
from .feed import FeedLogHandler
from .guard import exc_text, guarded
from .header import (
    HeaderState,
    Pieces,
    PlaygroundHeader,
    header_content,
    header_pieces,
    root_ended_at,
    root_ended_line,
    title_width,
)
from .history import History, Moment
from .lanekeys import LaneKeys
from .lanes import LanesView
from .lanescreen import LanesScreen
from .learnkeys import LearnKeys
from .liverun import LiveRun, RunFactory, paced_runs
from .livetimeline import LiveTimeline
from .logview import EventLog
from .model import Changes, NodeView, TreeModel
from .narrate import LogLine, banner_text, format_t
from .nodeactions import NODE_ACTIONS, Act, NodeAction
from .panes import TreeBand
from .picker import NotesScreen, PickerScreen
from .predictmode import PredictMode
from .replayrun import ReplayRun
from .rules import Situation, off_among, offers, refusals_in, why_not
from .runcontrol import Batch, RunControl
from .sources import default_bundled, default_loader
from .travelkeys import TravelKeys
from .treeload import TooSlow, TreeLoads
from .treeview import SupervisionTree

log = logging.getLogger(__name__)

BACKGROUND_STOP_S = 10.0
"""How long quitting waits for a cancelled comparison run to shut its runtimes down (it checks between
timers, so it normally takes milliseconds)."""

Loader = Callable[[str], Tree]

LOUD_FOLD_EVENTS = 200_000
"""A recording this long takes a second or more to fold before the replay opens: say so on stderr."""


def load_error_text(exc: Exception) -> str:
    """What a failed tree load says. The loader's own errors and the built-in ones (``OSError``) are
    ours to ``str``; anything else escaped from a user's module, whose ``__str__`` must not run on
    the UI thread, is named by its type."""
    ours = type(exc).__module__ == "builtins" and all(isinstance(arg, str | int) for arg in exc.args)
    if isinstance(exc, TreeFileError | TooSlow) or ours:
        return str(exc) or type(exc).__name__
    return f"{type(exc).__name__} while loading"


class FilterInput(Input):
    """The ``/`` bar: typing filters live, Enter keeps the filter, Escape clears it."""

    BINDINGS = FILTER_BINDINGS


class SuptuiApp(AttachView, TravelKeys, LaneKeys, LearnKeys, App[int]):
    """A live supervision tree you can kill, switch and slow down, and its timeline; or a recording.

    The timeline keys (``t`` ``T`` ``<`` ``>`` ``S``) live in :class:`LaneKeys`, predict and compare
    (``p`` ``c``) in :class:`LearnKeys`, time travel and why (``,`` ``[`` ``]`` ``g`` ``j`` ``n`` ``w``)
    in :class:`TravelKeys`; the node keys' rows in :mod:`.nodeactions`; the run's state in ``runs``.
    """

    CSS_PATH = "suptui.tcss"
    TITLE = "suptui"
    BINDINGS = APP_BINDINGS
    COMMANDS = App.COMMANDS | {BindingCommands, NodeCommands}
    DRAIN_HZ = 30
    IDLE_DRAIN_HZ = 10
    """The drain's rate once nothing has happened for :attr:`IDLE_AFTER_TICKS` drains: the clock's
    own idle rate (:attr:`CLOCK_IDLE_S`). A key, a mouse event or a drain that found something puts it
    back to :attr:`DRAIN_HZ` at once."""
    IDLE_AFTER_TICKS = 30
    DETAILS_EVERY_TICKS = 6
    CLOCK_IDLE_S = 0.1
    """While nothing but time happens, the header's clock is redrawn this often (wall seconds)."""
    projector = False
    """Projector mode (``--projector``): the log first and tallest, a solid cursor row, bold reversed
    crash lines, a longer crash flash. Set before the app runs (it is a class on ``#main``)."""

    def __init__(self, tree: Tree | None, source: str | None = None, *, run_factory: RunFactory | None = None,
                 speed: float = 1.0, paused: bool = False, seed: int = 0,
                 wall: Callable[[], float] = time.monotonic, export_dir: Path | str = "exports",
                 log_cap: int = 5000, loader: Loader | None = None,
                 bundled: Callable[[], list[Any]] | None = None, predict: bool = False,
                 replay: ReplayRun | None = None, collector: Collector | None = None,
                 attach: AttachRun | None = None) -> None:
        super().__init__()
        self.attached = attach
        """A live program attached to (``suptui attach``; see :mod:`.attachview`), or None."""
        self.collector = collector
        """The garbage collector policy (see :mod:`suptui.gcpolicy`): ``run_app`` gives one, so the real app
        keeps collections off while a tree starts and freezes the started tree; None leaves the
        collector alone (tests, embedders)."""
        self.current_tree = tree if replay is None else replay.tree
        self.source = source
        self.seed = seed
        self.runs = RunControl(run_factory or paced_runs(seed), speed=speed, paused=paused, log_cap=log_cap,
                               root_ended=root_ended_at)
        """The run's bookkeeping (which run, its model, history and timeline, the drain, time control)."""
        self.replay = replay
        # laid out by start_run at mount (a tree of 100,000 workers is laid out once, not twice)
        self.runs.live_model = TreeModel() if replay is None else replay.model
        self.model = self.live_model
        """The tree shown: ``live_model``, or a moment of the past (time travel)."""
        self.moment: Moment | None = None
        """The moment of the past shown, or None for now."""
        self.wall = wall
        self.export_dir = Path(export_dir)
        self.log_cap = log_cap
        self.loader = loader or default_loader
        self.loads = TreeLoads(self)
        """Tree files are loaded off the UI thread, under a time limit (``R``, the picker)."""
        self.bundled = bundled
        self._header = HeaderState(speed=speed, paused=paused)
        self._details_key: tuple[Any, ...] | None = None
        self._clock_drawn = 0.0
        """When (``time.monotonic``) the header was last redrawn."""
        self._input_at = 0.0
        """When (``time.monotonic``) the last key or mouse event came: the screen is being redrawn
        for it anyway, so the clock keeps its full rate in those frames."""
        self._ticks = 0
        self._drain_timer: Timer | None = None
        self._drain_slow = False
        """The drain runs at :attr:`IDLE_DRAIN_HZ` (nothing happened for a while), not :attr:`DRAIN_HZ`."""
        self._quiet_ticks = 0
        """Timer drains in a row that found nothing to fold and came with no key or mouse event."""
        self._happened = False
        """The last drain folded something (an event or a log line)."""
        self._windows_open_until = -float("inf")
        """Until when (tree time, ms) a restart window shown in the tree may still lose a stamp: the tree
        is redrawn by the second until then (a run whose restarts are all long past has none to age)."""
        self._details_tick = 0
        self._details_due = False
        """An answer to a describe question came: redraw the details at this drain, throttled or not."""
        self.descriptions = Descriptions(self._no_run)
        """Workers' descriptions of their state, asked for off the UI thread (replaced per run)."""
        self._markers = 0
        self._log_handler = FeedLogHandler(lambda text: self.note(text, "error"))
        self._torn_down = False
        self.background = BackgroundRuns()
        """Runs off the UI thread with engine threads of their own (``c``); quitting stops them."""
        self.predict_mode = PredictMode(at_start=predict)
        """Predict mode (``p``): where the exercise is, the prediction locked in, the run's events."""

    # ------------------------------------------------------------------ the run's state, kept by self.runs

    @property
    def live(self) -> LiveRun | ReplayRun | None:
        """The run shown: a live one, or a replay (which has no session: the rules refuse what needs one)."""
        return self.runs.run

    @property
    def live_model(self) -> TreeModel:
        """The tree now, folded from every drained event (a replay's: at its end)."""
        return self.runs.live_model

    @live_model.setter
    def live_model(self, model: TreeModel) -> None:
        self.runs.live_model = model

    @property
    def history(self) -> History | None:
        """The run's events and checkpoints of its tree, for time travel (a replay's, or the live run's)."""
        return self.runs.history

    @property
    def timeline(self) -> LiveTimeline:
        """The current run's timeline, fed by the drain like the view-model; the lanes draw it."""
        return self.runs.timeline

    @property
    def _paused(self) -> bool:
        """Whether the next run starts paused (the last pause state set)."""
        return self.runs.paused

    @_paused.setter
    def _paused(self, paused: bool) -> None:
        self.runs.paused = paused

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        yield PlaygroundHeader()
        yield Static(id="banner", markup=False)
        with Container(id="main", classes="-projector" if self.projector else ""):
            with TreeBand(id="band"):
                tree = SupervisionTree(self.model, self.budget_of, id="tree")
                if self.projector:
                    tree.use_projector()
                yield tree
                yield LanesView(self.timeline, tree, follow=True, id="lanes")
            with Vertical(id="side"):
                yield DetailsPane(id="details")
                yield EventLog(self.log_cap, id="log")
        yield FilterInput(placeholder="filter tree and log by path (Enter keeps, Esc clears)", id="filter")
        yield Footer()

    @property
    def tree_view(self) -> SupervisionTree:
        return self.query_one("#tree", SupervisionTree)

    @property
    def event_log(self) -> EventLog:
        return self.query_one("#log", EventLog)

    def on_mount(self) -> None:
        self.query_one("#tree").border_title = "supervision tree"
        self.lanes_pane.border_title = self.lanes_title()
        self.query_one("#details").border_title = "details"
        self.query_one("#log").border_title = "log"
        logger = logging.getLogger("suptui")
        logger.addHandler(self._log_handler)
        self._drain_timer = self.set_interval(1 / self.DRAIN_HZ, self._tick)
        self.tree_view.followers.append(self._cursor_moved)
        self.tree_view.focus()
        if self.attached is not None:
            self.start_attach(self.attached)
        elif self.replay is not None:
            self.start_replay(self.replay)
        elif self.current_tree is not None:
            self.start_run(self.current_tree, predict=self.predict_mode.at_start)
        else:
            self._open_picker()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseEvent):
            self._input_at = time.monotonic()
            self._drain_rate(slow=False)
        await super().on_event(event)

    def format_title(self, title: str, sub_title: str) -> Content:
        return header_content(title, self._header, title_width(self.size.width))

    def header_pieces(self) -> Pieces:
        """What the header shows (:func:`format_title`) in pieces: before the clock, the clock, after."""
        return header_pieces(self.title, self._header, title_width(self.size.width))

    # ------------------------------------------------------------------ runs

    def start_run(self, tree: Tree, *, predict: bool = False, fresh_log: bool = False,
                  marker: str | None = None) -> None:
        """Lay out ``tree`` and start it on a fresh run (a new clock from t = 0).

        With ``predict`` the run starts paused, keeps all its events, and the predict grid opens once
        the tree is up; otherwise any pending prediction is dropped. The run it replaces (``R``, ``p``,
        a tree picked with ``o``) is stopped here, so no caller can leave one running; its last events
        are drained first. ``fresh_log`` starts the log over; ``marker`` is a line that says why.
        """
        previous = self.live
        if previous is not None:
            self.drain_now()
            previous.stop()
            self.query_one("#banner", Static).remove_class("-shown")
        if self.collector is not None:
            if previous is not None:
                self.collector.release()  # the old tree's cycles go now, not frozen for ever
            self.collector.hold()  # no full collections over the tree while it is laid out and starts
        if fresh_log:  # a new tree, a new log: the old run's lines would read as this run's
            self.event_log.clear()
        if marker is not None:
            self.event_log.append([LogLine(0, "marker", marker)])
        self.current_tree = tree
        self.predict_mode.run_started(predict)
        if predict:
            self._paused = True
        self.title = visible(f"suptui · {tree.title or self._source_name() or tree.root.id}")
        if self.moment is not None:
            self.moment = None
            self.event_log.show_live()
        self.model = self.runs.load(tree)
        view = self.tree_view
        view.model = self.model
        view.collapsed.clear()
        view.flashes.clear()
        view.rebuild()
        view.select(self.model.root)
        run = self.runs.open(tree, paused=self._paused or tree.paused)
        self._windows_open_until = -float("inf")  # a new run: no restart yet
        if (self._paused or tree.paused) and not predict:
            self.note("paused: press space to start", "note")
        self.descriptions = self._descriptions_for(run)
        run.start()
        self.drain_now()

    def start_replay(self, run: ReplayRun) -> None:
        """Show a recording, at its end: the tree folded from its events, the log's last lines, the lanes
        of its last seconds. Nothing runs; ``space`` plays it again from the start."""
        self.runs.show_replay(run)
        run.take_loaded()  # what the loader has folded by now (its first chunk, usually)
        title = run.recording.header.title or self._source_name() or "run"
        self.title = visible(f"suptui · replay · {title}")
        self.model = self.live_model = run.model
        view = self.tree_view
        view.model = self.model
        view.rebuild()
        view.select(self.model.root)
        end = self.moment_at(run.history.count)
        self.event_log.append(end.lines)
        self._pin_lanes(end)
        if run.loading is not None:
            self.runs.loading_notes = []
            self.note(f"replay of {self.source or 'a recording'}: loading (what is read so far is shown, "
                      "and , [ ] g j travel over it)", "note")
        elif run.error is not None:
            self._replay_failed(run)
        else:
            self._replay_loaded(run)
        self._update_banner()
        self.drain_now()

    def _replay_loaded(self, run: ReplayRun) -> None:
        self.note(f"replay of {self.source or 'a recording'}: {len(run.recording.events):,} events, "
                  f"{format_t(run.end_ms)} s; nothing runs (keys that act on a live tree are off); "
                  ", [ ] g j travel in time, space plays, w explains a crash", "note")

    def _replay_failed(self, run: ReplayRun) -> None:
        shown = len(run.recording.events)
        self.note(f"{run.error} (the replay shows the {shown:,} events before it)", "error")

    def _take_loaded(self, run: ReplayRun) -> None:
        """A replay loading: show what the loader delivered since the last drain (UI thread; no wait).

        Now moves to the newest moment loaded (the tree, the log's last lines, the lanes); a moment of
        the past stays on screen, and only the "now" it is in the past of moves. Once everything is
        loaded, the log is the one a replay folded at open shows."""
        got = run.take_loaded()
        if got is None:
            return
        self.live_model = run.model
        end = self.moment_at(run.history.count)
        notes = self.runs.loading_notes if run.loading is not None and self.runs.loading_notes else []
        self.event_log.replace(end.lines + notes)
        if self.moment is None:
            self._show_model(self.live_model)
            self._pin_lanes(end)
        if run.loading is None:
            self.runs.loading_notes = None
            if got.error is not None:
                self._replay_failed(run)
            elif got.finished:
                self._replay_loaded(run)

    def _source_name(self) -> str:
        return Path(self.source).stem if self.source else ""

    def teardown(self) -> None:
        """Stop the tree and every thread of ours. Safe to call more than once."""
        if self._torn_down:
            return
        self._torn_down = True
        self.loads.abandon()
        logging.getLogger("suptui").removeHandler(self._log_handler)
        if self.live is not None:
            self.live.stop()
        if not self.background.stop_all(timeout_s=BACKGROUND_STOP_S):
            log.warning("background runs still going after %s s", BACKGROUND_STOP_S)
        if self.collector is not None and self.collector.holding:
            self.collector.settle()  # collection back on; what is frozen stays so (the process ends)

    # ------------------------------------------------------------------ the drain

    def _tick(self) -> None:
        try:
            if self._resting():
                return
            self.drain_now(throttle=True)
            typing = time.monotonic() - self._input_at < self.CLOCK_IDLE_S * 3
            self._quiet_ticks = 0 if self._happened or typing else self._quiet_ticks + 1
            self._drain_rate(slow=self._quiet_ticks >= self.IDLE_AFTER_TICKS)
        except Exception as exc:  # a bug of ours must not kill the playground either
            log.debug("drain failed", exc_info=True)
            self.note(f"display update failed: {exc!r}", "error")

    def _note_windows(self, events: list[Event]) -> None:
        """Restarts drained: their supervisors' windows age for ``max_seconds`` (and a second's slack)."""
        for event in events:
            if not getattr(event, "stamps", None):
                continue
            node = self.live_model.nodes.get(event.path)
            parent = self.live_model.nodes.get(node.parent or "") if node is not None else None
            seconds = parent.max_seconds if parent is not None and parent.max_seconds is not None else None
            if seconds is None:
                self._windows_open_until = float("inf")
                return
            until = event.t + (seconds + 2) * 1000
            self._windows_open_until = max(self._windows_open_until, until)

    def _drain_rate(self, *, slow: bool) -> None:
        """Run the drain timer at :attr:`IDLE_DRAIN_HZ` (``slow``) or :attr:`DRAIN_HZ`.

        An idle app drained 30 times a second for nothing; once nothing has happened for a second
        it drains at the clock's idle rate, and any key, mouse event or drained event brings the
        full rate back at once (the key's own drain runs in its handler, not on the timer)."""
        if slow == self._drain_slow or self._drain_timer is None:
            return
        if not slow:
            self._quiet_ticks = 0
        self._drain_slow = slow
        self._drain_timer.stop()
        self._drain_timer = self.set_interval(1 / (self.IDLE_DRAIN_HZ if slow else self.DRAIN_HZ), self._tick)

    def _resting(self) -> bool:
        """Nothing can have changed since the last drain: a live run paused and idle (no event, note or
        reply queued, no flash to expire, no describe answer, nothing deferred, no load): the timer's
        drain is skipped."""
        run = self.live
        return (self._drain_slow and isinstance(run, LiveRun) and run.time.paused and self.moment is None
                and not run.feed.pending() and not self._details_due and not self.tree_view.flashes
                and not self.timeline.backlog and not run.spool.pending and self.loads.waiting is None
                and (self.collector is None or not self.collector.holding))

    def drain_now(self, throttle: bool = False) -> None:
        """Fold everything the engine said since the last drain into the model and the screen.

        The timer drains with ``throttle``: the details pane then redraws at most every few ticks.
        Any other drain (after a key, or in a test) shows everything at once, so what is on screen
        depends only on the engine's state, never on how many timer ticks happened to run.
        """
        run = self.live
        if run is None:
            return
        if isinstance(run, ReplayRun):
            if run.loading is not None:
                self._take_loaded(run)
            self._play(run)
        elif isinstance(run, AttachRun):
            self.take_attached(run)
        now_before = run.clock.now_ms()
        up_before = isinstance(run, LiveRun) and run.up.is_set()
        batch = self.runs.drain()
        if batch is not None:
            if batch.events and isinstance(run, LiveRun):
                self.predict_mode.record(batch.events)
                self._note_windows(batch.events)
            self._draw(batch)
        self._ticks += 1
        self.tree_view.expire_flashes(self.wall())
        happened = self._happened = batch is not None and bool(batch.events or batch.lines)
        if happened:
            self._drain_rate(slow=False)
        typing = time.monotonic() - self._input_at < self.CLOCK_IDLE_S * 3
        self._update_header(run, clock_only_due=not throttle or happened or typing or self._drain_slow)
        every = self.DETAILS_EVERY_TICKS  # ticks, at the full rate: as often in wall time when slow
        if self._drain_slow:
            every = max(1, round(every * self.IDLE_DRAIN_HZ / self.DRAIN_HZ))
        regular = not throttle or self._ticks - self._details_tick >= every
        if regular:
            self._details_tick = self._ticks  # asked or not, redrawn or not: the next is ticks away
        if regular or self._details_due:
            self._update_details(run, ask=regular)
        # The start's deferred work goes on at the timer's drains only: a drain for a key (a kill in a
        # storm, a step) must not also spend a catch-up slice before the key's frame is drawn.
        catching_up = self.runs.catch_up() if throttle else self.runs.behind()
        self.tick_lanes()
        if isinstance(run, LiveRun):
            self.predict_step(run, now_before)
        if up_before and not catching_up and self.collector is not None and self.collector.holding:
            # the start is over, every event it made is folded, and the timeline it deferred is
            # built (a 100,000-lane timeline left unfrozen was a second-long full collection later)
            self.collector.settle()

    def _play(self, run: ReplayRun) -> None:
        """A replay playing: show the moment its clock has reached (the end of the recording is now)."""
        if run.time.paused or self.history is None:
            return
        t = run.time.tick()
        if t >= run.end_ms:
            if self.moment is not None:
                self.back_to_now()
            return
        n = self.history.moment_at_time(t)
        if self.moment is not None and self.moment.n == n:
            self.moment.t = t  # no event in between: only the clock moved
            self.timeline.pin(self.timeline.model, t)
            return
        if not self._advance(n, t):
            self._show(self.moment_at(n, t))

    def _draw(self, batch: Batch) -> None:
        """A drained batch on screen: the log's new lines, and the rows it changed (unless the past is
        shown: the live rows are rebuilt on the way back to now)."""
        self.event_log.append(batch.lines)
        if self.moment is not None:
            return
        self.tree_view.apply(batch.changes, self.wall())
        if self.model.root in batch.changes.paths:
            self._update_banner()
        if self.tree_view.cursor_path is None and self.model.root is not None:
            self.tree_view.select(self.model.root)

    def notify_text(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
                    timeout: float | None = None) -> None:
        """``notify`` for text that may hold anything (a tree file's problems, a worker's message):
        control characters made visible and no markup parsing (``App.notify`` parses by default)."""
        self.notify(visible(message, keep_newlines=True), title=visible(title), severity=severity,
                    timeout=timeout, markup=False)

    def note(self, text: str, kind: str = "note") -> None:
        """A log line that is not an engine event. Any thread; shows at the next drain (in the past,
        once back to now)."""
        self.runs.note(text, kind)

    # ------------------------------------------------------------------ header, banner, details

    def budget_of(self, path: str) -> tuple[int, int, int] | None:
        run = self.live
        if run is None:
            return None
        return self.model.budget(path, self.shown_ms(), run.intensity_phase)

    def _update_header(self, run: LiveRun | ReplayRun, *, clock_only_due: bool = True) -> None:
        """Redraw the header if what it says changed.

        When only the clock moved and nothing else happened (no event, no key: ``clock_only_due``
        false), the clock is redrawn every :attr:`CLOCK_IDLE_S` of wall time rather than at every
        drain: a frame costs Textual a few milliseconds however small the change, and an idle app
        that redraws its clock 30 times a second keeps a tenth of a core busy.
        """
        root = self.model.nodes.get(self.model.root or "")
        past_of = None
        if self.moment is not None:
            past_of = float(run.end_ms) if isinstance(run, ReplayRun) else run.clock.now_ms()
        state = HeaderState(
            t_ms=self.shown_ms(), speed=run.time.speed, paused=run.time.paused,
            root=root.id if root is not None else "root",
            budget=self.budget_of(root.path) if root is not None else None,
            needle=self.tree_view.needle, replay=isinstance(run, ReplayRun), past_of=past_of,
            loading=self._loading_label(run), attached=self.attach_badge(),
            given=self._given_strategy(), strategy=root.strategy if root is not None else None)
        if state != self._header:
            wall = time.monotonic()
            only_time = dataclasses.replace(state, t_ms=self._header.t_ms) == self._header
            if only_time and isinstance(self.screen, ModalScreen):
                # Behind a dialog (help, a question, predict) a clock frame makes Textual repaint
                # the whole dimmed screen under it (~30 ms); the clock catches up when it closes.
                return
            if not clock_only_due and wall - self._clock_drawn < self.CLOCK_IDLE_S and only_time:
                return  # only the clock moved, and it was drawn a moment ago
            self._clock_drawn = wall
            if (int(state.t_ms // 1000) != int(self._header.t_ms // 1000)
                    and (state.t_ms <= self._windows_open_until or not isinstance(run, LiveRun))):
                self.tree_view.refresh()  # restart stamps leave the budget windows by the second
            clock_only = dataclasses.replace(state, t_ms=self._header.t_ms) == self._header
            self._header = state
            headers = [self.query_one(PlaygroundHeader)]
            if isinstance(self.screen, LanesScreen):
                headers += self.screen.query(PlaygroundHeader)
            for header in headers:
                if clock_only:
                    header.tick(state.t_ms)  # the clock's cells alone, no layout
                else:
                    header.redraw()

    def _given_strategy(self) -> str | None:
        """The root's strategy as the tree file (or a recording's skeleton of it) gave it: the header's
        title may name it, and must not once the root's strategy was switched (see :mod:`.header`)."""
        tree = self.current_tree
        if tree is None or self.attached is not None or not tree.root.is_supervisor:
            return None
        return tree.root.strategy

    @staticmethod
    def _loading_label(run: LiveRun | ReplayRun) -> str | None:
        if not isinstance(run, ReplayRun):
            return None
        if run.loading is not None:
            return f"loading {int(run.loading * 100)} %"
        return "partial" if run.error is not None else None

    @property
    def status_text(self) -> str:
        """The header's live part as plain text (clock, speed, PAUSED, budget, filter)."""
        return self._header.plain()

    def _update_banner(self) -> None:
        banner = self.query_one("#banner", Static)
        situation = self.situation()
        text = banner_text(self.model, self.source, replay=self.replay is not None,
                           restart_off=why_not("restart_tree", (), situation) if self.source else None)
        next_line = root_ended_line(self.model, lambda action: offers(action, situation)) \
            if self.replay is None else None
        if self.attached is not None:
            next_line, text = self.attach_banner()
        if text is None:
            banner.remove_class("-shown")
        else:
            text = visible(text)  # a markup=False Static: only control characters to fear
            banner.update(f"{next_line}\n{text}" if next_line else text)
            banner.add_class("-shown")

    def _update_details(self, run: LiveRun | ReplayRun, *, ask: bool = True) -> None:
        """Redraw the details if anything they show changed (a re-render costs a layout pass).

        ``ask``: put a new describe question to the selected worker if none is in flight. A redraw
        because an answer came does not ask again, or a quick worker would be asked at every drain.
        """
        self._details_due = False
        path = self.tree_view.cursor_path
        node = self.model.nodes.get(path or "")
        if node is None:
            if self._details_key != ():
                self.query_one("#details", DetailsPane).show("")
                self._details_key = ()
            return
        state = self._state_of(run, node, ask=ask)
        parent = self.model.nodes.get(node.parent or "")
        budget = self.budget_of(node.path)
        parent_budget = self.budget_of(parent.path) if parent is not None else None
        now = self.shown_ms()
        acting = isinstance(run, LiveRun) and self.moment is None
        off = off_among(OFFERED_IN_DETAILS, self.situation()) if acting else frozenset()
        # What the pane shows, and nothing else: the clock only through "next frees in 2.6 s", a
        # supervisor's children only through how many run (the model's epoch says whether any changed)
        key = (path, id(self.model), node.version, budget, parent_budget, state,
               frees_in_text(node, budget, now, run.intensity_phase),
               parent.version if parent is not None else 0,
               self.model.epoch if node.is_supervisor else 0, acting, off)
        if key == self._details_key:
            return
        self._details_key = key
        self._details_tick = self._ticks
        facts = NodeFacts(node, budget, parent_budget, state, now, acting, phase_s=run.intensity_phase,
                          off=off)
        self.query_one("#details", DetailsPane).show(describe(facts, self.model))

    def _state_of(self, run: LiveRun | ReplayRun, node: NodeView, *, ask: bool = True) -> str | None:
        """The worker's own description of its state, as last answered (see :mod:`.describe`).

        Never calls the worker: its ``describe_state`` may block or raise ``SystemExit``, and this
        is the UI thread.
        """
        if not node.running or node.is_supervisor or not isinstance(run, LiveRun) or self.moment is not None:
            return None  # a replay's workers, or the past's, cannot be asked
        pid = run.session.pid_of(node.path)
        return self.descriptions.shown(pid, ask=ask) if pid is not None else None

    # ------------------------------------------------------------------ describe questions

    @staticmethod
    def _no_run(pid: Any) -> Future:
        future: Future = Future()
        future.set_result(None)
        return future

    def _descriptions_for(self, run: LiveRun) -> Descriptions:
        """Questions go to ``run``'s runtime; answers queue a redraw through ``run``'s feed (the
        futures' callbacks run on engine threads, which never touch a widget)."""

        def answered() -> None:
            run.feed.call_soon(self._description_came)

        return Descriptions(run.session.runtime.describe_state_async, changed=answered,
                            started=self._start_time_limit)

    def _description_came(self) -> None:
        self._details_due = True

    def _start_time_limit(self, pid: Any, future: Future) -> None:
        """The UI side of the time limit: past it, a question still in flight shows as busy."""
        descriptions = self.descriptions

        def overdue() -> None:
            current = descriptions is self.descriptions and self.live is not None
            if current and descriptions.expire(pid, future) and self.live is not None:
                self._update_details(self.live, ask=False)

        self.set_timer(LIMIT_S, overdue)

    def on_supervision_tree_selected(self, message: SupervisionTree.Selected) -> None:
        if self.live is not None:
            self._update_details(self.live)

    def _cursor_moved(self) -> None:
        """The tree's cursor (or rows, or scroll) changed, called from inside the key's handler: the
        details follow at once, so the cursor and the details it selects are painted in one frame
        (by the ``Selected`` message they came one screen update later, 15–30 ms)."""
        shown = self._details_key[0] if self._details_key else None
        if self.live is not None and self.tree_view.cursor_path != shown:
            self._update_details(self.live)

    def select_node(self, path: str) -> None:
        """Select ``path``, unfolding its ancestors and dropping a filter that hides it."""
        view = self.tree_view
        parent = self.model.nodes[path].parent if path in self.model.nodes else None
        while parent is not None:
            view.collapsed.discard(parent)
            parent = self.model.nodes[parent].parent if parent in self.model.nodes else None
        if view.needle and view.needle.lower() not in self.model.display(path).lower():
            self.action_clear_filter()
        view.rebuild()
        view.select(path)
        view.focus()

    # ------------------------------------------------------------------ helpers for actions

    def _selected(self) -> NodeView | None:
        return self.model.nodes.get(self.tree_view.cursor_path or "")

    def _live(self) -> LiveRun:
        if not isinstance(self.live, LiveRun):
            raise RuntimeError("no tree is running")
        return self.live

    def _run(self) -> LiveRun | ReplayRun:
        """The run shown, live or replayed (for what both have: time knobs, notes, export)."""
        if self.live is None:
            raise RuntimeError("no tree is running")
        return self.live

    def _confirm(self, question: str, then: Callable[[], None], label: str = "Kill") -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                guarded(lambda app: then())(self)

        self.push_screen(ConfirmScreen(question, label), answered)

    def situation(self) -> Situation:
        """What the keys' rules look at now (see :mod:`.rules`)."""
        live = self.live
        return Situation(self.model, self._selected(), running=live is not None,
                         paused=live is not None and live.time.paused, has_source=self.source is not None,
                         replay=self.replay is not None,
                         past_t=float(self.moment.t) if self.moment is not None else None,
                         attached=self.attached is not None, acting_off=self.attach_acting_off())

    def _why_not(self, action: str, params: tuple[Any, ...] = ()) -> str | None:
        return why_not(action, params, self.situation())

    def refusals(self) -> dict[str, str]:
        """The keys that act on a live tree and cannot here (a replay, the past), with why: the help
        screen and the palette show them so."""
        return refusals_in(self.situation())

    def applicable(self, action: str, params: tuple[Any, ...] = ()) -> bool:
        """For the command palette: offer only what makes sense now."""
        return self._why_not(action, params) is None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys always run, so a key that does not apply can say why in the log (palette filters)."""
        return True

    def _refuse(self, action: str, params: tuple[Any, ...] = ()) -> bool:
        reason = self._why_not(action, params)
        if reason is not None:
            self.note(reason, "note")
            self.drain_now()
            return True
        return False

    # ------------------------------------------------------------------ the selected node

    def action_kill(self) -> None:
        self.node_action("kill")

    def action_exit_reason(self) -> None:
        self.node_action("exit_reason")

    def action_cycle_strategy(self) -> None:
        self.node_action("cycle_strategy")

    def action_set_strategy(self, strategy: str) -> None:
        self.node_action("set_strategy", (strategy,))

    def action_restart_child(self) -> None:
        self.node_action("restart_child")

    def action_terminate_child(self) -> None:
        self.node_action("terminate_child")

    def action_delete_child(self) -> None:
        self.node_action("delete_child")

    def action_add_child(self) -> None:
        self.node_action("add_child")

    def node_action(self, name: str, params: tuple[Any, ...] = ()) -> None:
        """Every node key's one path (see :mod:`.nodeactions`): the row's rule, its questions, its
        confirm, then its one engine call."""
        row = NODE_ACTIONS[name]

        def begin() -> None:
            if not row.params_ok(params) or self._refuse(name, params):
                return
            target = row.target(self.model, self._selected())
            assert target is not None  # the rule let it through
            self._ask(row, Act(self.model, target, params))

        self._guard(name, begin)

    def _guard(self, name: str, step: Callable[[], None]) -> None:
        """One step of a node action (the key, an answer): an exception becomes a red log line naming
        the action (``kill failed: …``), as :func:`.guard.guarded` words it for the other keys."""
        try:
            step()
        except Exception as exc:
            log.debug("action %s failed", name, exc_info=True)
            self.note(f"{name} failed: {exc_text(exc)}", "error")

    def _ask(self, row: NodeAction, act: Act) -> None:
        """The row's next question; once all are answered, its confirm (if this target needs one),
        then the call. The selection is fixed at the key press: moving it meanwhile changes nothing."""
        if len(act.answers) < len(row.questions):
            question = row.questions[len(act.answers)]
            choices = question.choices(act)
            if not choices:
                self.note(question.none_left, "error")
                return

            def chosen(value: str | None) -> None:
                if value is not None:
                    self._guard(row.name, lambda: self._ask(row, act.answered(value)))

            self.push_screen(ChoiceScreen(question.title(act), choices, initial=question.initial), chosen)
            return
        confirm = row.confirm(act) if row.confirm is not None else None
        if confirm is None:
            self._send(row, act)
        else:
            self._confirm(confirm, lambda: self._guard(row.name, lambda: self._send(row, act)),
                          label=row.confirm_label)

    def _send(self, row: NodeAction, act: Act) -> None:
        """The row's one engine call; its reply is told as the row says (an outcome at once, a
        supervisor's reply when it comes, through the feed)."""
        run = self._live()
        before = run.feed.mark()
        sent = row.call(run.session, act)
        if sent.expect is not None:  # before any drain: its start event finds the definition
            self.live_model.expect(sent.expect)
        forget = sent.forget
        sent.tell(run.feed, then=(lambda: self._forget(forget)) if forget is not None else None,
                  before=before)
        if sent.at_once:
            self.drain_now()
        else:
            self._settle_soon()

    def _forget(self, path: str) -> None:
        """delete_child said ok: the tree now forgets the child (a past moment shown keeps it)."""
        changes = Changes()
        self.live_model.remove(path, changes)
        if self.moment is None:
            self.tree_view.apply(changes, self.wall())

    # ------------------------------------------------------------------ time

    @guarded
    def action_toggle_pause(self) -> None:
        if self._refuse("toggle_pause"):
            return
        run = self._run()
        if isinstance(run, LiveRun) and self.moment is not None and run.time.paused:
            self.back_to_now()  # resuming a live run resumes it now
        self.runs.toggle_pause()
        self.drain_now()

    @guarded
    def action_step(self) -> None:
        if self._refuse("step"):
            return
        if self.replay is not None or self.moment is not None:
            self.forward_event()
            return
        if self.runs.request_step():  # queued, not dropped: four quick presses step four times
            self._step(self._live())

    @work(thread=True, group="step")
    def _step(self, run: LiveRun) -> None:
        """The queued steps, on a worker thread: each may fire many timers (the engine's threads run
        them), so never on the UI thread. See :meth:`.runcontrol.RunControl.run_steps`."""
        worker = get_current_worker()
        self.runs.run_steps(run, lambda: worker.is_cancelled)

    @guarded
    def action_faster(self) -> None:
        if self._refuse("faster"):
            return
        self.runs.faster()
        self.drain_now()

    @guarded
    def action_slower(self) -> None:
        if self._refuse("slower"):
            return
        self.runs.slower()
        self.drain_now()

    # ------------------------------------------------------------------ view and record

    def action_filter(self) -> None:
        if isinstance(self.screen, LanesScreen):  # the bar lives beside the tree
            self.screen.dismiss(None)
        bar = self.query_one("#filter", FilterInput)
        bar.add_class("-shown")
        bar.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self._set_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            event.input.remove_class("-shown")
            self.tree_view.focus()

    def action_clear_filter(self) -> None:
        bar = self.query_one("#filter", FilterInput)
        bar.value = ""
        bar.remove_class("-shown")
        self._set_filter("")
        self.tree_view.focus()

    def _set_filter(self, needle: str) -> None:
        self.tree_view.set_filter(needle.strip())
        self.event_log.set_filter(needle.strip())
        if self.live is not None:
            self._update_header(self.live)

    @guarded
    def action_marker(self) -> None:
        self._markers += 1
        self._run()
        self.note(f"marker {self._markers} at t = {format_t(self.shown_ms())} s ──", "marker")
        self.drain_now()

    @guarded
    def action_export(self) -> None:
        run = self._run()
        self.drain_now()  # everything that happened up to the key press is in the spool
        name = self._source_name() or (self.current_tree.root.id if self.current_tree else "tree")
        self._export(run, export_path(self.export_dir, name, time.time()))

    @work(thread=True, group="export")
    def _export(self, run: LiveRun | ReplayRun, path: Path) -> None:
        try:
            # suptui serve: a download in the browser, not a file on the server
            count = send_to_browser(self, path.name, run.export) if self.is_web else run.export(path)
        except OSError as exc:
            run.feed.note(f"export failed: {exc}", "error")
        else:
            where = f"a download, {path.name}" if self.is_web else path
            run.feed.note(f"exported {count} events to {where}", "ok")

    # ------------------------------------------------------------------ the tree

    @guarded
    def action_restart_tree(self) -> None:
        if self._refuse("restart_tree"):
            return
        assert self.source is not None
        if self.loads.waiting is not None:
            self.note(f"still loading {self.loads.waiting}", "note")
        else:
            self.loads.start(self.loader, self.source, self._reload)
            self.note(f"loading {self.source} …", "note")
        self.drain_now()

    @guarded
    def _reload(self, result: Tree | Exception) -> None:
        """``R``'s load is done (UI thread): a fresh run on the new tree, or the current one kept."""
        if isinstance(result, TooSlow):
            self.note(str(result), "error")
            self.drain_now()
            return
        if isinstance(result, Exception):
            message = load_error_text(result)
            self.note(f"{self.source} has errors; the running tree is kept:", "error")
            for line in message.splitlines():
                self.note(f"  {line}", "error")
            self.notify_text(message, title=f"{self.source} not reloaded", severity="error", timeout=8)
            self.drain_now()
            return
        self.start_run(result, fresh_log=True, marker=f"── tree reloaded from {self.source} ──")

    def action_command_palette(self) -> None:
        """Textual's palette, as :class:`Palette` (one typed-ahead fault worked around)."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(Palette(id="--command-palette"))

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.refusals()))

    async def action_quit(self) -> None:
        self.teardown()
        self.exit(0)

    def action_open_tree(self) -> None:
        """``o``: the picker again; Esc in it goes back to the tree that is open."""
        if self.replay is not None:
            self.note("o opens a tree to run: not in a replay (run suptui TREE)", "note")
            return
        if self.attached is not None and self._refuse("open_tree"):
            return
        self._open_picker()

    def action_notes(self) -> None:
        """``N``: the current tree's notes (its file's opening comment), as plain text."""
        self.push_screen(NotesScreen(self.source or "this tree", notes_for(self.source)))

    def _open_picker(self) -> None:
        try:
            entries = (self.bundled or default_bundled)()
        except Exception as exc:
            entries = []
            self.notify_text(f"cannot list the bundled trees: {type(exc).__name__}", severity="error")
        if not entries:
            self.notify_text("no bundled trees found; pass a tree file", severity="error")
            return
        back = self.current_tree is not None

        def picked(value: str | None) -> None:
            if value is None:
                if not back:
                    self.exit(0)
                return
            self.notify_text(f"loading {value} …", timeout=2)
            self.loads.start(self.loader, value, lambda result: self._picked(value, result))

        current = Path(self.source).stem if self.source else None
        self.push_screen(PickerScreen("Open which tree?", entries, initial=current, back=back), picked)

    @guarded
    def _picked(self, source: str, result: Tree | Exception) -> None:
        """The picked tree's load is done (UI thread): run it, or say why not and pick again."""
        if isinstance(result, Exception):
            self.notify_text(load_error_text(result), title="cannot load tree", severity="error", timeout=8)
            self._open_picker()
            return
        opened = self.live is not None  # another tree, picked with o: a new log, as R's
        self.source = source
        self.start_run(result, predict=self.predict_mode.at_start, fresh_log=opened,
                       marker=f"── opened {source} ──" if opened else None)

    # ------------------------------------------------------------------ settling

    def _settle_soon(self) -> None:
        """Drain right after a call: replies and events usually arrive within a millisecond."""
        self.set_timer(0.005, self.drain_now)


def _run_to_the_end(app: SuptuiApp) -> int:
    """Run the app in this (the main) thread, tear it down whatever happens; its exit status."""
    try:
        result = app.run()
    finally:
        app.teardown()
    if isinstance(result, int):
        return result
    return app.return_code or 0


def run_app(tree: Tree | None, source: str | None, *, speed: float = 1.0, paused: bool = False,
            seed: int = 0, predict: bool = False, projector: bool = False) -> int:
    """Open the playground on ``tree`` (or a picker of bundled trees), in predict mode if asked, in
    projector mode if asked; returns the exit status."""
    collector = Collector()
    collector.hold()  # from here to the started tree's freeze: see suptui.gcpolicy
    app = SuptuiApp(tree, source, speed=speed, paused=paused, seed=seed, predict=predict, collector=collector)
    app.projector = projector or (tree is not None and tree.projector)
    return _run_to_the_end(app)


def run_replay_stream(stream: RecordingStream, source: str) -> int:
    """Open the app on a recording as it is read (``suptui replay RUN.jsonl``): ``stream`` has its
    header read; a thread reads and folds the rest, and the app opens once the first chunk is folded
    (the tree at that moment, its log), filling in as the rest comes. A bad line found later is one
    error line in the log; what came before it stays. Returns the exit status.
    """
    from ..treefile.skeleton import SkeletonError, tree_from_skeleton

    tree: Tree | None = None
    if stream.header.tree is not None:
        try:
            tree = tree_from_skeleton(stream.header.tree, source)
        except SkeletonError as exc:
            stream.close()
            print(f"{source}:1: {exc}")
            return 2
    run = ReplayRun(stream, tree, source)
    run.first_chunk.wait()  # not the UI thread: the app is not running yet (a third of a second)
    app = SuptuiApp(None, source, replay=run)
    return _run_to_the_end(app)


def run_replay(recording: Recording, source: str) -> int:
    """Open the app on a recording (``suptui replay RUN.jsonl``): the tree, log, details, lanes and
    gauges rebuilt from its events alone, at its end; returns the exit status.

    The recording is folded (checkpoints for time travel) before the app starts, so the UI thread
    never does it: about 4 s for a million events on a small machine.
    """
    from ..treefile.skeleton import SkeletonError, tree_from_skeleton

    tree: Tree | None = None
    if recording.header.tree is not None:  # without it, the nodes come from the start events alone
        try:
            tree = tree_from_skeleton(recording.header.tree, source)
        except SkeletonError as exc:
            print(f"{source}:1: {exc}")
            return 2
    if len(recording.events) >= LOUD_FOLD_EVENTS:  # seconds before the app shows: say why
        print(f"suptui: folding {len(recording.events):,} events of {source} …", file=sys.stderr, flush=True)
    app = SuptuiApp(None, source, replay=ReplayRun(recording, tree, source))
    return _run_to_the_end(app)
