"""A reference model of OTP static supervisors, written from docs/semantics.md and not from the engine.

It knows nothing of processes, threads or clocks: a tree of specs, the time of each action, and the
rules. Given the same tree and the same actions as the engine, it says what every live supervisor's
``which_children``, strategy and restart stamps must be, what each API call must answer, and how many
times each path must have been started. The property tests in ``test_model_storms.py`` run both and
compare them after every action.

Scope: workers that never end on their own (every exit comes from an action, so the model needs no
timers), static supervisors, all strategies, all restart types, intensity, escalation, and the child
API. Timed crashes are covered elsewhere (the lesson timelines and the recordings from real OTP).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

ORDERLY = ("normal", "shutdown")
"""R5.1: orderly reasons (``{shutdown, Term}`` is never used by the storms)."""


@dataclass(frozen=True)
class WorkerSpec:
    id: str
    restart: str


@dataclass(frozen=True)
class SupSpec:
    id: str
    restart: str
    strategy: str
    max_restarts: int
    max_seconds: int
    children: tuple[WorkerSpec | SupSpec, ...]


Spec = WorkerSpec | SupSpec


@dataclass
class Child:
    """One record in a supervisor's child list; ``sup`` is the running sub-supervisor, if it is one."""

    spec: Spec
    path: str
    running: bool = False
    sup: Sup | None = None


@dataclass
class Sup:
    spec: SupSpec
    path: str
    strategy: str
    children: list[Child] = field(default_factory=list)
    """In start order."""
    stamps: list[int] = field(default_factory=list)
    """Newest first, whole seconds (R3)."""

    def find(self, child_id: str) -> Child | None:
        return next((c for c in self.children if c.spec.id == child_id), None)


