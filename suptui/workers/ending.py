"""Workers that end by themselves: the lesson's bomb, a quitter and a flaky worker.

They make restart types visible: a bomb's crash is abnormal (every restart type but temporary
restarts it), a quitter's ``normal`` exit restarts only a permanent child, and a flaky worker's
crashes come at seeded-random times, the same ones on every run with the same seed.
"""

from __future__ import annotations

import random
from typing import Any

from ..engine import IGNORE, format_reason
from ..engine.reasons import Reason
from .base import Arg, Worker
from .reasons import ExitReason, to_reason

_EXPLODE = "explode"
_QUIT = "quit"
_TICK = "tick"


class Bomb(Worker):
    """The lesson's ``Bomb``: ``bomb_time`` ms after each start, ``RuntimeError("<name> Exploded!")``.

    The timer is set in ``init``, so every restart starts the countdown again.
    """

    ARGS = {"bomb_time": Arg(int, 2000, "ms from each start to the explosion", min=0)}
    summary = "Explodes (raises RuntimeError) bomb_time ms after each start, like the lesson's Bomb."

    bomb_time: int

    def init(self) -> Any:
        if self.ignores_start():
            return IGNORE
        self.due = self.now_ms() + self.bomb_time
        self.send_after(self.bomb_time, _EXPLODE)

    def handle_info(self, msg: Any) -> None:
        if msg == _EXPLODE:
            raise RuntimeError(f"{self.label} Exploded!")

    def describe_state(self) -> str | None:
        due = getattr(self, "due", None)
        return None if due is None else f"explodes at {int(due)} ms"


class Quitter(Worker):
    """Exits with ``reason`` (``normal`` by default) ``quit_time`` ms after each start.

    A ``normal``, ``shutdown`` or ``["shutdown", "<term>"]`` (``{shutdown, term}``) exit restarts only
    a permanent child; with ``significant = true`` it can end an ``auto_shutdown`` supervisor.
    """

    ARGS = {
        "quit_time": Arg(int, 3000, "ms from each start to the exit", min=0),
        "reason": Arg(ExitReason, "normal", 'exit reason: "normal", "shutdown" or ["shutdown", "<term>"] '
                                            "(orderly); any other string is a crash"),
    }
    summary = "Exits by itself quit_time ms after each start (reason normal unless told otherwise)."

    quit_time: int
    reason: Reason

    def __init__(self, **args: Any) -> None:
        super().__init__(**args)
        self.reason = to_reason(self.reason)

    def init(self) -> Any:
        if self.ignores_start():
            return IGNORE
        self.due = self.now_ms() + self.quit_time
        self.send_after(self.quit_time, _QUIT)

    def handle_info(self, msg: Any) -> None:
        if msg == _QUIT:
            self.stop(self.reason)

    def describe_state(self) -> str | None:
        due = getattr(self, "due", None)
        return None if due is None else f"quits ({format_reason(self.reason)}) at {int(due)} ms"


class Flaky(Worker):
    """Every ``interval`` ms it crashes with probability ``p``.

    The generator is seeded from the run seed, the path and the start time, so a run replays exactly
    with the same seed, siblings differ, and each restart draws a fresh sequence.
    """

    ARGS = {
        "interval": Arg(int, 1000, "ms between ticks", min=1),
        "p": Arg(float, 0.2, "probability of crashing on each tick", min=0.0, max=1.0),
    }
    summary = "Crashes with probability p on each tick (every interval ms), from a seeded random generator."

    interval: int
    p: float

    def init(self) -> Any:
        if self.ignores_start():
            return IGNORE
        self.ticks = 0
        self.rng = random.Random(f"{self.runtime.seed}:{self.path}:{int(self.now_ms())}")
        self.send_after(self.interval, _TICK)

    def handle_info(self, msg: Any) -> None:
        if msg != _TICK:
            return
        self.ticks += 1
        if self.rng.random() < self.p:
            raise RuntimeError(f"{self.label} failed on tick {self.ticks}")
        self.send_after(self.interval, _TICK)

    def describe_state(self) -> str | None:
        return f"tick {getattr(self, 'ticks', 0)}, p = {self.p}"
