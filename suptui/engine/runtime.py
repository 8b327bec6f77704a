"""The runtime: processes, mailboxes, links, monitors, exit signals and the M:N scheduler.

One lock guards all process state; callbacks run outside it on a small pool of scheduler threads
(or on an actor's own thread when it asks for one). Idle processes hold no thread, so a tree of
100,000 workers needs only the pool. Death is logical and immediate (docs/semantics.md §R12): links and
monitors fire, timers are cancelled and the mailbox is dropped the moment a process dies, whatever
its thread is doing; a callback still running for a dead process is unwound by the watchdog.
The per-process records and the runtime's own messages are in ``process.py``.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator
from concurrent.futures import Future
from concurrent.futures import wait as futures_wait
from types import AsyncGeneratorType, CoroutineType, GeneratorType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from . import faults, reports
from .actor import (
    IGNORE,
    NOREPLY,
    TIMEOUT,
    Actor,
    Caller,
    DownMsg,
    ExitMsg,
    Receive,
    StopProcess,
)
from .asyncio_actor import AsyncActor
from .clock import Clock, TimerHandle, VirtualClock
from .context import NoProcess as NoProcess  # (re-exported: it was defined here)
from .context import ProcessContext
from .events import EventBus
from .pid import Pid, Ref
from .process import (
    DEAD,
    IDLE,
    INIT,
    NOTHING,
    QUEUED,
    RUNNING,
    AckMsg,
    CallMsg,
    CastMsg,
    DescribeMsg,
    InitMsg,
    ProcessState,
    ReplyMsg,
    StartResult,
    StopMsg,
    Suspended,
    TimeoutMsg,
)
from .protocol import Crash as CrashEvent
from .protocol import Event, Fault, Kill, Start, Zombie
from .protocol import Exit as ExitEvent
from .reasons import (
    KILL,
    KILLED,
    NORMAL,
    Crash,
    ProcessKilled,
    Reason,
    format_reason,
    is_orderly,
    is_reason,
    reason_traceback,
    safe_repr,
    safe_str,
)
from .specs import SupFlags
from .supervisor import Supervisor
from .watchdog import Watchdog

if TYPE_CHECKING:
    from .serve import Server

log = logging.getLogger(__name__)

_T = TypeVar("_T")  # what a waited-for future holds

EXTERNAL = Pid(0)
"""The pid that stands for code outside the runtime (tests, the app, scripts)."""

class Deadlock(Exception):
    """A virtual-clock wait can never finish: nothing is runnable and no timer is scheduled."""


class _MatchFailed(NamedTuple):
    """What ``_take`` hands a process whose own ``receive`` match function raised: its crash."""

    error: BaseException


_forked = False
"""Set in a child process made by ``os.fork`` (a worker may fork): see ``Runtime._leave_if_forked``."""


def _note_fork() -> None:
    global _forked
    _forked = True


os.register_at_fork(after_in_child=_note_fork)

DESCRIBE_LIMIT = 500
"""Characters kept of an actor's state description."""


_exit_msg = functools.partial(tuple.__new__, ExitMsg)
_down_msg = functools.partial(tuple.__new__, DownMsg)
"""``ExitMsg((pid, reason))`` and ``DownMsg((ref, pid, reason))`` made in C: a named tuple's own
constructor is a Python function, and every death makes one or two (a big shutdown, 100,000)."""

_NO_ARGS: dict[str, Any] = {}
"""What a process keeps of its constructor arguments and start info once they are used (never written)."""

_DECISION_FIELDS = ("restart", "cause", "by_strategy", "stamps", "why", "decision")


