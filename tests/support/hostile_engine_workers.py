"""Hostile workers that attack the engine itself: its clock, its quiescence, its waits, its deaths.

Named in tree files as ``hostile_engine_workers:Class``. Each one is written the way a user would
write it (a polling loop, a blocking call in init, a clever match function), and each once froze,
raced or silently ended a run. Module state is reset between tests (``reset``).
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from suptui.engine import Actor, SupervisorClient

STOP = threading.Event()
"""Set after each test: ends every loop and blocking wait below that the engine did not end."""
FORKED: list[int] = []
"""Pids of the children that ``Forks`` made."""
DESCRIBED_ON: list[int] = []
"""Thread ids that ran a ``describe_state`` below."""


def reset() -> None:
    STOP.set()
    time.sleep(0.01)
    STOP.clear()
    FORKED.clear()
    DESCRIBED_ON.clear()


class PollsItself(Actor):
    """The usual polling loop on its own thread: some blocking work, then a message to itself."""

    dedicated_thread = True

    def init(self) -> None:
        self.polls = 0
        self.send(self.pid, "poll")

    def handle_info(self, msg: Any) -> None:
        time.sleep(0.002)  # "check the queue" in real time
        self.polls += 1
        if not STOP.is_set():
            self.send(self.pid, "poll")


class SpinsThroughMailbox(Actor):
    """The same on the pool, with no blocking at all: it is always runnable."""

    def init(self) -> None:
        self.send(self.pid, "spin")

    def handle_info(self, msg: Any) -> None:
        if not STOP.is_set():
            self.send(self.pid, "spin")


class LoopsInInit(Actor):
    """An init that never returns (pure Python)."""

    def init(self) -> None:
        while not STOP.is_set():
            pass


class BlocksInInit(Actor):
    """An init blocked in C."""

    def init(self) -> None:
        STOP.wait(3600)


class CallsItsSupervisorInInit(Actor):
    """Fine the first time; once restarted, its init calls its own supervisor synchronously, which
    is busy starting it: a deadlock in OTP too (supervisor calls wait for ever)."""

    def init(self) -> None:
        root = self.runtime.whereis("root")
        if root is not None:  # the root is registered once its own start is over: this is a restart
            SupervisorClient(self.runtime, root).which_children()
        self.send_after(100, "crash")

    def handle_info(self, msg: Any) -> None:
        raise RuntimeError("crash")


class YieldsCallToSupervisorInInit(Actor):
    """The same with the in-process call (``yield from self.call``), whose timeout is OTP's 5 s."""

    def init(self) -> Any:
        root = self.runtime.whereis("root")
        if root is not None:
            yield from self.call(root, ("which_children",), timeout_ms=1000)
        self.send_after(100, "crash")

    def handle_info(self, msg: Any) -> None:
        raise RuntimeError("crash")


class Nested:
    """Builds a reason nested ``depth`` levels deep (formatting it recursively overflows the stack)."""

    @staticmethod
    def reason(depth: int = 20_000) -> Any:
        reason: Any = "bottom"
        for _ in range(depth):
            reason = ("wrapped", reason)
        return reason


DEEP_REASON = Nested.reason()
"""Built once, so that the callback that exits with it is quick (the runaway limit is tight in tests)."""


class StopsWithDeepReason(Actor):
    def init(self) -> None:
        self.send_after(100, "go")

    def handle_info(self, msg: Any) -> None:
        self.stop(DEEP_REASON)


class RaisingStr(Exception):
    def __str__(self) -> str:
        raise KeyboardInterrupt("from __str__")


class RaisesUnprintableBase(Actor):
    """An exception whose ``__str__`` raises a ``BaseException``."""

    def init(self) -> None:
        self.send_after(100, "go")

    def handle_info(self, msg: Any) -> None:
        raise RaisingStr()


class BadMatch(Actor):
    """Waits with a match function that raises on the first message it is shown."""

    def init(self) -> None:
        self.send_after(50, "wait")

    def handle_info(self, msg: Any) -> Any:
        self.send_after(50, "poke")  # a timer delivers it (the thread moving the clock runs the match)
        yield self.receive(lambda msg: 1 / 0)


class MovesTheClock(Actor):
    """Tries to jump an hour ahead."""

    def init(self) -> None:
        self.send_after(100, "jump")

    def handle_info(self, msg: Any) -> None:
        clock: Any = self.runtime.clock
        clock.advance_to(clock.now_ms() + 3_600_000)


class AsyncInit(Actor):
    """An ``async def`` callback: it returns a coroutine that nothing would ever run."""

    async def init(self) -> None:  # type: ignore[override]
        return None


class Forks(Actor):
    """Forks in a callback; the child returns into whatever called the callback."""

    def init(self) -> None:
        self.send_after(100, "fork")

    def handle_info(self, msg: Any) -> None:
        pid = os.fork()
        if pid:
            FORKED.append(pid)


class DescribesSlowly(Actor):
    def describe_state(self) -> str:
        DESCRIBED_ON.append(threading.get_ident())
        STOP.wait(10)
        return "slow"


class DescribesWithSystemExit(Actor):
    def describe_state(self) -> str:
        DESCRIBED_ON.append(threading.get_ident())
        raise SystemExit(0)
