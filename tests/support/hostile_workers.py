"""Hostile user workers, named in tree files as ``hostile_workers:Class``.

Each one misbehaves in one way that user code can: it raises where it should not, returns or yields
garbage, refuses to stop, blocks a thread inside C, starts threads of its own, talks to the dead or
floods itself. The tests in this folder run them from tree files and check that the supervisor does
what OTP would, that the event stream says so, and that the run (and the app) ends cleanly.

Module-level state is shared with the tests and reset between them (see ``reset``).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from suptui.engine import Actor, Pid

BLOCKED = threading.Event()
"""Set by a :class:`BlocksInC` just before it blocks; only the first one to get there blocks."""
SPUN = threading.Event()
"""Set by a :class:`Spins` when it starts spinning; only the first one to get there spins."""
RELEASE = threading.Event()
"""Ends every pure-Python loop below: set between tests, so that a loop the engine failed to
interrupt (a fault) does not burn a core for the rest of the test session."""
STOP_THREADS = threading.Event()
"""Tells the threads :class:`SpawnsThreads` started to end; set when a test is over."""
SPAWNED: list[threading.Thread] = []
SPINNING: set[object] = set()
"""One entry per pure-Python loop still running."""
BLOCKED_THREADS: list[str] = []
"""The names of the threads that went into ``time.sleep(3600)``: they never come back."""


def reset() -> None:
    STOP_THREADS.set()
    RELEASE.set()
    for thread in SPAWNED:
        thread.join(timeout=2)
    deadline = time.monotonic() + 2
    while SPINNING and time.monotonic() < deadline:  # a loop the engine did not interrupt ends now
        time.sleep(0.001)
    SPAWNED.clear()
    STOP_THREADS.clear()
    RELEASE.clear()
    BLOCKED.clear()
    SPUN.clear()
    BLOCKED_THREADS.clear()


def _spin() -> None:
    me = object()
    SPINNING.add(me)
    try:
        while not RELEASE.is_set():
            sum(range(50))
    finally:
        SPINNING.discard(me)


class RaisesInInit(Actor):
    """``init`` raises: at the first start, or (``first_start_ok``) only when it is restarted."""

    def __init__(self, first_start_ok: bool = False, crash_after: int = 50) -> None:
        self.first_start_ok = first_start_ok
        self.crash_after = crash_after

    def init(self) -> None:
        if not self.first_start_ok or self.now_ms() > 0:
            raise ValueError("init refused")
        self.send_after(self.crash_after, "crash")

    def handle_info(self, msg: Any) -> None:
        raise RuntimeError("first incarnation crashes")


class RaisesInHandleInfo(Actor):
    """Crashes ``every`` ms after each start."""

    def __init__(self, every: int = 50) -> None:
        self.every = every

    def init(self) -> None:
        self.send_after(self.every, "boom")

    def handle_info(self, msg: Any) -> None:
        raise RuntimeError("handle_info blew up")


class RaisesInTerminate(Actor):
    """Traps exits; ``terminate`` raises. With ``crash_after`` it also crashes in ``handle_info`` first."""

    trap_exit = True

    def __init__(self, crash_after: int | None = None) -> None:
        self.crash_after = crash_after

    def init(self) -> None:
        if self.crash_after is not None:
            self.send_after(self.crash_after, "boom")

    def handle_info(self, msg: Any) -> None:
        if msg == "boom":
            raise KeyError("handle_info blew up")

    def terminate(self, reason: Any) -> None:
        raise ValueError("terminate blew up")


class _Garbage:
    """A value that means nothing to anyone."""


class ReturnsGarbage(Actor):
    """Returns garbage from every callback (the engine documents that only ``IGNORE`` means anything)."""

    def init(self) -> Any:
        self.send(self.pid, "hello")
        self.runtime.cast(self.pid, "cast me")
        self.send_after(50, "later")
        return 42

    def handle_info(self, msg: Any) -> Any:
        return {"not": "meaningful"}

    def handle_cast(self, msg: Any) -> Any:
        return _Garbage()

    def handle_call(self, request: Any, caller: Any) -> Any:
        return _Garbage()

    def describe_state(self) -> Any:
        return _Garbage()


class YieldsGarbage(Actor):
    """A generator callback that yields something other than a receive: a ``TypeError`` crash."""

    def init(self) -> None:
        self.send_after(50, "go")

    def handle_info(self, msg: Any):
        yield "not a receive"


class IgnoresShutdown(Actor):
    """Traps exits, then loops forever in pure Python in ``terminate``: only a kill ends it."""

    trap_exit = True

    def terminate(self, reason: Any) -> None:
        _spin()


class Spins(Actor):
    """Loops forever in ``handle_info`` ``after`` ms in: it holds a scheduler thread until killed.

    Only the first one to get there spins (its replacement after a restart behaves).
    """

    def __init__(self, after: int = 50) -> None:
        self.after = after

    def init(self) -> None:
        self.send_after(self.after, "spin")

    def handle_info(self, msg: Any) -> None:
        if msg == "spin" and not SPUN.is_set():
            SPUN.set()
            _spin()

    def describe_state(self) -> str:
        raise RuntimeError("describe_state blew up")


class BlocksInC(Actor):
    """On its own thread, ``after`` ms in, blocks inside C (``time.sleep(3600)``); traps exits.

    Only the first one to get there blocks (its replacement after a restart behaves), so a test sees
    one zombie, not a new one per restart.
    """

    trap_exit = True
    dedicated_thread = True

    def __init__(self, after: int = 50) -> None:
        self.after = after

    def init(self) -> None:
        self.send_after(self.after, "block")

    def handle_info(self, msg: Any) -> None:
        if msg == "block" and not BLOCKED.is_set():
            BLOCKED_THREADS.append(threading.current_thread().name)
            BLOCKED.set()
            time.sleep(3600)


class SpawnsThreads(Actor):
    """Starts threads of its own that send to it every 10 ms, and never stops them.

    The threads outlive the process: after it dies they keep sending to its (now dead) pid.
    """

    def __init__(self, threads: int = 2) -> None:
        self.threads = threads
        self.pings = 0

    def init(self) -> None:
        runtime, pid = self.runtime, self.pid
        for n in range(self.threads):
            thread = threading.Thread(target=_pinger, args=(runtime, pid), name=f"user-pinger-{pid}-{n}",
                                      daemon=True)
            SPAWNED.append(thread)
            thread.start()

    def handle_info(self, msg: Any) -> None:
        self.pings += 1

    def describe_state(self) -> str:
        return f"{self.pings} pings"


def _pinger(runtime: Any, pid: Pid) -> None:
    while not STOP_THREADS.wait(0.01):
        runtime.send(pid, "ping")


class SendsToTheDead(Actor):
    """Sends, casts, calls, signals, monitors and times messages to pids that are not alive."""

    trap_exit = True

    def init(self) -> None:
        self.downs: list[Any] = []
        self.send_after(20, "haunt")

    def handle_info(self, msg: Any) -> None:
        if msg != "haunt":
            self.downs.append(msg)
            return
        ghost = Pid(10**9)
        self.send(ghost, "anyone?")
        self.send_after(10, "later", dest=ghost)
        self.runtime.cast(ghost, "cast")
        self.runtime.call(ghost, ("which_children",))  # a future that fails with NoProcess
        self.exit(ghost, "kill")
        self.monitor(ghost)  # DOWN with noproc, at once
        self.link(ghost)  # trapping: an EXIT with noproc
        self.send_after(20, "haunt")

    def describe_state(self) -> str:
        return f"{len(self.downs)} answers from the dead"


class FloodsItself(Actor):
    """``after`` ms in, sends itself ``count`` messages in one callback."""

    def __init__(self, after: int = 50, count: int = 5000) -> None:
        self.after = after
        self.count = count

    def init(self) -> None:
        self.send_after(self.after, "flood")

    def handle_info(self, msg: Any) -> None:
        if msg == "flood":
            for _ in range(self.count):
                self.send(self.pid, "more")


class Unprintable(Exception):
    """A realistic user bug: ``__str__`` reads an attribute that was never set."""

    def __str__(self) -> str:
        return self.detail  # type: ignore[attr-defined]


class RaisesUnprintable(Actor):
    """Raises an exception whose ``str()`` fails: in ``handle_info``, or (``in_init``) when restarted."""

    def __init__(self, in_init: bool = False, after: int = 50) -> None:
        self.in_init = in_init
        self.after = after

    def init(self) -> None:
        if self.in_init and self.now_ms() > 0:
            raise Unprintable()
        self.send_after(self.after, "boom")

    def handle_info(self, msg: Any) -> None:
        if self.in_init:
            raise RuntimeError("crash, so that the next init runs")
        raise Unprintable()


class _UnprintableReason:
    def __repr__(self) -> str:
        raise AttributeError("no text for this reason")

    __str__ = __repr__


class StopsUnprintably(Actor):
    """Stops itself with a reason that cannot be turned into text."""

    def init(self) -> None:
        self.send_after(50, "stop")

    def handle_info(self, msg: Any) -> None:
        self.stop(_UnprintableReason())


class StartsOnItsOwnThread(Actor):
    """Harmless, but on its own thread (as for real I/O), and its ``init`` takes ``io_ms`` of wall time."""

    dedicated_thread = True

    def __init__(self, io_ms: int = 20) -> None:
        self.io_ms = io_ms

    def init(self) -> None:
        time.sleep(self.io_ms / 1000)


class CallsItself(Actor):
    """``after`` ms in, calls its own ``handle_call`` and waits for the answer (``wait_ms`` 0: forever)."""

    def __init__(self, after: int = 50, wait_ms: int = 0) -> None:
        self.after = after
        self.wait_ms = wait_ms

    def init(self) -> None:
        self.send_after(self.after, "go")

    def handle_info(self, msg: Any):
        return (yield from self.call(self.pid, "hello", self.wait_ms or None))

    def handle_call(self, request: Any, caller: Any) -> str:
        return "hi"
