"""``c``: the same tree and script under each strategy, run headless on the virtual clock.

Only the root's strategy changes (the lesson's exercise is "try each restart strategy"), and each
run is the headless runner's: instant, deterministic for a seed, and independent of the live run the
user may have poked. The three timelines come back as :class:`~suptui.timeline.TimelineModel`
objects built off the UI thread and never touched there again, so the screen only reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from ..engine import Event
from ..engine.specs import STRATEGIES
from ..headless import run_headless
from ..timeline import TimelineModel
from ..treefile.model import Tree
from .guard import exc_text


@dataclass(frozen=True)
class StrategyRun:
    """One strategy's run: its timeline, or why there is none."""

    strategy: str
    as_written: bool
    """The tree file itself uses this strategy."""
    model: TimelineModel | None
    events: int = 0
    error: str | None = None


@dataclass(frozen=True)
class RunCounts:
    """What a compare title counts, each thing by its own name (issue 14: the screens disagreed).

    ``restarts`` are restart decisions, as the supervisors' windows count them: one per decision, a
    group restart once, the decision that made a supervisor give up included (so a give-up reads the
    same "6 restarts" as the banner and the ``6/5`` budget). ``child_restarts`` are the children
    started again, each one counted. ``peak`` is the fullest the root's window got: the budget the
    header showed at its worst.
    """

    crashes: int
    restarts: int
    child_restarts: int
    peak: int
    max_restarts: int | None
    max_seconds: int | None
    gave_up_at: int | None


def count_run(model: TimelineModel, until: int) -> RunCounts:
    """Count ``[0, until)`` of one run's timeline."""
    lanes = model.lanes()
    crashes = sum(1 for lane in lanes for mark in lane.marks_between(0, until) if mark.kind == "crash")
    decisions = [d for lane in lanes if lane.is_supervisor for d in lane.decisions_between(0, until)]
    child_restarts = sum(1 for lane in lanes for life in lane.lifetimes_between(0, until)
                         if life.restart and life.start < until)
    root = lanes[0] if lanes else None
    peak = max((len(d.window) for d in root.decisions_between(0, until)), default=0) if root else 0
    gave_up = [m.t for m in root.marks_between(0, until) if m.kind == "give_up"] if root is not None else []
    first = root.lifetimes[0] if root is not None and root.lifetimes else None
    return RunCounts(crashes, len(decisions), child_restarts, peak,
                     first.max_restarts if first is not None else None,
                     first.max_seconds if first is not None else None, gave_up[0] if gave_up else None)


def why_not_compare(tree: Tree | None) -> str | None:
    """Why ``c`` cannot compare this tree, or None."""
    if tree is None:
        return "no tree is loaded"
    if tree.root.kind == "dynamic":
        return "the root is a dynamic supervisor: it is always one_for_one, so there is nothing to compare"
    return None


def with_root_strategy(tree: Tree, strategy: str) -> Tree:
    """A copy of ``tree`` whose root supervisor uses ``strategy`` (the tree itself is frozen)."""
    return replace(tree, root=replace(tree.root, strategy=strategy))


def run_strategies(tree: Tree, until: int, seed: int = 0,
                   cancelled: Callable[[], bool] | None = None) -> list[StrategyRun]:
    """Run ``tree`` to ``until`` once per strategy, in the order of :data:`STRATEGIES`.

    Blocking (each run is fast on the virtual clock, but a big tree takes a while): call it from a
    worker thread. A run that fails is reported in its :class:`StrategyRun`, not raised. Once
    ``cancelled`` says yes (the screen closed, the app quits), the runs stop and fewer come back.
    """
    runs = []
    for strategy in STRATEGIES:
        if cancelled is not None and cancelled():
            break
        as_written = strategy == tree.root.strategy
        try:
            events: list[Event] = run_headless(with_root_strategy(tree, strategy), until, seed=seed,
                                               cancelled=cancelled, collector=None)  # the app's own
        except Exception as exc:  # an engine or worker bug must not take the screen down
            runs.append(StrategyRun(strategy, as_written, None, error=exc_text(exc)))
            continue
        runs.append(StrategyRun(strategy, as_written, TimelineModel(events), len(events)))
    return runs
