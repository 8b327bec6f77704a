"""suptui's supervision engine: OTP supervisors on a threaded M:N runtime with an injectable clock.

Pure Python, no UI imports. Typical use::

    rt = Runtime(VirtualClock())
    root = rt.start(Supervisor, {"flags": SupFlags("one_for_one", 5, 5), "children": specs}, path="root")
    rt.clock.advance_to(6000)       # exact, instant, replayable
    SupervisorClient(rt, root).which_children()
"""

from .actor import IGNORE, NOREPLY, TIMEOUT, Actor, Caller, DownMsg, ExitMsg, StopProcess
from .asyncio_actor import AsyncActor, AsyncSupervision
from .client import Supervision, SupervisorClient, SupervisorError
from .clock import Clock, RealClock, VirtualClock
from .collector import freeze_long_lived
from .context import NoProcess, ProcessContext
from .dynamic import DynamicSupervisor
from .events import EVENT_KINDS, Event, EventBus, EventRecorder, make_event
from .pacer import Pacer
from .pid import Pid, Ref
from .process import StartResult
from .protocol import (
    PROTOCOL_VERSION,
    Ended,
    Exit,
    Fault,
    GiveUp,
    Kill,
    ProtocolError,
    Start,
    StrategyChanged,
    Terminate,
    Zombie,
)
from .protocol import Crash as CrashEvent
from .reasons import Crash, format_reason, is_orderly
from .runtime import Deadlock, Runtime, StartError
from .specs import ChildSpec, SupFlags, supervisor_spec
from .supervisor import RESTARTING, Supervisor

__all__ = [
    "EVENT_KINDS",
    "IGNORE",
    "NOREPLY",
    "PROTOCOL_VERSION",
    "RESTARTING",
    "TIMEOUT",
    "Actor",
    "AsyncActor",
    "AsyncSupervision",
    "Caller",
    "ChildSpec",
    "Clock",
    "Crash",
    "CrashEvent",
    "Deadlock",
    "DownMsg",
    "DynamicSupervisor",
    "Ended",
    "Event",
    "EventBus",
    "EventRecorder",
    "Exit",
    "ExitMsg",
    "Fault",
    "GiveUp",
    "Kill",
    "NoProcess",
    "Pacer",
    "Pid",
    "ProcessContext",
    "ProtocolError",
    "RealClock",
    "Ref",
    "Runtime",
    "Start",
    "StartError",
    "StartResult",
    "StopProcess",
    "StrategyChanged",
    "SupFlags",
    "Supervision",
    "Supervisor",
    "SupervisorClient",
    "SupervisorError",
    "Terminate",
    "VirtualClock",
    "Zombie",
    "format_reason",
    "freeze_long_lived",
    "is_orderly",
    "make_event",
    "supervisor_spec",
]
