"""asyncio work under supervision: ``AsyncActor`` callbacks are coroutines on the process's own loop."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from suptui.engine import (
    AsyncActor,
    ChildSpec,
    DynamicSupervisor,
    EventRecorder,
    RealClock,
    Runtime,
    Supervisor,
    SupFlags,
)

from tests.support.harness import Sleeper
from tests.support.waiting import wait_for

AWAITING = threading.Event()


class Echo(AsyncActor):
    """Answers calls after an await; crashes (inside its coroutine) on "boom"."""

    async def init(self) -> None:
        await asyncio.sleep(0)
        self.loop_thread = threading.get_ident()

    async def handle_call(self, request: Any, caller: Any) -> Any:
        if request == "boom":
            await asyncio.sleep(0)
            raise RuntimeError("async boom")
        if request == "hang":
            AWAITING.set()
            await asyncio.sleep(3600)  # cancelled when the process is killed
        if request == "grow":
            sup = self.runtime.whereis("root/pool")
            assert sup is not None
            return await self.asupervisor(sup).start_child(ChildSpec("w", Sleeper))
        await asyncio.sleep(0.001)
        return ("echo", request, self.loop_thread == threading.get_ident())


def _tree(rt: Runtime) -> None:
    flags = SupFlags("one_for_one", 5, 5)
    rt.start(Supervisor, {"flags": flags, "children": [
        ChildSpec("pool", DynamicSupervisor, {"flags": flags}, type="supervisor"),
        ChildSpec("echo", Echo)]})


def test_async_callbacks_run_on_the_process_s_own_loop_and_crash_as_its_own() -> None:
    events = EventRecorder()
    with Runtime(RealClock(), log_reports=False) as rt:
        rt.events.subscribe(events)
        _tree(rt)
        echo = rt.whereis("root/echo")
        assert echo is not None
        assert rt.call_sync(echo, "hi", timeout=5) == ("echo", "hi", True)
        pid = rt.call_sync(echo, "grow", timeout=5)
        assert rt.is_alive(pid)
        rt.call(echo, "boom")
        crash = wait_for(lambda: next((e for e in events.snapshot() if e.kind == "crash"), None))
        assert crash.path == "root/echo" and crash.reason == "RuntimeError: async boom"
        assert "await asyncio.sleep(0)" in (crash.traceback or "") or "async boom" in (crash.traceback or "")
        assert wait_for(lambda: rt.whereis("root/echo") not in (None, echo))  # restarted


def test_killing_an_async_actor_cancels_its_await_at_once() -> None:
    AWAITING.clear()
    events = EventRecorder()
    with Runtime(RealClock(), log_reports=False) as rt:
        rt.events.subscribe(events)
        _tree(rt)
        echo = rt.whereis("root/echo")
        assert echo is not None
        rt.call(echo, "hang")
        assert AWAITING.wait(5)
        rt.kill(echo)
        assert wait_for(lambda: echo not in rt._procs)  # its thread left the callback: no zombie
        assert not [e for e in events.snapshot() if e.kind == "zombie"]
