"""asyncio inside supervised processes: an actor whose callbacks are ``async def``.

A Python engineer's I/O code is often asyncio already (``asyncio.open_connection``, an async HTTP
client). :class:`AsyncActor` lets that code be a supervised process as it is: each callback may be
``async def``; the process gets its own thread with its own event loop, and each callback runs on it
to completion before the next message is taken (one message at a time, as for every actor). Killing
the process cancels the callback's task (the ``interrupt`` hook), so an ``await`` on a socket or a
sleep ends at once; a crash inside the coroutine is the process's crash, with its traceback.

From async code, talk to the rest of the tree without blocking the loop: ``await self.acall(pid, request)``
(a ``handle_call`` elsewhere), ``await self.asupervisor(pid).start_child(spec)``.

An ``AsyncActor`` lives in real time (its awaits are on the loop's clock), like any actor with its own
thread: on a virtual clock, time waits for a callback up to the runtime's runaway limit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine
from typing import Any, ClassVar

from .actor import Actor
from .client import SupervisorClient
from .pid import Pid
from .specs import ChildSpec


class AsyncActor(Actor):
    """An actor whose callbacks may be coroutines, run on an event loop of the process's own."""

    dedicated_thread: ClassVar[bool] = True

    _loop: asyncio.AbstractEventLoop | None = None
    _task: asyncio.Task[Any] | None = None

    def run_coroutine(self, coro: Coroutine[Any, Any, Any]) -> Any:
        """Run one callback's coroutine to completion on this process's loop (called by the runtime,
        on the process's own thread); its result is the callback's result."""
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        loop = self._loop
        task = loop.create_task(coro)
        self._task = task
        try:
            return loop.run_until_complete(task)
        finally:
            self._task = None

    def interrupt(self) -> None:
        """Killed while a callback awaits: cancel its task, so the await ends now (any thread)."""
        loop, task = self._loop, self._task
        if loop is not None and task is not None and not loop.is_closed():
            loop.call_soon_threadsafe(task.cancel)

    def close_loop(self) -> None:
        """Close the loop once the process is over (the runtime calls it when the process ends)."""
        loop, self._loop = self._loop, None
        if loop is not None and not loop.is_running():
            loop.close()

    # -- the process API, awaitable

    async def acall(self, dest: Pid, request: Any, timeout_s: float | None = 5.0) -> Any:
        """Ask another process's ``handle_call`` without blocking this loop; ``TimeoutError`` after
        ``timeout_s`` wall-clock seconds (OTP's 5 s by default)."""
        return await asyncio.wait_for(asyncio.wrap_future(self.runtime.call(dest, request)), timeout_s)

    def asupervisor(self, pid: Pid) -> AsyncSupervision:
        """A supervisor's API with awaitable methods: ``await self.asupervisor(sup).start_child(spec)``."""
        return AsyncSupervision(SupervisorClient(self.runtime, pid))


class AsyncSupervision:
    """:class:`~suptui.engine.client.SupervisorClient`'s results as awaitables, for async callbacks."""

    def __init__(self, client: SupervisorClient) -> None:
        self.client = client

    def _await(self, op: str, *args: Any) -> Awaitable[Any]:
        return asyncio.wrap_future(self.client.call_async(op, *args))

    async def which_children(self) -> list[tuple[Any, Any, str]]:
        result: list[tuple[Any, Any, str]] = await self._await("which_children")
        return result

    async def start_child(self, spec: ChildSpec) -> Pid | None:
        result: Pid | None = await self._await("start_child", spec)
        return result

    async def terminate_child(self, child: Any) -> None:
        await self._await("terminate_child", child)

    async def restart_child(self, child_id: Any) -> Pid | None:
        result: Pid | None = await self._await("restart_child", child_id)
        return result

