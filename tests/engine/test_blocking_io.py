"""Workers that block in real I/O on their own thread: the documented patterns work.

An acceptor blocked in ``accept()`` is killed: the listening socket it ``own``s is closed the moment
it dies, so its blocked thread returns and the restarted acceptor binds the same port at once (it
used to find the port still held by the dead thread, and the supervisor gave up). A worker blocked
on something it cannot ``own`` gets its ``interrupt`` hook called.
"""

from __future__ import annotations

import socket
import threading
from typing import Any

from suptui.engine import Actor, ChildSpec, EventRecorder, RealClock, Runtime, Supervisor, SupFlags

from tests.support.waiting import wait_for


class Acceptor(Actor):
    dedicated_thread = True
    port = 0

    def init(self) -> None:
        listener = self.own(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", Acceptor.port))
        Acceptor.port = listener.getsockname()[1]
        listener.listen()
        self.listener = listener
        self.send(self.pid, "accept")

    def handle_info(self, msg: Any) -> None:
        conn, _ = self.listener.accept()  # blocks in C until a client comes or the socket is closed
        conn.close()
        self.send(self.pid, "accept")


class WaitsOnAnEvent(Actor):
    dedicated_thread = True
    released = threading.Event()

    def init(self) -> None:
        self.send(self.pid, "wait")

    def handle_info(self, msg: Any) -> None:
        WaitsOnAnEvent.released.wait()

    def interrupt(self) -> None:
        WaitsOnAnEvent.released.set()


def _tree(rt: Runtime, cls: type[Actor]) -> Any:
    return rt.start(Supervisor, {"flags": SupFlags("one_for_one", 3, 5), "children": [ChildSpec("a", cls)]},
                    path="root")


def test_a_killed_acceptor_frees_its_port_and_its_restart_binds_it_again() -> None:
    Acceptor.port = 0
    rt = Runtime(RealClock(), log_reports=False)
    events = EventRecorder()
    rt.events.subscribe(events)
    try:
        _tree(rt, Acceptor)
        first = rt.whereis("root/a")
        assert first is not None
        assert wait_for(lambda: rt._procs[first].thread is not None)  # blocked in accept() now
        rt.kill(first)
        assert wait_for(lambda: rt.whereis("root/a") not in (None, first))
        with socket.create_connection(("127.0.0.1", Acceptor.port), timeout=5):
            pass  # the restarted acceptor listens on the same port
        kinds = [e.kind for e in events.snapshot() if e.path == "root/a"]
        assert kinds == ["start", "kill", "crash", "start"]
        assert not [e for e in events.snapshot() if e.kind in ("zombie", "give_up")]
    finally:
        rt.shutdown()


def test_interrupt_is_called_when_a_blocked_worker_is_killed() -> None:
    WaitsOnAnEvent.released.clear()
    rt = Runtime(RealClock(), log_reports=False)
    events = EventRecorder()
    rt.events.subscribe(events)
    try:
        _tree(rt, WaitsOnAnEvent)
        first = rt.whereis("root/a")
        assert first is not None
        assert wait_for(lambda: rt._procs[first].thread is not None)
        rt.kill(first)
        assert WaitsOnAnEvent.released.wait(5)
        assert wait_for(lambda: first not in rt._procs)  # its thread left the callback: no zombie
        assert not [e for e in events.snapshot() if e.kind == "zombie"]
    finally:
        WaitsOnAnEvent.released.set()
        rt.shutdown()
