"""Calling a supervisor: OTP's API with Python results and errors, from outside or inside actors.

Replies keep OTP's shapes inside the engine (``("ok", pid)``, ``("error", reason)``); these wrappers
turn them into return values and :class:`SupervisorError`.

* :class:`SupervisorClient` is for code outside the runtime (a program's main thread, a test): its
  methods block; each ``*_async`` twin returns a future of the same result instead (the app uses those).
* :class:`Supervision` is for an actor's callback: ``pid = yield from self.supervisor(sup).start_child(spec)``
  waits like a ``receive``, holding no thread, with a timeout (OTP's 5 s by default).
"""

from __future__ import annotations

from collections.abc import Generator
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, cast

from .pid import Pid
from .reasons import Reason, format_reason
from .specs import ChildSpec, Strategy

if TYPE_CHECKING:
    from .actor import Actor, Receive
    from .context import ProcessContext
    from .runtime import Runtime


class SupervisorError(Exception):
    """An OTP error reply, e.g. ``not_found``, ``running``, ``("already_started", pid)``."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(format_reason(reason))
        self.reason = reason


def unwrap(reply: Any) -> Any:
    """``("ok", x)`` → x; ``("error", r)`` → raise; anything else is returned as is."""
    if isinstance(reply, tuple) and len(reply) == 2 and reply[0] == "error":
        raise SupervisorError(reply[1])
    if isinstance(reply, tuple) and len(reply) == 2 and reply[0] == "ok":
        return reply[1]
    return reply


class SupervisorClient:
    """A handle on a running supervisor (static or dynamic)."""

    def __init__(self, runtime: Runtime, pid: Pid) -> None:
        self.runtime = runtime
        self.pid = pid

    def request(self, op: str, *args: Any) -> Future[Any]:
        """Send one API request without waiting; the future holds the raw OTP-shaped reply."""
        return self.runtime.call(self.pid, (op, *args))

    def call_async(self, op: str, *args: Any) -> Future[Any]:
        """Send one API request without waiting; the future holds the unwrapped result or raises
        :class:`SupervisorError` (or ``NoProcess`` if the supervisor is gone)."""
        unwrapped: Future[Any] = Future()

        def done(raw: Future[Any]) -> None:
            try:
                unwrapped.set_result(unwrap(raw.result()))
            except Exception as exc:
                unwrapped.set_exception(exc)

        self.request(op, *args).add_done_callback(done)
        return unwrapped

    def start_child_async(self, spec: ChildSpec) -> Future[Pid | None]:
        """:meth:`start_child` without blocking: a future of the new pid (None if it ignored)."""
        return self.call_async("start_child", spec)

    def terminate_child_async(self, child: Any) -> Future[None]:
        return self.call_async("terminate_child", child)

    def restart_child_async(self, child_id: Any) -> Future[Pid | None]:
        return self.call_async("restart_child", child_id)

    def which_children_async(self) -> Future[list[tuple[Any, Any, str]]]:
        return self.call_async("which_children")

    def _call(self, op: str, *args: Any) -> Any:
        return unwrap(self.runtime.wait(self.request(op, *args)))

    def which_children(self) -> list[tuple[Any, Any, str]]:
        """``(id, pid | "restarting" | None, type)`` in reverse start order, as OTP lists them."""
        return cast("list[tuple[Any, Any, str]]", self._call("which_children"))

    def which_child(self, child_id: Any) -> tuple[Any, Any, str]:
        return cast("tuple[Any, Any, str]", self._call("which_child", child_id))

    def count_children(self) -> dict[str, int]:
        return cast("dict[str, int]", self._call("count_children"))

    def start_child(self, spec: ChildSpec) -> Pid | None:
        return cast("Pid | None", self._call("start_child", spec))

    def terminate_child(self, child: Any) -> None:
        self._call("terminate_child", child)

    def restart_child(self, child_id: Any) -> Pid | None:
        return cast("Pid | None", self._call("restart_child", child_id))

    def delete_child(self, child_id: Any) -> None:
        self._call("delete_child", child_id)

    def get_childspec(self, child_id: Any) -> dict[str, Any]:
        return cast("dict[str, Any]", self._call("get_childspec", child_id))

    def set_strategy(self, strategy: Strategy) -> None:
        self._call("set_strategy", strategy)

    def flags(self) -> dict[str, Any]:
        return cast("dict[str, Any]", self._call("get_flags"))


class Supervision:
    """A supervisor's API inside an actor's callback, without holding a thread.

    Each method is a generator: ``pid = yield from self.supervisor(sup).start_child(spec)``. It asks
    like ``self.call`` (monitor, send, wait for the reply or the supervisor's death) and raises
    :class:`SupervisorError` for an OTP error reply, ``NoProcess`` if the supervisor is gone, and
    ``TimeoutError`` after ``timeout_ms`` of the runtime's clock.
    """

    def __init__(self, actor: Actor | ProcessContext, pid: Pid, timeout_ms: float | None = 5000) -> None:
        self.actor = actor
        """Whose callback asks: an actor or its :class:`~suptui.engine.context.ProcessContext`."""
        self.pid = pid
        self.timeout_ms = timeout_ms

    def _call(self, op: str, *args: Any) -> Generator[Receive, Any, Any]:
        reply = yield from self.actor.call(self.pid, (op, *args), self.timeout_ms)
        return unwrap(reply)

    def which_children(self) -> Generator[Receive, Any, list[tuple[Any, Any, str]]]:
        return cast("list[tuple[Any, Any, str]]", (yield from self._call("which_children")))

    def count_children(self) -> Generator[Receive, Any, dict[str, int]]:
        return cast("dict[str, int]", (yield from self._call("count_children")))

    def start_child(self, spec: ChildSpec) -> Generator[Receive, Any, Pid | None]:
        return cast("Pid | None", (yield from self._call("start_child", spec)))

    def terminate_child(self, child: Any) -> Generator[Receive, Any, None]:
        yield from self._call("terminate_child", child)

    def restart_child(self, child_id: Any) -> Generator[Receive, Any, Pid | None]:
        return cast("Pid | None", (yield from self._call("restart_child", child_id)))

    def delete_child(self, child_id: Any) -> Generator[Receive, Any, None]:
        yield from self._call("delete_child", child_id)
