"""The view-model: what the screen shows, rebuilt only from the engine's event stream.

Plain dataclasses, no Textual: tests feed it events and check it without a terminal, and the
widgets only draw what is here. The tree file gives the skeleton (order, specs as written); events
give everything that happens (pids, status, restarts, strategy, restart stamps, give-ups).
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..engine.intensity import in_window, stamp
from ..engine.protocol import Crash, Event, Exit, GiveUp, Kill, Start, StrategyChanged, Terminate, Zombie
from ..safetext import visible
from ..treefile.model import NodeDef, Tree

STATUSES: tuple[str, ...] = ("pending", "running", "crashed", "restarting", "stopped", "zombie", "removed")
"""``pending`` before the first start; ``restarting`` while a strategy or a failed start holds it down;
``removed`` for a temporary child the supervisor forgot."""

_VERSIONS = itertools.count(1)
"""Every node version ever handed out: one counter for all models (see :attr:`NodeView.version`)."""

NO_ARGS: dict[str, Any] = {}
"""The arguments of every node without any: one shared dict, never changed."""
NO_CHILDREN: tuple[str, ...] = ()
NO_TIMES: tuple[int, ...] = ()

RESTART_TIMES_KEPT = 32
REMOVED_ROWS_KEPT = 8
"""Forgotten run-time children shown (greyed) per supervisor; older ones leave the tree."""


@dataclass(slots=True)
class NodeView:
    """One row of the tree: a process slot at a path, across all its restarts."""

    path: str
    id: str
    """The last part of the path as shown: control characters made visible (a run-time child's id
    comes from whoever started it, not from a checked tree file). ``path`` stays raw: it addresses
    the engine."""
    parent: str | None
    kind: str = "worker"
    """``worker``, ``supervisor`` or ``dynamic``."""
    worker: str | None = None
    """The worker as the file names it (``bomb``) or the actor class name."""
    actor: str | None = None
    summary: str = ""
    """The worker's one-line description (built-in workers have one)."""
    args: dict[str, Any] = field(default_factory=lambda: NO_ARGS)
    """Read-only (replaced, never changed): a worker without arguments shares :data:`NO_ARGS`."""
    restart: str | None = "permanent"
    shutdown: Any = None
    defined: bool = False
    """Comes from the tree file (kept when its supervisor restarts), rather than added at run time."""
    children: list[str] = field(default_factory=lambda: NO_CHILDREN)  # type: ignore[arg-type]
    """A list once the node has children; the shared empty tuple until then (a tree of 100,000
    workers would otherwise hold 100,000 empty lists, twice over with the copies checkpoints need).
    Change it through :meth:`TreeModel` only (see :func:`adopt`)."""
    status: str = "pending"
    pid: str = ""
    restarts: int = 0
    restart_times: list[int] = field(default_factory=lambda: NO_TIMES)  # type: ignore[arg-type]
    """Replaced, never changed in place (the shared empty tuple until the first restart)."""
    strategy: str | None = None
    max_restarts: int | None = None
    max_seconds: int | None = None
    stamps: Sequence[int] = ()
    """A supervisor's restart stamps (integer seconds, newest first), as its restart events report them
    (the engine's immutable ``intensity.Window``, which compares and hashes as the tuple of stamps)."""
    last_end: str | None = None
    """How it last ended: ``crashed``, ``killed``, ``exited`` or ``terminated``."""
    last_reason: str | None = None
    last_traceback: str | None = None
    last_end_t: int | None = None
    last_cause: str | None = None
    """The path whose failure caused the last restart."""
    killed_by: str | None = None
    gave_up: GiveUp | None = None
    """The ``give_up`` event, while this supervisor is down because of it."""
    zombies: int = 0
    started: Start | None = None
    """The start event of its current (or last) process: the lanes of a past moment begin its bar there."""
    started_seq: int = 0
    ended_seq: int = 0
    version: int = field(default_factory=lambda: next(_VERSIONS))
    """A new number on every change (from one counter for all models, so a row cached for one moment
    is never taken for another moment's: time travel swaps models), so widgets can cache rows and
    checkpoints can share the nodes that did not change."""
    shared: bool = False
    """Held by a checkpoint (see :func:`freeze`) and maybe by other models: never changed again. A
    model that must change it changes a copy of its own instead (:meth:`TreeModel._get`)."""

    @property
    def is_supervisor(self) -> bool:
        return self.kind != "worker"

    @property
    def running(self) -> bool:
        return self.status == "running"


