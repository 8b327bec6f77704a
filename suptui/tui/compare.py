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
                                               cancelled=cancelled)
        except Exception as exc:  # an engine or worker bug must not take the screen down
            runs.append(StrategyRun(strategy, as_written, None, error=exc_text(exc)))
            continue
        runs.append(StrategyRun(strategy, as_written, TimelineModel(events), len(events)))
    return runs
