"""Hostile workers: whatever user code does, the supervisor does what OTP would and the engine lives."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

import pytest

from suptui.engine import Actor, ChildSpec, Pid, Runtime, Supervisor, SupFlags, VirtualClock

from tests.support.harness import Harness, Sleeper


class RaisesInTerminate(Actor):
    trap_exit = True

    def terminate(self, reason: Any) -> None:
        raise ValueError("terminate blew up")


class ReturnsGarbage(Actor):
    def init(self) -> Any:
        self.send(self.pid, "hello")
        return 42  # anything but IGNORE means "started"

    def handle_info(self, msg: Any) -> Any:
        return {"not": "meaningful"}


class YieldsGarbage(Actor):
    def init(self) -> None:
        self.send_after(100, "go")

    def handle_info(self, msg: Any):
        yield "not a receive"


class SendsToTheDead(Actor):
    def init(self) -> None:
        self.send(Pid(999_999), "anyone?")
        self.send_after(10, "again", dest=Pid(999_999))


class Flooder(Actor):
    def init(self) -> None:
        self.send_after(100, "flood")

    def handle_info(self, msg: Any) -> None:
        if msg == "flood":
            for _ in range(200):
                self.send(self.pid, "more")


class IgnoresShutdown(Actor):
    """Traps exits, then loops forever in pure Python in terminate."""

    trap_exit = True

    def terminate(self, reason: Any) -> None:
        while True:
            sum(range(50))


class BlocksInC(Actor):
    """On its own thread, blocks inside C in terminate (and says when it got there)."""

    trap_exit = True
    dedicated_thread = True

    def __init__(self, entered: threading.Event) -> None:
        self.entered = entered

    def terminate(self, reason: Any) -> None:
        self.entered.set()
        time.sleep(3600)


def test_an_exception_in_terminate_is_the_exit_reason_and_a_shutdown_error(h: Harness) -> None:
    h.start([ChildSpec("t", RaisesInTerminate)])
    h.rt.wait(h.rt.stop(h.root, "shutdown"))
    terminate = next(e for e in h.events if e.kind == "terminate")
    assert terminate.get("reason") == "ValueError: terminate blew up"
    assert terminate.get("shutdown_error") is True


def test_garbage_return_values_are_ignored(h: Harness) -> None:
    sup = h.start([ChildSpec("g", ReturnsGarbage)])
    h.advance_to(1000)
    assert sup.which_children()[0][1] is not None and not any(e.kind == "crash" for e in h.events)


def test_yielding_something_other_than_a_receive_is_a_crash(h: Harness) -> None:
    h.start([ChildSpec("y", YieldsGarbage, restart="temporary")])
    h.advance_to(100)
    crash = next(e for e in h.events if e.kind == "crash")
    assert crash.get("reason").startswith("TypeError: a callback yielded 'not a receive'")


def test_sending_to_dead_pids_is_harmless(h: Harness) -> None:
    sup = h.start([ChildSpec("s", SendsToTheDead)])
    h.advance_to(100)
    assert sup.count_children()["active"] == 1


def test_a_flooded_mailbox_kills_its_process_with_mailbox_overflow() -> None:
    h = Harness()
    h.rt.max_mailbox = 100
    try:
        h.start([ChildSpec("f", Flooder, restart="temporary")])
        h.advance_to(100)
        crash = next(e for e in h.events if e.kind == "crash")
        assert crash.get("reason") == "{mailbox_overflow, 101}"
    finally:
        h.close()


def test_a_worker_ignoring_shutdown_is_killed_at_its_timeout_without_freezing_time() -> None:
    rt = Runtime(VirtualClock(), kill_grace_ms=10, runaway_ms=100)
    events: list = []
    rt.events.subscribe(events.append)
    try:
        root = rt.start(Supervisor, {"flags": SupFlags(), "children": [
            ChildSpec("stubborn", IgnoresShutdown, shutdown=1000), ChildSpec("b", Sleeper)]}, path="root")
        rt.wait(rt.stop(root, "shutdown"), timeout=10)
        terminate = next(e for e in events if e.path == "root/stubborn" and e.kind == "terminate")
        outcome = (terminate.t, terminate.get("reason"), terminate.get("shutdown_error"))
        assert outcome == (1000, "killed", True)
        assert [e.path for e in events if e.kind == "terminate"] == ["root/b", "root/stubborn"]
        deadline = time.monotonic() + 5
        while rt._busy_threads() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert rt._busy_threads() == 0
    finally:
        rt.shutdown()


@pytest.mark.parametrize("shutdown", [200, "brutal_kill"])
def test_a_worker_blocked_in_c_is_abandoned_as_a_zombie_and_never_blocks_its_supervisor(shutdown) -> None:
    rt = Runtime(VirtualClock(), kill_grace_ms=10, zombie_after_ms=50)
    events: list = []
    rt.events.subscribe(events.append)
    try:
        entered = threading.Event()
        root = rt.start(Supervisor, {"flags": SupFlags(), "children": [
            ChildSpec("stuck", BlocksInC, {"entered": entered}, shutdown=shutdown)]}, path="root")
        stopped = rt.stop(root, "shutdown")
        if shutdown != "brutal_kill":
            assert entered.wait(5)  # virtual time waits for nobody on a thread of its own
        rt.wait(stopped, timeout=10)
        assert not rt.is_alive(root)
        if shutdown == "brutal_kill":  # killed before terminate ever ran: nothing to abandon
            assert [e.kind for e in events if e.path == "root/stuck"] == ["start", "terminate"]
            return
        deadline = time.monotonic() + 5
        while not any(e.kind == "zombie" for e in events) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert [e.kind for e in events if e.path == "root/stuck"] == ["start", "terminate", "zombie"]
    finally:
        rt.shutdown()


class ShrinksTheStack(Actor):
    """Sets the interpreter's recursion limit, a setting of the whole program, in its init."""

    def init(self) -> None:
        sys.setrecursionlimit(60)


def test_a_worker_that_changes_the_recursion_limit_has_it_set_back_and_is_told_of(h: Harness) -> None:
    limit = sys.getrecursionlimit()
    h.start([ChildSpec("small", ShrinksTheStack), ChildSpec("other", Sleeper)])
    h.rt.wait_idle()
    assert sys.getrecursionlimit() == limit  # (at 60 the app's own drawing failed, and it hung)
    faults = [e for e in h.events if e.kind == "fault"]
    assert [f.path for f in faults] == ["root/small"]
    assert f"recursion limit to 60: set back to {limit}" in faults[0].get("what")
    assert h.rt.whereis("root/other") is not None  # the tree goes on
