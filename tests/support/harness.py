"""Test actors and a small harness for running trees on the virtual clock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from suptui.engine import (
    IGNORE,
    Actor,
    ChildSpec,
    EventRecorder,
    Runtime,
    SupervisorClient,
    SupFlags,
    VirtualClock,
)
from suptui.engine.supervisor import Supervisor


class Bomb(Actor):
    """The lesson's Bomb: explodes ``bomb_time`` ms after each start."""

    def __init__(self, name: str = "bomb", bomb_time: int = 2000) -> None:
        self.name = name
        self.bomb_time = bomb_time

    def init(self) -> None:
        self.send_after(self.bomb_time, "explode")

    def handle_info(self, msg: Any) -> None:
        if msg == "explode":
            raise RuntimeError(f"{self.name} Exploded!")


class Sleeper(Actor):
    """Lives until stopped; ``exit_after`` makes it exit by itself with ``reason``."""

    def __init__(self, exit_after: int | None = None, reason: Any = "normal") -> None:
        self.exit_after = exit_after
        self.reason = reason

    def init(self) -> None:
        if self.exit_after is not None:
            self.send_after(self.exit_after, "quit")

    def handle_info(self, msg: Any) -> None:
        if msg == "quit":
            self.stop(self.reason)


class SlowStop(Actor):
    """Traps exits and takes ``stop_time`` ms of clock time in terminate."""

    trap_exit = True

    def __init__(self, stop_time: int = 300) -> None:
        self.stop_time = stop_time

    def terminate(self, reason: Any):
        yield self.sleep(self.stop_time)


class Failing(Actor):
    """Init fails (raises), returns ignore, or succeeds, per ``mode``; counts attempts in ``log``."""

    def __init__(self, mode: str = "fail", log: list | None = None) -> None:
        self.mode = mode
        self.log = log

    def init(self) -> Any:
        if self.log is not None:
            self.log.append(self.mode)
        if self.mode == "fail":
            raise ValueError("cannot start")
        if self.mode == "ignore":
            return IGNORE
        return None


class Harness:
    """A runtime on a virtual clock, recording every event."""

    def __init__(self, schedulers: int = 2) -> None:
        self.clock = VirtualClock()
        self.rt = Runtime(self.clock, schedulers=schedulers)
        self.recorder = EventRecorder()
        self.rt.events.subscribe(self.recorder)
        self.root: Any = None

    def start(self, children: Sequence[ChildSpec], strategy: str = "one_for_one", max_restarts: int = 3,
              max_seconds: int = 5, auto_shutdown: str = "never", cls: type = Supervisor, **extra: Any):
        flags = SupFlags(strategy, max_restarts, max_seconds, auto_shutdown)
        self.root = self.rt.start(cls, {"flags": flags, "children": list(children), **extra}, path="root")
        return SupervisorClient(self.rt, self.root)

    def advance_to(self, t_ms: float) -> None:
        self.clock.advance_to(t_ms)

    @property
    def events(self) -> list:
        return self.recorder.snapshot()

    def lines(self, since: int = 0, kinds: tuple[str, ...] | None = None) -> list[str]:
        """Events as compact ``t kind path [detail]`` strings, for exact timeline assertions."""
        out = []
        for e in self.events:
            if e.t < since or (kinds is not None and e.kind not in kinds):
                continue
            detail = ""
            if e.kind == "start":
                detail = " restart" if e.get("restart") else ""
            elif e.kind in ("crash", "exit", "terminate"):
                detail = f" {e.get('reason')}"
            out.append(f"{e.t} {e.kind} {e.path}{detail}")
        return out

    def close(self) -> None:
        self.rt.shutdown()


def bombs(*order: tuple[str, int]) -> list[ChildSpec]:
    return [ChildSpec(name, Bomb, {"name": name, "bomb_time": ms}) for name, ms in order]


LESSON = (("bomb1", 2000), ("bomb2", 3000), ("bomb3", 5000))


class Flaky(Actor):
    """Init takes ``start_time`` ms (if any), then fails while ``plan`` says so.

    ``plan`` is a shared list of booleans, one per start attempt (True = fail); once it runs out,
    starts succeed. ``attempts`` records the clock time of each attempt.
    """

    def __init__(self, plan: list[bool], attempts: list[float] | None = None, start_time: int = 0,
                 exit_after: int | None = None) -> None:
        self.plan = plan
        self.attempts = attempts
        self.start_time = start_time
        self.exit_after = exit_after

    def init(self):
        if self.attempts is not None:
            self.attempts.append(self.now_ms())
        if self.start_time:
            yield self.sleep(self.start_time)
        if self.plan and self.plan.pop(0):
            raise RuntimeError("start failed")
        if self.exit_after is not None:
            self.send_after(self.exit_after, "quit")

    def handle_info(self, msg: Any) -> None:
        if msg == "quit":
            raise RuntimeError("quit badly")