class Model:
    """The whole tree; every method takes the virtual time of the action (ms)."""

    def __init__(self, root: SupSpec) -> None:
        self.starts: dict[str, int] = {}
        self.root_record = Child(root, root.id)
        self._start(self.root_record)

    # ------------------------------------------------------------------ queries

    @property
    def root(self) -> Sup | None:
        return self.root_record.sup if self.root_record.running else None

    def supervisors(self) -> dict[str, Sup]:
        """Every live supervisor by path."""
        found: dict[str, Sup] = {}

        def walk(sup: Sup) -> None:
            found[sup.path] = sup
            for child in sup.children:
                if child.running and child.sup is not None:
                    walk(child.sup)

        if self.root is not None:
            walk(self.root)
        return found

    def live_paths(self) -> list[str]:
        paths: list[str] = []
        for sup in self.supervisors().values():
            paths.append(sup.path)
            paths += [c.path for c in sup.children if c.running and c.sup is None]
        return sorted(paths)

    def parent_of(self, path: str) -> tuple[Sup | None, Child]:
        if path == self.root_record.path:
            return None, self.root_record
        sup = self.supervisors()[path.rsplit("/", 1)[0]]
        child = sup.find(path.rsplit("/", 1)[1])
        assert child is not None
        return sup, child

    # ------------------------------------------------------------------ starting and stopping

    def _start(self, record: Child) -> None:
        record.running = True
        self.starts[record.path] = self.starts.get(record.path, 0) + 1
        if isinstance(record.spec, SupSpec):  # a (re)started supervisor runs init again (R7.3)
            sup = Sup(record.spec, record.path, record.spec.strategy)
            record.sup = sup
            for spec in record.spec.children:
                child = Child(spec, f"{record.path}/{spec.id}")
                sup.children.append(child)
                self._start(child)

    def _stop(self, record: Child) -> None:
        """Stop a running child and everything under it (who stops it decides what happens next)."""
        record.running = False
        if record.sup is not None:
            for child in reversed(record.sup.children):
                if child.running:
                    self._stop(child)
            record.sup = None

    # ------------------------------------------------------------------ exits

    def _exited(self, sup: Sup | None, record: Child, reason: str, now_ms: int) -> None:
        """``record`` (already stopped) ended with ``reason``: its supervisor decides (R5.2)."""
        if sup is None:  # the root: nobody above it
            return
        orderly = reason in ORDERLY
        restart = record.spec.restart
        if restart == "temporary":
            sup.children.remove(record)
            return
        if restart == "transient" and orderly:
            return
        now = math.floor(now_ms / 1000)
        sup.stamps = [now, *[s for s in _leading(sup.stamps, now - sup.spec.max_seconds)]]
        if len(sup.stamps) > sup.spec.max_restarts:  # R3.4, R3.6, R7.1: give up, exit shutdown
            self._give_up(sup, now_ms)
            return
        if sup.strategy == "one_for_one":
            self._start(record)
        elif sup.strategy == "one_for_all":
            self._bounce(sup, sup.children, now_ms)
        else:
            self._bounce(sup, sup.children[sup.children.index(record):], now_ms)

    def _bounce(self, sup: Sup, part: list[Child], now_ms: int) -> None:
        """R4.3-R4.5: stop the running ones in reverse order (temporaries dropped), start the rest."""
        part = list(part)
        for child in reversed(part):
            if child.running:
                self._stop(child)
            if child.spec.restart == "temporary":
                sup.children.remove(child)
        for child in part:
            if child in sup.children:
                self._start(child)

    def _give_up(self, sup: Sup, now_ms: int) -> None:
        parent, record = self.parent_of(sup.path)
        self._stop(record)
        self._exited(parent, record, "shutdown", now_ms)

    # ------------------------------------------------------------------ actions

    def kill(self, path: str, now_ms: int) -> None:
        """``exit(Pid, kill)``: the process (and its whole subtree) ends with ``killed``."""
        parent, record = self.parent_of(path)
        self._stop(record)
        self._exited(parent, record, "killed", now_ms)

    def stop(self, path: str, reason: str, now_ms: int) -> None:
        """``GenServer.stop(Pid, Reason)``: ends with ``reason`` (a supervisor stops its children first)."""
        parent, record = self.parent_of(path)
        self._stop(record)
        self._exited(parent, record, reason, now_ms)

    def signal(self, path: str, reason: str, now_ms: int) -> None:
        """``exit(Pid, Reason)`` from a process that is neither parent nor child (R5.4, R4.9).

        A worker does not trap exits: ``normal`` is ignored, anything else ends it. A supervisor traps
        exits and ignores a stranger's signal, unless it is ``kill``, or it is the root, whose parent is
        the outside world the signal comes from (then it stops with that reason).
        """
        if reason == "kill":
            self.kill(path, now_ms)
            return
        parent, record = self.parent_of(path)
        if record.sup is not None:
            if parent is None:
                self.stop(path, reason, now_ms)
            return
        if reason != "normal":
            self.stop(path, reason, now_ms)

    def set_strategy(self, path: str, strategy: str) -> None:
        self.supervisors()[path].strategy = strategy

    def terminate_child(self, path: str, child_id: str) -> str:
        """R9.2."""
        sup = self.supervisors()[path]
        record = sup.find(child_id)
        if record is None:
            return "not_found"
        if record.running:
            self._stop(record)
        if record.spec.restart == "temporary":
            sup.children.remove(record)
        return "ok"

    def restart_child(self, path: str, child_id: str) -> str:
        """R9.3."""
        record = self.supervisors()[path].find(child_id)
        if record is None:
            return "not_found"
        if record.running:
            return "running"
        self._start(record)
        return "ok"

    def delete_child(self, path: str, child_id: str) -> str:
        """R9.4."""
        sup = self.supervisors()[path]
        record = sup.find(child_id)
        if record is None:
            return "not_found"
        if record.running:
            return "running"
        sup.children.remove(record)
        return "ok"

    def start_child(self, path: str, spec: Spec) -> str:
        """R9.1: appended at the end of the start order."""
        sup = self.supervisors()[path]
        record = sup.find(spec.id)
        if record is not None:
            return "already_started" if record.running else "already_present"
        record = Child(spec, f"{path}/{spec.id}")
        sup.children.append(record)
        self._start(record)
        return "ok"


def _leading(stamps: list[int], threshold: int) -> list[int]:
    """R3.3: the leading stamps at or after ``threshold``; the scan stops at the first older one."""
    kept = []
    for stamp in stamps:
        if stamp < threshold:
            break
        kept.append(stamp)
    return kept
