"""Predict the timeline, then run it: a prediction scored moment by moment against a run.

The lesson's exercise ("predict the crash timeline, then evaluate your code") as a function: the
prediction (``summary`` format, see :mod:`.prediction`) and the run are both reduced to facts by
the same rules (:mod:`.facts`), compared instant by instant, and every difference is explained by
the rule that caused it (:mod:`.explain`). The app's predict mode and ``--predict FILE`` both show
:func:`report` of :func:`score_prediction`.

A prediction is scored up to the end of the second after its last line (so a list that stops at
5 s is still held to what happens at 6 s), or up to an explicit ``until``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from ..engine.protocol import Event
from ..safetext import visible
from ..timeline.model import TimelineModel
from ..treefile.model import Tree
from .explain import Explainer
from .facts import FACT_ORDER, Fact, facts_of, run_facts
from .moments import join_names, summary_lines, when
from .prediction import Prediction, PredictionError, Resolver, resolve
from .sentences import secs

__all__ = ["Difference", "MomentScore", "Prediction", "PredictionError", "Score", "horizon", "report",
           "score_prediction"]


@dataclass(frozen=True)
class Difference:
    """Facts of one kind that were ``missed`` (they happened) or ``extra`` (they did not), with the
    rule behind them: ``6 s: root gave up — 6 restarts within 5 s exceed max_restarts 5``."""

    t: int
    side: str
    kind: str
    paths: tuple[str, ...]
    statement: str
    rule: str

    def __str__(self) -> str:
        return f"{secs(self.t)}: {self.statement} — {self.rule}"


@dataclass(frozen=True)
class MomentScore:
    """One instant: what was predicted, what happened, and why they differ."""

    t: int
    predicted: frozenset[Fact]
    actual: frozenset[Fact]
    said: str | None
    """The prediction's own words for this instant (``None``: it said nothing about it)."""
    happened: str | None
    """``summary``'s words for what happened."""
    differences: tuple[Difference, ...]

    @property
    def right(self) -> bool:
        return self.predicted == self.actual


@dataclass(frozen=True)
class Score:
    source: str
    until: int
    moments: tuple[MomentScore, ...]

    @property
    def right(self) -> int:
        return sum(moment.right for moment in self.moments)

    @property
    def total(self) -> int:
        return len(self.moments)

    @property
    def perfect(self) -> bool:
        return self.right == self.total

    @property
    def facts_right(self) -> int:
        return sum(len(m.predicted & m.actual) for m in self.moments)

    @property
    def missed(self) -> int:
        return sum(len(m.actual - m.predicted) for m in self.moments)

    @property
    def extra(self) -> int:
        return sum(len(m.predicted - m.actual) for m in self.moments)

    @property
    def differences(self) -> list[Difference]:
        return [d for moment in self.moments for d in moment.differences]

    def headline(self) -> str:
        """``4 of 5 moments right (80%); facts: 9 right, 3 missed, 0 extra``."""
        percent = round(100 * self.right / self.total) if self.total else 100
        return (f"{self.right} of {self.total} moments right ({percent}%); facts: {self.facts_right} right, "
                f"{self.missed} missed, {self.extra} extra")


