"""Calling a supervisor from outside the runtime: OTP's API with Python errors.

Replies keep OTP's shapes inside the engine (``("ok", pid)``, ``("error", reason)``); this wrapper
turns them into return values and :class:`SupervisorError`. Every method has a ``*_async`` twin
via :meth:`SupervisorClient.request` for callers that must not block (the app).
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

from .pid import Pid
from .reasons import Reason, format_reason
from .runtime import Runtime
from .specs import ChildSpec


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

    def request(self, op: str, *args: Any) -> Future:
        """Send one API request without waiting; the future holds the raw OTP-shaped reply."""
        return self.runtime.call(self.pid, (op, *args))

    def _call(self, op: str, *args: Any) -> Any:
        return unwrap(self.runtime.wait(self.request(op, *args)))

    def which_children(self) -> list[tuple[Any, Any, str]]:
        """``(id, pid | "restarting" | None, type)`` in reverse start order, as OTP lists them."""
        return self._call("which_children")

    def which_child(self, child_id: Any) -> tuple[Any, Any, str]:
        return self._call("which_child", child_id)

    def count_children(self) -> dict[str, int]:
        return self._call("count_children")

    def start_child(self, spec: ChildSpec) -> Pid | None:
        return self._call("start_child", spec)

    def terminate_child(self, child: Any) -> None:
        self._call("terminate_child", child)

    def restart_child(self, child_id: Any) -> Pid | None:
        return self._call("restart_child", child_id)

    def delete_child(self, child_id: Any) -> None:
        self._call("delete_child", child_id)

    def get_childspec(self, child_id: Any) -> dict[str, Any]:
        return self._call("get_childspec", child_id)

    def set_strategy(self, strategy: str) -> None:
        self._call("set_strategy", strategy)

    def flags(self) -> dict[str, Any]:
        return self._call("get_flags")
