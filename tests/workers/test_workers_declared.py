"""What every built-in worker declares: args with types, defaults and help; a summary; a docstring."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import suptui.workers
from suptui.engine import Actor
from suptui.workers import BUILTIN_WORKERS, Arg, Bomb, SlowStart, Worker
from suptui.workers.reasons import ExitReason

TYPES = (int, float, bool, str, ExitReason)


def test_the_registry_names_every_built_in_worker() -> None:
    assert list(BUILTIN_WORKERS) == ["bomb", "quitter", "sleeper", "ticker", "flaky", "slow_stop",
                                     "slow_start"]


@pytest.mark.parametrize(("name", "cls"), BUILTIN_WORKERS.items())
def test_each_worker_documents_itself(name, cls) -> None:
    assert issubclass(cls, Worker) and issubclass(cls, Actor)
    assert cls.__doc__ and cls.__doc__.strip(), f"{name} needs a docstring"
    one_line = cls.summary and "\n" not in cls.summary and len(cls.summary) <= 110
    assert one_line, f"{name} needs a one-line summary"
    declared = cls.declared_args()
    assert next(iter(declared)) == "name"
    for arg_name, arg in declared.items():
        assert isinstance(arg, Arg) and arg.type in TYPES and arg.help, (name, arg_name)
        typed = type(arg.default) is arg.type or (
            arg.type is ExitReason and isinstance(arg.default, ExitReason))
        assert arg.default is None or typed, (name, arg_name)
    assert list(declared)[-2:] == ["ignore", "ignore_from"], name


def test_the_constructor_fills_in_defaults_and_takes_declared_args_only() -> None:
    bomb = Bomb()
    assert (bomb.name, bomb.bomb_time) == (None, 2000)
    assert Bomb(name="B", bomb_time=5).bomb_time == 5
    assert SlowStart(fail_start=True).start_time == 1000
    with pytest.raises(TypeError, match="unknown argument"):
        Bomb(bomb_tme=5)


def test_workers_spend_time_only_on_the_engine_clock() -> None:
    folder = Path(inspect.getfile(suptui.workers)).parent
    for source in folder.glob("*.py"):
        text = source.read_text()
        assert "time.sleep" not in text and "import time" not in text, source.name
