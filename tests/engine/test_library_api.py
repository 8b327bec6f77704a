"""The engine as a library: what a Python engineer's program uses (issue: the engine as a library)."""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

import pytest

from suptui.engine import (
    Actor,
    ChildSpec,
    DynamicSupervisor,
    RealClock,
    Runtime,
    StartError,
    Supervisor,
    SupervisorError,
    SupFlags,
    VirtualClock,
)

from tests.support.harness import Sleeper


class Pool(Actor):
    """Adds workers to a DynamicSupervisor from inside a callback, without blocking a thread."""

    def init(self) -> None:
        self.got: list[Any] = []

    def handle_call(self, request: Any, caller: Any) -> Any:
        sup = self.runtime.whereis("root/pool")
        assert sup is not None
        pool = self.supervisor(sup)
        pid = yield from pool.start_child(ChildSpec("conn", Sleeper))
        children = yield from pool.which_children()
        try:
            yield from pool.restart_child("conn")
        except SupervisorError as exc:
            return pid, len(children), str(exc)
        return pid, len(children), None


def test_an_actor_calls_its_supervisor_without_blocking_a_thread() -> None:
    """With one scheduler thread: a blocking call from a callback would stall it (a 2 s warning);
    the generator form waits like a receive."""
    rt = Runtime(VirtualClock(), schedulers=1, log_reports=False)
    with rt:
        flags = SupFlags("one_for_one", 3, 5)
        rt.start(Supervisor, {"flags": flags, "children": [
            ChildSpec("pool", DynamicSupervisor, {"flags": flags}, type="supervisor"),
            ChildSpec("front", Pool)]})
        front = rt.whereis("root/front")
        assert front is not None
        pid, count, error = rt.call_sync(front, "add", timeout=5)
        assert rt.is_alive(pid) and count == 1
        assert error == "dynamic_supervisor"  # OTP's error reply, as a Python exception's message


def test_the_first_top_level_supervisor_is_named_root() -> None:
    with Runtime(VirtualClock(), log_reports=False) as rt:
        rt.start(Supervisor, {"children": [ChildSpec("c", Sleeper)]})
        assert rt.whereis("root/c") is not None


def test_start_error_names_what_failed_and_why() -> None:
    class Refuses(Actor):
        def init(self) -> None:
            raise ValueError("no database")

    with Runtime(VirtualClock(), log_reports=False) as rt, pytest.raises(StartError) as info:
        rt.start(Refuses, path="db")
    assert str(info.value).startswith("db did not start: ValueError: no database")
    assert info.value.reason.type_name == "ValueError"


def test_run_returns_the_root_s_reason_and_stops_in_order_on_sigterm() -> None:
    rt = Runtime(RealClock(), log_reports=False)
    timer = threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        reason = rt.run(Supervisor, {"children": [ChildSpec("c", Sleeper)]})
    finally:
        timer.cancel()
    assert reason == "shutdown"
    assert rt.threads() == [] or all(not t.is_alive() for t in rt.threads())
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # handlers given back


def test_a_call_from_outside_can_time_out_on_the_runtime_s_clock() -> None:
    class Silent(Actor):
        def handle_call(self, request: Any, caller: Any) -> Any:
            from suptui.engine import NOREPLY

            return NOREPLY  # never answers

    with Runtime(VirtualClock(), log_reports=False) as rt:
        pid = rt.start(Silent, path="silent")
        future = rt.call(pid, "hello", timeout_ms=500)
        rt.clock.advance_to(499)
        assert not future.done()
        rt.clock.advance_to(500)
        with pytest.raises(TimeoutError, match="no reply within 500 ms"):
            future.result(0)
