"""The runtime: processes, mailboxes, links, monitors, exit signals and the M:N scheduler.

One lock guards all process state; callbacks run outside it on a small pool of scheduler threads
(or on an actor's own thread when it asks for one). Idle processes hold no thread, so a tree of
100,000 workers needs only the pool. Death is logical and immediate (SUPERVISION.md §12): links and
monitors fire, timers are cancelled and the mailbox is dropped the moment a process dies, whatever
its thread is doing; a callback still running for a dead process is unwound by the watchdog.
The per-process records and the runtime's own messages are in ``process.py``.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Generator
from concurrent.futures import Future
from concurrent.futures import wait as futures_wait
from types import GeneratorType
from typing import Any

from .actor import (
    IGNORE,
    NOREPLY,
    TIMEOUT,
    Actor,
    Caller,
    DownMsg,
    ExitMsg,
    ProcessKilled,
    Receive,
    StopProcess,
)
from .clock import Clock, TimerHandle, VirtualClock
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
    InitMsg,
    ProcessState,
    ReplyMsg,
    StartResult,
    StopMsg,
    Suspended,
    TimeoutMsg,
)
from .reasons import (
    KILL,
    KILLED,
    NORMAL,
    Crash,
    Reason,
    format_reason,
    is_orderly,
    is_reason,
    reason_traceback,
)
from .watchdog import Watchdog

log = logging.getLogger(__name__)

EXTERNAL = Pid(0)
"""The pid that stands for code outside the runtime (tests, the app, scripts)."""

class NoProcess(Exception):
    """A call was made to a process that does not exist or died before replying."""

    def __init__(self, pid: Pid, reason: Reason = "noproc") -> None:
        super().__init__(f"process {pid} is not alive ({format_reason(reason)})")
        self.pid = pid
        self.reason = reason


class Deadlock(Exception):
    """A virtual-clock wait can never finish: nothing is runnable and no timer is scheduled."""


_DECISION_FIELDS = ("restart", "cause", "by_strategy", "stamps", "why")


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
            self.proc.timers.discard(self.handle)
            self.runtime._deliver(self.proc, self.msg)


class Runtime:
    """Owns every process, the scheduler threads, the clock and the event stream.

    Thread-safe: its public methods may be called from any thread (the app, tests, scripts).
    """

    def __init__(self, clock: Clock | None = None, schedulers: int = 2, *, seed: int = 0,
                 intensity_phase: float = 0.0, kill_grace_ms: float = 50.0,
                 zombie_after_ms: float = 1000.0, runaway_ms: float = 2000.0,
                 max_mailbox: int = 100_000) -> None:
        if schedulers < 1:
            raise ValueError("a runtime needs at least one scheduler thread")
        self.clock: Clock = clock if clock is not None else VirtualClock()
        self.events = EventBus()
        self.intensity_phase = intensity_phase
        self.seed = seed
        """Run seed: actors that use randomness derive their generators from it, so runs replay."""
        self._lock = threading.RLock()
        self._work = threading.Condition(self._lock)
        self._idle = threading.Condition(self._lock)
        self._procs: dict[Pid, ProcessState] = {}
        self._paths: dict[str, Pid] = {}
        self._run_queue: deque[ProcessState] = deque()
        self._busy = 0
        self._pids = itertools.count(1)
        self._refs = itertools.count(1)
        self._calls: dict[Ref, tuple[Future, Pid]] = {}
        self._init_futures: dict[Pid, Future] = {}
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
        self._watchdog = Watchdog(self, kill_grace_ms / 1000.0, zombie_after_ms / 1000.0,
                                  runaway_ms / 1000.0)
        for _ in range(schedulers):
            self._add_scheduler()

    # ------------------------------------------------------------------ public API (any thread)

    def now_ms(self) -> float:
        return self.clock.now_ms()

    def spawn(self, cls: type[Actor], args: dict[str, Any] | None = None, *, path: str | None = None,
              start_info: dict[str, Any] | None = None) -> Future:
        """Start a top-level process; the future resolves to its :class:`StartResult` once init is done."""
        future: Future = Future()
        with self._lock:
            self._check_open()
            proc = self._new_process(cls, args or {}, EXTERNAL, path, start_info or {})
            proc.init_async = True
            self._init_futures[proc.pid] = future
            self._deliver(proc, INIT)
        return future

    def start(self, cls: type[Actor], args: dict[str, Any] | None = None, *, path: str | None = None) -> Pid:
        """Spawn a top-level process and wait for its init; raise :class:`StartError` if it fails."""
        result = self.wait(self.spawn(cls, args, path=path))
        if result.status != "ok":
            raise StartError(result)
        assert result.pid is not None
        return result.pid

    def send(self, dest: Pid, msg: Any) -> None:
        with self._lock:
            proc = self._procs.get(dest)
            if proc is not None:
                self._deliver(proc, msg)

    def cast(self, dest: Pid, msg: Any) -> None:
        self.send(dest, CastMsg(msg))

    def call(self, dest: Pid, request: Any) -> Future:
        """Send a request to ``handle_call``; the future holds the reply (or raises :class:`NoProcess`)."""
        future: Future = Future()
        with self._lock:
            proc = self._procs.get(dest)
            if proc is None or not proc.alive:
                future.set_exception(NoProcess(dest))
                return future
            ref = self._new_ref()
            self._calls[ref] = (future, dest)
            self._deliver(proc, CallMsg(ref, None, request))
        return future

    def call_sync(self, dest: Pid, request: Any, timeout: float | None = None) -> Any:
        return self.wait(self.call(dest, request), timeout)

    def stop(self, dest: Pid, reason: Reason = NORMAL) -> Future:
        """Make a process exit with ``reason`` after running ``terminate`` (like ``GenServer.stop``)."""
        future = self.when_dead(dest)
        self.send(dest, StopMsg(reason))
        return future

    def exit(self, dest: Pid, reason: Reason) -> None:
        """Send an exit signal from outside (Erlang's ``exit/2``)."""
        with self._lock:
            proc = self._procs.get(dest)
            if proc is not None:
                self._exit_signal(EXTERNAL, proc, reason)

    def kill(self, dest: Pid, by: str = "user") -> bool:
        """An untrappable kill requested from outside: a ``kill`` event, then death with ``killed``."""
        with self._lock:
            proc = self._procs.get(dest)
            if proc is None or not proc.alive:
                return False
            self._emit("kill", proc, by=by)
            self._exit_signal(EXTERNAL, proc, KILL)
            return True

    def when_dead(self, pid: Pid) -> Future:
        """A future resolved with the exit reason when ``pid`` dies.

        Like a monitor on a pid that is already gone, it resolves at once with ``noproc``: the engine
        keeps no record of the dead (that is what keeps a long storm's memory flat).
        """
        future: Future = Future()
        with self._lock:
            proc = self._procs.get(pid)
            if proc is None:
                future.set_result("noproc")
            elif not proc.alive:
                future.set_result(proc.reason)
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

    def describe_state(self, pid: Pid) -> str | None:
        """The actor's own one-line state description, for display; never raises."""
        with self._lock:
            proc = self._procs.get(pid)
            actor = proc.actor if proc is not None and proc.alive else None
        if actor is None:
            return None
        try:
            return actor.describe_state()
        except Exception as exc:
            return f"(describe_state failed: {exc!r})"

    def process_count(self) -> int:
        with self._lock:
            return sum(1 for proc in self._procs.values() if proc.alive)

    def _detached_active(self) -> bool:
        """Whether a detached callback (a runaway, outside quiescence) is still running."""
        with self._lock:
            return any(p.alive and p.detached and p.sched != IDLE for p in self._procs.values())

    def _busy_threads(self) -> int:
        """How many processes (dead or alive) are running a callback on a thread right now."""
        with self._lock:
            return sum(1 for proc in self._procs.values() if proc.thread is not None)

    def wait_idle(self, until_done: Future | None = None) -> None:
        """Block until no scheduler has work (or until ``until_done`` is done, if given).

        The virtual clock calls this between timers: time must not move while anything can still run.
        """
        if until_done is not None:
            until_done.add_done_callback(self._wake_idle_waiters)
        with self._lock:
            while self._busy > 0 and not (until_done is not None and until_done.done()):
                self._idle.wait()

    def _wake_idle_waiters(self, _future: Future) -> None:
        with self._lock:
            self._idle.notify_all()

    def wait(self, future: Future, timeout: float | None = None) -> Any:
        """Wait for a future. On an unpaced virtual clock, fire timers until it is done."""
        clock = self.clock
        if isinstance(clock, VirtualClock) and not clock.paced:
            while not future.done():
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
        return future.result(timeout)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop every top-level process (children first, per their supervisors), then every thread."""
        with self._lock:
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
            self._work.notify_all()
        self._watchdog.settle()
        self._watchdog.close()
        for thread in list(self._threads):
            if thread is not threading.current_thread() and thread.ident not in self._abandoned:
                thread.join(timeout=1.0)
        self.clock.close()

    def threads(self) -> list[threading.Thread]:
        """Threads started by this runtime that are still alive (scheduler, dedicated, watchdog)."""
        with self._lock:
            return [t for t in self._threads if t.is_alive()]

    # ------------------------------------------------------------------ process API (callback thread)

    def _record(self, actor: Actor) -> ProcessState:
        proc = self._procs.get(actor.pid)
        if proc is None or not proc.alive:
            raise ProcessKilled()
        return proc

    def _send_from(self, actor: Actor, dest: Pid, msg: Any) -> None:
        with self._lock:
            self._record(actor)
            target = self._procs.get(dest)
            if target is not None:
                self._deliver(target, msg)

    def _send_after_from(self, actor: Actor, dest: Pid, delay_ms: float, msg: Any) -> TimerHandle:
        with self._lock:
            self._record(actor)
            target = self._procs.get(dest)
            if target is None or not target.alive:
                return TimerHandle(0, 0, lambda: None)
            return self._timer_to(target, delay_ms, msg)

    def _link_from(self, actor: Actor, other: Pid) -> None:
        with self._lock:
            me = self._record(actor)
            target = self._procs.get(other)
            if target is None or not target.alive:
                self._exit_signal(other, me, "noproc")
                return
            me.links.add(other)
            target.links.add(me.pid)

    def _unlink_from(self, actor: Actor, other: Pid) -> None:
        with self._lock:
            me = self._record(actor)
            me.links.discard(other)
            target = self._procs.get(other)
            if target is not None:
                target.links.discard(me.pid)

    def _monitor_from(self, actor: Actor, other: Pid) -> Ref:
        with self._lock:
            me = self._record(actor)
            ref = self._new_ref()
            target = self._procs.get(other)
            if target is None or not target.alive:
                self._deliver(me, DownMsg(ref, other, "noproc"))
            else:
                me.monitors[ref] = other
                target.monitored_by[ref] = me.pid
            return ref

    def _demonitor_from(self, actor: Actor, ref: Ref) -> None:
        with self._lock:
            me = self._record(actor)
            other = me.monitors.pop(ref, None)
            target = self._procs.get(other) if other is not None else None
            if target is not None:
                target.monitored_by.pop(ref, None)

    def _exit_signal_from(self, actor: Actor, dest: Pid, reason: Reason) -> None:
        with self._lock:
            me = self._record(actor)
            target = self._procs.get(dest)
            if target is not None:
                self._exit_signal(me.pid, target, reason)

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

    def _call_from(self, actor: Actor, dest: Pid, request: Any,
                   timeout_ms: float | None) -> Generator[Receive, Any, Any]:
        """A call between processes: monitor the callee, send, wait for the reply or its DOWN."""
        if dest == actor.pid:
            raise StopProcess(("calling_self", request))  # it could only wait for itself forever
        ref = self._monitor_from(actor, dest)
        with self._lock:
            target = self._procs.get(dest)
            if target is not None:
                self._deliver(target, CallMsg(ref, actor.pid, request))
        def answers(msg: Any) -> bool:
            return (type(msg) is ReplyMsg or type(msg) is DownMsg) and msg.ref == ref

        answer = yield Receive(answers, timeout_ms)
        if type(answer) is DownMsg:
            raise NoProcess(dest, answer.reason)
        self._demonitor_from(actor, ref)
        if answer is TIMEOUT:
            raise TimeoutError(f"call to {dest} timed out after {timeout_ms} ms")
        return answer.value

    def _flush_exit(self, actor: Actor, pid: Pid) -> Reason | None:
        """Remove a queued ``ExitMsg`` from ``pid`` from the actor's mailbox and return its reason."""
        with self._lock:
            me = self._record(actor)
            for msg in me.mailbox:
                if type(msg) is ExitMsg and msg.pid == pid:
                    me.mailbox.remove(msg)
                    return msg.reason
            return None

    def _request_stop(self, pid: Pid) -> bool:
        """Mark a child as being stopped by its supervisor, so its end is told as ``terminate``."""
        with self._lock:
            proc = self._procs.get(pid)
            if proc is None or not proc.alive:
                return False
            proc.stop_requested = True
            return True

    def _start_link_from(self, actor: Actor, cls: type[Actor], args: dict[str, Any], path: str,
                         start_info: dict[str, Any]) -> Generator[Receive, Any, StartResult]:
        """Spawn a linked child and wait until its init has finished, like ``proc_lib:start_link``.

        A child on the scheduler pool runs its init right here, on the caller's thread: start is
        synchronous anyway, and this keeps a 100,000-child start from bouncing between threads.
        """
        with self._lock:
            me = self._record(actor)
            child = self._new_process(cls, args, me.pid, path, start_info)
            child.ack_to = me.pid
            me.links.add(child.pid)
            child.links.add(me.pid)
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
                assert child.init_result is not None
                return child.init_result
        child_pid = child.pid
        ack = yield Receive(lambda m: type(m) is AckMsg and m.pid == child_pid)
        return ack.result

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
        proc.mailbox.append(msg)
        if len(proc.mailbox) > self.max_mailbox:
            self._die(proc, ("mailbox_overflow", len(proc.mailbox)))
            return
        if proc.sched == IDLE and (proc.waiting is None or proc.waiting(msg)):
            self._make_runnable(proc)

    def _make_runnable(self, proc: ProcessState) -> None:
        proc.sched = QUEUED
        self._busy += 1  # on its own thread too: time waits for it, unless it runs away (detached)
        if proc.dedicated:
            assert proc.cond is not None
            proc.cond.notify()
        else:
            self._run_queue.append(proc)
            self._work.notify()

    def _take(self, proc: ProcessState) -> Any:
        mailbox = proc.mailbox
        if not mailbox:
            return NOTHING
        match = proc.waiting
        if match is None:
            return mailbox.popleft()
        for msg in mailbox:
            if match(msg):
                mailbox.remove(msg)
                return msg
        return NOTHING

    def _has_work(self, proc: ProcessState) -> bool:
        match = proc.waiting
        if match is None:
            return bool(proc.mailbox)
        return any(match(msg) for msg in proc.mailbox)

    def _after_run(self, proc: ProcessState) -> None:
        """Put a process back to sleep, or back in the queue if it has more to do."""
        proc.thread = None
        if not proc.alive:
            self._procs.pop(proc.pid, None)  # its last callback is over: forget it
            return
        counted = not proc.detached
        proc.detached = False
        if self._has_work(proc):
            proc.sched = QUEUED
            if not counted:
                self._busy += 1
            if not proc.dedicated:  # (a dedicated loop, which called this, takes it again itself)
                self._run_queue.append(proc)
                self._work.notify()
        else:
            proc.sched = IDLE
            if counted:
                self._busy -= 1
                if self._busy == 0:
                    self._idle.notify_all()

    def _timer_to(self, proc: ProcessState, delay_ms: float, msg: Any) -> TimerHandle:
        timer = _Timer(self, proc, msg)
        timer.handle = self.clock.call_later(delay_ms, timer)
        proc.timers.add(timer.handle)
        return timer.handle

    def _exit_signal(self, sender: Pid, target: ProcessState, reason: Reason) -> None:
        if not target.alive:
            return
        if is_reason(reason, KILL):
            self._die(target, KILLED)
        elif target.trap_exit:
            self._deliver(target, ExitMsg(sender, reason))
        elif not is_reason(reason, NORMAL) or sender == target.pid:
            self._die(target, reason)

    def _emit_for(self, path: str, pid: Pid, kind: str, data: dict[str, Any]) -> None:
        with self._lock:
            self.events.emit(int(self.clock.now_ms()), kind, path, str(pid), data)

    def _emit(self, kind: str, proc: ProcessState, **data: Any) -> None:
        self.events.emit(int(self.clock.now_ms()), kind, proc.path, str(proc.pid), data)

    def _die(self, proc: ProcessState, reason: Reason, phase: str | None = None) -> None:
        """End a process now: fire links and monitors, drop timers and mail, tell the stream."""
        with self._lock:
            pending: deque[tuple[ProcessState, Reason, str | None]] = deque([(proc, reason, phase)])
            while pending:
                self._die_one(*pending.popleft(), pending)
            if self._busy == 0:
                self._idle.notify_all()

    def _die_one(self, proc: ProcessState, reason: Reason, phase: str | None,
                 pending: deque[tuple[ProcessState, Reason, str | None]]) -> None:
        if not proc.alive:
            return
        proc.alive = False
        proc.reason = reason
        running = proc.sched == RUNNING
        if proc.sched in (QUEUED, RUNNING) and not proc.detached:
            self._busy -= 1
        if proc.thread is not None:
            self._watchdog.watch(proc, proc.thread)
        proc.sched = DEAD
        for handle in proc.timers:
            self.clock.cancel(handle)
        proc.timers.clear()
        proc.mailbox.clear()
        if proc.task is not None and proc.task.timer is not None:
            self.clock.cancel(proc.task.timer)
        proc.task = None
        proc.waiting = None
        if self._paths.get(proc.path) == proc.pid:
            del self._paths[proc.path]
        if not proc.stop_requested:
            data: dict[str, Any] = {"reason": format_reason(reason)}
            if phase is not None:
                data["phase"] = phase
            if phase == "init":  # a failed (re)start says why it was attempted, like its start would
                data.update({k: v for k, v in proc.start_info.items() if k in _DECISION_FIELDS})
            tb = reason_traceback(reason)
            if tb is not None:
                data["traceback"] = tb
            self._emit("exit" if is_orderly(reason) else "crash", proc, **data)
        if not proc.init_done:
            status = "ignore" if phase == "ignore" else "error"
            self._finish_init(proc, StartResult(status, None, None if status == "ignore" else reason))
        signal = KILLED if is_reason(reason, KILL) else reason
        for other in proc.links:
            peer = self._procs.get(other)
            if peer is None or not peer.alive:
                continue
            peer.links.discard(proc.pid)
            if peer.trap_exit:
                self._deliver(peer, ExitMsg(proc.pid, signal))
            elif not is_reason(signal, NORMAL):
                pending.append((peer, signal, None))
        proc.links.clear()
        for ref, watcher_pid in proc.monitored_by.items():
            watcher = self._procs.get(watcher_pid)
            if watcher is not None and watcher.alive:
                watcher.monitors.pop(ref, None)
                self._deliver(watcher, DownMsg(ref, proc.pid, signal))
        proc.monitored_by.clear()
        for ref, (future, target) in list(self._calls.items()):
            if target == proc.pid:
                del self._calls[ref]
                future.set_exception(NoProcess(proc.pid, reason))
        for future in proc.exit_futures:
            future.set_result(reason)
        proc.exit_futures.clear()
        if proc.cond is not None:
            proc.cond.notify()
        if not running:
            del self._procs[proc.pid]  # a dead pid is simply unknown from now on (Erlang: noproc)

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
        task = proc.task
        if task is not None:
            with self._lock:
                proc.task = None
                proc.waiting = None
                if task.timer is not None:
                    self.clock.cancel(task.timer)
                    proc.timers.discard(task.timer)
            value = TIMEOUT if type(msg) is TimeoutMsg else msg
            self._drive(proc, task, value, first=False)
        else:
            self._dispatch(proc, msg)

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
        actor.pid = proc.pid
        actor.runtime = self
        actor.path = proc.path
        with self._lock:
            proc.actor = actor
        return actor.init()

    def _invoke(self, proc: ProcessState, kind: str, ctx: Any, fn: Callable[..., Any], *args: Any) -> None:
        try:
            result = fn(*args)
        except BaseException as exc:
            self._failed(proc, kind, ctx, exc)
            return
        if isinstance(result, GeneratorType):
            self._drive(proc, Suspended(result, kind, ctx), None, first=True)
        else:
            self._complete(proc, kind, ctx, result)

    def _drive(self, proc: ProcessState, task: Suspended, value: Any, first: bool) -> None:
        """Run a generator callback until it waits for a message that is not there yet, or ends."""
        gen = task.gen
        try:
            while True:
                request = next(gen) if first else gen.send(value)
                first = False
                if not isinstance(request, Receive):
                    raise TypeError(f"a callback yielded {request!r}; yield self.receive() or self.sleep()")
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
            self._complete(proc, task.kind, task.ctx, done.value)
        except BaseException as exc:
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
                if proc.path in self._started_paths and not info.get("restart"):
                    info = {**info, "restart": True}  # e.g. the children of a restarted supervisor
                self._started_paths.add(proc.path)
                self._emit("start", proc, **info)
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
        innermost = stack[-1][0]
        if getattr(innermost.actor or innermost.cls, "runaway_exempt", False):
            return
        detached = False
        for proc, _since in stack:
            if proc.alive and not proc.detached and proc.sched == RUNNING:
                log.warning("%s (%s) has held a scheduler too long; detaching it", proc.path, proc.pid)
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
        self._emit("zombie", proc, thread=name)
        if name.startswith("suptui-sched-"):
            self._retired.add(thread_id)
            self._add_scheduler()

    # ------------------------------------------------------------------ threads

    def _add_scheduler(self) -> None:
        thread = threading.Thread(target=self._scheduler_loop, name=f"suptui-sched-{len(self._threads)}",
                                  daemon=True)
        self._threads.append(thread)
        thread.start()

    def _scheduler_loop(self) -> None:
        me = threading.get_ident()
        while True:
            with self._lock:
                while not self._run_queue:
                    if self._closed:
                        return
                    self._work.wait()
                proc = self._run_queue.popleft()
                if not proc.alive:
                    continue
                msg = self._take(proc)
                if msg is NOTHING:
                    self._after_run(proc)
                    continue
                proc.sched = RUNNING
                proc.thread = me
                self._running[me] = [(proc, time.monotonic())]
            self._run_guarded(proc, msg)
            with self._lock:
                del self._running[me]
                self._after_run(proc)
                if me in self._retired:
                    return

    def _run_guarded(self, proc: ProcessState, msg: Any) -> None:
        try:
            self._run_one(proc, msg)
        except ProcessKilled:
            pass
        except BaseException:
            log.exception("engine error while running %s", proc.pid)
        self._end_callback(proc)

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
                    return
                msg = self._take(proc)
                if msg is NOTHING:
                    self._after_run(proc)
                    continue
                proc.sched = RUNNING
                proc.thread = me
                self._running[me] = [(proc, time.monotonic())]
            self._run_guarded(proc, msg)
            with self._lock:
                del self._running[me]
                self._after_run(proc)


class StartError(Exception):
    """A process could not be started; ``result`` says whether it failed or asked to be ignored."""

    def __init__(self, result: StartResult) -> None:
        super().__init__(f"start {result.status}: {format_reason(result.reason)}")
        self.result = result

