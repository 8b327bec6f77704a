"""DynamicSupervisor (Elixir): one_for_one over anonymous children added at run time (R9.8).

It reuses the static supervisor's rules (restart table, intensity, shutdown protocol) and differs
where Elixir's does: children are found by pid, not id; ``max_children`` caps them; a restart that
returns ignore drops the child; and shutdown signals every child at once, then collects them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeGuard

from .actor import TIMEOUT, DownMsg
from .pid import Pid, Ref
from .reasons import KILL, SHUTDOWN, Reason
from .specs import ChildSpec, Shutdown, SupFlags, check_child_spec, check_flags
from .supervisor import RESTARTING, Child, Gen, Supervisor, how_stopped


class DynamicSupervisor(Supervisor):
    """Starts with no children (or the given initial ones) and grows with ``start_child``."""

    def __init__(self, flags: SupFlags | None = None, children: Sequence[ChildSpec] = (),
                 max_children: int | None = None) -> None:
        super().__init__(flags, children)
        self.max_children = max_children

    def init(self) -> Gen:
        error = check_flags(self.flags)
        if error is None and self.flags.strategy != "one_for_one":
            error = ("invalid_strategy", self.flags.strategy)
        if error is None and self.flags.auto_shutdown != "never":
            error = ("invalid_auto_shutdown", self.flags.auto_shutdown)
        if error is not None:
            self.stop(("supervisor_data", error))
        for spec in self.specs:
            reply = yield from self._add(spec)
            if reply[0] == "error":
                yield from self.terminate(SHUTDOWN)
                self.stop(("shutdown", ("failed_to_start_child", spec.id, reply[1])))

    def _child_path(self, spec: ChildSpec) -> str:
        base = f"{self.path}/{spec.id}"
        taken = {c.path for c in self.children}
        if base not in taken:
            return base
        n = 2
        while f"{base}.{n}" in taken:
            n += 1
        return f"{base}.{n}"

    def _call_start_child(self, spec: ChildSpec) -> Gen | Any:
        if not isinstance(spec, ChildSpec):
            return ("error", ("invalid_child_spec", spec))
        error = check_child_spec(spec, "never")
        if error is not None:
            return ("error", error)
        if self.max_children is not None and len(self.children) >= self.max_children:
            return ("error", "max_children")
        return self._add(spec)

    def _add(self, spec: ChildSpec) -> Gen:
        child = self._new_child(spec)
        self.children.append(child)
        result = yield from self._start(child, {"restart": False, "why": "api"})
        if result.status != "ok":
            self._drop(child)
        if result.status == "error":
            return ("error", result.reason)
        return ("ok", result.pid)

    def _not_restarted(self, child: Child) -> None:
        """Anonymous children have nothing worth keeping: any child not restarted is forgotten."""
        self._drop(child)

    def _ignored_on_restart(self, child: Child) -> None:
        self._drop(child)

    def _call_terminate_child(self, pid: Any) -> Gen | Any:
        child = self._by_pid(pid) if isinstance(pid, Pid) else None
        if child is None:
            return ("error", "not_found")
        return self._terminate_child(child)

    def _terminate_child(self, child: Child) -> Gen:
        """Elixir forgets a terminated child whatever its restart type: nothing could start it again."""
        result = yield from super()._terminate_child(child)
        if child in self.children:
            self._drop(child)
        return result

    def _call_restart_child(self, _child: Any) -> Any:
        return ("error", "dynamic_supervisor")

    def _call_delete_child(self, _child: Any) -> Any:
        return ("error", "dynamic_supervisor")

    def _call_which_children(self) -> list[tuple[Any, Any, str]]:
        return [(None, c.pid, c.spec.child_type) for c in self.children]

    def _call_set_strategy(self, strategy: str) -> Any:
        if strategy != "one_for_one":
            return ("error", ("invalid_strategy", strategy))
        return super()._call_set_strategy(strategy)

    def terminate(self, reason: Reason) -> Gen:
        """Elixir's shutdown: signal every child at once, then collect each DOWN as it arrives.

        Unlike a static supervisor there is no order to keep, so nothing waits behind a slow child:
        one deadline per distinct ``shutdown`` value runs from the moment the signals went out, and
        when it passes exactly the children with that value still alive are killed. Each child's
        ``terminate`` is told when its DOWN arrives, so a short timeout behind slower siblings is
        killed on time and every end is reported at the moment it happens.
        """
        started = self.now_ms()
        pending: dict[Ref, tuple[Child, Shutdown, bool]] = {}
        for child in self.children:
            if child.pid == RESTARTING:
                child.pid = None
            if not child.running:
                continue
            pid = child.pid
            assert isinstance(pid, Pid)
            told = self.context.mark_stopping(pid)
            ref = self.monitor(pid)
            shutdown = child.spec.shutdown_spec
            self.exit(pid, KILL if shutdown == "brutal_kill" else SHUTDOWN)
            pending[ref] = (child, shutdown, told)
        deadlines = sorted({s for _, s, _ in pending.values() if _is_timeout(s)})
        killed: set[Ref] = set()
        while pending:
            timeout = None
            if deadlines:
                timeout = max(0.0, started + deadlines[0] - self.now_ms())
            msg = yield self.receive(_down_of(frozenset(pending)), timeout)
            if msg is TIMEOUT:
                expired = deadlines.pop(0)
                for ref, (child, shutdown, _told) in pending.items():
                    if _is_timeout(shutdown) and shutdown == expired and isinstance(child.pid, Pid):
                        self.exit(child.pid, KILL)
                        killed.add(ref)
                continue
            child, shutdown, told = pending.pop(msg.ref)
            yield from self._finish_stop(child, msg, shutdown, told, "shutdown", None,
                                         how_stopped(shutdown, msg.ref in killed))
        self.children = []


def _is_timeout(shutdown: Any) -> TypeGuard[int]:
    """A shutdown given in ms (``brutal_kill`` and ``infinity`` have no timer)."""
    return isinstance(shutdown, int) and not isinstance(shutdown, bool)


def _down_of(refs: frozenset[Ref]) -> Callable[[Any], bool]:
    """Matches the DOWN of any child still being waited for, whichever comes first."""
    return lambda msg: type(msg) is DownMsg and msg.ref in refs
