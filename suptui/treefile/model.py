"""What a tree file describes, after validation: plain frozen data, independent of TOML.

The loader builds these; the session turns them into engine child specs and runs the script; the
app shows them in its details pane (a node's worker, args, restart and shutdown as written).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..engine import Actor, ChildSpec, DynamicSupervisor, Supervisor, SupFlags
from ..engine.reasons import Reason

NodeKind = Literal["worker", "supervisor", "dynamic"]
ACTIONS: tuple[str, ...] = (
    "kill", "exit", "set_strategy", "start_child", "terminate_child", "restart_child", "delete_child",
)


@dataclass(frozen=True)
class NodeDef:
    """One node of the tree as the file gives it, with defaults filled in."""

    id: str
    path: str
    kind: NodeKind
    restart: str = "permanent"
    shutdown: int | str | None = None
    significant: bool = False
    worker: str | None = None
    """The worker as written: a built-in name (``bomb``) or ``module:Class``."""
    actor: type[Actor] | None = None
    args: dict[str, Any] = field(default_factory=dict)
    strategy: str = "one_for_one"
    max_restarts: int = 3
    max_seconds: int = 5
    auto_shutdown: str = "never"
    max_children: int | None = None
    children: tuple[NodeDef, ...] = ()
    line: int | None = None

    @property
    def is_supervisor(self) -> bool:
        return self.kind != "worker"

    def flags(self) -> SupFlags:
        return SupFlags(self.strategy, self.max_restarts, self.max_seconds, self.auto_shutdown)

    def spec(self) -> ChildSpec:
        """The engine child spec for this node (recursively for supervisors)."""
        if self.kind == "worker":
            assert self.actor is not None, f"{self.path}: worker class not resolved"
            # The node's own args, not a copy: a spec's args are read-only (the engine only unpacks
            # them into the actor's constructor), and the copies ``count`` makes share one dict.
            return ChildSpec(self.id, self.actor, self.args, self.restart, self.shutdown, "worker",
                             self.significant)
        children = [child.spec() for child in self.children]
        args: dict[str, Any] = {"flags": self.flags(), "children": children}
        actor: type[Actor] = Supervisor
        if self.kind == "dynamic":
            actor = DynamicSupervisor
            args["max_children"] = self.max_children
        return ChildSpec(self.id, actor, args, self.restart, self.shutdown, "supervisor", self.significant)

    def walk(self):
        """This node and every descendant, depth first in start order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class ScriptStep:
    """A timed action from the file's ``[[script]]`` table."""

    at: int
    action: str
    target: str
    reason: Reason = None
    """For ``exit``: a string, or a tuple such as ``("shutdown", "done")`` for ``{shutdown, done}``."""
    strategy: str | None = None
    child: NodeDef | None = None
    line: int | None = None


@dataclass(frozen=True)
class Tree:
    """A whole tree file: its root supervisor, its script and how to present it."""

    source: str
    root: NodeDef
    title: str | None = None
    description: str | None = None
    script: tuple[ScriptStep, ...] = ()
    paused: bool = False
    """Open with the clock paused (``paused = true`` at the top level): space starts it."""
    projector: bool = False
    """Open the app in projector mode (``projector = true``), as ``--projector`` does: for a tree
    written for a demo in a room. Read when the file is opened from the command line."""

    def nodes(self) -> dict[str, NodeDef]:
        return {node.path: node for node in self.root.walk()}
