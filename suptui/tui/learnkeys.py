"""The lesson's exercises as keys: ``p`` predict the timeline, then run it; ``c`` compare strategies.

A mixin of :class:`~suptui.tui.app.SuptuiApp` (its methods take the app as ``self``).

Predict mode, step by step: ``p`` (or ``suptui TREE --predict``) starts the tree again, paused at
t = 0, and collects every event of that run; once the tree is up (its timers are set, so the grid can
show them) the grid opens. Enter turns the grid into summary text for ``parse_prediction`` and lets
time run; the first drain that finds the clock at the end of the grid pauses the run, scores the
prediction against the events (``score_prediction``) and shows the result. Any other new run (``R``,
another ``p``) drops a pending prediction.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..story.predict import PredictionError, score_prediction
from ..story.prediction import Prediction, parse_prediction
from .compare import why_not_compare
from .comparescreen import CompareScreen
from .describe import LIMIT_S
from .guard import guarded
from .liverun import LiveRun
from .model import NodeView
from .predictdraft import Draft, draft_rows, script_notes
from .predictscreen import PredictResultScreen, PredictScreen

if TYPE_CHECKING:
    from .app import SuptuiApp


@dataclass(frozen=True)
class PendingPrediction:
    """A prediction locked in, waiting for the run to reach ``until``."""

    draft: Draft
    prediction: Prediction
    until: int


class LearnKeys:
    """``p`` and ``c``."""

    @guarded
    def action_predict(self: SuptuiApp) -> None:
        if self._refuse("predict"):
            return
        tree = self.current_tree
        assert tree is not None
        self.start_run(tree, predict=True, marker="── predict: the tree again from t = 0, paused ──")

    def _tree_name(self: SuptuiApp) -> str:
        tree = self.current_tree
        return (tree.title or tree.root.id) if tree is not None else "the tree"

    def predict_step(self: SuptuiApp, run: LiveRun, now_before: float) -> None:
        """Called at every drain: open the grid once the tree is up; score once time reached the end.

        ``now_before`` is the clock read before the feed was drained, so every event before it is in
        the batch just applied.
        """
        if self.predict_opening and run.up.is_set() and self._timers_known(run):
            self.predict_opening = False
            self._open_grid(run)
        elif self.prediction is not None and now_before >= self.prediction.until:
            self._score(run)

    def _timers_known(self: SuptuiApp, run: LiveRun) -> bool:
        """The grid shows what each worker says is scheduled (its ``describe_state``), which the
        workers answer on their own threads: ask them all once, then open the grid when every answer
        is in or :data:`~suptui.tui.describe.LIMIT_S` has passed (a busy worker shows as busy)."""
        pids = [pid for node in self.model.nodes.values() if node.running and not node.is_supervisor
                if (pid := run.session.pid_of(node.path)) is not None]
        if self.grid_asked_at is None:
            self.grid_asked_at = time.monotonic()
            self.descriptions.ask_all(pids)
        if time.monotonic() - self.grid_asked_at >= LIMIT_S:
            return True
        return all(self.descriptions.settled(pid) for pid in pids)

    def _open_grid(self: SuptuiApp, run: LiveRun) -> None:
        def timer_of(node: NodeView) -> str:
            if node.is_supervisor:
                strategy = "dynamic" if node.kind == "dynamic" else node.strategy
                return f"{strategy} · {node.max_restarts} in {node.max_seconds} s"
            pid = run.session.pid_of(node.path) if node.running else None
            return (self.descriptions.final(pid) or "") if pid is not None else ""

        draft = Draft(draft_rows(self.model, timer_of))
        notes = script_notes(self.current_tree) if self.current_tree is not None else []
        title = f"Predict: {self._tree_name()} · paused at t = 0"
        self.push_screen(PredictScreen(draft, title, notes), self._predict_submitted)

    @guarded
    def _predict_submitted(self: SuptuiApp, draft: Draft | None) -> None:
        run = self._live()
        if draft is None:
            self.run_events = None
            self.note("predict mode left; the tree waits at t = 0 (space runs it)")
            self.drain_now()
            return
        text = draft.summary_text()
        try:
            prediction = parse_prediction(text, "your prediction")
        except PredictionError as exc:  # the grid writes what the parser reads; say so if not
            self.run_events = None
            for problem in exc.problems:
                self.note(problem, "error")
            self.drain_now()
            return
        self.prediction = PendingPrediction(draft, prediction, draft.until_ms)
        self.note("your prediction:")
        for line in text.splitlines():
            self.note(f"  {line}")
        self.note(f"running to {draft.until_ms // 1000} s, then scoring (+ makes it faster)")
        self.show_lanes(True)
        run.time.set_paused(False)
        self._paused = False
        self.drain_now()

    def _score(self: SuptuiApp, run: LiveRun) -> None:
        pending = self.prediction
        events = self.run_events or []
        self.prediction = None
        self.run_events = None
        assert pending is not None and self.current_tree is not None
        run.time.set_paused(True)
        self._paused = True
        try:
            score = score_prediction(pending.prediction, events, self.current_tree, pending.until)
        except PredictionError as exc:
            for problem in exc.problems:
                self.note(problem, "error")
            return
        self.note(f"prediction scored: {score.headline()}", "ok" if score.perfect else "error")
        title = f"Your prediction for {self._tree_name()}, scored up to {pending.until // 1000} s"
        self.push_screen(PredictResultScreen(pending.draft, score, title), self._after_result)

    def _after_result(self: SuptuiApp, answer: str | None) -> None:
        if answer == "again":
            self.action_predict()

    # ------------------------------------------------------------------ c

    @guarded
    def action_compare(self: SuptuiApp) -> None:
        if self._refuse("compare"):
            return
        tree = self.current_tree
        reason = why_not_compare(tree)
        if reason is not None or tree is None:
            self.note(reason or "no tree is loaded")
            self.drain_now()
            return
        self.push_screen(CompareScreen(tree, self.timeline.span_ms, self.seed, self.background))
