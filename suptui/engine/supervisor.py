"""The static supervisor: every OTP rule in one module (docs/semantics.md §R2–§R9).

Like ``supervisor.erl`` it is just a process that traps exits and runs a message loop; each rule
lives in one small method named for what it decides: ``_child_exited`` (the restart-type table),
``_restart`` (intensity, then the strategy), ``_stop_child`` (the shutdown protocol). Waiting for a
child to start or stop is a selective ``receive`` in a generator, so the supervisor handles no other
message meanwhile, exactly as in OTP.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Generator, Iterable, Sequence
from typing import Any

from .actor import TIMEOUT, Actor, Caller, DownMsg, ExitMsg, Receive
from .intensity import RestartWindow, Window, stamp
from .pid import Pid, Ref
from .process import StartResult
from .reasons import KILL, KILLED, SHUTDOWN, Reason, is_orderly, is_reason
from .specs import (
    STRATEGIES,
    ChildSpec,
    Shutdown,
    SupFlags,
    check_child_spec,
    check_child_specs,
    check_flags,
)

RESTARTING = "restarting"
"""The pid slot of a child whose restart failed and is being tried again."""

Gen = Generator[Receive, Any, Any]


class Child:
    """A supervisor's record of one child: its spec and its current pid (None = not running).

    Setting ``pid`` keeps the supervisor's pid index current, so an exit is matched to its child in
    constant time however many siblings there are.
    """

    __slots__ = ("_pid", "index", "path", "serial", "spec")

    def __init__(self, spec: ChildSpec, path: str, index: dict[Pid, Child], serial: int = 0) -> None:
        self.spec = spec
        self.path = path
        self.index = index
        self.serial = serial
        self._pid: Pid | str | None = None

    @property
    def pid(self) -> Pid | str | None:
        return self._pid

    @pid.setter
    def pid(self, pid: Pid | str | None) -> None:
        if isinstance(self._pid, Pid) and self.index.get(self._pid) is self:
            del self.index[self._pid]
        self._pid = pid
        if isinstance(pid, Pid):
            self.index[pid] = self

    def __repr__(self) -> str:
        return f"Child({self.spec.id!r}, {self._pid})"

    @property
    def running(self) -> bool:
        return isinstance(self.pid, Pid)

    @property
    def temporary(self) -> bool:
        return self.spec.restart == "temporary"


def how_stopped(shutdown: Shutdown, timed_out: bool) -> str:
    """How a shutdown ended, for the ``terminate`` event: the protocol's ``how`` field."""
    if timed_out:
        return "timeout"
    if shutdown in ("brutal_kill", "infinity"):
        return str(shutdown)
    return "in_time"


def _down_for(ref: Ref) -> Callable[[Any], bool]:
    return lambda msg: type(msg) is DownMsg and msg.ref == ref


