"""Time travel: ``,`` ``[`` ``]`` ``{`` ``}`` ``g`` ``j`` ``n`` (and ``.`` in the past), picking a log
line or a crash on a lane, and ``w``, the why of a crash.

A mixin of :class:`~suptui.tui.app.SuptuiApp`. The app's :class:`~suptui.tui.history.History` keeps
the run's events and checkpoints of its tree; showing a moment is one ``History.moment`` (nearest
checkpoint + the events after it) and one ``History.lanes``, then the widgets draw that moment's
model instead of the live one: the tree, the details and the budget gauges read ``app.model``, the
lanes read the pinned timeline, the log shows the lines around the moment with its line highlighted.
``n`` puts the live model back. A live run is paused before it travels: the past is looked at, not
raced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..engine.protocol import Ended, Kill
from ..story.why import explain_lines, why
from .guard import guarded
from .history import Moment
from .lanes import LanesView
from .logview import EventLog
from .model import Changes
from .narrate import format_t
from .whyscreen import GotoScreen, WhyScreen

if TYPE_CHECKING:
    from .app import SuptuiApp

ADVANCE_MAX = 64
"""Up to this many events forward, the moment shown is moved on in place rather than sought."""

GAUGE_MARGIN_MS = 61_000
"""How far before the lanes' window a past timeline starts, at most, so the gauges count the restarts
still in their window (max_seconds; bounded by the supervisors' own, see ``_margin_ms``)."""


class TravelKeys:
    """Showing a moment of the past, and the keys that move it."""

    # ------------------------------------------------------------------ where we are

    @property
    def in_past(self: SuptuiApp) -> bool:
        return self.moment is not None

    def shown_ms(self: SuptuiApp) -> float:
        """The time the screen shows: the moment's, or the run's clock."""
        if self.moment is not None:
            return float(self.moment.t)
        return self.live.clock.now_ms() if self.live is not None else 0.0

    def _now_point(self: SuptuiApp) -> tuple[int, int]:
        """(events, time) of now: everything drained, at the clock's time (a replay's end)."""
        assert self.history is not None
        return self.history.count, int(self.live.clock.now_ms() if self.live is not None else 0)

    def _point(self: SuptuiApp) -> tuple[int, int]:
        if self.moment is not None:
            return self.moment.n, self.moment.t
        if self.replay is not None:
            return self.history.count if self.history else 0, self.replay.end_ms
        return self._now_point()

    def _can_travel(self: SuptuiApp) -> bool:
        if self.history is None or self.live is None:
            self.note("nothing to travel over: no run yet", "note")
            self.drain_now()
            return False
        if self.replay is None and not self.live.time.paused:
            self.runs.set_paused(True)  # the past is looked at, not raced: a live run pauses
            self.drain_now()
        return True

    # ------------------------------------------------------------------ moving

    def travel_to(self: SuptuiApp, n: int, t: int | None = None) -> None:
        """Show the moment right after event ``n`` (at time ``t``, default the event's); at or past
        the last event and its time, that is now."""
        history = self.history
        assert history is not None
        end_n, end_t = self._end_point()
        n = history.clamp(n)
        t = history.time_of(n) if t is None else t
        if n >= end_n and t >= end_t:
            self.back_to_now()
            return
        if not self._advance(n, t):
            self._show(self.moment_at(n, t))

    def _advance(self: SuptuiApp, n: int, t: int) -> bool:
        """A few events forward (``.``, playing): apply them to the moment shown instead of seeking.

        The moment's model is its own copy, its log lines after the moment were narrated already and
        its lanes' timeline holds everything up to it, so moving forward is the events in between.
        False when that does not hold (backwards, too far, or past the lines narrated)."""
        moment, history = self.moment, self.history
        if moment is None or history is None or not moment.n <= n <= moment.n + ADVANCE_MAX:
            return False
        if moment.current + (n - moment.n) >= len(moment.lines) - 1 or self.timeline.pinned is None:
            return False
        changes = Changes()
        lanes = self.timeline.model
        for i in range(moment.n + 1, n + 1):
            event = history.event(i)
            if event is None:
                return False
            moment.model.apply(event, changes)
            lanes.feed(event)
        moment.current += n - moment.n
        moment.n, moment.t = n, max(t, history.time_of(n))
        self.tree_view.apply(changes, self.wall())
        self.event_log.show_past(moment.lines, moment.lines[moment.current])
        self.timeline.pin(lanes, moment.t)
        if self.replay is not None:
            self.replay.time.seek(moment.t)
        self._update_banner()
        self.drain_now()
        return True

    def moment_at(self: SuptuiApp, n: int, t: int | None = None) -> Moment:
        """The moment after event ``n``, with what its lanes need (the window on screen, plus the
        longest restart window so the gauges count every restart still in it)."""
        assert self.history is not None
        return self.history.moment(n, t, lanes_ms=self.timeline.span_ms + self._margin_ms())

    def _end_point(self: SuptuiApp) -> tuple[int, int]:
        if self.replay is not None:
            return self.history.count if self.history else 0, self.replay.end_ms
        return self._now_point()

    def _show(self: SuptuiApp, moment: Moment) -> None:
        assert self.history is not None
        self.moment = moment
        self._show_model(moment.model)
        current = moment.lines[moment.current] if 0 <= moment.current < len(moment.lines) else None
        self.event_log.show_past(moment.lines, current)
        self._pin_lanes(moment)
        if self.replay is not None:
            self.replay.time.seek(moment.t)
        self.drain_now()

    def _pin_lanes(self: SuptuiApp, moment: Moment) -> None:
        assert self.history is not None
        phase = self.live.intensity_phase if self.live is not None else 0.0
        self.timeline.pin(self.history.lanes(moment, phase), moment.t)

    def repin_lanes(self: SuptuiApp) -> None:
        """After a zoom: the lanes of the moment shown (a replay's end too) again, for the new width."""
        if self.moment is not None:
            self._pin_lanes(self.moment_at(self.moment.n, self.moment.t))
        elif self.replay is not None:
            self._pin_lanes(self.moment_at(self.replay.history.count))

    def _margin_ms(self: SuptuiApp) -> int:
        periods = [node.max_seconds for node in self.model.nodes.values()
                   if node.is_supervisor and node.max_seconds is not None]
        return min(GAUGE_MARGIN_MS, (max(periods, default=5) + 1) * 1000)

    def _show_model(self: SuptuiApp, model: object) -> None:
        from .model import TreeModel

        assert isinstance(model, TreeModel)
        self.model = model
        view = self.tree_view
        keep = view.cursor_path
        view.model = model
        view.flashes.clear()
        view.rebuild()
        view.select(keep if keep in model.nodes else model.root)
        self._details_key = None
        self._update_banner()

    def back_to_now(self: SuptuiApp) -> None:
        """Show the live tree again (a replay's end)."""
        self.moment = None
        self._show_model(self.live_model)
        self.event_log.show_live()
        if self.replay is not None:
            self.replay.time.seek(self.replay.end_ms)
            self._pin_lanes(self.moment_at(self.replay.history.count))
        else:
            self.timeline.unpin()
        self.drain_now()

    # ------------------------------------------------------------------ keys

    @guarded
    def action_back_event(self: SuptuiApp) -> None:
        if not self._can_travel():
            return
        n, _ = self._point()
        if n <= (self.history.first if self.history else 0):
            self.note("this is the first moment kept", "note")
            self.drain_now()
            return
        self.travel_to(n - 1)

    def forward_event(self: SuptuiApp) -> None:
        """``.`` in the past or in a replay: the moment after the next event."""
        assert self.history is not None
        n, _ = self._point()
        self.travel_to(n + 1)

    @guarded
    def action_back_second(self: SuptuiApp) -> None:
        if not self._can_travel():
            return
        self._to_time(self._point()[1] - 1000)

    @guarded
    def action_forward_second(self: SuptuiApp) -> None:
        if not self._can_travel():
            return
        if self.moment is None:
            self.note("this is now: nothing after it yet", "note")
            self.drain_now()
            return
        self._to_time(self._point()[1] + 1000)

    def _to_time(self: SuptuiApp, t: int) -> None:
        assert self.history is not None
        first_t = self.history.time_of(self.history.first) if self.history.first else 0
        t = max(first_t, t)
        self.travel_to(self.history.moment_at_time(t), t)

    @guarded
    def action_crash(self: SuptuiApp, direction: int) -> None:
        if not self._can_travel():
            return
        assert self.history is not None
        n, _ = self._point()
        found = self.history.crash_near(n, forward=direction > 0)
        if found is None:
            self.note(f"no crash {'after' if direction > 0 else 'before'} t = {format_t(self.shown_ms())} s "
                      "(in the history kept)", "note")
            self.drain_now()
            return
        self.travel_to(found)

    @guarded
    def action_goto(self: SuptuiApp) -> None:
        if not self._can_travel():
            return
        _, end_t = self._end_point()

        def chosen(seconds: float | None) -> None:
            if seconds is not None:
                guarded(lambda app: app._to_time(min(end_t, round(seconds * 1000))))(self)

        self.push_screen(GotoScreen(end_t / 1000), chosen)

    @guarded
    def action_now(self: SuptuiApp) -> None:
        if self.moment is None:
            self.note("already showing now", "note")
            self.drain_now()
            return
        self.back_to_now()

    @guarded
    def action_last_crash(self: SuptuiApp) -> None:
        node = self._selected()
        if node is None or not self._can_travel():
            return
        assert self.history is not None
        n, _ = self._point()
        seq = self.history.last_death(node.path, n if self.moment is None else n - 1)
        found = self.history.moment_of_seq(seq) if seq is not None else None
        if found is None:
            self.note(f"no crash of {self.model.display(node.path)} before t = {format_t(self.shown_ms())} s"
                      " (in the history kept)", "note")
            self.drain_now()
            return
        self.travel_to(found)

    def jump_to_seq(self: SuptuiApp, seq: int) -> None:
        """Picking: the moment right after the event ``seq`` (a log line, a crash on a lane)."""
        if not self._can_travel():
            return
        assert self.history is not None
        found = self.history.moment_of_seq(seq)
        if found is None:
            self.note("that moment is no longer kept (the run's oldest history was forgotten)", "note")
            self.drain_now()
            return
        self.travel_to(found)

    def on_event_log_picked(self: SuptuiApp, message: EventLog.Picked) -> None:
        guarded(lambda app: app.jump_to_seq(message.line.seq))(self)

    def on_lanes_view_picked(self: SuptuiApp, message: LanesView.Picked) -> None:
        def jump(app: SuptuiApp) -> None:
            if app.history is None:
                return
            seq = app.history.death_at(message.path, message.t)
            if seq is not None:
                app.jump_to_seq(seq)

        guarded(jump)(self)

    # ------------------------------------------------------------------ why

    @guarded
    def action_why(self: SuptuiApp) -> None:
        seq = self._crash_in_view()
        if seq is None or self.history is None:
            node = self._selected()
            name = self.model.display(node.path) if node is not None else "nothing"
            self.note(f"no crash to explain: {name} has not crashed or exited before t = "
                      f"{format_t(self.shown_ms())} s (pick a crash line in the log, or j)", "note")
            self.drain_now()
            return
        tree = self.current_tree
        explained = why(self.history.events, seq, tree)
        event = self.history.event(self.history.moment_of_seq(explained.seq) or 0)
        when = f" at {format_t(event.t)} s" if event is not None else ""
        title = f"Why {self.model.display(explained.path)} {explained.died}{when}"
        self.push_screen(WhyScreen(title, explain_lines(explained)))

    def _crash_in_view(self: SuptuiApp) -> int | None:
        """The crash the user points at: the log's current line in the past if it is a death (or a
        kill), else the selected node's last death before the moment shown."""
        history = self.history
        if history is None:
            return None
        moment = self.moment
        if moment is not None and 0 <= moment.current < len(moment.lines):
            line = moment.lines[moment.current]
            found = history.moment_of_seq(line.seq) if line.seq else None
            event = history.event(found) if found is not None else None
            if isinstance(event, Ended | Kill):
                return event.seq
        node = self._selected()
        if node is None:
            return None
        n, _ = self._point()
        return history.last_death(node.path, n)
