"""What a moment of a run amounts to, in the terms a prediction is made in.

A prediction is written in the ``summary`` format ("2 seconds: bomb1 crashes (bomb2 restarted)"),
which leaves things implied the way the lesson does: a crashed child is restarted unless the line
says "(not restarted)" or its supervisor gives up over it. Both sides of a comparison go through the
same reading: a run's events become :class:`Clause` lists just as ``summary`` would tell them, a
prediction's text is parsed into the same clauses, and :func:`facts_of` turns either into plain
facts by one set of rules. So a prediction copied from ``--format summary`` scores full marks, and
any difference is a real one.

Scored facts: who crashes or exits (an orderly end), who is restarted, who is stopped for good (by
a strategy or ``terminate_child``), which supervisor gives up. Starts are not scored (they are the
script's doing), nor are the stops of a supervisor shutting down (giving up implies them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Literal

from ..engine.protocol import Crash, Ended, Event, Exit, GiveUp, Kill, Start, Terminate
from ..paths import ancestors, parent
from .moments import Fates

FactKind = Literal["crash", "exit", "restart", "stop", "give_up"]
ClauseKind = Literal["death", "give_up", "restart", "stop", "start"]
Category = Literal["crash", "exit"]
FACT_ORDER: tuple[str, ...] = ("crash", "exit", "give_up", "restart", "stop")


@dataclass(frozen=True, order=True, slots=True)
class Fact:
    """One scored thing at one instant: ``(6000, "give_up", "root")``."""

    t: int
    kind: FactKind
    path: str


@dataclass
class Clause:
    """One clause of a summary line, with names already resolved to paths.

    ``death`` (``category`` crash or exit) and ``give_up`` are about ``subject``; ``restart``,
    ``stop`` and ``start`` are a supervisor (``subject``) acting on ``objects``.
    """

    kind: ClauseKind
    subject: str
    category: Category | None = None
    failed_start: bool = False
    """"fails to start" / "ignores its start": there was no running child to restart."""
    not_restarted: bool = False
    objects: list[str] = field(default_factory=list)
    restarted: list[str] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)


def facts_of(t: int, clauses: Sequence[Clause]) -> frozenset[Fact]:
    """The facts of one moment, by the lesson's reading of its clauses."""
    triggers = _give_up_triggers(clauses)
    facts: set[Fact] = set()
    restarted: set[str] = set()
    stopped: set[str] = set()
    for index, clause in enumerate(clauses):
        if clause.kind in ("death", "give_up"):
            kind: FactKind = "give_up" if clause.kind == "give_up" else clause.category or "crash"
            facts.add(Fact(t, kind, clause.subject))
            implied = not (clause.failed_start or clause.not_restarted or index in triggers)
            if implied and "/" in clause.subject:  # the root has nobody to restart it
                restarted.add(clause.subject)
        elif clause.kind == "restart":
            restarted.update(clause.objects)
        elif clause.kind == "stop":
            stopped.update(clause.objects)
        restarted.update(clause.restarted)
        stopped.update(clause.stopped)
    facts.update(Fact(t, "restart", path) for path in restarted)
    facts.update(Fact(t, "stop", path) for path in stopped - restarted)  # stopped, then started: "restarted"
    return frozenset(facts)


def _give_up_triggers(clauses: Sequence[Clause]) -> set[int]:
    """The clause of the death that made each supervisor give up: the last one, before the give-up,
    of one of its children. That child is not restarted: its supervisor ended instead."""
    triggers = set()
    for index, clause in enumerate(clauses):
        if clause.kind != "give_up":
            continue
        for before in range(index - 1, -1, -1):
            earlier = clauses[before]
            if earlier.kind in ("death", "give_up") and parent(earlier.subject) == clause.subject:
                triggers.add(before)
                break
    return triggers


# ---------------------------------------------------------------------------- a run's side


def run_facts(events: Sequence[Event]) -> dict[int, frozenset[Fact]]:
    """Every moment of a run that has a scored fact, by time."""
    fates = Fates(events)
    out = {}
    for t, group in groupby(events, key=lambda event: event.t):
        facts = facts_of(t, clauses_of(list(group), fates.not_restarted))
        if facts:
            out[t] = facts
    return out


def clauses_of(events: list[Event], not_restarted: set[int]) -> list[Clause]:
    """The clauses ``summary`` tells for one moment's events (same skips, same order)."""
    stopped_paths = {e.path for e in events if isinstance(e, (Terminate, Kill))}
    gave_up = {e.path for e in events if isinstance(e, GiveUp)}
    last_start = {e.path: index for index, e in enumerate(events) if isinstance(e, Start)}

    def below_stopped(path: str) -> bool:
        return any(ancestor in stopped_paths for ancestor in ancestors(path))

    def orphan(event: Ended) -> bool:
        return event.reason in ("killed", "shutdown") and below_stopped(event.path)

    clauses: list[Clause] = []
    for index, event in enumerate(events):
        fate = event.seq in not_restarted
        path = event.path
        supervisor = parent(path)
        if isinstance(event, Crash):
            if not orphan(event) and event.killed_by is None:  # a kill's crash: its kill is the clause
                clauses.append(Clause("death", path, "crash", event.phase == "init", fate))
        elif isinstance(event, Exit):
            if not orphan(event) and path not in gave_up:
                category: Category = "crash" if event.phase == "init" else "exit"
                clauses.append(Clause("death", path, category, event.phase in ("init", "ignore"), fate))
        elif isinstance(event, Kill):
            if not below_stopped(path):
                clauses.append(Clause("death", path, "crash", False, fate))
        elif isinstance(event, GiveUp):
            clauses.append(Clause("give_up", path, not_restarted=fate))
        elif isinstance(event, Start) and supervisor is not None:
            with_ancestor = any(last_start.get(a, -1) > index for a in ancestors(path))
            if event.cause is not None or (event.restart and not with_ancestor):
                clauses.append(Clause("restart", supervisor, objects=[path]))
        elif isinstance(event, Terminate) and supervisor is not None and not below_stopped(path):
            for_decision = event.decision is not None and event.cause is not None
            if event.why == "api" or for_decision:
                clauses.append(Clause("stop", supervisor, objects=[path]))
    return clauses


def describe(facts: Iterable[Fact]) -> str:
    """Facts as a short sorted list, for messages and test failures."""
    return ", ".join(f"{fact.kind} {fact.path}" for fact in sorted(facts, key=_fact_key))


def _fact_key(fact: Fact) -> tuple[int, int, str]:
    return (fact.t, FACT_ORDER.index(fact.kind), fact.path)
