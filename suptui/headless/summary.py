"""``--format summary``: the run told the way the lesson tells it, one line per moment::

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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from ..engine import Event
from ..safetext import visible
from .text import intensity

MAX_NAMES = 6
"""Longer lists of names end in "and N more", so a 1,000-worker group restart stays one readable line."""

DEATHS = ("crash", "exit", "kill", "give_up")
ENDS = ("crash", "exit", "kill", "give_up", "terminate")


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


def name(path: str, under: str | None = None) -> str:
    """``path`` relative to ``under`` if it lies below it, else relative to the root (which keeps its id)."""
    if under is not None and path.startswith(under + "/"):
        return path[len(under) + 1:]
    return path.split("/", 1)[1] if "/" in path else path


def join_names(paths: Sequence[str], under: str | None = None) -> str:
    """"a", "a and b", "a, b and c"; past :data:`MAX_NAMES`, the tail is counted instead of listed."""
    names = [name(path, under) for path in paths]
    if len(names) > MAX_NAMES:
        shown = MAX_NAMES - 1
        names = [*names[:shown], f"{len(names) - shown} more"]
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0]


def _is_top(path: str) -> bool:
    return "/" not in path


def _ancestors(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def _failed_start(event: Event) -> bool:
    return event.kind in ("crash", "exit") and event.get("phase") == "init"


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
        for_it: dict[str, int] = {}     # the path's supervisor acts for it: a cause, a start attempt
        handled: dict[str, int] = {}    # the supervisor at the path does something with a child
        ended: dict[str, int] = {}      # the path dies or is stopped
        for index in range(len(events) - 1, -1, -1):
            event = events[index]
            path, cause = event.path, event.get("cause")
            if event.kind in DEATHS and not _is_top(path) and not _failed_start(event):
                by_cause = for_it.get(path, never)
                by_supervisor = handled.get(_parent(path), never)
                by_end = min(ended.get(ancestor, never) for ancestor in _ancestors(path))
                if by_supervisor < min(by_cause, by_end):
                    self.not_restarted.add(event.seq)
            if cause is not None:
                for_it[cause] = index
            if _failed_start(event):
                for_it[path] = index
            if event.kind in ("start", "terminate") or _failed_start(event):
                handled[_parent(path)] = index
            elif event.kind == "strategy":
                handled[path] = index
            if event.kind in ENDS:
                ended[path] = index


@dataclass
class _Clause:
    """One thing that happened, plus what its supervisor did about it."""

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
        under = _parent(self.subject)
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
        self.stopped_paths = {e.path for e in events if e.kind in ("terminate", "kill")}
        self.last_start = {e.path: index for index, e in enumerate(events) if e.kind == "start"}
        self.killed = {e.path for e in events if e.kind == "kill"}
        self.gave_up = {e.path for e in events if e.kind == "give_up"}
        self.clauses_: list[_Clause] = []
        self.deaths: dict[str, _Clause] = {}

    def clauses(self) -> list[str]:
        for index, event in enumerate(self.events):
            handler = getattr(self, f"_on_{event.kind}", None)
            if handler is not None:
                handler(event, index)
        self._attach_replies()
        return _merge_repeats([clause.render() for clause in self.clauses_])

    # ---------------------------------------------------------------- clause builders

    def _add(self, clause: _Clause) -> None:
        last = self.clauses_[-1] if self.clauses_ else None
        if clause.verb and last is not None and (last.verb, last.subject) == (clause.verb, clause.subject):
            last.objects.extend(clause.objects)
            return
        self.clauses_.append(clause)

    def _add_death(self, event: Event, verb: str, note: str | None = None) -> None:
        clause = _Clause(f"{name(event.path)} {verb}", event.path, notes=[note] if note else [],
                         not_restarted=event.seq in self.fates.not_restarted)
        self.deaths.setdefault(event.path, clause)
        self._add(clause)

    def _add_action(self, supervisor: str, verb: str, path: str) -> None:
        self._add(_Clause(f"{name(supervisor)} {verb}", supervisor, verb=verb, objects=[path]))

    # ---------------------------------------------------------------- one handler per event kind

    def _on_start(self, event: Event, index: int) -> None:
        if event.get("cause") is not None or self._started_with_ancestor(event, index):
            return
        if event.get("restart"):
            self._add_action(_parent(event.path), "restarts", event.path)
        elif _is_top(event.path):
            children = [e.path for e in self.events[:index]
                        if e.kind == "start" and _parent(e.path) == event.path and e.get("cause") is None]
            self.clauses_.append(_Clause(f"{name(event.path)} starts", event.path, objects=children))
        else:
            self._add_action(_parent(event.path), "starts", event.path)

    def _started_with_ancestor(self, event: Event, index: int) -> bool:
        """A supervisor reports its start after its children's: theirs are part of its own."""
        return any(self.last_start.get(ancestor, -1) > index for ancestor in _ancestors(event.path))

    def _on_crash(self, event: Event, index: int) -> None:
        if self._orphan(event) or (event.path in self.killed and event.get("reason") == "killed"):
            return
        if _failed_start(event):
            self._add_death(event, "fails to start")
        elif event.get("reason") == "killed":
            self._add_death(event, "is killed")
        else:
            self._add_death(event, "crashes")

    def _on_exit(self, event: Event, index: int) -> None:
        if self._orphan(event) or event.path in self.gave_up:
            return
        reason = event.get("reason")
        if _failed_start(event):
            self._add_death(event, "fails to start")
        elif event.get("phase") == "ignore":
            self._add_death(event, "ignores its start")
        elif reason == "normal":
            self._add_death(event, "exits")
        elif reason == "shutdown":
            self._add_death(event, "shuts down")
        else:
            self._add_death(event, "exits", str(reason))

    def _orphan(self, event: Event) -> bool:
        """Death by a link from an ancestor stopped in this moment: part of that stop, not news."""
        return event.get("reason") in ("killed", "shutdown") and self._below_stopped(event.path)

    def _below_stopped(self, path: str) -> bool:
        return any(ancestor in self.stopped_paths for ancestor in _ancestors(path))

    def _on_kill(self, event: Event, index: int) -> None:
        if not self._below_stopped(event.path):
            self._add_death(event, f"is killed by the {event.get('by')}")

    def _on_give_up(self, event: Event, index: int) -> None:
        self._add_death(event, "gives up", intensity(event))

    def _on_terminate(self, event: Event, index: int) -> None:
        if event.get("why") == "api" and not self._below_stopped(event.path):
            self._add_action(_parent(event.path), "terminates", event.path)

    def _on_strategy(self, event: Event, index: int) -> None:
        self._add(_Clause(f"{name(event.path)} switches from {event.get('previous')} to "
                          f"{event.get('strategy')}", event.path))

    def _on_zombie(self, event: Event, index: int) -> None:
        self._add(_Clause(f"{name(event.path)} leaves a thread behind ({event.get('thread')})", event.path))

    # ---------------------------------------------------------------- what supervisors did in reply

    def _attach_replies(self) -> None:
        """Fold restarts and stops into the clause of their cause, or give them a clause of their own."""
        restarted: dict[str, list[str]] = {}
        stopped: dict[str, list[Event]] = {}
        stopping: dict[str, list[str]] = {}
        for event in self.events:
            cause = event.get("cause")
            if event.kind == "start" and cause is not None:
                restarted.setdefault(cause, []).append(event.path)
            elif event.kind == "terminate" and not self._below_stopped(event.path):
                if event.get("why") == "strategy" and cause is not None:
                    stopped.setdefault(cause, []).append(event)
                elif event.get("why") == "shutdown":
                    stopping.setdefault(_parent(event.path), []).append(event.path)
        for cause in dict.fromkeys([*restarted, *stopped]):
            self._reply(cause, restarted.get(cause, []), stopped.get(cause, []))
        for supervisor, paths in stopping.items():
            clause = self.deaths.get(supervisor)
            if clause is not None:
                clause.stopping.extend(paths)
            else:
                self.clauses_.append(_Clause(f"{name(supervisor)} stops", supervisor, objects=paths))

    def _reply(self, cause: str, restarted: list[str], stops: list[Event]) -> None:
        """In the cause's own clause, the lesson's "(bomb2 and bomb3 restarted)". If the cause died in
        an earlier moment (its siblings were slow to stop), the supervisor's reply stands alone."""
        clause = self.deaths.get(cause)
        if clause is None:
            supervisor = _parent(cause)
            stop_paths = [event.path for event in stops]
            verbs = [f"stops {join_names(stop_paths, supervisor)}"] if stop_paths else []
            if restarted:
                verbs.append(f"restarts {join_names(restarted, supervisor)}")
            self.clauses_.append(_Clause(f"{name(supervisor)} {' and '.join(verbs)}", supervisor,
                                         notes=[f"because of {name(cause)}"]))
            return
        clause.restarted.extend(restarted)
        clause.stopped.extend(event.path for event in stops if event.path not in restarted)


def _merge_repeats(texts: Iterable[str]) -> list[str]:
    """``x; x; x`` → ``x (3 times)``: a restart that fails again and again at one instant."""
    out: list[str] = []
    for text, run in groupby(texts):
        count = len(list(run))
        out.append(text if count == 1 else f"{text} ({count} times)")
    return out