@dataclass(frozen=True, slots=True)
class Row:
    """One visible line of the flattened tree."""

    path: str
    depth: int
    guide: str
    """Box-drawing prefix (``│ ├─``) that shows where the row hangs."""
    expandable: bool
    expanded: bool


@dataclass
class Changes:
    """What one batch of events changed: rows to redraw, whether rows came or went, what to flash."""

    paths: set[str] = field(default_factory=set)
    structural: bool = False
    flashes: dict[str, str] = field(default_factory=dict)
    """path → ``crash`` or ``restart``; a crash outranks a restart in the same batch."""

    def touch(self, path: str) -> None:
        self.paths.add(path)

    def flash(self, path: str, kind: str) -> None:
        if self.flashes.get(path) != "crash":
            self.flashes[path] = kind


def adopt(parent: NodeView, path: str) -> None:
    """Add ``path`` to ``parent``'s children (its first child makes the list)."""
    if isinstance(parent.children, tuple):
        parent.children = [*parent.children, path]
    else:
        parent.children.append(path)


def bump(node: NodeView) -> None:
    """Mark ``node`` changed (every mutation of a node goes through here)."""
    node.version = next(_VERSIONS)


def parent_path(path: str) -> str | None:
    return path.rsplit("/", 1)[0] if "/" in path else None


