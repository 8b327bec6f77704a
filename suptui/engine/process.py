"""What the runtime keeps for each process, and the messages it sends to processes on its own behalf.

Plain records: the runtime (``runtime.py``) owns them and touches them only with its lock held;
nothing here runs callbacks, takes locks or starts threads.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Generator
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, NamedTuple

from .clock import TimerHandle
from .pid import Pid, Ref
from .reasons import ProcessKilled, Reason

if TYPE_CHECKING:
    from .actor import Actor, Receive

IDLE, QUEUED, RUNNING, DEAD = range(4)
"""Where a process is in the scheduler: asleep, waiting for a thread, on one, or gone."""


class StartResult(NamedTuple):
    """Outcome of starting a process: ``ok`` with a pid, ``ignore``, or ``error`` with a reason."""

    status: str
    pid: Pid | None = None
    reason: Reason = None


class InitMsg(NamedTuple):
    pass


class CallMsg(NamedTuple):
    ref: Ref
    caller: Pid | None
    request: Any


class CastMsg(NamedTuple):
    msg: Any


class StopMsg(NamedTuple):
    reason: Reason


class TimeoutMsg(NamedTuple):
    token: object


class ReplyMsg(NamedTuple):
    ref: Ref
    value: Any


class AckMsg(NamedTuple):
    pid: Pid
    result: StartResult


class DescribeMsg(NamedTuple):
    """A system request: the process describes its state, on its own thread, between callbacks.

    It never enters the mailbox, so no ``receive`` can match it and no message order changes.
    """

    future: Future[str | None]


INIT = InitMsg()
NOTHING = object()
"""What ``take`` returns when no message in the mailbox is wanted (``None`` is a message)."""


class Suspended:
    """A generator callback suspended in ``receive``."""

    __slots__ = ("ctx", "gen", "kind", "timer")

    def __init__(self, gen: Generator[Receive, Any, Any], kind: str, ctx: Any) -> None:
        self.gen = gen
        self.kind = kind
        self.ctx = ctx
        self.timer: TimerHandle | None = None


class ProcessState:
    """Engine-owned state of one process. Only touched with the runtime lock held."""

    __slots__ = (
        "ack_to",
        "actor",
        "alive",
        "args",
        "async_sent",
        "busy_run",
        "cls",
        "cond",
        "dedicated",
        "detached",
        "exit_futures",
        "init_async",
        "init_done",
        "init_result",
        "killed_by",
        "links",
        "mailbox",
        "monitored_by",
        "monitors",
        "owned",
        "parent",
        "path",
        "pid",
        "reason",
        "sched",
        "start_info",
        "stop_requested",
        "sync_wake",
        "system",
        "task",
        "thread",
        "timers",
        "waiting",
    )

    def __init__(self, pid: Pid, cls: type[Actor], args: dict[str, Any], parent: Pid, path: str,
                 start_info: dict[str, Any]) -> None:
        self.pid = pid
        self.cls = cls
        self.args = args
        self.actor: Actor | None = None
        self.parent = parent
        self.path = path
        self.start_info = start_info
        self.alive = True
        self.sched = IDLE
        self.dedicated = bool(cls.dedicated_thread)
        # The containers below are made when first needed (``None`` until then): most of a big tree's
        # processes never get a message, a timer or a monitor, and each empty container would cost
        # memory (a deque is 760 bytes) and a garbage-collector-tracked object per process.
        self.mailbox: deque[Any] | None = None
        self.links: Pid | set[Pid] | None = None
        """Linked processes: none, one pid (a worker's one link, to its supervisor: a set is 216
        bytes a process), or a set once there are two or more. Change it through :meth:`add_link`
        and :meth:`drop_link`; read it through :meth:`linked`."""
        self.monitors: dict[Ref, Pid] | None = None
        self.monitored_by: dict[Ref, Pid] | None = None
        self.timers: set[TimerHandle] | None = None
        self.task: Suspended | None = None
        self.waiting: Callable[[Any], bool] | None = None
        self.init_done = False
        self.init_async = False
        self.init_result: StartResult | None = None
        self.ack_to: Pid | None = None
        self.stop_requested = False
        self.reason: Reason = None
        self.thread: int | None = None
        self.async_sent = False
        self.detached = False
        self.cond: threading.Condition | None = None
        self.exit_futures: list[Future[Reason]] | None = None
        self.busy_run = 0.0
        """Seconds of callbacks run since the process was last idle (a mailbox spinner's total)."""
        self.owned: list[Any] | None = None
        """Resources closed the moment the process dies (``Actor.own``), like a BEAM port's owner."""
        self.killed_by: str | None = None
        """Who asked for a kill from outside (``Runtime.kill``), until the death it causes is told."""
        self.sync_wake: Callable[[], None] | None = None
        """Wakes a callback blocked in ``Runtime.wait`` on this process's thread (set while it waits)."""
        self.system: deque[DescribeMsg] | None = None
        """System requests (describe), served before the mailbox and whatever the process waits for."""

    def add_link(self, pid: Pid) -> None:
        links = self.links
        if links is None:
            self.links = pid
        elif isinstance(links, set):
            links.add(pid)
        elif links != pid:
            self.links = {links, pid}

    def drop_link(self, pid: Pid) -> None:
        links = self.links
        if isinstance(links, set):
            links.discard(pid)
        elif links == pid:
            self.links = None

    def linked(self) -> tuple[Pid, ...] | set[Pid]:
        """The linked pids (a copy-free view: do not change links while iterating it)."""
        links = self.links
        if links is None:
            return ()
        return links if isinstance(links, set) else (links,)

    @property
    def trap_exit(self) -> bool:
        """Whether exit signals arrive as messages. A user class may make this raise: then it does not."""
        try:
            return bool((self.actor or self.cls).trap_exit)
        except ProcessKilled:
            raise
        except BaseException:
            return False
