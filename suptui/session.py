"""A running tree: the engine runtime, the root supervisor, the script, and path-based actions.

Both faces (headless printer and app) drive a tree through a Session, so a key press and a script
step take the same path: one engine API call, then events. Calls into supervisors never block the
caller; they return futures, because the app's thread must not wait on the engine.
"""

from __future__ import annotations

import contextlib
import logging
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from . import paths
from .engine import Clock, Crash, EventRecorder, Runtime, StartResult, SupervisorClient, VirtualClock
from .engine.client import unwrap
from .engine.pid import Pid
from .engine.reasons import format_reason, is_reason
from .engine.recording import Header
from .treefile.model import NodeDef, ScriptStep, Tree
from .treefile.skeleton import skeleton

log = logging.getLogger(__name__)

EXIT_REASONS: tuple[str, ...] = ("normal", "shutdown", "shutdown_term", "crash", "exit", "kill")
"""The reasons the app's ``x`` names: ``crash`` and ``shutdown_term`` stand for a reason naming who
asked (an exception, ``("shutdown", who)``); the others are sent as they are."""

STUCK_SHUTDOWN_S = 3.0
"""Wall-clock seconds a shutdown on virtual time may take before the tree is killed (see ``stop``)."""


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
        # The faces show the stream themselves: no crash reports on the log as well.
        self.runtime = Runtime(self.clock, schedulers=schedulers, seed=seed, log_reports=False)
        self.recorder: EventRecorder | None = EventRecorder() if record else None
        self._unrecord: Callable[[], None] | None = None
        if self.recorder is not None:
            self._unrecord = self.runtime.events.subscribe(self.recorder)
        self.root_pid: Pid | None = None
        self.script_log: list[tuple[int, ScriptStep, ActionOutcome]] = []
        self.started: Future | None = None
        """The root's start: resolves to its :class:`StartResult` once every child's init is over."""

    def header(self) -> Header:
        """The recording header for this run: title, clock and the tree's skeleton."""
        return Header(title=self.tree.title, clock="virtual" if self.clock.virtual else "real",
                      tree=skeleton(self.tree))

    # ------------------------------------------------------------------ lifecycle

    def begin(self) -> Future:
        """Start the root supervisor without waiting for it, and schedule the script.

        A start is user code (every child's ``init``) and may take any time, or for ever: whoever
        drives the clock decides how long to give it (``run_until`` bounds it by its end time, the
        app hands it to the pacer); nobody has to wait for it in one blocking call.
        """
        root = self.tree.root
        spec = root.spec()
        self.started = self.runtime.spawn(
            spec.actor, dict(spec.args), path=root.id,
            start_info={"restart": False, "type": "supervisor", "actor": spec.actor.__name__,
                        **self._flags_info(root)})
        # Through a weak reference: a bound method kept in the future's callbacks (which it never
        # clears) and the future kept here made the whole session cyclic garbage, its recorded events
        # and tree freed only by a full collection (0.14 s at the end of a 100,000-worker run).
        session = weakref.ref(self)
        self.started.add_done_callback(lambda done: _root_started(session(), done))
        for step in self.tree.script:
            self.clock.call_later(step.at - self.clock.now_ms(), lambda step=step: self._run_step(step))
        return self.started

    def start(self, timeout: float | None = None) -> StartResult:
        """:meth:`begin`, then wait for the start (``timeout``: wall-clock seconds, see ``Runtime.wait``)."""
        return self.runtime.wait(self.begin(), timeout)

    def settle_start(self) -> bool:
        """Let the start do all it can at the current instant; True if it is over.

        The app starts a tree this way, before its pacer runs, so that the tree starts at exactly
        t = 0 whatever the wall clock does meanwhile. Time itself is not moved: an init that takes
        virtual time (``slow_start``) takes it in paced time, shown as it happens, and a start held
        up by real-time work (an init that blocks, loops or calls its own supervisor) cannot make
        time race ahead. Either way the caller hands the clock to its pacer, and the start goes on.
        """
        assert isinstance(self.clock, VirtualClock) and self.started is not None
        started = self.started
        while not started.done():
            self.runtime.wait_idle(until_done=started)
            if started.done() or self.runtime.waiting_on_real_time():
                break
            if not self.clock.step(self.clock.now_ms()):
                break
        return started.done()

    @staticmethod
    def _flags_info(node: NodeDef) -> dict[str, Any]:
        return {"strategy": node.strategy, "max_restarts": node.max_restarts, "max_seconds": node.max_seconds}

    @property
    def root_alive(self) -> bool:
        return self.root_pid is not None and self.runtime.is_alive(self.root_pid)

    @property
    def running(self) -> bool:
        """The root is starting or alive: the run is not over."""
        return (self.started is not None and not self.started.done()) or self.root_alive

    def run_until(self, t_ms: float, cancelled: Callable[[], bool] | None = None) -> None:
        """Advance a virtual clock to ``t_ms``, stopping early once the root supervisor has ended.

        Begins the run if nobody has. A start held up by real-time work (an init detached as a runaway)
        gets one more runaway limit of wall time to finish, so a start that is merely slow (a loaded
        machine) still starts at its instant; after that it is bounded by ``t_ms`` like everything
        else. ``cancelled`` is asked between timers (a run in the background whose screen has closed
        stops within one timer's work).
        """
        assert isinstance(self.clock, VirtualClock)
        started = self.started if self.started is not None else self.begin()
        grace_used = False
        while self.running:
            if cancelled is not None and cancelled():
                return
            self.runtime.wait_idle()
            if not grace_used and not started.done() and self.runtime.waiting_on_real_time():
                grace_used = True
                with contextlib.suppress(TimeoutError):
                    started.result(timeout=self.runtime.runaway_ms / 1000.0)
                continue
            next_deadline = self.clock.next_deadline()
            if next_deadline is None or next_deadline > t_ms:
                break
            self.clock.step(t_ms)
        if self.running:
            self.clock.advance_to(t_ms)

    def stop(self, timeout: float | None = None) -> None:
        """Shut the tree down in order and end every thread of ours.

        ``timeout`` (wall-clock seconds) bounds how long a stuck shutdown may take before the tree is
        killed. On a virtual clock a shutdown's own timeouts pass in no wall time, so only real-time
        work (a worker stuck in a loop or in C) can use it up: then a short bound is right.
        """
        if timeout is None:
            timeout = STUCK_SHUTDOWN_S if isinstance(self.clock, VirtualClock) else 10.0
        self.runtime.shutdown(timeout)
        if self._unrecord is not None:
            # The shutdown's events are in; the recording is the session's now, not the runtime's
            # (whose threads and watchdog hold it in cycles: a big run's events would wait for a
            # full collection to be freed, 0.1 s at 100,000 workers, instead of going with the session).
            self._unrecord()
            self._unrecord = None

    # ------------------------------------------------------------------ actions (non-blocking)

    def pid_of(self, path: str) -> Pid | None:
        return self.runtime.whereis(path)

    def kill(self, path: str, by: str = "user") -> ActionOutcome:
        pid = self.pid_of(path)
        if pid is None or not self.runtime.kill(pid, by=by):
            return ActionOutcome(False, f"{path} is not running")
        return ActionOutcome(True, f"killed {path}")

    def exit(self, path: str, reason: Any, by: str = "user") -> ActionOutcome:
        """Send ``path`` an exit signal from outside, as Erlang's ``exit(Pid, Reason)`` does.

        ``kill`` cannot be trapped (the process dies ``killed``); a process that traps exits gets
        the signal as a message; otherwise ``normal`` is ignored and any other reason (``shutdown``,
        ``("shutdown", term)``, ``crash``, any term) ends it with that reason. ``crash`` stands for
        an abnormal reason naming who asked.
        """
        if is_reason(reason, "kill"):
            return self.kill(path, by)
        pid = self.pid_of(path)
        if pid is None:
            return ActionOutcome(False, f"{path} is not running")
        signal = crash_reason(by) if is_reason(reason, "crash") else reason
        if is_reason(reason, "shutdown_term"):
            signal = ("shutdown", by)
        shown = format_reason(signal)
        what = self.runtime.exit(pid, signal)
        if what == "noproc":
            return ActionOutcome(False, f"{path} is not running")
        if what == "ignored":
            return ActionOutcome(True, f"{path} ignored the exit signal ({shown}): it does not trap exits")
        if what == "trapped":
            return ActionOutcome(True, f"{path} traps exits: the signal ({shown}) reached it as a message")
        return ActionOutcome(True, f"sent {path} an exit signal ({shown})")

    def supervisor(self, path: str) -> SupervisorClient | None:
        pid = self.pid_of(path)
        return SupervisorClient(self.runtime, pid) if pid is not None else None

    def request(self, sup_path: str | None, op: str, *args: Any) -> Future:
        """One supervisor API call by path; the future holds the OTP-shaped reply.

        ``sup_path`` None (asking the root's parent, which is nobody) is the error ``no_supervisor``.
        """
        client = self.supervisor(sup_path) if sup_path is not None else None
        if client is None:
            future: Future = Future()
            why = "supervisor_not_running" if sup_path is not None else "no_supervisor"
            future.set_result(("error", why))
            return future
        return client.request(op, *args)

    def set_strategy(self, sup_path: str, strategy: str) -> Future:
        return self.request(sup_path, "set_strategy", strategy)

    def start_child(self, sup_path: str, child: NodeDef) -> Future:
        return self.request(sup_path, "start_child", child.spec())

    def terminate_child(self, child_path: str) -> Future:
        return self.request(paths.parent(child_path), "terminate_child", self._child_key(child_path))

    def restart_child(self, child_path: str) -> Future:
        return self.request(paths.parent(child_path), "restart_child", paths.leaf(child_path))

    def delete_child(self, child_path: str) -> Future:
        return self.request(paths.parent(child_path), "delete_child", paths.leaf(child_path))

    def _child_key(self, child_path: str) -> Any:
        """Static supervisors know children by id, dynamic ones by pid."""
        sup = paths.parent(child_path)
        node = self.tree.nodes().get(sup) if sup is not None else None
        if node is not None and node.kind == "dynamic":
            return self.pid_of(child_path)
        return paths.leaf(child_path)

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


def _root_started(session: Session | None, done: Future) -> None:
    """The root's start is over: remember its pid (when the session is still there)."""
    result: StartResult = done.result()
    if session is not None and result.status == "ok":
        session.root_pid = result.pid
