"""suptui's supervision engine: OTP supervisors on a threaded M:N runtime with an injectable clock.

Pure Python, no UI imports. Typical use::

    rt = Runtime(VirtualClock())
    root = rt.start(Supervisor, {"flags": SupFlags("one_for_one", 5, 5), "children": specs}, path="root")
    rt.clock.advance_to(6000)       # exact, instant, replayable
    SupervisorClient(rt, root).which_children()
"""

from .actor import IGNORE, NOREPLY, TIMEOUT, Actor, Caller, DownMsg, ExitMsg, StopProcess
from .client import SupervisorClient, SupervisorError
from .clock import Clock, RealClock, VirtualClock
from .dynamic import DynamicSupervisor
from .events import EVENT_KINDS, Event, EventBus, EventRecorder
from .pacer import Pacer
from .pid import Pid, Ref
from .process import StartResult
from .reasons import Crash, format_reason, is_orderly
from .runtime import Deadlock, NoProcess, Runtime, StartError
from .specs import ChildSpec, SupFlags, supervisor_spec
from .supervisor import RESTARTING, Supervisor

__all__ = [
    "EVENT_KINDS",
    "IGNORE",
    "NOREPLY",
    "RESTARTING",
    "TIMEOUT",
    "Actor",
    "Caller",
    "ChildSpec",
    "Clock",
    "Crash",
    "Deadlock",
    "DownMsg",
    "DynamicSupervisor",
    "Event",
    "EventBus",
    "EventRecorder",
    "ExitMsg",
    "NoProcess",
    "Pacer",
    "Pid",
    "RealClock",
    "Ref",
    "Runtime",
    "StartError",
    "StartResult",
    "StopProcess",
    "SupFlags",
    "Supervisor",
    "SupervisorClient",
    "SupervisorError",
    "VirtualClock",
    "format_reason",
    "is_orderly",
    "supervisor_spec",
]
