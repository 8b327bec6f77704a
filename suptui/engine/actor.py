"""The process behaviour users subclass: a GenServer-like actor run one message at a time.

Callbacks run on a scheduler thread (or the actor's own thread when ``dedicated_thread`` is set).
A callback may be a generator: ``msg = yield self.receive(match, timeout_ms)`` suspends the actor
(selective receive) without holding a thread, which is how supervisors wait for a child to start
or stop and how built-in workers spend virtual time (``yield self.sleep(ms)``).

Everything a process asks of its runtime goes through ``self.context``, its
:class:`~suptui.engine.context.ProcessContext`; the helpers here (``self.send``, ``self.call``…) are
one-line delegations to it, and supervisors use it for what only they need.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, NoReturn, TypeVar

from .pid import Pid, Ref
from .reasons import NORMAL, Reason
from .reasons import ProcessKilled as ProcessKilled  # re-exported: callbacks may catch it by this name

if TYPE_CHECKING:
    from .client import Supervision
    from .clock import TimerHandle
    from .context import ProcessContext
    from .runtime import Runtime


_R = TypeVar("_R")  # a resource an actor owns (``own`` gives it back with its type)


class ExitMsg(NamedTuple):
    """An exit signal turned into a message, for actors that trap exits."""

    pid: Pid
    reason: Reason


class DownMsg(NamedTuple):
    """A monitored process ended (reason ``noproc`` if it was already gone)."""

    ref: Ref
    pid: Pid
    reason: Reason


class Receive:
    """What a generator callback yields to wait for a message that ``match`` accepts."""

    __slots__ = ("match", "timeout")

    def __init__(self, match: Callable[[Any], bool], timeout: float | None = None) -> None:
        self.match = match
        self.timeout = timeout


class _Sentinel:
    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


TIMEOUT: Any = _Sentinel("TIMEOUT")
"""What ``yield self.receive(...)`` returns when the timeout passed first."""

IGNORE: Any = _Sentinel("IGNORE")
"""Returned from ``init`` to say "do not run me" (OTP's ``ignore``)."""

NOREPLY: Any = _Sentinel("NOREPLY")
"""Returned from ``handle_call`` when the reply will be sent later with ``reply``."""


class StopProcess(BaseException):
    """Raised (via ``Actor.stop``) to end the process with ``reason``; ``terminate`` still runs."""

    def __init__(self, reason: Reason = NORMAL) -> None:
        super().__init__(reason)
        self.reason = reason


class Caller(NamedTuple):
    """Who to answer for a ``handle_call``."""

    pid: Pid | None
    ref: Ref


CallbackResult = Any | Generator[Receive, Any, Any]


class Actor:
    """Base class for every process. Subclass it and override the callbacks you need.

    Class attributes:
      * ``trap_exit``: exit signals arrive as :class:`ExitMsg` instead of killing the process.
      * ``dedicated_thread``: run on an own thread, for callbacks that block in real I/O.
    """

    trap_exit: ClassVar[bool] = False
    dedicated_thread: ClassVar[bool] = False

    pid: Pid
    runtime: Runtime
    path: str
    context: ProcessContext
    """This process's handle on its runtime (set by the runtime before ``init``): the whole process
    API, which the helpers below delegate to, and what supervisors use to start and stop children."""

    # -- callbacks (run by the runtime, one at a time, never concurrently for one actor) --

    def init(self) -> CallbackResult:
        """Set up. Return ``IGNORE`` to not start, raise (or ``stop``) to fail the start."""

    def handle_info(self, msg: Any) -> CallbackResult:
        """Plain messages, timers and (when trapping) ``ExitMsg``/``DownMsg``."""

    def handle_cast(self, msg: Any) -> CallbackResult:
        """Asynchronous requests sent with ``Runtime.cast``."""

    def handle_call(self, request: Any, caller: Caller) -> CallbackResult:
        """Synchronous requests; the return value is the reply (or ``NOREPLY``)."""
        raise NotImplementedError(f"{type(self).__name__} does not handle calls ({request!r})")

    def terminate(self, reason: Reason) -> CallbackResult:
        """Clean up before exiting. Runs on ``stop``, on a crash, and on shutdown when trapping exits."""

    def describe_state(self) -> str | None:
        """One line of visible state for the app's details pane (run on this process's own thread,
        between its callbacks)."""
        return None

    def interrupt(self) -> None:
        """Called on a helper thread when this process is killed (or its shutdown time ran out) while
        one of its callbacks is still running: make that callback return, e.g. close the socket
        ``accept()`` blocks on or set the event a loop waits for. Must be quick; runs at most once per
        death. Resources registered with :meth:`own` are already closed by then."""
        return None

    # -- the process API, for use inside callbacks: each one delegates to ``self.context`` --

    def send(self, dest: Pid, msg: Any) -> None:
        """Put ``msg`` in ``dest``'s mailbox (:meth:`ProcessContext.send`)."""
        self.context.send(dest, msg)

    def cast(self, dest: Pid, msg: Any) -> None:
        """Send ``msg`` to ``dest``'s ``handle_cast``."""
        self.context.cast(dest, msg)

    def send_after(self, delay_ms: float, msg: Any, dest: Pid | None = None) -> TimerHandle:
        """Deliver ``msg`` later; dropped if the destination has died by then (as in Erlang)."""
        return self.context.send_after(delay_ms, msg, dest)

    def cancel_timer(self, handle: TimerHandle) -> None:
        self.context.cancel_timer(handle)

    def now_ms(self) -> float:
        return self.context.now_ms()

    def link(self, other: Pid) -> None:
        self.context.link(other)

    def unlink(self, other: Pid) -> None:
        self.context.unlink(other)

    def monitor(self, other: Pid) -> Ref:
        return self.context.monitor(other)

    def demonitor(self, ref: Ref) -> None:
        self.context.demonitor(ref)

    def exit(self, dest: Pid, reason: Reason) -> None:
        """Send an exit signal (Erlang's ``exit/2``): ``kill`` cannot be trapped."""
        self.context.exit(dest, reason)

    def call(self, dest: Pid, request: Any, timeout_ms: float | None = 5000) -> Generator[Receive, Any, Any]:
        """Ask another process's ``handle_call``: use as ``reply = yield from self.call(pid, request)``.

        Raises ``NoProcess`` if the callee dies first and ``TimeoutError`` after ``timeout_ms``
        (OTP's default is 5 s too); either one, uncaught, crashes the caller, as in OTP.
        """
        return self.context.call(dest, request, timeout_ms)

    def own(self, resource: _R) -> _R:
        """Close ``resource`` (anything with ``close()``) the moment this process dies, whatever its
        thread is doing, as a BEAM port closes with its owner: a restarted acceptor can bind its port
        again at once. Returns ``resource``. ``close()`` must be quick (a socket's or a file's is)."""
        return self.context.own(resource)

    def supervisor(self, pid: Pid, timeout_ms: float | None = 5000) -> Supervision:
        """A supervisor's API for this callback: ``yield from self.supervisor(pid).start_child(spec)``."""
        return self.context.supervisor(pid, timeout_ms)

    def reply(self, caller: Caller, value: Any) -> None:
        self.context.reply(caller, value)

    def stop(self, reason: Reason = NORMAL) -> NoReturn:
        raise StopProcess(reason)

    def receive(self, match: Callable[[Any], bool], timeout_ms: float | None = None) -> Receive:
        """Use as ``msg = yield self.receive(match, timeout_ms)``; gives ``TIMEOUT`` on timeout."""
        return Receive(match, timeout_ms)

    def sleep(self, ms: float) -> Receive:
        """Use as ``yield self.sleep(ms)``: wait on the runtime's clock, not on a thread."""
        return Receive(_never, ms)

    def __repr__(self) -> str:
        pid = getattr(self, "pid", None)
        return f"<{type(self).__name__} {pid}>"


def _never(_msg: Any) -> bool:
    return False
