"""A process's handle on its runtime: everything a process does, supervisors included, goes through it.

The runtime makes one :class:`ProcessContext` per process when it constructs the actor and sets it
as ``actor.context`` (before ``init`` runs); ``Actor``'s own helpers (``self.send``, ``self.call``,
``self.monitor``…) are one-line delegations to it. The built-in supervisors use nothing else, so a
user's actor can do all a supervisor does: start a linked child and wait for its init
(:meth:`ProcessContext.start_link`), stop it with OTP's shutdown protocol (:meth:`mark_stopping`,
:meth:`monitor`, :meth:`exit`, :meth:`take_exit`) and report what it did on the event stream
(:meth:`report_terminate`, :meth:`report_give_up`, :meth:`report_strategy_changed`).

Threads: a context's methods are meant for the process's own callbacks (its scheduler thread or its
own thread); each takes the runtime lock for the moment it touches shared state, so they are safe from
a thread the process started too. Every method that acts on the process's behalf first checks that
it is alive and raises ``ProcessKilled`` if it has died (its callback is then unwound, as the
watchdog would unwind it): a dead process sends, links and starts nothing.

This module is the runtime's own half of the process API, so it reads the runtime's private state
(its lock, process table and delivery), as ``watchdog.py`` and ``faults.py`` do; nothing outside the
engine's runtime modules should.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from .actor import TIMEOUT, Caller, DownMsg, ExitMsg, Receive, StopProcess
from .clock import TimerHandle
from .pid import Pid, Ref
from .process import CallMsg, CastMsg, ProcessState, ReplyMsg, StartResult
from .protocol import GiveUp, Stamps, StrategyChanged, Terminate
from .reasons import KILL, KILLED, SHUTDOWN, ProcessKilled, Reason, format_reason, safe_repr
from .specs import Strategy

if TYPE_CHECKING:
    from .actor import Actor
    from .client import Supervision
    from .runtime import Runtime

_R = TypeVar("_R")  # a resource a process owns (``own`` gives it back with its type)


class NoProcess(Exception):
    """A call was made to a process that does not exist or died before replying."""

    def __init__(self, pid: Pid, reason: Reason = "noproc") -> None:
        super().__init__(f"process {pid} is not alive ({format_reason(reason)})")
        self.pid = pid
        self.reason = reason


class ProcessContext:
    """One process's handle on its runtime (``actor.context``), made by the runtime with the actor.

    ``pid``, ``path`` and ``runtime`` say whose it is. Its methods are the process API: messages
    (:meth:`send`, :meth:`cast`, :meth:`send_after`, :meth:`call`, :meth:`reply`), links and monitors,
    exit signals, resources closed at death (:meth:`own`), and what supervisors need (starting
    linked children, the shutdown protocol's steps, reports on the event stream).
    """

    __slots__ = ("_proc", "path", "pid", "runtime")

    def __init__(self, runtime: Runtime, proc: ProcessState) -> None:
        self.runtime = runtime
        self.pid: Pid = proc.pid
        self.path: str = proc.path
        self._proc = proc

    def __repr__(self) -> str:
        return f"<ProcessContext {self.path} {self.pid}>"

    def _alive(self) -> ProcessState:
        """This process's record, or ``ProcessKilled`` if it has died (call with the lock held)."""
        proc = self._proc
        if not proc.alive:
            raise ProcessKilled()
        return proc

    # ------------------------------------------------------------------ messages and time

    def send(self, dest: Pid, msg: Any) -> None:
        """Put ``msg`` in ``dest``'s mailbox (dropped if ``dest`` is gone, as in Erlang)."""
        runtime = self.runtime
        with runtime._lock:
            self._alive()
            target = runtime._procs.get(dest)
            if target is not None:
                runtime._deliver(target, msg)

    def cast(self, dest: Pid, msg: Any) -> None:
        """Send ``msg`` to ``dest``'s ``handle_cast`` (``gen_server:cast``)."""
        self.send(dest, CastMsg(msg))

    def send_after(self, delay_ms: float, msg: Any, dest: Pid | None = None) -> TimerHandle:
        """Deliver ``msg`` to ``dest`` (default: this process) after ``delay_ms`` of the runtime's
        clock; dropped if the destination has died by then (as in Erlang). The handle cancels it."""
        runtime = self.runtime
        with runtime._lock:
            self._alive()
            target = runtime._procs.get(self.pid if dest is None else dest)
            if target is None or not target.alive:
                return TimerHandle(0, 0, lambda: None)
            return runtime._timer_to(target, delay_ms, msg)

    def cancel_timer(self, handle: TimerHandle) -> None:
        """Cancel a :meth:`send_after` that has not fired yet (nothing happens if it has). The process
        that would have received it forgets the timer at once (a re-armed timeout holds no memory)."""
        self.runtime._cancel_timer(handle)

    def now_ms(self) -> float:
        """The runtime's clock (virtual or real), in milliseconds."""
        return self.runtime.clock.now_ms()

    def call(self, dest: Pid, request: Any, timeout_ms: float | None = 5000) -> Generator[Receive, Any, Any]:
        """Ask ``dest``'s ``handle_call``: ``reply = yield from context.call(pid, request)``.

        Like ``gen_server:call``: monitor the callee, send, wait in a selective ``receive`` (no thread
        is held) for the reply or the callee's DOWN. Raises :class:`NoProcess` if the callee dies
        first and ``TimeoutError`` after ``timeout_ms`` of the runtime's clock; either one, uncaught,
        crashes the caller, as in OTP. Calling itself ends the process with ``calling_self``.
        """
        if dest == self.pid:
            raise StopProcess(("calling_self", request))  # it could only wait for itself forever
        ref = self.monitor(dest)
        runtime = self.runtime
        with runtime._lock:
            target = runtime._procs.get(dest)
            if target is not None:
                runtime._deliver(target, CallMsg(ref, self.pid, request))

        def answers(msg: Any) -> bool:
            return (type(msg) is ReplyMsg or type(msg) is DownMsg) and msg.ref == ref

        answer = yield Receive(answers, timeout_ms)
        if type(answer) is DownMsg:
            raise NoProcess(dest, answer.reason)
        self.demonitor(ref)
        if answer is TIMEOUT:
            raise TimeoutError(f"call to {dest} timed out after {timeout_ms} ms")
        return answer.value

    def reply(self, caller: Caller, value: Any) -> None:
        """Answer a ``handle_call`` that returned ``NOREPLY`` (any process may answer it)."""
        self.runtime._reply(caller, value)

    def supervisor(self, pid: Pid, timeout_ms: float | None = 5000) -> Supervision:
        """A supervisor's API for a callback: ``yield from context.supervisor(pid).start_child(spec)``."""
        from .client import Supervision  # (client.py imports the runtime, which imports this module)

        return Supervision(self, pid, timeout_ms)

    # ------------------------------------------------------------------ links, monitors, signals

    def link(self, other: Pid) -> None:
        """Link to ``other``: whichever dies first signals the other. A dead ``other`` signals
        ``noproc`` at once (trapped: an ``ExitMsg``; else this process dies)."""
        runtime = self.runtime
        with runtime._lock:
            me = self._alive()
            target = runtime._procs.get(other)
            if target is None or not target.alive:
                runtime._exit_signal(other, me, "noproc")
                return
            me.add_link(other)
            target.add_link(me.pid)

    def unlink(self, other: Pid) -> None:
        """Remove a link (both ends); an EXIT already queued stays queued (see :meth:`take_exit`)."""
        with self.runtime._lock:
            self._drop_link(self._alive(), other)

    def _drop_link(self, me: ProcessState, other: Pid) -> None:
        """Both ends of the link between ``me`` and ``other`` gone (the runtime lock is held)."""
        me.drop_link(other)
        target = self.runtime._procs.get(other)
        if target is not None:
            target.drop_link(me.pid)

    def monitor(self, other: Pid) -> Ref:
        """Watch ``other``: a :class:`DownMsg` with this ref arrives when it ends (at once, with
        ``noproc``, if it is already gone)."""
        runtime = self.runtime
        with runtime._lock:
            me = self._alive()
            ref = runtime._new_ref()
            target = runtime._procs.get(other)
            if target is None or not target.alive:
                runtime._deliver(me, DownMsg(ref, other, "noproc"))
            else:
                if me.monitors is None:
                    me.monitors = {}
                me.monitors[ref] = other
                if target.monitored_by is None:
                    target.monitored_by = {}
                target.monitored_by[ref] = me.pid
            return ref

    def demonitor(self, ref: Ref) -> None:
        """Stop a monitor (a DOWN already queued stays queued)."""
        runtime = self.runtime
        with runtime._lock:
            me = self._alive()
            other = me.monitors.pop(ref, None) if me.monitors is not None else None
            target = runtime._procs.get(other) if other is not None else None
            if target is not None and target.monitored_by is not None:
                target.monitored_by.pop(ref, None)

    def exit(self, dest: Pid, reason: Reason) -> None:
        """Send an exit signal (Erlang's ``exit/2``): ``kill`` cannot be trapped; ``normal`` is
        ignored by a process that does not trap exits."""
        runtime = self.runtime
        with runtime._lock:
            me = self._alive()
            target = runtime._procs.get(dest)
            if target is not None:
                runtime._exit_signal(me.pid, target, reason)

    def own(self, resource: _R) -> _R:
        """Close ``resource`` (anything with ``close()``) the moment this process dies, whatever its
        thread is doing, as a BEAM port closes with its owner. Returns ``resource``. The close runs
        on the thread that kills the process, under the runtime lock, so it must be quick."""
        if not callable(getattr(resource, "close", None)):
            raise TypeError(f"own() needs something with a close() method, got {safe_repr(resource, 80)}")
        with self.runtime._lock:
            me = self._alive()
            if me.owned is None:
                me.owned = []
            me.owned.append(resource)
        return resource

    # ------------------------------------------------------------------ supervising children

    def start_link(self, cls: type[Actor], args: Mapping[str, Any] | None = None, *, path: str | None = None,
                   start_info: dict[str, Any] | None = None) -> Generator[Receive, Any, StartResult]:
        """Spawn a child linked to this process and wait until its init has finished, like OTP's
        ``proc_lib:start_link``: ``result = yield from context.start_link(Worker, {...}, path=...)``.

        The result is a :class:`StartResult`: ``ok`` with the child's pid, ``ignore``, or ``error``
        with the reason its init failed. This process is the child's parent (a ``shutdown`` exit
        signal from it runs the child's ``terminate`` when it traps exits). ``path`` names it in the
        tree (default: its class and pid); ``start_info`` becomes the fields of its ``start`` event
        (a supervisor passes its restart decision there) and is kept by the runtime as given.

        A child on the scheduler pool runs its init right here, on this callback's thread (the
        start is synchronous anyway, and a 100,000-child start does not bounce between threads); a
        child with its own thread runs it there while this process waits in ``receive``.
        """
        return self.runtime._start_link(self._proc, cls, dict(args or {}), path,
                                        {} if start_info is None else start_info)

    def take_exit(self, pid: Pid) -> Reason | None:
        """Take a queued ``ExitMsg`` from ``pid`` out of this process's own mailbox and return its
        reason (``None`` if there is none): the shutdown protocol's last step, after DOWN and unlink,
        so a stopped child's EXIT is not handled later as a crash to restart (its reason wins over
        the DOWN's, as in ``supervisor.erl``)."""
        with self.runtime._lock:
            mailbox = self._alive().mailbox
            if mailbox:
                for msg in mailbox:
                    if type(msg) is ExitMsg and msg.pid == pid:
                        mailbox.remove(msg)
                        reason: Reason = msg.reason
                        return reason
            return None

    def mark_stopping(self, child: Pid) -> bool:
        """Say that this process is stopping ``child`` (one it started with :meth:`start_link`), so
        the child's end is not reported as its own ``exit``/``crash`` event: the stopper reports it
        with :meth:`report_terminate`. False if the child is already gone (then nothing will be told
        of the stop: its end has been reported already) or is not this process's child."""
        runtime = self.runtime
        with runtime._lock:
            proc = runtime._procs.get(child)
            if proc is None or not proc.alive or proc.parent != self.pid:
                return False
            proc.stop_requested = True
            return True

    def begin_stop(self, child: Pid, reason: Reason,
                   finish: bool = False) -> tuple[bool, Ref, DownMsg | None, Reason | None]:
        """The shutdown protocol's first steps at once: :meth:`mark_stopping`, :meth:`monitor` and
        :meth:`exit` with ``reason``, under one hold of the runtime lock (a supervisor stopping
        100,000 children pays for one, not three).

        Returns what :meth:`mark_stopping` says, the monitor's ref, and the child's DOWN if it is
        already here: a child that does not trap exits dies of the signal at once, so its DOWN is
        in this process's mailbox before this returns; it is taken out, exactly as a ``receive``
        for it would take it. ``None``: wait for it with ``receive`` as usual. With ``finish``, a
        DOWN found at once is followed by :meth:`end_stop` in the same hold, whose answer comes
        last (else ``None``): a stop that needs no waiting takes the lock once.
        """
        runtime = self.runtime
        with runtime._lock:
            me = self._alive()
            ref = runtime._new_ref()
            target = runtime._procs.get(child)
            if target is None or not target.alive:
                down = DownMsg(ref, child, "noproc")  # (what the monitor would deliver)
                return False, ref, down, self.end_stop(child) if finish else None
            told = target.parent is self.pid or target.parent == self.pid
            if told:
                target.stop_requested = True
            if finish and (reason is KILL or (reason is SHUTDOWN and not target.trap_exit)):
                # It dies of the signal right here (``kill``, or ``shutdown`` to a child that does
                # not trap exits: what the signal would do, decided on one reading of trap_exit).
                # The monitor's DOWN and the link's EXIT would be made only to be taken out of our
                # mailbox again at once, so: unlink, the death, and what both would have said (its
                # other links and monitors hear of it as ever). A fifth of a stop's cost.
                said = KILLED if reason is KILL else reason
                self._drop_link(me, child)
                runtime._die(target, said)
                return told, ref, DownMsg(ref, child, said), said
            if me.monitors is None:
                me.monitors = {}
            me.monitors[ref] = child
            if target.monitored_by is None:
                target.monitored_by = {}
            target.monitored_by[ref] = me.pid
            runtime._exit_signal(me.pid, target, reason)
            mailbox = me.mailbox
            if mailbox:
                for msg in mailbox:
                    if type(msg) is DownMsg and msg.ref is ref:
                        mailbox.remove(msg)
                        return told, ref, msg, self.end_stop(child) if finish else None
            return told, ref, None, None

    def end_stop(self, child: Pid) -> Reason | None:
        """The shutdown protocol's last steps at once, after the DOWN: :meth:`unlink`, then
        :meth:`take_exit` (the child's EXIT reason, or ``None``), under one hold of the lock."""
        runtime = self.runtime
        with runtime._lock:
            me = self._alive()
            self._drop_link(me, child)
            mailbox = me.mailbox
            if mailbox:
                for msg in mailbox:
                    if type(msg) is ExitMsg and (msg.pid is child or msg.pid == child):
                        mailbox.remove(msg)
                        reason: Reason = msg.reason
                        return reason
            return None

    def new_decision(self) -> int:
        """A fresh number for one restart decision: the terminates and starts it causes all carry it
        (``decision`` in their events' fields), so a reader can group them."""
        return self.runtime.new_decision()

    @property
    def intensity_phase(self) -> float:
        """The runtime's offset for restart-intensity stamps (see ``intensity.stamp``)."""
        return self.runtime.intensity_phase

    # ------------------------------------------------------------------ reports (the event stream)

    def report_terminate(self, child_path: str, child: Pid, reason: Reason, *, why: str,
                         how: str | None = None, shutdown_error: bool | None = None, cause: str | None = None,
                         by_strategy: Strategy | None = None, decision: int | None = None) -> None:
        """Tell the stream that this process stopped ``child`` (a ``terminate`` event, on the child's
        path and pid): ``why`` it was stopped (``strategy``, ``shutdown``, ``api``), ``how`` the stop
        ended, and ``shutdown_error`` if it did not end with the expected reason."""
        runtime = self.runtime
        with runtime._lock:
            runtime.events.emit(Terminate, int(runtime.clock.now_ms()), child_path, str(child),
                                reason=format_reason(reason), why=why, how=how, shutdown_error=shutdown_error,
                                cause=cause, by_strategy=by_strategy, decision=decision)

    def report_give_up(self, child_path: str, *, restarts: Stamps, max_restarts: int,
                       max_seconds: int, reason: str = "reached_max_restart_intensity") -> None:
        """Tell the stream that this process reached its restart intensity and stops (a ``give_up``
        event on its own path): ``child_path`` is the child whose exit tipped it over."""
        self._report_self(GiveUp, child=child_path, reason=reason, restarts=restarts,
                          max_restarts=max_restarts, max_seconds=max_seconds)

    def report_strategy_changed(self, strategy: Strategy, previous: Strategy) -> None:
        """Tell the stream that this process's restart strategy changed (a ``strategy`` event)."""
        self._report_self(StrategyChanged, strategy=strategy, previous=previous)

    def _report_self(self, cls: type[GiveUp | StrategyChanged], **fields: Any) -> None:
        runtime = self.runtime
        with runtime._lock:
            runtime.events.emit(cls, int(runtime.clock.now_ms()), self.path, str(self.pid), **fields)
