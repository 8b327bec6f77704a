"""The playground's built-in workers: small actors that make supervision visible.

Tree files name them (``worker = "bomb"``); ``BUILTIN_WORKERS`` maps those names to classes. Each
declares its arguments (``Worker.declared_args()``) and has a one-line ``summary``. All of them spend
time only on the engine clock, so a run on the virtual clock is exact and replayable.
"""

from .base import NAME_ARG, Arg, Worker
from .ending import Bomb, Flaky, Quitter
from .slow import SlowStart, SlowStop
from .steady import Sleeper, Ticker

BUILTIN_WORKERS: dict[str, type[Worker]] = {
    "bomb": Bomb,
    "quitter": Quitter,
    "sleeper": Sleeper,
    "ticker": Ticker,
    "flaky": Flaky,
    "slow_stop": SlowStop,
    "slow_start": SlowStart,
}

__all__ = [
    "BUILTIN_WORKERS",
    "NAME_ARG",
    "Arg",
    "Bomb",
    "Flaky",
    "Quitter",
    "Sleeper",
    "SlowStart",
    "SlowStop",
    "Ticker",
    "Worker",
]
