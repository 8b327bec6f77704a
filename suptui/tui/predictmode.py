"""Predict mode as one object: where the learner is in the exercise, and what the drain must do next.

Predict mode used to be five loose attributes on the app (open-at-start, opening, when the timers
were asked, the pending prediction, the run's events) that every new run had to reset by hand. Here
they are one state machine, without Textual, so its transitions are tested without a terminal::

    IDLE ──p──▶ OPENING ──tree up, timers known──▶ MARKING ──Enter──▶ RUNNING ──clock ≥ until──▶ IDLE
                                                      │                  ▲           (scored)
                                                      │ Enter, setup     │ tree up
                                                      │ changed          │
                                                      └──▶ RELAUNCH ──new run──▶ STARTING
                                                      Esc ─▶ IDLE

The app starts runs and pushes screens; this object only says which of those is due
(:meth:`PredictMode.step`) and keeps the events the scorer needs. Any run started outside predict
mode (``R``, a tree picked with ``o``) drops whatever was pending.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

from ..engine.protocol import Event
from ..story.prediction import Prediction
from .predictdraft import Draft


class Phase(Enum):
    IDLE = "idle"
    OPENING = "opening"
    """A fresh run, paused at t = 0: the grid opens once the tree is up and its timers are known."""
    MARKING = "marking"
    """The grid is open."""
    RELAUNCH = "relaunch"
    """Locked in on a tree the learner changed in the grid: the next run started is that tree's."""
    STARTING = "starting"
    """Locked in, the changed tree starting: time runs once it is up."""
    RUNNING = "running"
    """Locked in and running to the end of the grid."""


class Step(Enum):
    """What the app has to do at this drain."""

    OPEN_GRID = "open_grid"
    LET_RUN = "let_run"
    SCORE = "score"


@dataclass(frozen=True)
class PendingPrediction:
    """A prediction locked in, waiting for the run to reach ``until``."""

    draft: Draft
    prediction: Prediction
    until: int
    tree_words: str = ""
    """What tree was predicted (``root rest_for_one; root order bomb3, bomb1, bomb2``), for the result's
    title: the file's title may name another strategy."""


class PredictMode:
    """The state of the predict exercise for the app's current run."""

    def __init__(self, at_start: bool = False) -> None:
        self.at_start = at_start
        """``suptui TREE --predict``: the first run (and a tree picked later) opens in predict mode."""
        self.phase = Phase.IDLE
        self.pending: PendingPrediction | None = None
        """The prediction locked in, scored when the clock reaches its ``until``."""
        self.events: list[Event] | None = None
        """Every event of the predict run (the scorer needs them all); None outside predict mode."""
        self.asked_at: float | None = None
        """When the workers were asked for the grid's timers (``time.monotonic``)."""

    @property
    def active(self) -> bool:
        return self.phase is not Phase.IDLE

    # ------------------------------------------------------------------ transitions

    def run_started(self, predict: bool) -> None:
        """A new run began (the app calls this from ``start_run``). A predict run collects its events
        from t = 0 and opens the grid, unless it is the changed tree a prediction was locked in on;
        any other run leaves predict mode."""
        self.asked_at = None
        if predict and self.phase is Phase.RELAUNCH and self.pending is not None:
            self.phase = Phase.STARTING
            self.events = []
        elif predict:
            self.phase, self.pending, self.events = Phase.OPENING, None, []
        else:
            self.leave()

    def record(self, events: Iterable[Event]) -> None:
        """The run's events, as the drain sees them (kept only while in predict mode)."""
        if self.events is not None:
            self.events.extend(events)

    def timers_asked(self, now: float) -> bool:
        """Note the first question to the workers; True if this call is it (ask them then)."""
        if self.asked_at is not None:
            return False
        self.asked_at = now
        return True

    def timers_overdue(self, now: float, limit_s: float) -> bool:
        return self.asked_at is not None and now - self.asked_at >= limit_s

    def step(self, *, up: bool, now_ms: float, timers_known: Callable[[], bool],
             ended: bool = False) -> Step | None:
        """What is due at a drain. ``now_ms`` is the clock read before the feed was drained, so every
        event before it has been recorded; ``timers_known`` is asked only while opening. ``ended``:
        the root is down, so nothing more can happen and the score is due now (the app stops time
        when the root ends: waiting for the end of the grid would wait for ever)."""
        if self.phase is Phase.OPENING and up and timers_known():
            self.phase = Phase.MARKING
            return Step.OPEN_GRID
        if self.phase is Phase.STARTING and up:
            self.phase = Phase.RUNNING
            return Step.LET_RUN
        if self.phase is Phase.RUNNING and self.pending is not None:
            return Step.SCORE if ended or now_ms >= self.pending.until else None
        return None

    def lock_in(self, pending: PendingPrediction, *, relaunch: bool) -> None:
        """Enter on the grid. With ``relaunch`` the tree was changed in the grid: the app starts that
        tree next (:meth:`run_started` then keeps this prediction); else this run goes on."""
        self.pending = pending
        self.phase = Phase.RELAUNCH if relaunch else Phase.RUNNING

    def take_for_scoring(self) -> tuple[PendingPrediction, list[Event]]:
        """The prediction and the run's events, leaving predict mode."""
        assert self.pending is not None
        pending, events = self.pending, self.events or []
        self.leave()
        return pending, events

    def leave(self) -> None:
        """Out of predict mode: nothing pending, no events kept."""
        self.phase, self.pending, self.events, self.asked_at = Phase.IDLE, None, None, None