def leaf(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def class_summary(actor: type | None) -> str:
    """A worker class's ``summary`` attribute, read without running its code.

    The view-model lives on the UI thread, and a user class may make ``summary`` a property, a
    metaclass ``__getattr__`` or an object with a ``__str__``: any of them could block or raise
    there. ``inspect.getattr_static`` reads the attribute without invoking descriptors, and only a
    plain string is shown.
    """
    if actor is None:
        return ""
    try:
        summary = inspect.getattr_static(actor, "summary", "")
    except Exception:
        return ""
    return summary if isinstance(summary, str) else ""


class TreeModel:
    """Every node of the running tree, updated event by event."""

    def __init__(self, tree: Tree | None = None) -> None:
        self.nodes: dict[str, NodeView] = {}
        self.root: str | None = None
        self._defs: dict[str, NodeDef] = {}
        self.structure = 0
        """Bumped whenever rows come or go (a node added or removed, a new layout): :meth:`flatten`
        keeps its last answer until then, so a redraw of a 100,000-row tree whose rows only changed
        their contents does not walk it again."""
        self._flat: tuple[tuple[int, frozenset[str], str], list[Row]] | None = None
        self.epoch = 0
        """Bumped by every change the events make (a node's, or rows that came or went): what a
        supervisor's details show of its children (how many run) cannot have changed while it
        stands still, so the pane need not count 100,000 children to find out."""
        if tree is not None:
            self.load(tree)

    # ------------------------------------------------------------------ skeleton

    def load(self, tree: Tree) -> None:
        """Lay out the tree file's nodes (all ``pending``) in start order."""
        self.nodes.clear()
        self.structure += 1
        self.root = tree.root.path
        for node in tree.root.walk():
            view = self._view_from_def(node)
            view.defined = True
            self.nodes[node.path] = view
            above = self.nodes.get(view.parent) if view.parent is not None else None
            if above is not None:
                view.parent = above.path  # its supervisor's own string, not one cut per child (5 MB at 100k)
                adopt(above, node.path)
        for step in tree.script:  # children the script will add: show their specs once they start
            if step.child is not None:
                for node in step.child.walk():
                    self._defs[node.path] = node

    def expect(self, node: NodeDef) -> None:
        """Remember the definition of a child the user is adding, to show its spec once it starts."""
        self._defs[node.path] = node

    @staticmethod
    def _view_from_def(node: NodeDef) -> NodeView:
        actor = node.actor.__name__ if node.actor is not None else None
        view = NodeView(node.path, visible(node.id), parent_path(node.path), node.kind, node.worker or actor,
                        actor, class_summary(node.actor), dict(node.args) if node.args else NO_ARGS,
                        node.restart, node.shutdown)
        if node.is_supervisor:
            view.strategy, view.max_restarts, view.max_seconds = (node.strategy, node.max_restarts,
                                                                   node.max_seconds)
        return view

    # ------------------------------------------------------------------ events

    def apply_all(self, events: Iterable[Event]) -> Changes:
        changes = Changes()
        for event in events:
            self.apply(event, changes)
        return changes

    def apply(self, event: Event, changes: Changes | None = None) -> Changes:
        """Fold one event into the model, by its type. Kinds the tree does not show (a fault) and
        kinds newer than this reader are ignored."""
        changes = changes if changes is not None else Changes()
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            handler(self, event, changes)
        return changes

    def _touch(self, node: NodeView, changes: Changes) -> None:
        bump(node)
        self.epoch += 1
        changes.touch(node.path)

    def _get(self, path: str) -> NodeView | None:
        """The node at ``path``, to change: this model's own, copied first if a checkpoint shares it
        (copy on write: a checkpoint costs no copies, only the nodes changed after it are copied)."""
        node = self.nodes.get(path)
        if node is not None and node.shared:
            node = self.nodes[path] = _copy_node(node)
        return node

    def _on_start(self, e: Start, changes: Changes) -> None:
        node = self._get(e.path)
        if node is None or (node.status == "removed" and not node.defined):
            node = self._node_from_start(e, changes)
        node.status, node.pid, node.started_seq, node.started = "running", e.pid, e.seq, e
        node.gave_up = None
        if e.restart:
            node.restarts += 1
            node.restart_times = [*node.restart_times, e.t][-RESTART_TIMES_KEPT:]
            node.last_cause = e.cause
            changes.flash(e.path, "restart")
            parent = self._get(node.parent) if node.parent is not None and e.stamps is not None else None
            if parent is not None and e.stamps is not None:
                parent.stamps = e.stamps
                self._touch(parent, changes)
        if node.is_supervisor:
            node.strategy = e.strategy if e.strategy is not None else node.strategy
            node.max_restarts = e.max_restarts if e.max_restarts is not None else node.max_restarts
            node.max_seconds = e.max_seconds if e.max_seconds is not None else node.max_seconds
            node.stamps = ()
            self._drop_stale_children(node, changes)
        self._touch(node, changes)

    def _node_from_start(self, e: Start, changes: Changes) -> NodeView:
        """A node the file did not have: added with start_child, or a dynamic supervisor's child."""
        definition = self._defs.get(e.path) or self._defs.get(e.path.rsplit(".", 1)[0])
        if definition is not None:
            view = self._view_from_def(definition)
            view.path, view.id, view.parent = e.path, visible(leaf(e.path)), parent_path(e.path)
        else:
            kind = "worker"
            if e.child_type == "supervisor":
                kind = "dynamic" if e.actor == "DynamicSupervisor" else "supervisor"
            view = NodeView(e.path, visible(leaf(e.path)), parent_path(e.path), kind, e.actor, e.actor,
                            restart=None)
        self._insert(view, changes)
        return view

    def _insert(self, view: NodeView, changes: Changes) -> None:
        old = self.nodes.get(view.path)
        if old is not None:
            view.children = list(old.children) if old.children else NO_CHILDREN  # type: ignore[assignment]
        self.nodes[view.path] = view
        self.epoch += 1
        self.structure += 1
        if view.parent is not None:
            parent = self._get(view.parent)
            if parent is None:
                parent = NodeView(view.parent, visible(leaf(view.parent)), parent_path(view.parent),
                                  "supervisor")
                self._insert(parent, changes)
            if view.path not in parent.children:
                adopt(parent, view.path)
                bump(parent)
        elif self.root is None:
            self.root = view.path
        changes.structural = True

    def _drop_stale_children(self, sup: NodeView, changes: Changes) -> None:
        """A restarted supervisor starts from its own spec list: run-time additions are gone."""
        for child_path in list(sup.children):
            child = self.nodes.get(child_path)
            if child is not None and not child.defined and child.started_seq < sup.ended_seq:
                self.remove(child_path, changes)

    def _end(self, e: Crash | Exit | Terminate, changes: Changes, how: str, status: str) -> NodeView | None:
        node = self._get(e.path)
        if node is None:
            return None
        if node.pid and e.pid != node.pid and node.running:
            return None  # an old incarnation's late news; the slot has moved on
        # a temporary child is never restarted: a group restart that stops it drops it too (R4.5)
        node.status = "removed" if node.restart == "temporary" else status
        node.last_end, node.last_reason, node.last_end_t = how, e.reason, e.t
        node.last_traceback = None if isinstance(e, Terminate) else e.traceback
        node.ended_seq = e.seq
        self._touch(node, changes)
        if node.status == "removed":
            self._prune_removed(node.parent, changes)
        return node

    def _on_crash(self, e: Crash, changes: Changes) -> None:
        node = self.nodes.get(e.path)
        retrying = node is not None and e.phase == "init" and node.started_seq > 0
        how = "killed" if e.killed_by is not None or e.reason == "killed" else "crashed"
        ended = self._end(e, changes, how, "restarting" if retrying else "crashed")
        if ended is not None:
            if e.killed_by is not None:  # the kill and this crash are one death (the engine says so)
                ended.killed_by = e.killed_by
            changes.flash(e.path, "crash")

    def _on_exit(self, e: Exit, changes: Changes) -> None:
        node = self._end(e, changes, "exited", "stopped")
        if node is not None and node.restart == "transient":
            self._dynamic_forgets(node, changes)  # an orderly exit is the end of a transient child

    def _on_terminate(self, e: Terminate, changes: Changes) -> None:
        by_strategy = e.why == "strategy"
        node = self._end(e, changes, "terminated", "restarting" if by_strategy else "stopped")
        if node is not None and by_strategy:
            node.last_cause = e.cause
        if node is not None and e.why == "api":
            self._dynamic_forgets(node, changes)

    def _dynamic_forgets(self, node: NodeView, changes: Changes) -> None:
        """A DynamicSupervisor keeps no spec of a child it does not restart (unlike a static one)."""
        parent = self.nodes.get(node.parent or "")
        if parent is not None and parent.kind == "dynamic":
            node.status = "removed"
            self._prune_removed(parent.path, changes)

    def _prune_removed(self, parent_path: str | None, changes: Changes) -> None:
        """Keep the last few children a supervisor forgot, greyed out; a pool with churn would
        otherwise grow its rows without end."""
        parent = self.nodes.get(parent_path or "")
        if parent is None:
            return
        gone = [c for c in parent.children if c in self.nodes and self.nodes[c].status == "removed"
                and not self.nodes[c].defined]
        for path in gone[: max(0, len(gone) - REMOVED_ROWS_KEPT)]:
            self.remove(path, changes)

    def _on_kill(self, e: Kill, changes: Changes) -> None:
        node = self._get(e.path)
        if node is not None:
            node.killed_by = e.by
            self._touch(node, changes)

    def _on_give_up(self, e: GiveUp, changes: Changes) -> None:
        node = self._get(e.path)
        if node is None:
            return
        node.gave_up = e
        node.stamps = e.restarts
        self._touch(node, changes)
        child = self.nodes.get(e.child)
        if child is not None and child.status == "restarting":
            child = self._get(e.child)
            assert child is not None
            child.status = "crashed"
            self._touch(child, changes)

    def _on_strategy(self, e: StrategyChanged, changes: Changes) -> None:
        node = self._get(e.path)
        if node is not None:
            node.strategy = e.strategy
            self._touch(node, changes)

    def _on_zombie(self, e: Zombie, changes: Changes) -> None:
        node = self._get(e.path)
        if node is None:
            return
        node.zombies += 1
        if node.pid == e.pid and not node.running:
            node.status = "zombie"
        self._touch(node, changes)

    # ------------------------------------------------------------------ structure

    def remove(self, path: str, changes: Changes | None = None) -> None:
        """Forget a node and its subtree (its supervisor no longer has it)."""
        node = self.nodes.pop(path, None)
        if node is None:
            return
        self.epoch += 1
        self.structure += 1
        for child in list(node.children):
            self.remove(child, changes)
        parent = self.nodes.get(node.parent or "")
        if parent is not None and path in parent.children:
            parent = self._get(parent.path)
            assert parent is not None
            parent.children.remove(path)
            bump(parent)
        if changes is not None:
            changes.structural = True

    def flatten(self, collapsed: set[str] | frozenset[str] = frozenset(), needle: str = "") -> list[Row]:
        """The visible rows, depth first in start order; a filter keeps matches and their ancestors.

        The same list as last time while no row came or went and the folds and filter are the same
        (callers only read it): the tree widget asks again whenever a column's width changes."""
        key = (self.structure, frozenset(collapsed), needle)
        if self._flat is not None and self._flat[0] == key:
            return self._flat[1]
        rows = self._flatten(collapsed, needle)
        self._flat = (key, rows)
        return rows

    def _flatten(self, collapsed: set[str] | frozenset[str], needle: str) -> list[Row]:
        rows: list[Row] = []
        if self.root is None or self.root not in self.nodes:
            return rows
        needle = needle.lower()
        keep = self._matching(needle) if needle else None

        def visit(path: str, depth: int, lead: str, last: bool) -> None:
            node = self.nodes[path]
            kids = [c for c in node.children if c in self.nodes and (keep is None or c in keep)]
            expanded = path not in collapsed or keep is not None
            guide = "" if depth == 0 else lead + ("└─" if last else "├─")
            rows.append(Row(path, depth, guide, bool(kids), expanded and bool(kids)))
            if expanded:
                below = "" if depth == 0 else lead + ("  " if last else "│ ")
                for i, kid in enumerate(kids):
                    visit(kid, depth + 1, below, i == len(kids) - 1)

        # A program or a BEAM node may run several trees side by side (an application's top
        # supervisor and one started by hand): the first is the root, the others follow it.
        tops = [self.root, *(path for path, node in self.nodes.items()
                             if node.parent is None and path != self.root)]
        for top in tops:
            if keep is None or top in keep:
                visit(top, 0, "", True)
        return rows

    def _matching(self, needle: str) -> set[str]:
        keep: set[str] = set()
        for path in self.nodes:
            if needle in self.display(path).lower():
                p: str | None = path
                while p is not None and p not in keep:
                    keep.add(p)
                    p = parent_path(p)
        return keep

    # ------------------------------------------------------------------ questions the widgets ask

    def display(self, path: str) -> str:
        """A path as the log and details show it: relative to the root, the root by its own name,
        control characters made visible (see :attr:`NodeView.id`)."""
        root = self.root
        if root is not None and path.startswith(root + "/"):
            return visible(path[len(root) + 1:])
        return visible(path)

    def supervisor_of(self, path: str) -> NodeView | None:
        """The supervisor a strategy key acts on: the node itself if it supervises, else its parent."""
        node = self.nodes.get(path)
        if node is None:
            return None
        if node.is_supervisor:
            return node
        return self.nodes.get(node.parent or "")

    def budget(self, path: str, now_ms: float, phase_s: float = 0.0) -> tuple[int, int, int] | None:
        """(restarts in the window now, max_restarts, max_seconds) for a supervisor, else None."""
        node = self.nodes.get(path)
        if node is None or not node.is_supervisor or node.max_restarts is None or node.max_seconds is None:
            return None
        now_s = stamp(now_ms, phase_s)
        used = len(in_window(node.stamps, now_s, node.max_seconds)) if node.running else len(node.stamps)
        return used, node.max_restarts, node.max_seconds

    def siblings_touched(self, path: str) -> list[str]:
        """The children the parent's strategy would restart if ``path`` failed (itself included)."""
        node = self.nodes.get(path)
        parent = self.nodes.get(node.parent or "") if node is not None else None
        if node is None or parent is None:
            return []
        if parent.strategy not in ("one_for_all", "rest_for_one"):
            return [path]  # without a walk of the siblings: a pool of 100,000 is asked at every key
        kids = [c for c in parent.children if c in self.nodes and self.nodes[c].status != "removed"]
        if parent.strategy == "one_for_all":
            return kids
        if parent.strategy == "rest_for_one" and path in kids:
            return kids[kids.index(path):]
        return [path]


_HANDLERS: dict[type[Event], Callable[[TreeModel, Any, Changes], None]] = {
    Start: TreeModel._on_start, Crash: TreeModel._on_crash, Exit: TreeModel._on_exit,
    Terminate: TreeModel._on_terminate, Kill: TreeModel._on_kill, GiveUp: TreeModel._on_give_up,
    StrategyChanged: TreeModel._on_strategy, Zombie: TreeModel._on_zombie,
}
"""What each event type does to the tree (a ``fault`` changes nothing in it)."""


Frozen = dict[str, NodeView]
"""A model's nodes at one moment, never mutated again: a checkpoint (see :func:`freeze`; every node
in it is ``shared``, and a model copies a shared node before it changes it)."""


def freeze(model: TreeModel) -> Frozen:
    """The model's nodes as they are now, without copying one.

    Copy on write: every node is marked ``shared`` and the checkpoint holds the model's own objects;
    the model copies a shared node before it changes it (:meth:`TreeModel._get`). So a checkpoint of
    a 100,000-node tree is a walk and a dict, and a node is copied only if it changes afterwards
    (before, every checkpoint copied every node changed since the one before it, at once).
    """
    return freeze_nodes(model.nodes)


def thaw(frozen: Frozen, root: str | None, defs: dict[str, NodeDef]) -> TreeModel:
    """A live model from a checkpoint (or from another model's nodes), free to take more events:
    the nodes are shared, not copied, and each is copied when the new model first changes it (the
    checkpoint, or the other model, is left as it was)."""
    model = TreeModel()
    model.root = root
    model._defs = defs
    model.nodes = freeze_nodes(frozen)
    return model


def freeze_nodes(nodes: dict[str, NodeView]) -> dict[str, NodeView]:
    """``nodes`` marked shared, in a new dict (see :func:`freeze`)."""
    for node in nodes.values():
        node.shared = True
    return dict(nodes)


_NODE_FIELDS = operator.attrgetter(*(item.name for item in dataclasses.fields(NodeView)))


def _copy_node(node: NodeView) -> NodeView:
    """A copy of this model's own: its lists can change without touching the original (other fields
    are replaced, never mutated in place). Positional ``__init__`` from one ``attrgetter``: a third of
    ``copy.copy``'s cost."""
    twin = NodeView(*_NODE_FIELDS(node))
    if node.children:
        twin.children = list(node.children)
    twin.shared = False
    return twin
