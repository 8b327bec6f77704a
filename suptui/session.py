"""A running tree: the engine runtime, the root supervisor, the script, and path-based actions.

Both faces (headless printer and app) drive a tree through a Session, so a key press and a script
step take the same path: one engine API call, then events. Calls into supervisors never block the
caller; they return futures, because the app's thread must not wait on the engine.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from .engine import Clock, Crash, EventRecorder, Runtime, StartResult, SupervisorClient, VirtualClock
from .engine.client import unwrap
from .engine.pid import Pid
from .treefile.model import NodeDef, ScriptStep, Tree

log = logging.getLogger(__name__)

EXIT_REASONS: tuple[str, ...] = ("normal", "shutdown", "crash", "kill")


@dataclass(frozen=True)
class ActionOutcome:
    """What an action did, for the log line that the app or the headless printer shows."""

    ok: bool
    message: str


def crash_reason(by: str) -> Crash:
    """The reason used when a user or script asks a process to crash."""
    return Crash("Crash", f"crash requested by {by}", "")


class Session:
    """One run of a tree. Create, ``start()``, drive the clock, act, ``stop()``."""

    def __init__(self, tree: Tree, clock: Clock | None = None, *, schedulers: int = 2, seed: int = 0,
                 record: bool = True) -> None:
        self.tree = tree
        self.clock = clock if clock is not None else VirtualClock()
        self.runtime = Runtime(self.clock, schedulers=schedulers, seed=seed)
        self.recorder: EventRecorder | None = EventRecorder() if record else None
        if self.recorder is not None:
            self.runtime.events.subscribe(self.recorder)
        self.root_pid: Pid | None = None
        self.script_log: list[tuple[int, ScriptStep, ActionOutcome]] = []
        self._root_done: Future | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> StartResult:
        """Start the root supervisor (children and all), then schedule the script."""
        root = self.tree.root
        spec = root.spec()
        result: StartResult = self.runtime.wait(
            self.runtime.spawn(spec.actor, dict(spec.args), path=root.id,
                               start_info={"restart": False, "type": "supervisor",
                                           "actor": spec.actor.__name__, **self._flags_info(root)}))
        if result.status == "ok":
            self.root_pid = result.pid
            self._root_done = self.runtime.when_dead(result.pid)
        for step in self.tree.script:
            self.clock.call_later(step.at - self.clock.now_ms(), lambda step=step: self._run_step(step))
        return result

    @staticmethod
    def _flags_info(node: NodeDef) -> dict[str, Any]:
        return {"strategy": node.strategy, "max_restarts": node.max_restarts, "max_seconds": node.max_seconds}

    @property
    def root_alive(self) -> bool:
        return self.root_pid is not None and self.runtime.is_alive(self.root_pid)

    def run_until(self, t_ms: float, cancelled: Callable[[], bool] | None = None) -> None:
        """Advance a virtual clock to ``t_ms``, stopping early once the root supervisor has ended.

        ``cancelled`` is asked between timers (a run in the background whose screen has closed stops
        within one timer's work).
        """
        assert isinstance(self.clock, VirtualClock)
        while self.root_alive:
            if cancelled is not None and cancelled():
                return
            next_deadline = self.clock.next_deadline()
            if next_deadline is None or next_deadline > t_ms:
                break
            self.clock.step(t_ms)
        if self.root_alive:
            self.clock.advance_to(t_ms)

    def stop(self) -> None:
        """Shut the tree down in order and end every thread of ours."""
        self.runtime.shutdown()

    # ------------------------------------------------------------------ actions (non-blocking)

    def pid_of(self, path: str) -> Pid | None:
        return self.runtime.whereis(path)

    def kill(self, path: str, by: str = "user") -> ActionOutcome:
        pid = self.pid_of(path)
        if pid is None or not self.runtime.kill(pid, by=by):
            return ActionOutcome(False, f"{path} is not running")
        return ActionOutcome(True, f"killed {path}")

    def exit(self, path: str, reason: str, by: str = "user") -> ActionOutcome:
        """Make a process exit with ``reason``: normal, shutdown, crash, kill (or any other term)."""
        if reason == "kill":
            return self.kill(path, by)
        pid = self.pid_of(path)
        if pid is None:
            return ActionOutcome(False, f"{path} is not running")
        self.runtime.stop(pid, crash_reason(by) if reason == "crash" else reason)
        return ActionOutcome(True, f"asked {path} to exit ({reason})")

    def supervisor(self, path: str) -> SupervisorClient | None:
        pid = self.pid_of(path)
        return SupervisorClient(self.runtime, pid) if pid is not None else None

    def request(self, sup_path: str, op: str, *args: Any) -> Future:
        """One supervisor API call by path; the future holds the OTP-shaped reply."""
        client = self.supervisor(sup_path)
        if client is None:
            future: Future = Future()
            future.set_result(("error", "supervisor_not_running"))
            return future
        return client.request(op, *args)

    def set_strategy(self, sup_path: str, strategy: str) -> Future:
        return self.request(sup_path, "set_strategy", strategy)

    def start_child(self, sup_path: str, child: NodeDef) -> Future:
        return self.request(sup_path, "start_child", child.spec())

    def terminate_child(self, child_path: str) -> Future:
        return self.request(_parent(child_path), "terminate_child", self._child_key(child_path))

    def restart_child(self, child_path: str) -> Future:
        return self.request(_parent(child_path), "restart_child", _leaf(child_path))

    def delete_child(self, child_path: str) -> Future:
        return self.request(_parent(child_path), "delete_child", _leaf(child_path))

    def _child_key(self, child_path: str) -> Any:
        """Static supervisors know children by id, dynamic ones by pid."""
        node = self.tree.nodes().get(_parent(child_path))
        if node is not None and node.kind == "dynamic":
            return self.pid_of(child_path)
        return _leaf(child_path)

    # ------------------------------------------------------------------ script

    def _run_step(self, step: ScriptStep) -> None:
        try:
            outcome = self._apply(step)
        except Exception as exc:  # a script step must never take the run down
            log.exception("script step failed: %r", step)
            outcome = ActionOutcome(False, f"failed: {exc}")
        if isinstance(outcome, Future):
            outcome.add_done_callback(lambda done, step=step: self._log_reply(step, done))
        else:
            self._log_step(step, outcome)

    def _log_step(self, step: ScriptStep, outcome: ActionOutcome) -> None:
        self.script_log.append((int(self.clock.now_ms()), step, outcome))

    def _log_reply(self, step: ScriptStep, done: Future) -> None:
        """A supervisor answered a script step: log what it said (``ok`` or its OTP error)."""
        try:
            unwrap(done.result())
            outcome = ActionOutcome(True, f"{step.action} {step.target}")
        except Exception as exc:
            outcome = ActionOutcome(False, f"{step.action} {step.target}: {exc}")
        self._log_step(step, outcome)

    def _apply(self, step: ScriptStep) -> ActionOutcome | Future:
        if step.action == "kill":
            return self.kill(step.target, by="script")
        if step.action == "exit":
            return self.exit(step.target, step.reason or "normal", by="script")
        if step.action == "set_strategy":
            return self.set_strategy(step.target, step.strategy or "one_for_one")
        if step.action == "start_child":
            assert step.child is not None
            return self.start_child(step.target, step.child)
        if step.action == "terminate_child":
            return self.terminate_child(step.target)
        if step.action == "restart_child":
            return self.restart_child(step.target)
        if step.action == "delete_child":
            return self.delete_child(step.target)
        return ActionOutcome(False, f"unknown action {step.action!r}")


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0]


def _leaf(path: str) -> str:
    return path.rsplit("/", 1)[-1]