class Supervisor(Actor):
    """A one_for_one / one_for_all / rest_for_one supervisor over a static child list."""

    trap_exit = True
    runaway_exempt = True  # long callbacks here are real work (a huge start-up), never a runaway

    def __init__(self, flags: SupFlags | None = None, children: Sequence[ChildSpec] = ()) -> None:
        self.flags = flags or SupFlags()
        self.strategy = self.flags.strategy
        self.specs = list(children)
        self.children: list[Child] = []
        self.window = RestartWindow()
        self._serials = 0
        self._pid_index: dict[Pid, Child] = {}

    @property
    def stamps(self) -> Window:
        """The restart window after the latest restart: its stamps, newest first (a sequence)."""
        return self.window.snapshot

    def _new_child(self, spec: ChildSpec) -> Child:
        self._serials += 1
        return Child(spec, self._child_path(spec), self._pid_index, serial=self._serials)

    # ---------------------------------------------------------------- start-up (R2)

    def init(self) -> Gen:
        error = check_flags(self.flags)
        if error is not None:
            self.stop(("supervisor_data", error))
        error = check_child_specs(self.specs, self.flags.auto_shutdown)
        if error is not None:
            self.stop(("start_spec", error))
        self.children = [self._new_child(spec) for spec in self.specs]
        for child in list(self.children):
            result = yield from self._start(child, {"restart": False})
            if result.status == "error":
                started = [c for c in self.children if c.running]
                yield from self._stop_all(reversed(started), "shutdown")
                self.stop(("shutdown", ("failed_to_start_child", child.spec.id, result.reason)))
            if result.status == "ignore" and child.temporary:
                self._drop(child)

    def _child_path(self, spec: ChildSpec) -> str:
        return f"{self.path}/{spec.id}"

    def _start(self, child: Child, info: dict[str, Any]) -> Generator[Receive, Any, StartResult]:
        """Start one child synchronously (its init has finished when this returns)."""
        spec = child.spec
        info = {**info, "type": spec.child_type, "actor": spec.actor.__name__}
        if spec.child_type == "supervisor":
            flags = spec.args.get("flags")
            if isinstance(flags, SupFlags):
                info.update(strategy=flags.strategy, max_restarts=flags.max_restarts,
                            max_seconds=flags.max_seconds)
        result = yield from self.context.start_link(spec.actor, spec.args, path=child.path, start_info=info)
        child.pid = result.pid if result.status == "ok" else None
        return result

    # ---------------------------------------------------------------- exits (R5.2)

    def handle_info(self, msg: Any) -> Gen | None:
        if type(msg) is ExitMsg:
            child = self._by_pid(msg.pid)
            if child is not None:
                return self._child_exited(child, msg.reason)
        return None

    def _child_exited(self, child: Child, reason: Reason) -> Gen:
        restart = child.spec.restart
        if restart == "permanent" or (restart == "transient" and not is_orderly(reason)):
            yield from self._restart(child)
            return
        self._not_restarted(child)
        self._check_auto_shutdown(child)

    def _not_restarted(self, child: Child) -> None:
        """A static supervisor keeps a transient child's spec (pid undefined) and forgets a temporary one."""
        if child.spec.restart == "transient":
            child.pid = None
        else:
            self._drop(child)

    def _check_auto_shutdown(self, child: Child) -> None:
        """§R8: a significant child that will not be restarted may end its supervisor."""
        mode = self.flags.auto_shutdown
        if not child.spec.significant or mode == "never":
            return
        if mode == "any_significant":
            self.stop(SHUTDOWN)
        if not any(c.spec.significant and c.pid is not None for c in self.children):
            self.stop(SHUTDOWN)

    # ---------------------------------------------------------------- restarts (R3, R4)

    def _restart(self, child: Child) -> Gen:
        """One restart decision: add a stamp, give up if over the limit, else apply the strategy."""
        flags = self.flags
        window = self.window.add(stamp(self.now_ms(), self.context.intensity_phase), flags.max_seconds)
        if len(window) > flags.max_restarts:
            self.context.report_give_up(child.path, restarts=window,
                                        max_restarts=flags.max_restarts, max_seconds=flags.max_seconds)
            if child.temporary:
                self._drop(child)
            else:
                child.pid = None
            self.stop(SHUTDOWN)
        decision = self.context.new_decision()
        info = {"restart": True, "cause": child.path, "by_strategy": self.strategy,
                "stamps": window, "decision": decision}
        if self.strategy == "one_for_one":
            child.pid = None
            result = yield from self._start(child, info)
            if result.status == "error":
                self._try_again(child)
            elif result.status == "ignore":
                self._ignored_on_restart(child)
            return
        child.pid = None
        first = 0 if self.strategy == "one_for_all" else self.children.index(child)
        group = self.children[first:]
        cause = {"cause": child.path, "by_strategy": self.strategy, "decision": decision}
        yield from self._stop_all(reversed(group), "strategy", cause)
        for member in list(group):
            if member.temporary:
                self._drop(member)
        for member in [m for m in group if not m.temporary]:
            result = yield from self._start(member, info)
            if result.status == "error":
                self._try_again(member)
                return

    def _ignored_on_restart(self, child: Child) -> None:
        """A restart whose start returned ignore: a static child keeps its spec, not running."""

    def _try_again(self, child: Child) -> None:
        """R4.6: mark the child restarting and retry via our own mailbox, behind what is queued."""
        child.pid = RESTARTING
        self.context.cast(self.pid, ("try_again_restart", child.serial))

    def handle_cast(self, msg: Any) -> Gen | None:
        if isinstance(msg, tuple) and msg[:1] == ("try_again_restart",):
            child = next((c for c in self.children if c.serial == msg[1]), None)
            if child is not None and child.pid == RESTARTING:
                return self._restart(child)
        return None

    # ---------------------------------------------------------------- stopping (R6)

    def _stop_all(self, children: Iterable[Child], why: str, extra: dict[str, Any] | None = None) -> Gen:
        for child in list(children):
            pid = child._pid  # (the property's value, read directly: once per child of a big stop)
            if type(pid) is Pid:
                yield from self._stop_child(child, why, extra)
            elif pid == RESTARTING:
                child.pid = None

    def _stop_child(self, child: Child, why: str, extra: dict[str, Any] | None = None) -> Gen:
        """OTP's shutdown/1: monitor, signal, wait up to the timeout, kill, then flush the EXIT."""
        pid = child.pid
        assert isinstance(pid, Pid)
        shutdown = child.spec.shutdown_spec
        timed_out = False
        told, ref, down, flushed = self.context.begin_stop(
            pid, KILL if shutdown == "brutal_kill" else SHUTDOWN, finish=True)
        if down is not None:  # it died of the signal at once (it does not trap exits, or was gone)
            self._stopped(child, pid, flushed if flushed is not None else down.reason, shutdown, told,
                          why, extra, how_stopped(shutdown, False))
            return
        if shutdown == "brutal_kill":
            down = yield self.receive(_down_for(ref))
        else:
            down = yield self.receive(_down_for(ref), None if shutdown == "infinity" else shutdown)
            if down is TIMEOUT:
                timed_out = True
                self.exit(pid, KILL)
                down = yield self.receive(_down_for(ref))
        how = how_stopped(shutdown, timed_out)
        yield from self._finish_stop(child, down, shutdown, told, why, extra, how)

    def _finish_stop(self, child: Child, down: Any, shutdown: Shutdown, told: bool, why: str,
                     extra: dict[str, Any] | None, how: str) -> Gen:
        """After DOWN: unlink, take the child's EXIT out of the mailbox (its reason wins), report."""
        pid = child.pid
        assert isinstance(pid, Pid)
        flushed = self.context.end_stop(pid)
        self._stopped(child, pid, flushed if flushed is not None else down.reason, shutdown, told, why,
                      extra, how)
        return
        yield  # a generator, so callers can ``yield from`` it uniformly

    def _stopped(self, child: Child, pid: Pid, reason: Reason, shutdown: Shutdown, told: bool, why: str,
                 extra: dict[str, Any] | None, how: str) -> None:
        """The child is gone, unlinked and flushed: forget its pid and report the stop."""
        child.pid = None
        if told:
            expected = is_reason(reason, KILLED if shutdown == "brutal_kill" else SHUTDOWN) or (
                child.spec.restart != "permanent" and is_orderly(reason))
            self.context.report_terminate(child.path, pid, reason, why=why, how=how,
                                          shutdown_error=None if expected else True, **(extra or {}))

    def terminate(self, reason: Reason) -> Gen:
        """Stop every child in reverse start order, each per its own shutdown spec."""
        yield from self._stop_all(reversed(self.children), "shutdown")
        self.children = [c for c in self.children if not c.temporary]

    # ---------------------------------------------------------------- API (R9)

    def handle_call(self, request: Any, caller: Caller) -> Any:
        op, *args = request
        handler = getattr(self, f"_call_{op}", None)
        if handler is None:
            return ("error", ("unknown_call", op))
        return handler(*args)

    def _call_which_children(self) -> list[tuple[str, Any, str]]:
        return [(c.spec.id, c.pid, c.spec.child_type) for c in reversed(self.children)]

    def _call_which_child(self, child_id: str) -> Any:
        child = self._by_id(child_id)
        if child is None:
            return ("error", "not_found")
        return ("ok", (child.spec.id, child.pid, child.spec.child_type))

    def _call_count_children(self) -> dict[str, int]:
        types = [c.spec.child_type for c in self.children]
        return {"specs": len(self.children), "active": sum(1 for c in self.children if c.running),
                "supervisors": types.count("supervisor"), "workers": types.count("worker")}

    def _call_get_childspec(self, child_id: str) -> Any:
        child = self._by_id(child_id)
        return ("ok", child.spec.describe()) if child is not None else ("error", "not_found")

    def _call_get_flags(self) -> dict[str, Any]:
        return {"strategy": self.strategy, "max_restarts": self.flags.max_restarts,
                "max_seconds": self.flags.max_seconds, "auto_shutdown": self.flags.auto_shutdown,
                "stamps": list(self.stamps)}

    def _call_set_strategy(self, strategy: str) -> Any:
        """Not OTP: switch strategy on the fly; applies from the next failure, window kept."""
        if strategy not in STRATEGIES:
            return ("error", ("invalid_strategy", strategy))
        previous, self.strategy = self.strategy, strategy
        self.context.report_strategy_changed(strategy, previous)
        return "ok"

    def _call_start_child(self, spec: ChildSpec) -> Gen | Any:
        error = check_child_spec(spec, self.flags.auto_shutdown) if isinstance(spec, ChildSpec) else (
            "invalid_child_spec", spec)
        if error is not None:
            return ("error", error)
        existing = self._by_id(spec.id)
        if existing is not None:
            return ("error", ("already_started", existing.pid) if existing.running else "already_present")
        return self._start_new_child(spec)

    def _start_new_child(self, spec: ChildSpec) -> Gen:
        child = self._new_child(spec)
        result = yield from self._start(child, {"restart": False, "why": "api"})
        if result.status == "error":
            return ("error", result.reason)
        if result.status == "ok" or not child.temporary:
            self.children.append(child)
        return ("ok", result.pid)

    def _call_terminate_child(self, child_id: Any) -> Gen | Any:
        child = self._by_id(child_id)
        if child is None:
            return ("error", "not_found")
        return self._terminate_child(child)

    def _terminate_child(self, child: Child) -> Gen:
        if child.running:
            yield from self._stop_child(child, "api")
        child.pid = None
        if child.temporary:
            self._drop(child)
        return "ok"

    def _call_restart_child(self, child_id: str) -> Gen | Any:
        child = self._by_id(child_id)
        if child is None:
            return ("error", "not_found")
        if child.running:
            return ("error", "running")
        if child.pid == RESTARTING:
            return ("error", "restarting")
        return self._restart_child(child)

    def _restart_child(self, child: Child) -> Gen:
        result = yield from self._start(child, {"restart": True, "why": "api"})
        if result.status == "error":
            return ("error", result.reason)
        return ("ok", result.pid)

    def _call_delete_child(self, child_id: str) -> Any:
        child = self._by_id(child_id)
        if child is None:
            return ("error", "not_found")
        if child.running:
            return ("error", "running")
        if child.pid == RESTARTING:
            return ("error", "restarting")
        self._drop(child)
        return "ok"

    # ---------------------------------------------------------------- helpers

    def _by_pid(self, pid: Pid) -> Child | None:
        return self._pid_index.get(pid)

    def _drop(self, child: Child) -> None:
        """Forget a child record entirely (temporary children, delete_child)."""
        child.pid = None
        self.children.remove(child)

    def _by_id(self, child_id: Any) -> Child | None:
        for child in self.children:
            if child.spec.id == child_id:
                return child
        return None

    def describe_state(self) -> str | None:
        shown = list(itertools.islice(self.stamps, 20))  # (a window may hold thousands)
        more = ", …" if len(self.stamps) > len(shown) else ""
        return f"{self.strategy}, {len(self.stamps)} stamps [{', '.join(map(str, shown))}{more}]"

