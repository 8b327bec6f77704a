"""Why one crash (or exit) turned out as it did, read off the typed events alone.

The app's why view and the predict explanations both read a :class:`Why`: who ended and how (a kill
by whom), which supervisor decided and by which strategy, the siblings it stopped (reverse start
order, each with how its shutdown ended) and started again (start order, with their new pids), the
restart window after the decision against its limit, and whether this crash tipped the supervisor
over; or why nothing was restarted. Every fact comes from a field the engine set where it happened
(``killed_by``, ``decision``, ``how``, ``stamps``), so nothing is guessed from the order of events.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from ..engine.protocol import Crash, Ended, Event, Exit, GiveUp, Kill, Start, StrategyChanged, Terminate
from ..paths import parent, relative
from ..treefile.model import Tree
from . import sentences as say

NotRestarted = Literal["temporary", "transient", "ignored", "failed_start", "root", "supervisor_ended",
                       "pending"]
"""Why no restart followed: the restart type (``temporary``; ``transient`` after an orderly end), its
init returned ignore, a first start failed (no running child to restart), it is the root (nobody above
it), its supervisor ended before deciding, or the run ended before anything was decided (``pending``)."""


@dataclass(frozen=True, slots=True)
class Stopped:
    """A sibling the supervisor stopped for this decision (or, after a give-up, on its way out)."""

    path: str
    pid: str
    t: int
    how: str | None
    """``in_time``, ``timeout`` (killed when its shutdown time ran out), ``brutal_kill``, ``infinity``."""
    reason: str
    shutdown_error: bool = False


@dataclass(frozen=True, slots=True)
class Started:
    """A child the decision started again: its new pid, or the reason its start failed."""

    path: str
    pid: str
    t: int
    failed: str | None = None
    """The reason of a failed start (its init raised); ``None`` when it runs."""


@dataclass(frozen=True, slots=True)
class Why:
    """One crash or exit and everything its supervisor did about it (see the module docstring)."""

    seq: int
    t: int
    path: str
    pid: str
    kind: Literal["crash", "exit"]
    reason: str
    phase: str | None = None
    killed_by: str | None = None
    supervisor: str | None = None
    strategy: str | None = None
    """The strategy that decided (the decision's own), else the supervisor's at the time."""
    decision: int | None = None
    decided_at: int | None = None
    retries: tuple[int, ...] = ()
    """The decisions that tried again after a start of this one failed (OTP retries at once)."""
    stopped: tuple[Stopped, ...] = ()
    started: tuple[Started, ...] = ()
    stamps: Sequence[int] = ()
    """The window after the decision (newest first); at a give-up, the window that was too full."""
    max_restarts: int | None = None
    max_seconds: int | None = None
    gave_up: bool = False
    """This crash tipped its supervisor over: it gave up instead of restarting."""
    own_give_up: bool = False
    """This is a supervisor's exit after it gave up itself (its supervisor sees a child's exit)."""
    restart_type: str | None = None
    """From the tree, when one is given (``permanent``, ``transient``, ``temporary``)."""
    not_restarted: NotRestarted | None = None

    @property
    def restarted(self) -> bool:
        """The child itself was started again (and that start did not fail)."""
        return any(s.path == self.path and s.failed is None for s in self.started)

    @property
    def died(self) -> str:
        """How it ended, in the past tense a sentence needs: crashed, exited, was killed, gave up."""
        if self.killed_by is not None:
            return say.DIED["kill"]
        return say.DIED["give_up" if self.own_give_up else self.kind]

    @property
    def group(self) -> bool:
        """The decision stopped or started anyone besides the child itself: a group restart."""
        return bool(self.stopped) or any(s.path != self.path for s in self.started)


def why(events: Sequence[Event], seq: int, tree: Tree | None = None) -> Why:
    """The :class:`Why` of the crash or exit numbered ``seq`` in ``events`` (stream order).

    ``seq`` may also be a ``kill``'s: its crash (the same death) is explained. ``tree`` only adds the
    child's restart type. Raises ``ValueError`` when ``seq`` is not a death in ``events``.
    """
    index = _index_of(events, seq)
    event = events[index]
    if isinstance(event, Kill):
        index = _death_of_kill(events, index)
        event = events[index]
    if not isinstance(event, Ended):
        raise ValueError(f"event {seq} is a {event.kind}, not a crash or exit")
    path, supervisor = event.path, parent(event.path)
    flags = _flags(events, index, supervisor)
    base = Why(seq=event.seq, t=event.t, path=path, pid=event.pid,
               kind="crash" if isinstance(event, Crash) else "exit", reason=event.reason, phase=event.phase,
               killed_by=event.killed_by, supervisor=supervisor, strategy=flags.strategy,
               max_restarts=flags.max_restarts, max_seconds=flags.max_seconds,
               restart_type=_restart_type(tree, path), own_give_up=_gave_up_before(events, index))
    if supervisor is None:
        return _replace(base, not_restarted="root")
    answer = _answer(events, index, path, supervisor)
    if isinstance(answer, GiveUp):
        return _replace(base, gave_up=True, stamps=answer.restarts, max_restarts=answer.max_restarts,
                        max_seconds=answer.max_seconds, decided_at=answer.t,
                        stopped=_shutdown_stops(events, answer, supervisor))
    if isinstance(answer, int):
        return _decided(base, events, index, answer)
    return _replace(base, not_restarted=_not_restarted(event, base.restart_type, answer))


# ---------------------------------------------------------------------------- finding things


def _index_of(events: Sequence[Event], seq: int) -> int:
    """Events are in stream order, so their ``seq`` numbers rise: bisect for it."""
    index = bisect_left(events, seq, key=lambda e: e.seq)
    if index == len(events) or events[index].seq != seq:
        raise ValueError(f"no event {seq} in this run")
    return index


def _death_of_kill(events: Sequence[Event], index: int) -> int:
    """The crash a kill caused: the next end of that pid that says who killed it."""
    kill = events[index]
    for later in range(index + 1, len(events)):
        event = events[later]
        if isinstance(event, Ended) and event.pid == kill.pid and event.killed_by is not None:
            return later
    raise ValueError(f"the kill {kill.seq} of {kill.path} has no crash after it")


@dataclass(frozen=True, slots=True)
class _Flags:
    strategy: str | None = None
    max_restarts: int | None = None
    max_seconds: int | None = None


def _flags(events: Sequence[Event], index: int, supervisor: str | None) -> _Flags:
    """The supervisor's flags as they stood at ``index``: its last start's, with any strategy switch."""
    if supervisor is None:
        return _Flags()
    strategy: str | None = None
    for earlier in range(index - 1, -1, -1):
        event = events[earlier]
        if event.path != supervisor:
            continue
        if isinstance(event, StrategyChanged) and strategy is None:
            strategy = event.strategy
        elif isinstance(event, Start):
            return _Flags(strategy or event.strategy, event.max_restarts, event.max_seconds)
    return _Flags(strategy)


def _answer(events: Sequence[Event], index: int, path: str, supervisor: str) -> GiveUp | int | str:
    """What the supervisor did about this death: gave up, took decision N, or (a word) nothing.

    A decision for this child carries ``cause == path`` and its number; one that comes after the
    child's next death is not this one's. ``supervisor_ended``: it ended first; ``pending``: the run
    ended first.
    """
    for later in range(index + 1, len(events)):
        event = events[later]
        if isinstance(event, GiveUp) and event.path == supervisor and event.child == path:
            return event
        decided = isinstance(event, (Start, Terminate, Ended)) and event.decision is not None
        if decided and event.cause == path:
            return event.decision
        if isinstance(event, Ended) and event.path == supervisor:
            return "supervisor_ended"
        if isinstance(event, Ended) and event.path == path and event.phase != "init":
            break  # it died again: nothing was done about the first death
    return "pending"


def _decided(base: Why, events: Sequence[Event], index: int, decision: int) -> Why:
    """Everything decision ``decision`` did: stops, starts (and failed starts), and its window.

    When a start failed, the supervisor tries again at once with a new decision whose ``cause`` is
    the child that failed to start; its stops and starts are part of this story too (``retries``).
    """
    stopped: list[Stopped] = []
    started: list[Started] = []
    stamps: Sequence[int] | None = None
    strategy: str | None = None
    decided_at: int | None = None
    chain, retries, failed_paths = {decision}, [], set()
    for event in events[index + 1:]:
        if not isinstance(event, (Start, Terminate, Ended)) or event.decision is None:
            continue
        if event.decision not in chain:
            if event.cause not in failed_paths:
                continue
            failed_paths.discard(event.cause)
            chain.add(event.decision)
            retries.append(event.decision)
        decided_at = event.t if decided_at is None else decided_at
        strategy = strategy or event.by_strategy
        if isinstance(event, Terminate):
            stopped.append(Stopped(event.path, event.pid, event.t, event.how, event.reason,
                                   bool(event.shutdown_error)))
            continue
        stamps = stamps if stamps is not None else event.stamps
        failed = event.reason if isinstance(event, Ended) else None
        if failed is not None:
            failed_paths.add(event.path)
        started.append(Started(event.path, event.pid, event.t, failed))
    return _replace(base, decision=decision, decided_at=decided_at, strategy=strategy or base.strategy,
                    stopped=tuple(stopped), started=tuple(started), stamps=stamps or (),
                    retries=tuple(retries))


def _gave_up_before(events: Sequence[Event], index: int) -> bool:
    """The process that ended at ``index`` gave up first (a supervisor over its limit)."""
    pid = events[index].pid
    for earlier in range(index - 1, -1, -1):
        event = events[earlier]
        if event.pid != pid:
            continue
        if isinstance(event, GiveUp):
            return True
        if isinstance(event, Start):
            return False
    return False


def _shutdown_stops(events: Sequence[Event], give_up: GiveUp, supervisor: str) -> tuple[Stopped, ...]:
    """The children a supervisor stopped after giving up, until it ended itself."""
    out = []
    for event in events[_index_of(events, give_up.seq) + 1:]:
        if isinstance(event, Ended) and event.path == supervisor:
            break
        if isinstance(event, Terminate) and event.why == "shutdown" and parent(event.path) == supervisor:
            out.append(Stopped(event.path, event.pid, event.t, event.how, event.reason,
                               bool(event.shutdown_error)))
    return tuple(out)


def _restart_type(tree: Tree | None, path: str) -> str | None:
    if tree is None:
        return None
    node = tree.nodes().get(path)
    if node is None:  # a child the script adds: its spec says its restart type
        node = next((step.child for step in tree.script
                     if step.child is not None and f"{step.target}/{step.child.id}" == path), None)
    return node.restart if node is not None else None


def _not_restarted(event: Ended, restart_type: str | None, answer: str) -> NotRestarted:
    """Why no decision followed, most telling reason first."""
    if event.phase == "ignore":
        return "ignored"
    if event.phase == "init" and event.decision is None:
        return "failed_start"
    if restart_type == "temporary":
        return "temporary"
    if isinstance(event, Exit) and restart_type in ("transient", None) and answer != "supervisor_ended":
        return "transient"
    return "supervisor_ended" if answer == "supervisor_ended" else "pending"


def _replace(base: Why, **changes: object) -> Why:
    return replace(base, **changes)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- in words


def explain_lines(why: Why) -> list[str]:
    """The why in plain words, one sentence per line, in the order things happened."""
    name = relative(why.path)
    lines = [_what_ended(why, name)]
    if why.not_restarted is not None:
        lines.append(_NOT_RESTARTED[why.not_restarted](why))
        return lines
    supervisor = why.supervisor or ""
    if why.gave_up and why.max_restarts is not None and why.max_seconds is not None:
        lines.append(say.gave_up_instead(supervisor, len(why.stamps), why.max_restarts, why.max_seconds))
        lines.append(say.give_up_rule(why.stamps, why.max_restarts, why.max_seconds, why.path))
        if why.stopped:
            lines.append(f"it stopped {say.in_order([s.path for s in why.stopped])} (reverse start order) "
                         "and exited with reason shutdown")
    elif why.group:
        lines.append(group_sentence(why))
    else:
        lines.append(f"{relative(supervisor)} ({why.strategy}) restarted just {name}")
    lines.extend(_stop_line(stop) for stop in why.stopped)
    lines.extend(_start_line(start) for start in why.started)
    if not why.gave_up and why.stamps and why.max_restarts is not None and why.max_seconds is not None:
        stamps = ", ".join(str(s) for s in reversed(why.stamps))
        lines.append(f"{say.budget(len(why.stamps), why.max_restarts, why.max_seconds)} "
                     f"(stamps at {stamps} s)")
    return lines


def group_sentence(why: Why) -> str:
    """What the strategy did, in the words the predict explanations use for a group restart."""
    return say.group_rule(why.strategy, why.path, why.died, why.supervisor or why.path,
                          [s.path for s in why.stopped], [s.path for s in why.started if s.failed is None])


def _what_ended(why: Why, name: str) -> str:
    when = say.secs(why.t)
    if why.killed_by is not None:
        return f"{name} was killed at {when}: {say.kill_rule(why.killed_by)}"
    if why.phase == "init":
        return f"{name} failed to start at {when} ({why.reason})"
    if why.own_give_up:
        return f"{name} gave up and exited at {when} ({why.reason})"
    if why.phase == "ignore":
        return f"{name} ignored its start at {when}"
    verb = "crashed" if why.kind == "crash" else "exited"
    return f"{name} {verb} at {when} ({why.reason})"


def _stop_line(stop: Stopped) -> str:
    text = f"{relative(stop.path)} {stop.pid} stopped at {say.secs(stop.t)}: "
    text += say.stop_how(stop.how, stop.reason)
    return text + (", a shutdown error" if stop.shutdown_error else "")


def _start_line(start: Started) -> str:
    if start.failed is not None:
        return f"{relative(start.path)} failed to start again at {say.secs(start.t)} ({start.failed})"
    return f"{relative(start.path)} started again at {say.secs(start.t)} as {start.pid}"


_NOT_RESTARTED = {
    "temporary": lambda why: say.TEMPORARY,
    "transient": lambda why: say.transient_orderly(why.reason),
    "ignored": lambda why: "its init returned ignore: its supervisor keeps it not running",
    "failed_start": lambda why: "it never ran, so there was no running child to restart",
    "root": lambda why: "it is the root: no supervisor is above it to restart it",
    "supervisor_ended": lambda why: f"{relative(why.supervisor or '')} ended before it could restart it",
    "pending": lambda why: "nothing was restarted before the run ended",
}
