"""Shared pieces of the attach tests: a served runtime on a short private socket path, a client that
collects what it reads on a thread, and a worker that crashes at once (a restart loop)."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from suptui.attach import Connection, Disconnected, Events, Resynced, open_connection
from suptui.engine import Actor, ChildSpec, RealClock, Runtime, Supervisor, SupFlags
from suptui.engine.mirror import Mirror, NodeState, Snapshot
from suptui.engine.protocol import Event


class Crasher(Actor):
    """Crashes as soon as it runs: under a supervisor with a big budget, a restart loop."""

    def init(self) -> None:
        self.send(self.pid, "boom")

    def handle_info(self, msg: Any) -> None:
        raise RuntimeError("boom")


class Idle(Actor):
    """Does nothing until told."""


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A private directory with a short path (a Unix socket path is at most 107 bytes)."""
    path = Path(tempfile.mkdtemp(prefix="sa-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    rt = Runtime(RealClock(), log_reports=False)
    yield rt
    rt.shutdown(5)


def start_tree(rt: Runtime, *children: ChildSpec, strategy: str = "one_for_one",
               max_restarts: int = 1000) -> None:
    rt.start(Supervisor, {"flags": SupFlags(strategy, max_restarts, 1),  # type: ignore[arg-type]
                          "children": list(children)})


class Collector:
    """Reads a connection's updates on a thread; tests wait on what it has seen."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.snapshot: Snapshot = connection.snapshot
        self.updates: list[Any] = []
        self.events: list[Event] = []
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for update in self.connection.updates():
            with self._cond:
                self.updates.append(update)
                if isinstance(update, Events):
                    self.events.extend(update.events)
                elif isinstance(update, Resynced):
                    self.snapshot = update.snapshot
                    self.events.clear()
                self._cond.notify_all()

    def wait(self, predicate: Callable[[Collector], Any], timeout: float = 5.0) -> Any:
        with self._cond:
            assert self._cond.wait_for(lambda: predicate(self), timeout), \
                f"not seen within {timeout} s; updates: {self.updates[-5:]}"
            return predicate(self)

    def ended(self) -> Disconnected | None:
        return next((u for u in self.updates if isinstance(u, Disconnected)), None)

    def close(self) -> None:
        self.connection.close()
        self._thread.join(5)


@pytest.fixture
def attach() -> Iterator[Callable[..., Collector]]:
    made: list[Collector] = []

    def connect(address: str, token: str | None = None) -> Collector:
        collector = Collector(open_connection(address, token))
        made.append(collector)
        return collector

    yield connect
    for collector in made:
        collector.close()


def fold(snapshot: Snapshot, events: list[Event]) -> dict[str, NodeState]:
    """What a client knows after a snapshot and the events that followed it."""
    mirror = Mirror()
    for node in snapshot.nodes:
        mirror.seed(NodeState(**{**node.to_dict(), "stamps": node.stamps}))
    mirror.seq = snapshot.seq
    for event in events:
        mirror.fold(event)
    return mirror.nodes
