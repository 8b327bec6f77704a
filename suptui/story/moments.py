"""The run told the way the lesson tells it, one line per moment (``--format summary``)::

    - 0 seconds: root starts bomb1, bomb2 and bomb3
    - 2 seconds: bomb1 crashes (bomb2 and bomb3 restarted)
    - 6 seconds: bomb2 crashes; bomb1 crashes; root gives up (6 restarts in 5 s > 5), stopping bomb3 and bomb2

A moment is every event with the same ``t``. Its line is a list of clauses, one per thing that
happened of its own accord: a crash, an exit, a kill, a give-up, a script or API action. What a
supervisor did in reply is folded into the clause of its cause: the siblings it restarted or stopped
for its strategy, the children it stopped while shutting down. What happened below a node that was
itself started or stopped in the same moment is left implied, as the lesson leaves it.

As in the lesson, a child that dies is restarted unless its clause says "(not restarted)" or its
supervisor gives up; whether a restart came is read from the rest of the run, so a restart that
was still pending when the run ended reads as "not restarted".

Subjects are named relative to the root ("bomb1", "web/handlers"; the root by its own id); the
children a supervisor starts, stops or restarts are named relative to that supervisor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from ..engine.protocol import (
    Crash,
    Ended,
    Event,
    Exit,
    GiveUp,
    Kill,
    Start,
    StrategyChanged,
    Terminate,
    Zombie,
)
from ..paths import ancestors, is_root, parent, relative
from ..safetext import visible
from .sentences import intensity

MAX_NAMES = 6
"""Longer lists of names end in "and N more", so a 1,000-worker group restart stays one readable line."""

DEATHS = (Ended, Kill, GiveUp)
"""A crash or exit, a kill (its crash is the same death) or a give-up: news of their own."""
ENDS = (*DEATHS, Terminate)


def summary_lines(events: Sequence[Event]) -> list[str]:
    """One ``- <time>: <clause>; <clause>`` line per moment that has something to tell."""
    fates = Fates(events)
    lines = []
    for t, group in groupby(events, key=lambda event: event.t):
        clauses = _Moment(list(group), fates).clauses()
        if clauses:
            lines.append(visible(f"- {when(t)}: {'; '.join(clauses)}"))  # reasons are worker text
    return lines


def when(t_ms: int) -> str:
    """``2000`` → "2 seconds", ``2500`` → "2.5 seconds", ``1000`` → "1 second"."""
    number = f"{t_ms / 1000:.3f}".rstrip("0").rstrip(".")
    return f"{number} second" if number == "1" else f"{number} seconds"


def join_names(paths: Sequence[str], under: str | None = None) -> str:
    """"a", "a and b", "a, b and c"; past :data:`MAX_NAMES`, the tail is counted instead of listed."""
    names = [relative(path, under) for path in paths]
    if len(names) > MAX_NAMES:
        shown = MAX_NAMES - 1
        names = [*names[:shown], f"{len(names) - shown} more"]
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def failed_start(event: Event) -> bool:
    """A crash or exit of a (re)start whose init failed: there was no running child."""
    return isinstance(event, Ended) and event.phase == "init"


def cause_of(event: Event) -> str | None:
    """The child whose exit a supervisor was acting on, for the kinds that carry one."""
    return event.cause if isinstance(event, (Start, Terminate, Ended)) else None


class Fates:
    """Which deaths were not followed by a restart, read from the rest of the run in one backward pass.

    A supervisor handles one exit at a time, so the first thing it does after a child died tells:
    acting on the child's behalf (an event whose ``cause`` is the child, or another try at starting
    it) means a restart; doing anything else first (starting or stopping another child, switching
    strategy) means it decided not to restart. When the supervisor itself ends first, or does nothing
    more before the run ends (a restart may still be under way), nothing is claimed.
    """

    def __init__(self, events: Sequence[Event]) -> None:
        self.not_restarted: set[int] = set()
        never = len(events)
        # For each path: the index of the nearest later event of each sort.
        for_it: dict[str, int] = {}            # the path's supervisor acts for it: a cause, a start attempt
        handled: dict[str | None, int] = {}    # the supervisor at the path does something with a child
        ended: dict[str, int] = {}             # the path dies or is stopped
        for index in range(len(events) - 1, -1, -1):
            event = events[index]
            path, cause, failed = event.path, cause_of(event), failed_start(event)
            if isinstance(event, DEATHS) and not is_root(path) and not failed:
                by_cause = for_it.get(path, never)
                by_supervisor = handled.get(parent(path), never)
                by_end = min(ended.get(ancestor, never) for ancestor in ancestors(path))
                if by_supervisor < min(by_cause, by_end):
                    self.not_restarted.add(event.seq)
            if cause is not None:
                for_it[cause] = index
            if failed:
                for_it[path] = index
            if isinstance(event, (Start, Terminate)) or failed:
                handled[parent(path)] = index
            elif isinstance(event, StrategyChanged):
                handled[path] = index
            if isinstance(event, ENDS):
                ended[path] = index


@dataclass
class MomentClause:
    """One thing that happened, plus what its supervisor did about it, as ``summary`` words it."""

    head: str
    subject: str = ""
    """The node the clause is about; restarts and stops caused by it attach here."""
    verb: str = ""
    """Set on "<supervisor> starts a and b" clauses, which merge when they follow each other."""
    objects: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    restarted: list[str] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    stopping: list[str] = field(default_factory=list)
    not_restarted: bool = False

    def render(self) -> str:
        text = self.head
        if self.objects:
            text += f" {join_names(self.objects, self.subject)}"
        under = parent(self.subject)
        notes = list(self.notes)
        others = [path for path in self.restarted if path != self.subject]
        if others:
            notes.append(f"{join_names(others, under)} restarted")
        if self.stopped:
            notes.append(f"{join_names(self.stopped, under)} stopped")
        if self.not_restarted:
            notes.append("not restarted")
        if notes:
            text += f" ({'; '.join(notes)})"
        if self.stopping:
            text += f", stopping {join_names(self.stopping, self.subject)}"
        return text


class _Moment:
    """The events of one instant, turned into clauses (see the module docstring for the rules)."""

    def __init__(self, events: list[Event], fates: Fates) -> None:
        self.events = events
        self.fates = fates
        self.stopped_paths = {e.path for e in events if isinstance(e, (Terminate, Kill))}
        self.last_start = {e.path: index for index, e in enumerate(events) if isinstance(e, Start)}
        self.gave_up = {e.path for e in events if isinstance(e, GiveUp)}
        self.clauses_: list[MomentClause] = []
        self.deaths: dict[str, MomentClause] = {}

    def clauses(self) -> list[str]:
        for index, event in enumerate(self.events):
            handler = _HANDLERS.get(type(event))
            if handler is not None:
                handler(self, event, index)
        self._attach_replies()
        return _merge_repeats([clause.render() for clause in self.clauses_])

    # ---------------------------------------------------------------- clause builders

    def _add(self, clause: MomentClause) -> None:
        last = self.clauses_[-1] if self.clauses_ else None
        if clause.verb and last is not None and (last.verb, last.subject) == (clause.verb, clause.subject):
            last.objects.extend(clause.objects)
            return
        self.clauses_.append(clause)

    def _add_death(self, event: Event, verb: str, note: str | None = None) -> None:
        clause = MomentClause(f"{relative(event.path)} {verb}", event.path, notes=[note] if note else [],
                              not_restarted=event.seq in self.fates.not_restarted)
        self.deaths.setdefault(event.path, clause)
        self._add(clause)

    def _add_action(self, supervisor: str, verb: str, path: str) -> None:
        self._add(MomentClause(f"{relative(supervisor)} {verb}", supervisor, verb=verb, objects=[path]))

    # ---------------------------------------------------------------- one handler per event kind

    def _on_start(self, event: Start, index: int) -> None:
        if event.cause is not None or self._started_with_ancestor(event, index):
            return
        supervisor = parent(event.path)
        if event.restart:
            self._add_action(supervisor or event.path, "restarts", event.path)
        elif supervisor is None:
            children = [e.path for e in self.events[:index]
                        if isinstance(e, Start) and parent(e.path) == event.path and e.cause is None]
            self.clauses_.append(MomentClause(f"{relative(event.path)} starts", event.path, objects=children))
        else:
            self._add_action(supervisor, "starts", event.path)

    def _started_with_ancestor(self, event: Event, index: int) -> bool:
        """A supervisor reports its start after its children's: theirs are part of its own."""
        return any(self.last_start.get(ancestor, -1) > index for ancestor in ancestors(event.path))

    def _on_crash(self, event: Crash, index: int) -> None:
        if self._orphan(event) or event.killed_by is not None:  # a kill's crash: its kill tells it
            return
        if failed_start(event):
            self._add_death(event, "fails to start")
        elif event.reason == "killed":
            self._add_death(event, "is killed")
        else:
            self._add_death(event, "crashes")

    def _on_exit(self, event: Exit, index: int) -> None:
        if self._orphan(event) or event.path in self.gave_up:
            return
        reason = event.reason
        if failed_start(event):
            self._add_death(event, "fails to start")
        elif event.phase == "ignore":
            self._add_death(event, "ignores its start")
        elif reason == "normal":
            self._add_death(event, "exits")
        elif reason == "shutdown":
            self._add_death(event, "shuts down")
        else:
            self._add_death(event, "exits", reason)

    def _orphan(self, event: Ended) -> bool:
        """Death by a link from an ancestor stopped in this moment: part of that stop, not news."""
        return event.reason in ("killed", "shutdown") and self._below_stopped(event.path)

    def _below_stopped(self, path: str) -> bool:
        return any(ancestor in self.stopped_paths for ancestor in ancestors(path))

    def _on_kill(self, event: Kill, index: int) -> None:
        if not self._below_stopped(event.path):
            self._add_death(event, f"is killed by the {event.by}")

    def _on_give_up(self, event: GiveUp, index: int) -> None:
        note = intensity(len(event.restarts), event.max_seconds, event.max_restarts)
        self._add_death(event, "gives up", note)

    def _on_terminate(self, event: Terminate, index: int) -> None:
        supervisor = parent(event.path)
        if event.why == "api" and supervisor is not None and not self._below_stopped(event.path):
            self._add_action(supervisor, "terminates", event.path)

    def _on_strategy(self, event: StrategyChanged, index: int) -> None:
        self._add(MomentClause(f"{relative(event.path)} switches from {event.previous} to {event.strategy}",
                               event.path))

    def _on_zombie(self, event: Zombie, index: int) -> None:
        self._add(MomentClause(f"{relative(event.path)} leaves a thread behind ({event.thread})", event.path))

    # ---------------------------------------------------------------- what supervisors did in reply

    def _attach_replies(self) -> None:
        """Fold restarts and stops into the clause of their cause, or give them a clause of their own.

        A start or terminate that carries a decision number was done for a restart decision (its
        ``cause`` names the child whose exit it answered); a terminate with ``why = shutdown`` is
        its supervisor stopping.
        """
        restarted: dict[str, list[str]] = {}
        stopped: dict[str, list[Event]] = {}
        stopping: dict[str, list[str]] = {}
        for event in self.events:
            if isinstance(event, Start) and event.cause is not None:
                restarted.setdefault(event.cause, []).append(event.path)
            elif isinstance(event, Terminate) and not self._below_stopped(event.path):
                supervisor = parent(event.path)
                if event.decision is not None and event.cause is not None:
                    stopped.setdefault(event.cause, []).append(event)
                elif event.why == "shutdown" and supervisor is not None:
                    stopping.setdefault(supervisor, []).append(event.path)
        for cause in dict.fromkeys([*restarted, *stopped]):
            self._reply(cause, restarted.get(cause, []), stopped.get(cause, []))
        for supervisor, paths in stopping.items():
            clause = self.deaths.get(supervisor)
            if clause is not None:
                clause.stopping.extend(paths)
            else:
                self.clauses_.append(MomentClause(f"{relative(supervisor)} stops", supervisor, objects=paths))

    def _reply(self, cause: str, restarted: list[str], stops: list[Event]) -> None:
        """In the cause's own clause, the lesson's "(bomb2 and bomb3 restarted)". If the cause died in
        an earlier moment (its siblings were slow to stop), the supervisor's reply stands alone."""
        clause = self.deaths.get(cause)
        if clause is None:
            supervisor = parent(cause) or cause
            stop_paths = [event.path for event in stops]
            verbs = [f"stops {join_names(stop_paths, supervisor)}"] if stop_paths else []
            if restarted:
                verbs.append(f"restarts {join_names(restarted, supervisor)}")
            self.clauses_.append(MomentClause(f"{relative(supervisor)} {' and '.join(verbs)}", supervisor,
                                              notes=[f"because of {relative(cause)}"]))
            return
        clause.restarted.extend(restarted)
        clause.stopped.extend(event.path for event in stops if event.path not in restarted)


_HANDLERS: dict[type[Event], Callable[[_Moment, Event, int], None]] = {
    Start: _Moment._on_start,  # type: ignore[dict-item]
    Crash: _Moment._on_crash,  # type: ignore[dict-item]
    Exit: _Moment._on_exit,  # type: ignore[dict-item]
    Kill: _Moment._on_kill,  # type: ignore[dict-item]
    GiveUp: _Moment._on_give_up,  # type: ignore[dict-item]
    Terminate: _Moment._on_terminate,  # type: ignore[dict-item]
    StrategyChanged: _Moment._on_strategy,  # type: ignore[dict-item]
    Zombie: _Moment._on_zombie,  # type: ignore[dict-item]
}
"""What each kind adds to a moment; a fault is not part of the lesson's story and adds nothing."""


def _merge_repeats(texts: Iterable[str]) -> list[str]:
    """``x; x; x`` → ``x (3 times)``: a restart that fails again and again at one instant."""
    out: list[str] = []
    for text, run in groupby(texts):
        count = len(list(run))
        out.append(text if count == 1 else f"{text} ({count} times)")
    return out
