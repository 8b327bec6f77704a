"""The tree as the event stream tells it, folded one event at a time: what an attach snapshot shows.

A client that attaches to a running program needs the state of every process *at one seq*, then every
event after it. The engine keeps no such table (it forgets the dead at once, and a supervisor's window
lives on its own thread), so the server folds each event into this mirror as it is emitted, under
the lock that orders the stream: a snapshot taken under that lock is exact at its ``seq``.

Folding is on the engine's hot path (it runs inside ``EventBus.emit``), so it is a few attribute
writes per event. Processes that ended are kept (a reader wants to see a crashed child), but only the
latest :data:`MAX_ENDED` of them, so a program that churns through short-lived handlers does not make
the mirror grow without end.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from .protocol import Crash, Ended, Event, Exit, GiveUp, Stamps, Start, StrategyChanged, Terminate

MAX_ENDED = 1000
"""Ended processes kept in the mirror (the oldest are forgotten first; a running one never is)."""

STATES = ("running", "crashed", "exited", "terminated")
"""A node's state: what the last event about its path said (``running`` after a ``start``)."""


@dataclass(slots=True)
class NodeState:
    """One path of the tree as the stream last described it.

    ``pid`` is the pid of its latest process (still shown after it ended: ``state`` says whether it
    runs). ``restart`` is the restart type from the supervisor's spec when the snapshot could read it
    (events do not carry it). A supervisor has ``strategy``, ``max_restarts``, ``max_seconds`` and
    ``stamps``: its restart window as the latest decision left it, newest first (a reader drops the
    stamps older than ``max_seconds`` before the snapshot's ``t``, as the supervisor will).
    """

    path: str
    pid: str
    state: str = "running"
    type: str | None = None
    actor: str | None = None
    restart: str | None = None
    reason: str | None = None
    since: int = 0
    """``t`` of the event that set ``state``."""
    strategy: str | None = None
    max_restarts: int | None = None
    max_seconds: int | None = None
    stamps: Stamps | None = None
    """(The engine's :class:`~suptui.engine.intensity.Window` as the event carried it, or a tuple: a
    window is copied only when a snapshot is written, never on the engine's hot path.)"""

    def to_dict(self) -> dict[str, Any]:
        """The wire object (fields that are ``None`` left out, stamps as a list)."""
        out: dict[str, Any] = {"path": self.path, "pid": self.pid, "state": self.state, "since": self.since}
        for name in ("type", "actor", "restart", "reason", "strategy", "max_restarts", "max_seconds"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.stamps is not None:
            out["stamps"] = list(self.stamps)
        return out

    @classmethod
    def from_dict(cls, obj: Any) -> NodeState:
        """A node from its wire object; ``ValueError`` naming the field that is wrong."""
        if not isinstance(obj, dict):
            raise ValueError(f"a snapshot node must be an object, got {type(obj).__name__}")
        unknown = set(obj) - _NODE_FIELDS
        if unknown:
            raise ValueError(f"a snapshot node has an unknown field {sorted(unknown)[0]!r}")
        path, pid, state, since = obj.get("path"), obj.get("pid"), obj.get("state"), obj.get("since", 0)
        if type(path) is not str or type(pid) is not str:
            raise ValueError("a snapshot node needs 'path' and 'pid' as text")
        if state not in STATES:
            raise ValueError(f"a snapshot node's state must be one of {', '.join(STATES)}, got {state!r}")
        if type(since) is not int:
            raise ValueError(f"a snapshot node's 'since' must be a whole number, got {since!r}")
        node = cls(path, pid, state, since=since)
        for name in ("type", "actor", "restart", "reason", "strategy"):
            value = obj.get(name)
            if value is not None and type(value) is not str:
                raise ValueError(f"a snapshot node's {name!r} must be text, got {value!r}")
            setattr(node, name, value)
        for name in ("max_restarts", "max_seconds"):
            value = obj.get(name)
            if value is not None and type(value) is not int:
                raise ValueError(f"a snapshot node's {name!r} must be a whole number, got {value!r}")
            setattr(node, name, value)
        stamps = obj.get("stamps")
        if stamps is not None:
            if type(stamps) is not list or not all(type(s) is int for s in stamps):
                raise ValueError(f"a snapshot node's 'stamps' must be a list of whole numbers, "
                                 f"got {stamps!r}")
            node.stamps = tuple(stamps)
        return node


_NODE_FIELDS = frozenset(("path", "pid", "state", "since", "type", "actor", "restart", "reason", "strategy",
                          "max_restarts", "max_seconds", "stamps"))


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Every known path's state after the event numbered ``seq`` (0: before any), at time ``t``.

    ``nodes`` are in the order their paths were first seen; children start before their supervisor,
    so a reader builds the tree from the paths, not from the order.
    """

    seq: int
    t: int
    nodes: tuple[NodeState, ...]

    def node(self, path: str) -> NodeState | None:
        for node in self.nodes:
            if node.path == path:
                return node
        return None

    def running(self) -> list[NodeState]:
        return [node for node in self.nodes if node.state == "running"]

    def to_dict(self) -> dict[str, Any]:
        return {"type": "snapshot", "seq": self.seq, "t": self.t, "nodes": [n.to_dict() for n in self.nodes]}

    @classmethod
    def from_dict(cls, obj: Mapping[str, Any]) -> Snapshot:
        seq, t, nodes = obj.get("seq"), obj.get("t"), obj.get("nodes")
        if type(seq) is not int or seq < 0 or type(t) is not int:
            raise ValueError("a snapshot needs 'seq' and 't' as whole numbers")
        if type(nodes) is not list:
            raise ValueError("a snapshot's 'nodes' must be a list")
        return cls(seq, t, tuple(NodeState.from_dict(node) for node in nodes))


def parent_path(path: str) -> str | None:
    """``root/a/b`` → ``root/a``; a top-level path has no parent."""
    cut = path.rfind("/")
    return path[:cut] if cut > 0 else None


class Mirror:
    """The fold. Not thread-safe by itself: the server calls :meth:`fold` and :meth:`snapshot` under
    one lock (the one the event bus holds while it hands an event out)."""

    def __init__(self) -> None:
        self.nodes: dict[str, NodeState] = {}
        self.seq = 0
        self.t = 0
        self._ended: OrderedDict[str, None] = OrderedDict()
        self._fold: dict[type[Event], Callable[[Any], None]] = {
            Start: self._start, Crash: self._ended_event, Exit: self._ended_event,
            Terminate: self._terminate, GiveUp: self._give_up, StrategyChanged: self._strategy}

    def fold(self, event: Event) -> None:
        """Take one event into the mirror (events must come in stream order)."""
        self.seq = event.seq
        if event.t > self.t:
            self.t = event.t
        fold = self._fold.get(type(event))
        if fold is not None:
            fold(event)

    def seed(self, node: NodeState) -> None:
        """Add a process that was running before the mirror saw any event (a late ``serve``)."""
        self.nodes.setdefault(node.path, node)

    def snapshot(self, t: int | None = None,
                 restart_types: Mapping[str, str] | None = None) -> Snapshot:
        """A copy of every node now; ``t`` is the current time if the caller knows it (else the last
        event's), ``restart_types`` the specs' restart types by path, where they could be read."""
        types = restart_types or {}
        nodes = tuple(replace(node, restart=types.get(node.path, node.restart))
                      for node in self.nodes.values())
        return Snapshot(self.seq, max(self.t, t or 0), nodes)

    # -- one method per kind that changes a node

    def _node(self, event: Event) -> NodeState:
        node = self.nodes.get(event.path)
        if node is None:
            node = self.nodes[event.path] = NodeState(event.path, event.pid)
        return node

    def _start(self, event: Start) -> None:
        node = self._node(event)
        node.pid = event.pid
        node.state = "running"
        node.reason = None
        node.since = event.t
        if event.child_type is not None:
            node.type = event.child_type
        if event.actor is not None:
            node.actor = event.actor
        if event.strategy is not None:  # a supervisor's (re)start: a fresh window
            node.strategy = event.strategy
            node.max_restarts = event.max_restarts
            node.max_seconds = event.max_seconds
            node.stamps = ()
        if event.stamps is not None:
            self._window(event.path, event.stamps)
        if self._ended:
            self._ended.pop(event.path, None)

    def _ended_event(self, event: Ended) -> None:
        node = self._node(event)
        node.pid = event.pid
        self._end(node, "crashed" if type(event) is Crash else "exited", event.reason, event.t)
        if event.stamps is not None:
            self._window(event.path, event.stamps)

    def _terminate(self, event: Terminate) -> None:
        node = self._node(event)
        node.pid = event.pid
        self._end(node, "terminated", event.reason, event.t)

    def _give_up(self, event: GiveUp) -> None:
        self._node(event).stamps = event.restarts

    def _strategy(self, event: StrategyChanged) -> None:
        self._node(event).strategy = event.strategy

    def _window(self, child_path: str, stamps: Stamps) -> None:
        parent = parent_path(child_path)
        if parent is not None:
            node = self.nodes.get(parent)
            if node is not None:
                node.stamps = stamps

    def _end(self, node: NodeState, state: str, reason: str, t: int) -> None:
        node.state = state
        node.reason = reason
        node.since = t
        ended = self._ended
        ended[node.path] = None
        ended.move_to_end(node.path)
        while len(ended) > MAX_ENDED:
            path, _ = ended.popitem(last=False)
            gone = self.nodes.get(path)
            if gone is not None and gone.state != "running":
                del self.nodes[path]