def horizon(prediction: Prediction) -> int:
    """Where scoring stops by default: the end of the second after the prediction's last line."""
    return (prediction.last_t // 1000 + 2) * 1000


def score_prediction(prediction: Prediction, events: Sequence[Event], tree: Tree,
                     until: int | None = None) -> Score:
    """Score ``prediction`` against a run's ``events`` of ``tree``, instant by instant up to ``until``
    (default :func:`horizon`). Raises :class:`PredictionError` for a name the tree does not have."""
    until = horizon(prediction) if until is None else until
    events = [event for event in events if event.t < until]
    resolver = Resolver([*tree.nodes(), *(event.path for event in events)], tree.root.path)
    predicted = {t: facts_of(t, clauses) for t, clauses in resolve(prediction, resolver).items()}
    actual = run_facts(events)
    happened = _summary_by_time(events)
    explainer = Explainer(events, TimelineModel(events), tree)
    times = sorted(set(actual) | {t for t, facts in predicted.items() if facts})
    empty: frozenset[Fact] = frozenset()
    extras = frozenset().union(*(predicted.get(t, empty) - actual.get(t, empty) for t in times))
    misses = frozenset().union(*(actual.get(t, empty) - predicted.get(t, empty) for t in times))
    moments = []
    for t in times:
        said = prediction.moments[t].text if t in prediction.moments else None
        mine, theirs = predicted.get(t, empty), actual.get(t, empty)
        differences = _differences(t, mine, theirs, explainer, extras, misses)
        moments.append(MomentScore(t, mine, theirs, said or None, happened.get(t), tuple(differences)))
    return Score(prediction.source, until, tuple(moments))


def _summary_by_time(events: Sequence[Event]) -> dict[int, str]:
    """``summary``'s line for each instant, without its ``- 2 seconds:`` prefix."""
    lines = iter(summary_lines(events))
    out = {}
    line = next(lines, None)
    for t, _group in groupby(events, key=lambda event: event.t):
        prefix = f"- {when(t)}: "
        if line is not None and line.startswith(prefix):
            out[t] = line[len(prefix):]
            line = next(lines, None)
    return out


def _differences(t: int, predicted: frozenset[Fact], actual: frozenset[Fact], explainer: Explainer,
                 extras: frozenset[Fact], misses: frozenset[Fact]) -> list[Difference]:
    """Missed and extra facts, explained; facts of one kind with the same explanation share a line.

    A crash, exit, give-up or stop that was predicted at another time is paired with it ("you had it
    at 4 s"); restarts are not, as most are implied by a crash. A restart that was only implied by a
    wrongly predicted crash or give-up is not explained twice.
    """
    items: list[tuple[str, Fact, str]] = []
    for fact in sorted(actual - predicted, key=_order):
        items.append(("missed", fact, _elsewhere(fact, extras, "you had it at")))
    dead_wrongly = {f.path for f in predicted - actual if f.kind in ("crash", "exit", "give_up")}
    for fact in sorted(predicted - actual, key=_order):
        if fact.kind == "restart" and fact.path in dead_wrongly:
            continue
        items.append(("extra", fact, _elsewhere(fact, misses, "it happened at")))
    merged: dict[tuple[str, str, str, str], list[str]] = {}
    for side, fact, note in items:
        rule = explainer.explain(fact, missed=side == "missed")
        merged.setdefault((side, fact.kind, note, rule), []).append(fact.path)
    restarts_said = any(fact.kind == "restart" for fact in predicted)
    return [Difference(t, side, kind, tuple(paths), _statement(side, kind, paths, note, restarts_said),
                       rule) for (side, kind, note, rule), paths in merged.items()]


def _order(fact: Fact) -> tuple[int, str]:
    return (FACT_ORDER.index(fact.kind), fact.path)


def _elsewhere(fact: Fact, others: frozenset[Fact], words: str) -> str:
    """`` (you had it at 4 s)``: the same thing at the nearest other time, if any."""
    times = [other.t for other in others if (other.kind, other.path) == (fact.kind, fact.path)]
    if not times or fact.kind == "restart":
        return ""
    nearest = min(times, key=lambda t: (abs(t - fact.t), t))
    return f" ({words} {secs(nearest)})"


_STATEMENTS = {
    ("missed", "crash"): "{names} crashed",
    ("missed", "exit"): "{names} exited",
    ("missed", "give_up"): "{names} gave up",
    ("missed", "restart"): "{names} {be} restarted",
    ("missed", "stop"): "{names} {be} stopped",
    ("extra", "crash"): "{names} did not crash",
    ("extra", "exit"): "{names} did not exit",
    ("extra", "give_up"): "{names} did not give up",
    ("extra", "restart"): "{names} {be} not restarted",
    ("extra", "stop"): "{names} {be} not stopped",
}


def _statement(side: str, kind: str, paths: list[str], note: str, restarts_said: bool) -> str:
    text = _STATEMENTS[(side, kind)].format(names=join_names(paths), be="was" if len(paths) == 1 else "were")
    if side == "missed" and kind == "restart" and restarts_said:
        text += " too"
    return text + note


def report(score: Score) -> str:
    """The scored diff as text: each instant marked right or wrong, with the rules that explain it."""
    lines = [f"Prediction {score.source}, scored up to {secs(score.until)}:"]
    width = max((len(secs(m.t)) for m in score.moments), default=0)
    for moment in score.moments:
        mark = "✓" if moment.right else "✗"
        lines.append(f"{mark} {secs(moment.t):>{width}}  {moment.happened or 'nothing scored happened'}")
        if moment.right:
            continue
        indent = " " * (width + 4)
        lines.append(f"{indent}you said: {moment.said or 'nothing'}")
        lines.extend(f"{indent}{difference}" for difference in moment.differences)
    if not score.moments:
        lines.append("Nothing happened, as predicted.")
    lines.append(f"Score: {score.headline()}")
    # "you said" quotes the prediction as written, and names and reasons come from the run: each line
    # is shown as text (the same report goes to a terminal and into the app).
    return "\n".join(visible(line) for line in lines) + "\n"
