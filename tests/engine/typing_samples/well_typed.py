"""Not collected by pytest: the engine's API as a type checker sees it (test_typing.py).

Must pass ``mypy --strict`` with no error: ``assert_type`` fails the check if a type is not exactly
the one written (futures are generic, results are typed, ``own`` keeps its argument's type).
"""

import socket
from collections.abc import Generator
from concurrent.futures import Future
from typing import Any, assert_type

from suptui.engine import (
    Actor,
    ChildSpec,
    Pid,
    Runtime,
    StartResult,
    SupervisorClient,
    SupFlags,
    VirtualClock,
)
from suptui.engine.actor import Receive
from suptui.engine.specs import AutoShutdown, RestartType, Shutdown, Strategy


class Worker(Actor):
    pass


class Acceptor(Actor):
    def init(self) -> None:
        self.sock = self.own(socket.socket())
        assert_type(self.sock, socket.socket)

    def handle_info(self, msg: Any) -> Generator[Receive, Any, None]:
        pid = yield from self.supervisor(self.pid).start_child(ChildSpec("h", Worker))
        assert_type(pid, Pid | None)


def main() -> None:
    strategy: Strategy = "rest_for_one"
    restart: RestartType = "transient"
    shutdown: Shutdown = "brutal_kill"
    auto: AutoShutdown = "any_significant"
    flags = SupFlags(strategy, 3, 5, auto)
    spec = ChildSpec("w", Worker, restart=restart, shutdown=shutdown, significant=True)
    assert_type(flags.strategy, Strategy)
    assert_type(spec.restart, RestartType)
    with Runtime(VirtualClock()) as rt:
        started = rt.spawn(Acceptor)
        assert_type(started, Future[StartResult])
        assert_type(rt.wait(started), StartResult)
        assert_type(rt.when_dead(Pid(1)), Future[Any])
        assert_type(rt.describe_state_async(Pid(1)), Future[str | None])
        client = SupervisorClient(rt, Pid(1))
        assert_type(client.start_child_async(spec), Future[Pid | None])
        assert_type(client.which_children(), list[tuple[Any, Any, str]])
        client.set_strategy("one_for_all")
