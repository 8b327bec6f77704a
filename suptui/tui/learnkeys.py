"""The lesson's exercises as keys: ``p`` predict the timeline, then run it; ``c`` compare strategies.

A mixin of :class:`~suptui.tui.app.SuptuiApp` (its methods take the app as ``self``).

Predict mode, step by step (its state is one :class:`~suptui.tui.predictmode.PredictMode`, the app's
``predict_mode``): ``p`` (or ``suptui TREE --predict``) starts the tree again *as it runs now* (each
supervisor's current strategy and children, :func:`~suptui.tui.predicttree.live_tree`), paused at
t = 0, and collects every event of that run; once the tree is up (its timers are set, so the grid
can show them) the grid opens. There the learner may change the tree (strategy, child order, a
bomb's time). Enter turns the grid into summary text for ``parse_prediction`` and lets time run, on
the paused run, or on a fresh run of the changed tree; the first drain that finds the clock at the
end of the grid pauses the run, scores the prediction against the events (``score_prediction``)
and shows the result. Any other new run (``R``, another ``p``) drops a pending prediction.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ..story.predict import PredictionError, score_prediction
from ..story.prediction import parse_prediction
from .compare import why_not_compare
from .comparescreen import CompareScreen
from .describe import LIMIT_S
from .guard import guarded
from .header import root_ended_at
from .liverun import LiveRun
from .predictdraft import Draft, script_notes
from .predictmode import PendingPrediction, Step
from .predictscreen import PredictResultScreen, PredictScreen
from .predicttree import PredictSetup, live_tree

if TYPE_CHECKING:
    from .app import SuptuiApp


class LearnKeys:
    """``p`` and ``c``."""

    @guarded
    def action_predict(self: SuptuiApp) -> None:
        if self._refuse("predict"):
            return
        tree = self.current_tree
        assert tree is not None
        if isinstance(self.live, LiveRun):  # what runs now, not the file: a strategy switched with s stays
            tree = live_tree(tree, self.live_model)
        self.start_run(tree, predict=True, marker="── predict: the tree again from t = 0, paused ──")

    def _tree_name(self: SuptuiApp) -> str:
        tree = self.current_tree
        return (tree.title or tree.root.id) if tree is not None else "the tree"

    def predict_step(self: SuptuiApp, run: LiveRun, now_before: float) -> None:
        """Called at every drain: do what predict mode says is due (open the grid once the tree is
        up, let a relaunched tree run, score once time reached the end of the grid or the root ended).

        ``now_before`` is the clock read before the feed was drained, so every event before it is in
        the batch just applied.
        """
        step = self.predict_mode.step(up=run.up.is_set(), now_ms=now_before,
                                      timers_known=lambda: self._timers_known(run),
                                      ended=root_ended_at(self.live_model) is not None)
        if step is Step.OPEN_GRID:
            self._open_grid(run)
        elif step is Step.LET_RUN:
            run.time.set_paused(False)
            self._paused = False
        elif step is Step.SCORE:
            self._score(run)

    def _timers_known(self: SuptuiApp, run: LiveRun) -> bool:
        """The grid shows what each worker says is scheduled (its ``describe_state``), which the
        workers answer on their own threads: ask them all once, then open the grid when every answer
        is in or :data:`~suptui.tui.describe.LIMIT_S` has passed (a busy worker shows as busy)."""
        pids = [pid for node in self.model.nodes.values() if node.running and not node.is_supervisor
                if (pid := run.session.pid_of(node.path)) is not None]
        now = time.monotonic()
        if self.predict_mode.timers_asked(now):
            self.descriptions.ask_all(pids)
        if self.predict_mode.timers_overdue(now, LIMIT_S):
            return True
        return all(self.descriptions.settled(pid) for pid in pids)

    def _open_grid(self: SuptuiApp, run: LiveRun) -> None:
        assert self.current_tree is not None
        timers: dict[str, str] = {}
        for node in self.model.nodes.values():
            pid = run.session.pid_of(node.path) if node.running and not node.is_supervisor else None
            if pid is not None:
                timers[node.path] = self.descriptions.final(pid) or ""
        gone = {path for path, node in self.model.nodes.items() if node.status == "removed"}
        setup = PredictSetup(self.current_tree, timers, gone)
        draft = Draft(setup.rows())
        notes = script_notes(self.current_tree)
        title = f"Predict: {self._tree_name()} · paused at t = 0"
        self.push_screen(PredictScreen(draft, title, notes, setup),
                         lambda draft: self._predict_submitted(draft, setup))

    @guarded
    def _predict_submitted(self: SuptuiApp, draft: Draft | None, setup: PredictSetup) -> None:
        run = self._live()
        if draft is None:
            self.predict_mode.leave()
            self.note("predict mode left; the tree waits at t = 0 (space runs it)")
            self.drain_now()
            return
        text = draft.summary_text()
        try:
            prediction = parse_prediction(text, "your prediction")
        except PredictionError as exc:  # the grid writes what the parser reads; say so if not
            self.predict_mode.leave()
            for problem in exc.problems:
                self.note(problem, "error")
            self.drain_now()
            return
        words = "; ".join(setup.summary()) or setup.strategies()
        self.predict_mode.lock_in(PendingPrediction(draft, prediction, draft.until_ms, words),
                                  relaunch=setup.changed)
        if setup.changed:  # another tree than the paused one: run that one, from t = 0
            changes = "; ".join(setup.summary())
            self.start_run(setup.tree, predict=True,
                           marker=f"── predict: the tree as you set it up ({changes}), from t = 0 ──")
        self.note("your prediction:")
        for line in text.splitlines():
            self.note(f"  {line}")
        self.note(f"running to {draft.until_ms // 1000} s, then scoring (+ makes it faster)")
        self.show_lanes(True)
        if not setup.changed:
            run.time.set_paused(False)
            self._paused = False
        self.drain_now()

    def _score(self: SuptuiApp, run: LiveRun) -> None:
        pending, events = self.predict_mode.take_for_scoring()
        assert self.current_tree is not None
        run.time.set_paused(True)
        self._paused = True
        try:
            score = score_prediction(pending.prediction, events, self.current_tree, pending.until)
        except PredictionError as exc:
            for problem in exc.problems:
                self.note(problem, "error")
            return
        self.note(f"prediction scored: {score.headline()}", "ok" if score.perfect else "note")
        words = f" · {pending.tree_words}" if pending.tree_words else ""
        title = f"Your prediction for {self._tree_name()}{words}, scored up to {pending.until // 1000} s"
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
