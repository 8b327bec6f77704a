"""Workers that take time to stop or to start, spent on the engine clock (``yield self.sleep``).

``slow_stop`` shows the shutdown protocol: a supervisor waits up to the child's ``shutdown`` ms for
it to finish ``terminate``, then kills it. ``slow_start`` shows that starts are synchronous (the
supervisor waits for ``init``) and, with ``fail_start``, failed starts: at boot the whole
supervisor fails to start; on a restart the supervisor keeps trying again until it gives up.
"""

from __future__ import annotations

from typing import Any

from ..engine.actor import IGNORE, CallbackResult
from .base import Arg, Worker


class SlowStop(Worker):
    """Traps exits, so a supervisor's ``shutdown`` signal runs ``terminate``, which takes ``stop_time`` ms.

    With ``shutdown`` above ``stop_time`` it ends with reason ``shutdown``; below it, or with
    ``brutal_kill``, the supervisor kills it (reason ``killed``).
    """

    trap_exit = True
    ARGS = {"stop_time": Arg(int, 3000, "ms that terminate takes", min=0)}
    summary = "Takes stop_time ms to run terminate when stopped (shows shutdown timeouts and brutal_kill)."

    stop_time: int

    def terminate(self, reason: Any) -> CallbackResult:
        self.stopping_since = self.now_ms()
        yield self.sleep(self.stop_time)

    def describe_state(self) -> str | None:
        since = getattr(self, "stopping_since", None)
        if since is None:
            return f"running (stopping takes {self.stop_time} ms)"
        return f"stopping since {int(since)} ms (takes {self.stop_time} ms)"


class SlowStart(Worker):
    """``init`` takes ``start_time`` ms; with ``fail_start`` it then raises instead of starting.

    ``fail_from`` limits the failures to starts that begin at or after that time (ms since the tree
    started), so a tree can boot and then fail to restart: the supervisor's try-again loop.
    """

    ARGS = {
        "start_time": Arg(int, 1000, "ms that init takes", min=0),
        "fail_start": Arg(bool, False, "make init fail (raise) after start_time"),
        "fail_from": Arg(int, 0, "with fail_start: only starts that begin at or after this time fail",
                         min=0),
    }
    summary = "Takes start_time ms to start; with fail_start its starts fail (shows the try-again loop)."

    start_time: int
    fail_start: bool
    fail_from: int

    def init(self) -> CallbackResult:
        if self.ignores_start():
            return IGNORE
        began = self.now_ms()
        self.starting = True
        yield self.sleep(self.start_time)
        if self.fail_start and began >= self.fail_from:
            raise RuntimeError(f"{self.label} failed to start")
        self.starting = False

    def describe_state(self) -> str | None:
        return "starting" if getattr(self, "starting", False) else "started"