def _wire_value(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _start_fields(info: dict[str, Any]) -> dict[str, Any]:
    """A start's decision and flags (``start_info``, as supervisors pass it) as ``Start`` fields."""
    fields = dict(info)
    if "type" in fields:
        fields["child_type"] = fields.pop("type")
    stamps = fields.get("stamps")
    if isinstance(stamps, list):
        fields["stamps"] = tuple(stamps)
    return fields


def _top_level_info(cls: type[Actor], args: dict[str, Any]) -> dict[str, Any]:
    """What a top-level process's ``start`` event says of it when nobody supervises it: its type and
    class, and a supervisor's flags, as a parent supervisor would have put them (a reader that
    attaches after the start, or a recording, must know the root is a supervisor and its budget)."""
    if not issubclass(cls, Supervisor):
        return {"restart": False, "type": "worker", "actor": cls.__name__}
    flags = args.get("flags")
    if not isinstance(flags, SupFlags):
        flags = SupFlags()
    return {"restart": False, "type": "supervisor", "actor": cls.__name__, "strategy": flags.strategy,
            "max_restarts": flags.max_restarts, "max_seconds": flags.max_seconds}


class _Timer:
    """Delivers a message to a process when its clock timer fires (unless the process died)."""

    __slots__ = ("handle", "msg", "proc", "runtime")

    def __init__(self, runtime: Runtime, proc: ProcessState, msg: Any) -> None:
        self.runtime = runtime
        self.proc = proc
        self.msg = msg
        self.handle: TimerHandle | None = None

    def __call__(self) -> None:
        with self.runtime._lock:
            timers = self.proc.timers
            if timers is not None:
                timers.discard(self.handle)
            self.runtime._deliver(self.proc, self.msg)


class Runtime:
    """Owns every process, the scheduler threads, the clock and the event stream.

    Thread-safe: its public methods may be called from any thread (the app, tests, scripts).
    """

    def __init__(self, clock: Clock | None = None, schedulers: int = 2, *, seed: int = 0,
                 intensity_phase: float = 0.0, kill_grace_ms: float = 50.0,
                 zombie_after_ms: float = 1000.0, runaway_ms: float = 2000.0,
                 max_mailbox: int = 100_000, log_reports: bool = True) -> None:
        if schedulers < 1:
            raise ValueError("a runtime needs at least one scheduler thread")
        self.clock: Clock = clock if clock is not None else VirtualClock()
        self.events = EventBus()
        self.intensity_phase = intensity_phase
        self.seed = seed
        """Run seed: actors that use randomness derive their generators from it, so runs replay."""
        self._lock = threading.RLock()
        self._parked: list[threading.Lock] = []
        """The gates of the scheduler threads asleep for want of work, the latest to sleep last (see
        ``_park``): waking one is a single lock release, where a ``Condition`` costs a fresh lock
        per wait and a scan of its waiters in Python; a restart pays for one wake-up."""
        self._idle = threading.Condition(self._lock)
        self._procs: dict[Pid, ProcessState] = {}
        self._paths: dict[str, Pid] = {}
        self._run_queue: deque[ProcessState] = deque()
        self._busy = 0
        self._pids = itertools.count(1)
        self._refs = itertools.count(1)
        self._decisions = itertools.count(1)
        self._calls: dict[Ref, tuple[Future[Any], Pid]] = {}
        self._init_futures: dict[Pid, Future[StartResult]] = {}
        self._started_paths: set[str] = set()
        self._closed = False
        self._threads: list[threading.Thread] = []
        self._retired: set[int] = set()
        self._abandoned: set[int] = set()
        self.clock.attach(self)
        self.max_mailbox = max_mailbox
        """A process whose mailbox grows past this is killed with ``("mailbox_overflow", n)``."""
        self._running: dict[int, list[tuple[ProcessState, float]]] = {}
        """Per scheduler thread: the processes in its current callback (inline inits nest), since when."""
        self.runaway_ms = runaway_ms
        """Wall-clock ms a process may run without a rest before virtual time stops waiting for it."""
        self._runaway_s = runaway_ms / 1000.0
        """Seconds of callbacks a process may run without a rest before virtual time stops waiting
        for it (one long callback: the watchdog; many short ones through its own mailbox: ``_after_run``)."""
        self._recursion_limit = sys.getrecursionlimit()
        """The interpreter's recursion limit as the program had it: a worker's change is undone."""
        self._owner_pid = os.getpid()
        self._watchdog = Watchdog(self, kill_grace_ms / 1000.0, zombie_after_ms / 1000.0,
                                  runaway_ms / 1000.0)
        for _ in range(schedulers):
            self._add_scheduler()
        faults.register(self)
        if log_reports:  # crash reports on the "suptui.reports" logger, as OTP logs them (reports.py)
            self.events.subscribe(reports.report)
        self._shutdown_hooks: list[Callable[[], None]] = []
        """Run at the end of :meth:`shutdown` (a :meth:`serve` server closes there)."""
        if os.environ.get("SUPTUI_SERVE"):  # opt-in: serve this runtime's tree to ``suptui attach``
            from .serve import serve_from_environment

            serve_from_environment(self)

    # ------------------------------------------------------------------ public API (any thread)

    def now_ms(self) -> float:
        return self.clock.now_ms()

    def spawn(self, cls: type[Actor], args: dict[str, Any] | None = None, *, path: str | None = None,
              start_info: dict[str, Any] | None = None) -> Future[StartResult]:
        """Start a top-level process; the future resolves to its :class:`StartResult` once init is done."""
        future: Future[StartResult] = Future()
        with self._lock:
            self._check_open()
            info = _top_level_info(cls, args or {})
            if start_info:
                info.update(start_info)
            proc = self._new_process(cls, args or {}, EXTERNAL, path, info)
            proc.init_async = True
            self._init_futures[proc.pid] = future
            self._deliver(proc, INIT)
        return future

    def start(self, cls: type[Actor], args: dict[str, Any] | None = None, *, path: str | None = None,
              timeout: float | None = None) -> Pid:
        """Spawn a top-level process and wait for its init; raise :class:`StartError` if it fails.

        Without ``path``, the first top-level supervisor is ``root`` (its children are then
        ``root/<id>``, as tree files name them); any other process is named after its class and pid.
        """
        if path is None and issubclass(cls, Supervisor) and self.whereis("root") is None:
            path = "root"
        future = self.spawn(cls, args, path=path)
        result: StartResult = self.wait(future, timeout)
        if result.status != "ok":
            raise StartError(result, path or cls.__name__)
        assert result.pid is not None
        return result.pid

    def run(self, cls: type[Actor], args: dict[str, Any] | None = None, *, path: str = "root",
            signals: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM), stop_timeout: float = 10.0) -> Reason:
        """Start ``cls`` as the root, block until it ends, then shut the runtime down; its exit reason.

        The "main" of a supervised program: SIGINT (Ctrl-C) or SIGTERM stops the tree in order (the
        root gets ``shutdown`` and stops its children per their shutdown specs, at most
        ``stop_timeout`` seconds) when called on the main thread. Meant for a ``RealClock``.
        """
        pid = self.start(cls, args, path=path)
        done = self.when_dead(pid)
        wake = threading.Event()
        done.add_done_callback(lambda _done: wake.set())
        previous: dict[int, Any] = {}
        if threading.current_thread() is threading.main_thread():
            for signum in signals:
                previous[signum] = signal.signal(signum, lambda _signum, _frame: wake.set())
        try:
            wake.wait()
            if not done.done():  # a signal: stop the tree in order
                self.exit(pid, "shutdown")
                with contextlib.suppress(TimeoutError):
                    done.result(stop_timeout)
            return done.result(0) if done.done() else KILLED
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            self.shutdown(stop_timeout)

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.shutdown()

    def send(self, dest: Pid, msg: Any) -> None:
        with self._lock:
            proc = self._procs.get(dest)
            if proc is not None:
                self._deliver(proc, msg)

    def cast(self, dest: Pid, msg: Any) -> None:
        self.send(dest, CastMsg(msg))

    def call(self, dest: Pid, request: Any, timeout_ms: float | None = None) -> Future[Any]:
        """Send a request to ``handle_call``; the future holds the reply (or raises :class:`NoProcess`).

        With ``timeout_ms`` (on the runtime's clock, like ``Actor.call``'s), the future fails with
        ``TimeoutError`` if no reply came by then; a late reply is dropped, as OTP drops one.
        """
        future: Future[Any] = Future()
        with self._lock:
            proc = self._procs.get(dest)
            if proc is None or not proc.alive:
                future.set_exception(NoProcess(dest))
                return future
            ref = self._new_ref()
            self._calls[ref] = (future, dest)
            self._deliver(proc, CallMsg(ref, None, request))
            if timeout_ms is not None:
                self.clock.call_later(timeout_ms, lambda: self._call_timed_out(ref, dest, timeout_ms))
        return future

    def _call_timed_out(self, ref: Ref, dest: Pid, timeout_ms: float) -> None:
        with self._lock:
            entry = self._calls.pop(ref, None)
        if entry is not None and not entry[0].done():
            entry[0].set_exception(TimeoutError(f"call to {dest} got no reply within {timeout_ms:g} ms"))

    def call_sync(self, dest: Pid, request: Any, timeout: float | None = None) -> Any:
        return self.wait(self.call(dest, request), timeout)

    def stop(self, dest: Pid, reason: Reason = NORMAL) -> Future[Reason]:
        """Make a process exit with ``reason`` after running ``terminate`` (like ``GenServer.stop``)."""
        future = self.when_dead(dest)
        self.send(dest, StopMsg(reason))
        return future

    def exit(self, dest: Pid, reason: Reason) -> str:
        """Send an exit signal from outside (Erlang's ``exit/2``); say what it did.

        ``"killed"`` (``kill`` cannot be trapped), ``"trapped"`` (the process traps exits: the
        signal became an ``ExitMsg``, which a supervisor ignores unless it comes from its parent),
        ``"ignored"`` (``normal`` to a process that does not trap exits), ``"exited"`` (it died with
        ``reason``) or ``"noproc"``.
        """
        with self._lock:
            proc = self._procs.get(dest)
            if proc is None or not proc.alive:
                return "noproc"
            return self._exit_signal(EXTERNAL, proc, reason)

    def kill(self, dest: Pid, by: str = "user") -> bool:
        """An untrappable kill requested from outside: a ``kill`` event, then death with ``killed``."""
        with self._lock:
            proc = self._procs.get(dest)
            if proc is None or not proc.alive:
                return False
            self._emit(Kill, proc, by=by)
            proc.killed_by = by  # its crash is this kill's result: one death, told as such
            self._exit_signal(EXTERNAL, proc, KILL)
            return True

    def when_dead(self, pid: Pid) -> Future[Reason]:
        """A future resolved with the exit reason when ``pid`` dies.

        Like a monitor on a pid that is already gone, it resolves at once with ``noproc``: the engine
        keeps no record of the dead (that is what keeps a long storm's memory flat).
        """
        future: Future[Reason] = Future()
        with self._lock:
            proc = self._procs.get(pid)
            if proc is None:
                future.set_result("noproc")
            elif not proc.alive:
                future.set_result(proc.reason)
            elif proc.exit_futures is None:
                proc.exit_futures = [future]
            else:
                proc.exit_futures.append(future)
        return future

    def is_alive(self, pid: Pid | None) -> bool:
        with self._lock:
            proc = self._procs.get(pid) if pid is not None else None
            return proc is not None and proc.alive

    def whereis(self, path: str) -> Pid | None:
        """The pid of the live process at ``path`` (e.g. ``root/workers/bomb1``), if any."""
        with self._lock:
            return self._paths.get(path)

    def path_of(self, pid: Pid) -> str | None:
        with self._lock:
            proc = self._procs.get(pid)
            return proc.path if proc is not None else None

    def describe_state_async(self, pid: Pid) -> Future[str | None]:
        """Ask a process for its one-line state description; the future holds a ``str`` or ``None``.

        The actor's ``describe_state`` is user code, so it never runs on the caller's thread (the
        app's UI thread must not freeze on it): the process runs it itself, between two of its
        callbacks, as a system request that no ``receive`` sees (like OTP's ``sys:get_state``). It is
        then under the same watchdog as every callback. ``None``: the process is gone, has not
        finished its init, or has nothing to say. A description that raises anything, even
        ``SystemExit``, gives ``"(describe_state failed: …)"``. While the process is busy the future
        stays pending: the caller chooses how long to wait.
        """
        future: Future[str | None] = Future()
        with self._lock:
            proc = self._procs.get(pid)
            if proc is None or not proc.alive:
                future.set_result(None)
                return future
            if proc.system is None:
                proc.system = deque()
            proc.system.append(DescribeMsg(future))
            if proc.sched == IDLE:
                self._make_runnable(proc)
        return future

    def describe_state(self, pid: Pid, timeout: float = 0.5) -> str | None:
        """:meth:`describe_state_async`, waited for up to ``timeout`` wall-clock seconds; never raises."""
        try:
            return self.describe_state_async(pid).result(timeout)
        except Exception:
            return "(no answer: the process is busy)"

    def on_process_thread(self) -> bool:
        """True when called from a callback of one of this runtime's processes."""
        return threading.get_ident() in self._running

    def process_on_thread(self, thread_id: int) -> tuple[str, Pid] | None:
        """The path and pid of the process whose callback runs on ``thread_id`` now, if any."""
        stack = self._running.get(thread_id)
        if not stack:
            return None
        proc = stack[-1][0]
        return proc.path, proc.pid

    def report_fault(self, where: tuple[str, Pid] | None, what: str, exc: BaseException | None) -> None:
        """Tell the stream about a fault outside any callback: an exception in a thread a worker
        started, or one ignored in a ``__del__``. ``where`` is the process it is blamed on (or none).

        It is a ``fault`` event, not a death: in OTP terms nothing linked to a process failed.
        """
        crash = Crash.from_exception(exc) if exc is not None else None
        with self._lock:
            path, pid = where if where is not None else ("", "")
            self.events.emit(Fault, int(self.clock.now_ms()), path, str(pid), what=safe_str(what),
                             reason=str(crash) if crash else "",
                             traceback=crash.traceback if crash is not None and crash.traceback else None)

    def process_count(self) -> int:
        with self._lock:
            return sum(1 for proc in self._procs.values() if proc.alive)

    def waiting_on_real_time(self) -> bool:
        """Nothing counts for quiescence, but something detached is still at work in real time
        (a runaway, a callback blocked in a synchronous wait): virtual time has nothing to wait for."""
        with self._lock:
            return self._busy == 0 and self._detached_active()

    def _detached_active(self) -> bool:
        """Whether a detached callback (a runaway, outside quiescence) is still running."""
        with self._lock:
            return any(p.alive and p.detached and p.sched != IDLE for p in self._procs.values())

    def _busy_threads(self) -> int:
        """How many processes (dead or alive) are running a callback on a thread right now."""
        with self._lock:
            return sum(1 for proc in self._procs.values() if proc.thread is not None)

    def wait_idle(self, until_done: Future[Any] | None = None) -> None:
        """Block until no scheduler has work (or until ``until_done`` is done, if given).

        The virtual clock calls this between timers: time must not move while anything can still run.
        """
        if until_done is not None:
            until_done.add_done_callback(self._wake_idle_waiters)
        with self._lock:
            while self._busy > 0 and not (until_done is not None and until_done.done()):
                self._idle.wait()

    def _wake_idle_waiters(self, _future: Future[Any]) -> None:
        with self._lock:
            self._idle.notify_all()

    def wait(self, future: Future[_T], timeout: float | None = None) -> _T:
        """Wait for a future; raise ``TimeoutError`` after ``timeout`` seconds.

        From outside the runtime (a test, the app, a script) ``timeout`` is wall-clock time, a bound
        on a wait that real-time work (a stuck worker) could make endless; on an unpaced virtual
        clock the wait fires timers itself until the future is done. From inside a callback (a
        worker calling a supervisor synchronously) it is the runtime's own clock, as a ``receive``
        timeout would be: see :meth:`_wait_in_callback`.
        """
        waiter = self._callback_stack()
        if waiter:
            return self._wait_in_callback(waiter, future, timeout)
        deadline = None if timeout is None else time.monotonic() + timeout
        clock = self.clock
        if isinstance(clock, VirtualClock) and not clock.paced:
            while not future.done():
                if deadline is not None and time.monotonic() >= deadline:
                    break
                self.wait_idle(until_done=future)
                if future.done():
                    break
                if clock.step():
                    continue
                with self._lock:
                    if future.done():
                        break
                    runnable, detached = self._busy > 0, self._detached_active()
                if runnable:
                    continue
                if not detached:
                    raise Deadlock("waiting on a result that can never come: no timer is scheduled")
                futures_wait([future], timeout=0.05)  # a detached callback lives in real time
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            return future.result(remaining)
        except TimeoutError as exc:
            if future.done():
                raise
            raise TimeoutError(f"no result within {timeout} s") from exc

    def _callback_stack(self) -> list[tuple[ProcessState, float]]:
        """The processes whose callbacks run on this thread (inline inits nest), innermost last."""
        return self._running.get(threading.get_ident(), [])

    def _wait_in_callback(self, stack: list[tuple[ProcessState, float]], future: Future[_T],
                          timeout: float | None) -> _T:
        """A callback blocks on a result (``call_sync``, ``SupervisorClient``, ``Runtime.start``).

        It cannot drive the clock (time is not its to move), and while it waits it is blocked like
        a process in ``receive``: it stops counting for quiescence, so virtual time can move (its
        timeout can expire; the answer can come from a process that first needs a timer). It counts
        again the moment the answer or the timeout arrives, under the runtime lock, so no timer can
        slip in between. Its death wakes it with ``ProcessKilled``. A pool thread that blocks is
        replaced for the pool at once (a dirty scheduler), so blocked callbacks cannot starve it.
        ``timeout`` is in seconds of the runtime's clock; ``None`` waits as long as it takes, as an
        OTP call with ``infinity`` would (a deadlock is then the program's, bounded by ``--until``
        and by shutdown's kill).
        """
        me = threading.get_ident()
        proc = stack[-1][0]
        woken = threading.Event()
        timer: TimerHandle | None = None
        detached: list[ProcessState] = []

        def wake() -> None:
            with self._lock:
                for blocked in detached:
                    if blocked.alive and blocked.detached and blocked.sched == RUNNING:
                        blocked.detached = False
                        self._busy += 1
                detached.clear()
                woken.set()

        with self._lock:
            if not proc.alive:
                raise ProcessKilled()
            if not future.done():
                for blocked, _since in stack:
                    if blocked.alive and not blocked.detached and blocked.sched == RUNNING:
                        blocked.detached = True
                        self._busy -= 1
                        detached.append(blocked)
                if self._busy == 0:
                    self._idle.notify_all()
                proc.sync_wake = wake
                if timeout is not None:
                    timer = self.clock.call_later(timeout * 1000.0, wake)
                if not stack[0][0].dedicated and me not in self._retired:
                    self._retired.add(me)  # the pool gets a fresh thread; this one ends after its callback
                    self._add_scheduler()
        if timer is not None or not future.done():
            future.add_done_callback(lambda _done: wake())
            woken.wait()
        with self._lock:
            proc.sync_wake = None
            if timer is not None:
                self.clock.cancel(timer)
            now = time.monotonic()
            stack[:] = [(entry, now) for entry, _since in stack]  # the wait was not running time
            if not proc.alive:
                raise ProcessKilled()
        if not future.done():
            raise TimeoutError(f"no result within {timeout} s of the runtime's clock")
        return future.result()

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop every top-level process (children first, per their supervisors), then every thread.

        Idempotent: a second call (``with Runtime()`` after ``run``) does nothing."""
        with self._lock:
            if self._closed:
                return
            tops = [p.pid for p in self._procs.values() if p.alive and p.parent == EXTERNAL]
        for pid in tops:
            done = self.when_dead(pid)
            self.exit(pid, "shutdown")
            try:
                self.wait(done, timeout)
            except Exception:
                log.warning("process %s did not stop in time; killing it", pid)
                self.exit(pid, KILL)
        with self._lock:
            for proc in list(self._procs.values()):
                if proc.alive:
                    self._die(proc, KILLED)
            self._closed = True
            while self._parked:
                self._parked.pop().release()
        self._watchdog.settle()
        self._watchdog.close()
        for thread in list(self._threads):
            if thread is not threading.current_thread() and thread.ident not in self._abandoned:
                thread.join(timeout=1.0)
        self.clock.close()
        for hook in self._shutdown_hooks:
            try:
                hook()
            except Exception:
                log.exception("a shutdown hook failed")

    def threads(self) -> list[threading.Thread]:
        """Threads started by this runtime that are still alive (scheduler, dedicated, watchdog)."""
        with self._lock:
            return [t for t in self._threads if t.is_alive()]

    def serve(self, address: str | None = None, **options: Any) -> Server:
        """Serve this tree to ``suptui attach`` clients: :func:`suptui.engine.serve.serve`.

        Nothing is served unless asked (this call, or ``SUPTUI_SERVE=1``); the default is an
        owner-only Unix socket. The server closes, and its socket file goes, at :meth:`shutdown`.
        """
        from .serve import serve

        return serve(self, address, **options)

    # ------------------------------------------------------------------ the process API's runtime half
    # (ProcessContext, context.py, is the public half: these run on a process's callback thread)

    def _reply(self, caller: Caller, value: Any) -> None:
        with self._lock:
            if caller.pid is None:
                entry = self._calls.pop(caller.ref, None)
                if entry is not None and not entry[0].done():
                    entry[0].set_result(value)
            else:
                target = self._procs.get(caller.pid)
                if target is not None:
                    self._deliver(target, ReplyMsg(caller.ref, value))


    def _start_link(self, me: ProcessState, cls: type[Actor], args: dict[str, Any], path: str | None,
                    start_info: dict[str, Any]) -> Generator[Receive, Any, StartResult]:
        """Spawn a child linked to ``me`` and wait until its init has finished, like ``proc_lib:start_link``
        (``ProcessContext.start_link``, on ``me``'s callback thread).

        A child on the scheduler pool runs its init right here, on the caller's thread: start is
        synchronous anyway, and this keeps a 100,000-child start from bouncing between threads.
        """
        with self._lock:
            if not me.alive:
                raise ProcessKilled()
            child = self._new_process(cls, args, me.pid, path, start_info)
            child.ack_to = me.pid
            me.add_link(child.pid)
            child.add_link(me.pid)
            if child.dedicated:
                child.init_async = True
                self._deliver(child, INIT)
            else:
                child.sched = RUNNING
                self._busy += 1
        if not child.dedicated:
            stack = self._running.get(threading.get_ident(), [])
            stack.append((child, time.monotonic()))
            try:
                self._dispatch(child, INIT)
            finally:
                with self._lock:
                    stack.pop()
                    self._after_run(child)
        with self._lock:
            if child.init_done and not child.init_async:
                result = child.init_result
                assert result is not None
                child.init_result = None  # (read once, here: a big tree need not keep 100,000 of them)
                return result
        child_pid = child.pid
        ack: AckMsg = yield Receive(lambda m: type(m) is AckMsg and m.pid == child_pid)
        return ack.result


    def _close_owned(self, proc: ProcessState) -> None:
        """Close what the process owned, newest first, at its death (lock held: closes must be quick)."""
        owned, proc.owned = proc.owned or [], None
        for resource in reversed(owned):
            try:
                if isinstance(resource, socket.socket):
                    # close() alone does not wake a thread blocked in accept()/recv() on Linux: the
                    # blocked call keeps the socket (and its port) alive until it returns.
                    with contextlib.suppress(OSError):
                        resource.shutdown(socket.SHUT_RDWR)
                resource.close()
            except ProcessKilled:
                raise
            except BaseException as exc:
                log.warning("%s (%s): closing %s at its death failed: %s", proc.path, proc.pid,
                            safe_repr(resource, 80), safe_str(exc, 200))


    # ------------------------------------------------------------------ internals (lock held unless noted)

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the runtime has been shut down")

    def _new_ref(self) -> Ref:
        return Ref(next(self._refs))

    def _new_process(self, cls: type[Actor], args: dict[str, Any], parent: Pid, path: str | None,
                     start_info: dict[str, Any]) -> ProcessState:
        pid = Pid(next(self._pids))
        proc = ProcessState(pid, cls, args, parent, path or f"{cls.__name__}{pid}", start_info)
        self._procs[pid] = proc
        if proc.dedicated:
            self._start_dedicated_thread(proc)
        return proc

    def _deliver(self, proc: ProcessState, msg: Any) -> None:
        if not proc.alive:
            return
        mailbox = proc.mailbox
        if mailbox is None:
            mailbox = proc.mailbox = deque()
        mailbox.append(msg)
        if len(mailbox) > self.max_mailbox:
            self._die(proc, ("mailbox_overflow", len(mailbox)))
            return
        if proc.sched == IDLE and (proc.waiting is None or self._wants(proc.waiting, msg)):
            self._make_runnable(proc)

    @staticmethod
    def _wants(match: Callable[[Any], bool], msg: Any) -> bool:
        """Ask a ``receive`` match function (user code) about a message, on whatever thread delivers it.

        If it raises, the answer is "yes": the process is woken, and ``_take`` calls the function
        again on the process's own thread, where its failure becomes the process's crash.
        """
        try:
            return bool(match(msg))
        except ProcessKilled:
            raise
        except BaseException:
            return True

    def _make_runnable(self, proc: ProcessState) -> None:
        proc.sched = QUEUED
        proc.busy_run = 0.0
        self._busy += 1  # on its own thread too: time waits for it, unless it runs away (detached)
        if proc.dedicated:
            assert proc.cond is not None
            proc.cond.notify()
        else:
            self._run_queue.append(proc)
            if self._parked:
                self._parked.pop().release()  # wake one sleeping scheduler thread

    def _next(self, proc: ProcessState) -> Any:
        """What a scheduler hands the process next: a system request first, else ``_take``."""
        if proc.system:
            return proc.system.popleft()
        return self._take(proc)

    def _take(self, proc: ProcessState) -> Any:
        """The first message the process wants (what its ``receive`` matches), or ``NOTHING``.

        Called on the thread that is about to run the process, so a match function that raises
        here fails as the process's own code (a ``_MatchFailed``), not the caller's.
        """
        mailbox = proc.mailbox
        if not mailbox:  # (None: it never had a message)
            return NOTHING
        match = proc.waiting
        if match is None:
            return mailbox.popleft()
        try:
            for msg in mailbox:
                if match(msg):
                    mailbox.remove(msg)
                    return msg
        except ProcessKilled:
            raise
        except BaseException as exc:
            return _MatchFailed(exc)
        return NOTHING

    def _has_work(self, proc: ProcessState) -> bool:
        if proc.system:
            return True
        match = proc.waiting
        if match is None:
            return bool(proc.mailbox)
        return any(self._wants(match, msg) for msg in proc.mailbox or ())

    def _after_run(self, proc: ProcessState) -> None:
        """Put a process back to sleep, or back in the queue if it has more to do.

        A process that never rests (it keeps sending itself work, or is fed faster than it runs)
        would hold quiescence, and with it virtual time, for ever, although each callback is short.
        Once its callbacks since it was last idle add up to the runaway limit it is detached like a
        long callback, and stays so until it is idle again.
        """
        proc.thread = None
        if not proc.alive:
            self._procs.pop(proc.pid, None)  # its last callback is over: forget it
            self._forget_actor(proc)
            return
        if self._has_work(proc):
            proc.sched = QUEUED
            if not proc.detached and proc.busy_run >= self._runaway_s and not self._exempt(proc):
                log.warning("%s (%s) has been busy without a rest too long; time no longer waits for it",
                            proc.path, proc.pid)
                proc.detached = True
                self._busy -= 1
                if self._busy == 0:
                    self._idle.notify_all()
            if not proc.dedicated:  # (a dedicated loop, which called this, takes it again itself)
                self._run_queue.append(proc)
                if self._parked:
                    self._parked.pop().release()
        else:
            proc.sched = IDLE
            if not proc.detached:
                self._busy -= 1
                if self._busy == 0:
                    self._idle.notify_all()
            proc.detached = False

    @staticmethod
    def _exempt(proc: ProcessState) -> bool:
        """Supervisors' long work is the engine's own (a huge start-up), never a runaway."""
        try:
            return bool(getattr(proc.actor or proc.cls, "runaway_exempt", False))
        except ProcessKilled:
            raise
        except BaseException:
            return False

    def _cancel_timer(self, handle: TimerHandle) -> None:
        with self._lock:
            self.clock.cancel(handle)
            timer = handle.callback
            if isinstance(timer, _Timer):
                timers = timer.proc.timers
                if timers is not None:
                    timers.discard(handle)

    def _timer_to(self, proc: ProcessState, delay_ms: float, msg: Any) -> TimerHandle:
        timer = _Timer(self, proc, msg)
        timer.handle = self.clock.call_later(delay_ms, timer)
        if proc.timers is None:
            proc.timers = set()
        proc.timers.add(timer.handle)
        return timer.handle

    def _exit_signal(self, sender: Pid, target: ProcessState, reason: Reason) -> str:
        if not target.alive:
            return "noproc"
        if is_reason(reason, KILL):
            self._die(target, KILLED)
            return "killed"
        if target.trap_exit:
            self._deliver(target, ExitMsg(sender, reason))
            return "trapped"
        if not is_reason(reason, NORMAL) or sender == target.pid:
            self._die(target, reason)
            return "exited"
        return "ignored"

    def _emit(self, cls: type[Event], proc: ProcessState, **fields: Any) -> None:
        self.events.emit(cls, int(self.clock.now_ms()), proc.path, str(proc.pid), **fields)

    def new_decision(self) -> int:
        """A number for one restart decision: its terminates and starts all carry it."""
        return next(self._decisions)

    def _die(self, proc: ProcessState, reason: Reason, phase: str | None = None) -> None:
        """End a process now: fire links and monitors, drop timers and mail, tell the stream."""
        with self._lock:
            pending: list[tuple[ProcessState, Reason, str | None]] = []
            self._die_one(proc, reason, phase, pending)
            done = 0
            while done < len(pending):  # (deaths by link, in the order they were signalled)
                self._die_one(*pending[done], pending)
                done += 1
            if self._busy == 0:
                self._idle.notify_all()

    def _death_report(self, proc: ProcessState, reason: Reason, phase: str | None) -> dict[str, Any]:
        """The ``crash``/``exit`` event's fields. Worked out before anything changes, and unable to
        raise (``format_reason`` is bounded and guarded), so no fault of a user object can cut a death
        in half: links, monitors, the supervisor and the stream always hear of it."""
        data: dict[str, Any] = {"reason": format_reason(reason), "phase": phase,
                                "traceback": reason_traceback(reason)}
        if proc.killed_by is not None and is_reason(reason, KILLED):
            data["killed_by"] = proc.killed_by
        if phase == "init":  # a failed (re)start says why it was attempted, like its start would
            data.update({k: _wire_value(v) for k, v in proc.start_info.items() if k in _DECISION_FIELDS})
        return data

    def _die_one(self, proc: ProcessState, reason: Reason, phase: str | None,
                 pending: list[tuple[ProcessState, Reason, str | None]]) -> None:
        if not proc.alive:
            return
        report = None if proc.stop_requested else self._death_report(proc, reason, phase)
        proc.alive = False
        proc.reason = reason
        running = proc.sched == RUNNING
        if proc.sched in (QUEUED, RUNNING) and not proc.detached:
            self._busy -= 1
        if proc.owned:
            self._close_owned(proc)
        if proc.thread is not None:
            self._watchdog.watch(proc, proc.thread)
        proc.sched = DEAD
        if proc.timers:
            for handle in proc.timers:
                self.clock.cancel(handle)
            proc.timers = None
        proc.mailbox = None
        if proc.task is not None and proc.task.timer is not None:
            self.clock.cancel(proc.task.timer)
        proc.task = None
        proc.waiting = None
        if self._paths.get(proc.path) is proc.pid:  # (the very object it was registered with)
            del self._paths[proc.path]
        if report is not None:
            self._emit(ExitEvent if is_orderly(reason) else CrashEvent, proc, **report)
        if not proc.init_done:
            status = "ignore" if phase == "ignore" else "error"
            self._finish_init(proc, StartResult(status, None, None if status == "ignore" else reason))
        signal = KILLED if is_reason(reason, KILL) else reason
        for other in proc.linked():
            peer = self._procs.get(other)
            if peer is None or not peer.alive:
                continue
            peer.drop_link(proc.pid)
            if peer.trap_exit:
                self._deliver(peer, _exit_msg((proc.pid, signal)))
            elif not is_reason(signal, NORMAL):
                pending.append((peer, signal, None))
        proc.links = None
        if proc.monitored_by:
            for ref, watcher_pid in proc.monitored_by.items():
                watcher = self._procs.get(watcher_pid)
                if watcher is not None and watcher.alive:
                    if watcher.monitors is not None:
                        watcher.monitors.pop(ref, None)
                    self._deliver(watcher, _down_msg((ref, proc.pid, signal)))
        proc.monitored_by = None
        for ref, (future, target) in list(self._calls.items()) if self._calls else ():
            if target == proc.pid:
                del self._calls[ref]
                future.set_exception(NoProcess(proc.pid, reason))
        if proc.exit_futures:
            for future in proc.exit_futures:
                future.set_result(reason)
        proc.exit_futures = None
        if proc.cond is not None:
            proc.cond.notify()
        if proc.sync_wake is not None:
            proc.sync_wake()
        if proc.system:
            for request in proc.system:
                if not request.future.done():
                    request.future.set_result(None)
            proc.system.clear()
        if not running:
            del self._procs[proc.pid]  # a dead pid is simply unknown from now on (Erlang: noproc)
            self._forget_actor(proc)

    @staticmethod
    def _forget_actor(proc: ProcessState) -> None:
        """Let go of a dead process's actor once no callback of it runs.

        The actor holds its context, which holds this record, which holds the actor: a cycle that
        only the garbage collector would free. Cut here, a dead process is freed the moment the
        last reference goes (a 100,000-child shutdown leaves the collector nothing to do), however
        the host program runs its collector. A process on its own thread keeps it: that thread's
        loop still closes an ``AsyncActor``'s event loop after the death.
        """
        if not proc.dedicated:
            proc.actor = None

    def _finish_init(self, proc: ProcessState, result: StartResult) -> None:
        proc.init_done = True
        proc.init_result = result
        future = self._init_futures.pop(proc.pid, None)
        if future is not None:
            future.set_result(result)
        elif proc.init_async and proc.ack_to is not None:
            spawner = self._procs.get(proc.ack_to)
            if spawner is not None:
                self._deliver(spawner, AckMsg(proc.pid, result))

    # ------------------------------------------------------------------ running callbacks (no lock)

    def _run_one(self, proc: ProcessState, msg: Any) -> None:
        if type(msg) is DescribeMsg:
            self._describe(proc, msg.future)
            return
        task = proc.task
        if task is not None:
            with self._lock:
                proc.task = None
                proc.waiting = None
                if task.timer is not None:
                    self.clock.cancel(task.timer)
                    if proc.timers is not None:
                        proc.timers.discard(task.timer)
            value = TIMEOUT if type(msg) is TimeoutMsg else msg
            self._drive(proc, task, value, first=False)
        elif type(msg) is _MatchFailed:  # (a match without a suspended task: nothing left to fail)
            return
        else:
            self._dispatch(proc, msg)

    def _describe(self, proc: ProcessState, future: Future[str | None]) -> None:
        """Serve a describe request on the process's own thread (see :meth:`describe_state_async`)."""
        actor = proc.actor
        text: str | None
        if actor is None or not proc.alive:
            text = None
        else:
            try:
                answer = actor.describe_state()
                text = None if answer is None else safe_str(answer, DESCRIBE_LIMIT)
            except ProcessKilled:
                raise
            except BaseException as exc:
                self._leave_if_forked()
                text = f"(describe_state failed: {safe_str(exc, 200) or type(exc).__name__})"
        if not future.done():
            future.set_result(text)

    def _dispatch(self, proc: ProcessState, msg: Any) -> None:
        kind = type(msg)
        if kind is InitMsg:
            self._invoke(proc, "init", None, self._construct_and_init, proc)
            return
        actor = proc.actor
        assert actor is not None
        if kind is CallMsg:
            self._invoke(proc, "call", msg, actor.handle_call, msg.request, Caller(msg.caller, msg.ref))
        elif kind is CastMsg:
            self._invoke(proc, "cast", None, actor.handle_cast, msg.msg)
        elif kind is StopMsg:
            self._invoke(proc, "terminate", msg.reason, actor.terminate, msg.reason)
        elif kind is TimeoutMsg or kind is AckMsg or kind is ReplyMsg:
            return  # stale: its waiter gave up or died
        elif kind is ExitMsg and msg.pid == proc.parent and proc.trap_exit:
            self._invoke(proc, "terminate", msg.reason, actor.terminate, msg.reason)
        else:
            self._invoke(proc, "info", None, actor.handle_info, msg)

    def _construct_and_init(self, proc: ProcessState) -> Any:
        actor = proc.cls(**proc.args)
        proc.args = _NO_ARGS  # used once: the actor holds what it needs
        actor.pid = proc.pid
        actor.runtime = self
        actor.path = proc.path
        actor.context = ProcessContext(self, proc)
        with self._lock:
            proc.actor = actor
        return actor.init()

    def _invoke(self, proc: ProcessState, kind: str, ctx: Any, fn: Callable[..., Any], *args: Any) -> None:
        try:
            result = fn(*args)
            self._after_user_code(proc)
            if isinstance(result, CoroutineType) and isinstance(proc.actor, AsyncActor):
                result = proc.actor.run_coroutine(result)  # on its own loop, on its own thread
            if isinstance(result, (CoroutineType, AsyncGeneratorType)):
                if isinstance(result, CoroutineType):
                    result.close()  # (never awaited: close it so Python does not warn about it)
                raise TypeError(f"{kind} is an async def: it returned a {type(result).__name__} that "
                                "nothing would run; subclass AsyncActor for async callbacks, or write "
                                "plain functions or generators")
        except BaseException as exc:
            self._after_user_code(proc)
            self._failed(proc, kind, ctx, exc)
            return
        if isinstance(result, GeneratorType):
            self._drive(proc, Suspended(result, kind, ctx), None, first=True)
        else:
            self._complete(proc, kind, ctx, result)

    def _drive(self, proc: ProcessState, task: Suspended, value: Any, first: bool) -> None:
        """Run a generator callback until it waits for a message that is not there yet, or ends.

        A ``_MatchFailed`` as the value is thrown into the generator at its ``yield``: the match
        function it passed to ``receive`` failed, which is its own crash (it may catch it, too).
        """
        gen = task.gen
        try:
            while True:
                if first:
                    request = next(gen)
                elif type(value) is _MatchFailed:
                    request = gen.throw(value.error)
                else:
                    request = gen.send(value)
                self._after_user_code(proc)
                first = False
                if not isinstance(request, Receive):
                    raise TypeError(f"a callback yielded {safe_repr(request, 200)}; "
                                    "yield self.receive() or self.sleep()")
                with self._lock:
                    if not proc.alive:
                        return
                    proc.waiting = request.match
                    found = self._take(proc)
                    if found is NOTHING and request.timeout != 0:
                        self._suspend(proc, task, request)
                        return
                    proc.waiting = None
                value = TIMEOUT if found is NOTHING else found
        except StopIteration as done:
            self._after_user_code(proc)
            self._complete(proc, task.kind, task.ctx, done.value)
        except BaseException as exc:
            self._after_user_code(proc)
            self._failed(proc, task.kind, task.ctx, exc)

    def _suspend(self, proc: ProcessState, task: Suspended, request: Receive) -> None:
        proc.task = task
        if task.kind == "init":
            proc.init_async = True
        if request.timeout is None:
            proc.waiting = request.match
            return
        token = object()
        match = request.match

        def waiting(msg: Any) -> bool:
            return (type(msg) is TimeoutMsg and msg.token is token) or match(msg)

        proc.waiting = waiting
        task.timer = self._timer_to(proc, request.timeout, TimeoutMsg(token))

    def _complete(self, proc: ProcessState, kind: str, ctx: Any, result: Any) -> None:
        with self._lock:
            if not proc.alive:
                return
            if kind == "init":
                if result is IGNORE:
                    self._die(proc, NORMAL, phase="ignore")
                    return
                self._paths[proc.path] = proc.pid
                info = proc.start_info
                if proc.path in self._started_paths and not info.get("restart") and info.get("why") != "api":
                    # The children of a restarted supervisor start afresh, but are restarts of the tree's
                    # nodes. A new child added through the API (a dynamic pool reusing a free name) is not.
                    info = {**info, "restart": True}
                self._started_paths.add(proc.path)
                proc.start_info = _NO_ARGS  # told now; only a failed init reports it later
                self._emit(Start, proc, **_start_fields(info))
                self._finish_init(proc, StartResult("ok", proc.pid))
            elif kind == "call":
                if result is not NOREPLY:
                    self._reply(Caller(ctx.caller, ctx.ref), result)
            elif kind == "terminate":
                self._die(proc, ctx)

    def _failed(self, proc: ProcessState, kind: str, ctx: Any, exc: BaseException) -> None:
        if isinstance(exc, ProcessKilled) or not proc.alive:
            return
        reason = exc.reason if isinstance(exc, StopProcess) else Crash.from_exception(exc)
        if kind == "init":
            self._die(proc, reason, phase="init")
        elif kind == "terminate":
            self._die(proc, reason)
        else:
            actor = proc.actor
            assert actor is not None
            self._invoke(proc, "terminate", reason, actor.terminate, reason)

    def _detach_runaway(self, stack: list[tuple[ProcessState, float]], thread_id: int) -> None:
        """A callback has held its thread too long: let virtual time and other processes go on.

        Like a BEAM dirty scheduler: the processes keep the thread (on the pool, a fresh scheduler
        replaces it; a dedicated thread is simply left to it) and stop counting for quiescence until
        the callback returns, so shutdown timeouts can expire and kill them.
        A supervisor busy with its own work (starting 100,000 children) is left alone: that is the
        engine's code, and time must not move in the middle of a restart.
        """
        if self._exempt(stack[-1][0]):
            return
        detached = False
        for proc, _since in stack:
            if proc.alive and not proc.detached and proc.sched == RUNNING:
                where = "its own thread" if proc.dedicated else "a scheduler thread"
                log.warning("%s (%s) has run one callback on %s for over %.1f s; virtual time no longer "
                            "waits for it", proc.path, proc.pid, where, self._runaway_s)
                proc.detached = True
                self._busy -= 1
                detached = True
        if not detached:
            return
        if self._busy == 0:
            self._idle.notify_all()
        if not stack[0][0].dedicated:  # a pool thread: the pool gets a fresh one in its place
            self._retired.add(thread_id)
            self._add_scheduler()

    def _zombie(self, proc: ProcessState, thread_id: int) -> None:
        """A dead process's thread could not be stopped: abandon it, and replace a lost scheduler."""
        names = {t.ident: t.name for t in self._threads}
        name = names.get(thread_id, str(thread_id))
        self._abandoned.add(thread_id)
        self._emit(Zombie, proc, thread=name)
        if name.startswith("suptui-sched-"):
            self._retired.add(thread_id)
            self._add_scheduler()

    # ------------------------------------------------------------------ threads

    def _add_scheduler(self) -> None:
        thread = threading.Thread(target=self._scheduler_loop, name=f"suptui-sched-{len(self._threads)}",
                                  daemon=True)
        self._threads.append(thread)
        thread.start()

    def _park(self, gate: threading.Lock) -> None:
        """Sleep until a ``_make_runnable`` (or shutdown) opens ``gate`` (runtime lock held once).

        The gate is a plain lock kept closed: it goes on ``_parked`` under the runtime lock, then the
        thread blocks acquiring it; a waker pops it and releases it, also under the runtime lock. A
        wake that comes before the thread blocks leaves the gate open, so none is ever lost; a
        spurious one only makes the caller look at the run queue again.
        """
        self._parked.append(gate)
        self._lock.release()
        try:
            gate.acquire()
        finally:
            self._lock.acquire()
            if gate in self._parked:  # (interrupted before anyone woke it)
                self._parked.remove(gate)

    def _scheduler_loop(self) -> None:
        me = threading.get_ident()
        gate = threading.Lock()
        gate.acquire()
        with self._lock:
            self._retired.discard(me)  # a thread id is reused once its thread has ended
        while True:
            with self._lock:
                while not self._run_queue:
                    if self._closed:
                        return
                    self._park(gate)
                proc = self._run_queue.popleft()
                if not proc.alive:
                    continue
                msg = self._next(proc)
                if msg is NOTHING:
                    self._after_run(proc)
                    continue
                proc.sched = RUNNING
                proc.thread = me
                self._running[me] = [(proc, time.monotonic())]
            self._run_guarded(proc, msg)
            with self._lock:
                proc.busy_run += time.monotonic() - self._running.pop(me)[0][1]
                self._after_run(proc)
                if me in self._retired:
                    return

    def _run_guarded(self, proc: ProcessState, msg: Any) -> None:
        try:
            self._run_one(proc, msg)
        except ProcessKilled:
            pass
        except BaseException:
            self._leave_if_forked()
            log.exception("engine error while running %s", proc.pid)
        self._end_callback(proc)

    def _after_user_code(self, proc: ProcessState) -> None:
        """Right after a worker's code returned (or raised): what it may not keep from the rest of the
        program. A fork is left at once (see :meth:`_leave_if_forked`); the interpreter's recursion
        limit, which a worker set to 50 once (the app's own drawing then failed and it hung), is set
        back, and the worker's fault told."""
        self._leave_if_forked()
        if sys.getrecursionlimit() != self._recursion_limit:
            changed = sys.getrecursionlimit()
            sys.setrecursionlimit(self._recursion_limit)
            self.report_fault((proc.path, proc.pid), f"set the interpreter's recursion limit to {changed}: "
                              f"set back to {self._recursion_limit} (it is the whole program's)", None)

    def _leave_if_forked(self) -> None:
        """A worker that forked is back in the engine, in the child: end the child at once.

        The child has a copy of the engine but none of its other threads (their locks may be held
        for ever), and must not run the parent's loops or write into the parent's output. So it
        ends here, without running ``atexit`` handlers or flushing buffers that the parent owns.
        """
        if _forked and os.getpid() != self._owner_pid:
            os._exit(0)

    def _end_callback(self, proc: ProcessState) -> None:
        """Leave a callback for good: once this returns, no ``ProcessKilled`` can land on this thread.

        The watchdog may have thrown one just as the callback was returning; it can surface on any
        bytecode up to the moment the pending one is cleared, so retry until the clearing is done.
        """
        while True:
            try:
                with self._lock:
                    self._watchdog.clear_pending(proc)
                return
            except ProcessKilled:
                continue

    def _start_dedicated_thread(self, proc: ProcessState) -> None:
        proc.cond = threading.Condition(self._lock)
        thread = threading.Thread(target=self._dedicated_loop, args=(proc,), name=f"suptui-{proc.pid}",
                                  daemon=True)
        self._threads.append(thread)
        thread.start()

    def _dedicated_loop(self, proc: ProcessState) -> None:
        me = threading.get_ident()
        while True:
            with self._lock:
                while proc.alive and proc.sched != QUEUED and not self._closed:
                    assert proc.cond is not None
                    proc.cond.wait()
                if not proc.alive or self._closed:
                    self._threads = [t for t in self._threads if t.ident != me]
                    if isinstance(proc.actor, AsyncActor):
                        proc.actor.close_loop()
                    return
                msg = self._next(proc)
                if msg is NOTHING:
                    self._after_run(proc)
                    continue
                proc.sched = RUNNING
                proc.thread = me
                self._running[me] = [(proc, time.monotonic())]
            self._run_guarded(proc, msg)
            with self._lock:
                proc.busy_run += time.monotonic() - self._running.pop(me)[0][1]
                self._after_run(proc)


class StartError(Exception):
    """A process could not be started; ``result`` says whether it failed or asked to be ignored.

    ``reason`` is the exit reason of the failed start (for a crash, a :class:`Crash` with the
    exception's type, message and traceback as text: the exception itself lived on another thread).
    """

    def __init__(self, result: StartResult, name: str = "the process") -> None:
        if result.status == "ignore":
            message = f"{name} was not started: its init returned IGNORE"
        else:
            message = f"{name} did not start: {format_reason(result.reason)}"
        super().__init__(message)
        self.result = result
        self.reason = result.reason

