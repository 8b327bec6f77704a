"""Workers that live until stopped: a sleeper, and a ticker whose count shows state lost on restart."""

from __future__ import annotations

from typing import Any

from ..engine import IGNORE
from .base import Arg, Worker

_TICK = "tick"


class Sleeper(Worker):
    """Does nothing and lives until it is stopped or killed: the quiet sibling in a tree."""

    summary = "Lives until it is stopped; never fails by itself."


class Ticker(Worker):
    """Counts up every ``interval`` ms. The count lives in the process, so a restart resets it to 0."""

    ARGS = {"interval": Arg(int, 1000, "ms between counts", min=1)}
    summary = "Counts up every interval ms; its count is lost whenever it restarts."

    interval: int

    def init(self) -> Any:
        if self.ignores_start():
            return IGNORE
        self.count = 0
        self.send_after(self.interval, _TICK)

    def handle_info(self, msg: Any) -> None:
        if msg == _TICK:
            self.count += 1
            self.send_after(self.interval, _TICK)

    def describe_state(self) -> str | None:
        return f"count {getattr(self, 'count', 0)}"
