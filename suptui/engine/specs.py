"""Child specs and supervisor flags, with OTP's defaults and validation (docs/semantics.md §R1).

Defaults follow Elixir: max_restarts 3 in max_seconds 5; shutdown 5000 ms for workers and
``infinity`` for supervisors. Validation returns OTP's error terms instead of raising, because a
supervisor reports them as values (``{start_spec, Err}`` at init, ``{error, Err}`` from start_child).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeAlias, TypeGuard, TypeVar, overload

from .actor import Actor
from .protocol import ChildType as ChildType  # defined with the event protocol, which names it too

# The engine's value types. A type checker catches a misspelt "one_for_al"; at run time nothing is
# trusted (tree files and untyped callers pass plain strings): the checks below return OTP's errors.
Strategy: TypeAlias = Literal["one_for_one", "one_for_all", "rest_for_one"]
RestartType: TypeAlias = Literal["permanent", "transient", "temporary"]
Shutdown: TypeAlias = int | Literal["brutal_kill", "infinity"]
AutoShutdown: TypeAlias = Literal["never", "any_significant", "all_significant"]

STRATEGIES: tuple[Strategy, ...] = ("one_for_one", "one_for_all", "rest_for_one")
RESTART_TYPES: tuple[RestartType, ...] = ("permanent", "transient", "temporary")
AUTO_SHUTDOWNS: tuple[AutoShutdown, ...] = ("never", "any_significant", "all_significant")
CHILD_TYPES: tuple[ChildType, ...] = ("worker", "supervisor")

DEFAULT_MAX_RESTARTS = 3
DEFAULT_MAX_SECONDS = 5
DEFAULT_WORKER_SHUTDOWN = 5000


_T = TypeVar("_T")  # what a cached attribute holds


class _cached(Generic[_T]):
    """``functools.cached_property`` without its lock (Python 3.11 takes one per class on every
    first read): a 100,000-child start reads each spec's defaults once, on one thread, and a
    value computed twice by two threads would be the same value."""

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self.compute = compute
        self.name = compute.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _cached[_T]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> _T | _cached[_T]:
        if obj is None:
            return self
        value = self.compute(obj)
        # An instance attribute from now on (found before this descriptor: never called again), set
        # past the frozen dataclass's guard; not through ``obj.__dict__``, which would give each spec
        # a dict object of its own (Python 3.11 keeps attributes inline until someone asks for it).
        object.__setattr__(obj, self.name, value)
        return value


_supervisor_class: type[Actor] | None = None


def _is_supervisor(actor: Any) -> bool:
    global _supervisor_class
    if _supervisor_class is None:
        from .supervisor import Supervisor  # (supervisor.py imports this module)

        _supervisor_class = Supervisor
    return isinstance(actor, type) and issubclass(actor, _supervisor_class)


@dataclass(frozen=True)
class ChildSpec:
    """How to start, restart and stop one child. ``shutdown``/``type`` left as None get defaults."""

    id: str
    actor: type[Actor]
    args: Mapping[str, Any] = field(default_factory=dict)
    restart: RestartType = "permanent"
    shutdown: Shutdown | None = None
    type: ChildType | None = None
    significant: bool = False

    @_cached
    def child_type(self) -> ChildType:
        if self.type is not None:
            return self.type
        return "supervisor" if _is_supervisor(self.actor) else "worker"

    @_cached
    def shutdown_spec(self) -> Shutdown:
        if self.shutdown is not None:
            return self.shutdown
        return "infinity" if self.child_type == "supervisor" else DEFAULT_WORKER_SHUTDOWN

    def describe(self) -> dict[str, Any]:
        """The spec with every default filled in (OTP's ``get_childspec``)."""
        return {
            "id": self.id,
            "actor": self.actor.__name__ if isinstance(self.actor, type) else repr(self.actor),
            "args": dict(self.args),
            "restart": self.restart,
            "shutdown": self.shutdown_spec,
            "type": self.child_type,
            "significant": self.significant,
        }


@dataclass(frozen=True)
class SupFlags:
    """A supervisor's strategy and restart intensity (``max_restarts`` in ``max_seconds``)."""

    strategy: Strategy = "one_for_one"
    max_restarts: int = DEFAULT_MAX_RESTARTS
    max_seconds: int = DEFAULT_MAX_SECONDS
    auto_shutdown: AutoShutdown = "never"


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def check_flags(flags: SupFlags) -> tuple[str, Any] | None:
    """OTP's ``{invalid_*, Value}`` for the first bad flag, or None."""
    if flags.strategy not in STRATEGIES:
        return ("invalid_strategy", flags.strategy)
    if not _is_int(flags.max_restarts) or flags.max_restarts < 0:
        return ("invalid_intensity", flags.max_restarts)
    if not _is_int(flags.max_seconds) or flags.max_seconds < 1:
        return ("invalid_period", flags.max_seconds)
    if flags.auto_shutdown not in AUTO_SHUTDOWNS:
        return ("invalid_auto_shutdown", flags.auto_shutdown)
    return None


def check_child_spec(spec: ChildSpec, auto_shutdown: AutoShutdown = "never") -> Any:
    """OTP's validation error for one spec (``missing_id``, ``{invalid_restart_type, R}``…) or None."""
    if spec.id is None or spec.id == "":
        return "missing_id"
    if spec.actor is None:
        return "missing_start"
    if not (isinstance(spec.actor, type) and issubclass(spec.actor, Actor)):
        return ("invalid_mfa", spec.actor)
    if spec.restart not in RESTART_TYPES:
        return ("invalid_restart_type", spec.restart)
    shutdown = spec.shutdown
    if shutdown is not None and shutdown not in ("brutal_kill", "infinity") and not (
        _is_int(shutdown) and shutdown >= 0
    ):
        return ("invalid_shutdown", shutdown)
    if spec.type is not None and spec.type not in CHILD_TYPES:
        return ("invalid_child_type", spec.type)
    if not isinstance(spec.significant, bool):
        return ("invalid_significant", spec.significant)
    if spec.significant and (spec.restart == "permanent" or auto_shutdown == "never"):
        return ("bad_combination", {"restart": spec.restart, "significant": True,
                                    "auto_shutdown": auto_shutdown})
    return None


def check_child_specs(specs: Sequence[ChildSpec], auto_shutdown: AutoShutdown = "never") -> Any:
    """Validate a child list at init: the first error, including ``{duplicate_child_name, Id}``."""
    seen: set[str] = set()
    for spec in specs:
        error = check_child_spec(spec, auto_shutdown)
        if error is not None:
            return error
        if spec.id in seen:
            return ("duplicate_child_name", spec.id)
        seen.add(spec.id)
    return None


def supervisor_spec(id: str, children: Sequence[ChildSpec], *, strategy: Strategy = "one_for_one",
                    max_restarts: int = DEFAULT_MAX_RESTARTS, max_seconds: int = DEFAULT_MAX_SECONDS,
                    auto_shutdown: AutoShutdown = "never", restart: RestartType = "permanent",
                    shutdown: Shutdown | None = None, significant: bool = False) -> ChildSpec:
    """A child spec for a nested (static) supervisor."""
    from .supervisor import Supervisor

    flags = SupFlags(strategy, max_restarts, max_seconds, auto_shutdown)
    return ChildSpec(id, Supervisor, {"flags": flags, "children": list(children)}, restart, shutdown,
                     "supervisor", significant)
