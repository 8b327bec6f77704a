"""The tree a prediction is about: the live tree as it is now, and the learner's changes to it.

``p`` used to start the tree *file* again, so a root switched to one_for_all with ``s`` was predicted
(and run, and scored) as one_for_one. :func:`live_tree` rebuilds the tree from what the app shows:
each supervisor's current strategy, its current children in their start order (children deleted are
gone, workers added with ``a`` are in). The lesson's exercise then asks to try each strategy, another
child order and other bomb times; :class:`PredictSetup` makes those changes in the grid, and the
scored run is the tree it holds.

No Textual here: tests check the trees without a terminal.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import replace

from ..engine.specs import STRATEGIES
from ..treefile.model import NodeDef, Tree
from ..workers import BUILTIN_WORKERS
from .model import NodeView, TreeModel, parent_path
from .predictdraft import DraftRow, draft_rows

TIME_ARGS: tuple[str, ...] = ("bomb_time", "quit_time")
"""A worker's own clock, in ms from each start: the bomb's explosion, the quitter's exit."""
TIME_STEP_MS = 1000
"""The grid counts whole seconds, so times move by one."""
MIN_TIME_MS, MAX_TIME_MS = 1000, 30_000


def _scripted(tree: Tree) -> tuple[set[str], set[str]]:
    """Children the script adds (the new run adds them again) and supervisors whose strategy it sets
    (the new run sets it again: their strategy is the file's)."""
    added = {node.path for step in tree.script if step.child is not None for node in step.child.walk()}
    switched = {step.target for step in tree.script if step.action == "set_strategy"}
    return added, switched


def _added_worker(view: NodeView) -> NodeDef | None:
    """A worker added at run time with ``a`` (a built-in, as the app offers them), as a definition."""
    actor = BUILTIN_WORKERS.get(view.worker or "")
    if actor is None or view.is_supervisor:
        return None
    return NodeDef(id=view.path.rsplit("/", 1)[-1], path=view.path, kind="worker",
                   restart=view.restart or "permanent", shutdown=view.shutdown, worker=view.worker,
                   actor=actor, args=dict(view.args))


def live_tree(tree: Tree, model: TreeModel) -> Tree:
    """``tree`` as ``model`` shows it now: each supervisor's strategy and its children, in order.

    A child defined in the file stays unless it was deleted (it is then gone from the model); a
    temporary child that ended is still part of the tree a new run starts. A strategy the script
    sets is left to the script, which sets it again on the new run.
    """
    added_by_script, switched_by_script = _scripted(tree)

    def rebuild(node: NodeDef) -> NodeDef:
        view = model.nodes.get(node.path)
        if not node.is_supervisor or view is None:
            return node
        strategy = node.strategy
        if node.kind != "dynamic" and view.strategy in STRATEGIES and node.path not in switched_by_script:
            strategy = view.strategy
        defined = {child.path: child for child in node.children}
        children: list[NodeDef] = []
        for path in view.children:
            child = model.nodes.get(path)
            if path in defined:
                children.append(rebuild(defined[path]))
            elif child is not None and path not in added_by_script and child.status != "removed":
                worker = _added_worker(child)
                if worker is not None:
                    children.append(worker)
        return replace(node, strategy=strategy, children=tuple(children))

    return replace(tree, root=rebuild(tree.root))


def _short(path: str) -> str:
    """A path as the grid names it: relative to the root, the root by its own id."""
    return path.split("/", 1)[1] if "/" in path else path


def _find(root: NodeDef, path: str) -> NodeDef | None:
    return next((node for node in root.walk() if node.path == path), None)


def _replaced(root: NodeDef, path: str, new: NodeDef) -> NodeDef:
    """``root`` with the node at ``path`` replaced by ``new`` (the defs are frozen)."""
    if root.path == path:
        return new
    if not path.startswith(root.path + "/"):
        return root
    return replace(root, children=tuple(_replaced(child, path, new) for child in root.children))


def time_arg(node: NodeDef) -> tuple[str, int] | None:
    """The worker's own clock (``bomb_time``) and its value, as the file gives it or by default.

    The default is read without running the class's code (``getattr_static``): a user's worker class
    may do anything in a property, and this runs on the UI thread.
    """
    if node.is_supervisor:
        return None
    declared = inspect.getattr_static(node.actor, "ARGS", {}) if node.actor is not None else {}
    for name in TIME_ARGS:
        value = node.args.get(name)
        if value is None and isinstance(declared, dict) and name in declared:
            value = getattr(declared[name], "default", None)
        if isinstance(value, int) and not isinstance(value, bool):
            return name, value
    return None


class PredictSetup:
    """The tree a prediction is made for, as the learner changes it in the grid.

    ``base`` is the live tree when ``p`` was pressed (what the paused run at t = 0 is); ``tree`` is
    that tree with the learner's changes. ``timers`` are what the workers of the paused run said is
    scheduled (``explodes at 2000 ms``), by path.
    """

    def __init__(self, base: Tree, timers: dict[str, str] | None = None,
                 gone: Iterable[str] = ()) -> None:
        self.base = base
        self.tree = base
        self.timers = dict(timers or {})
        self.gone = frozenset(gone)
        """Nodes the paused run has already forgotten (a temporary child that ignored its start)."""

    @property
    def changed(self) -> bool:
        """Whether the run to score is another tree than the paused one (the app starts it anew)."""
        return self.tree != self.base

    def node(self, path: str) -> NodeDef | None:
        return _find(self.tree.root, path)

    def _put(self, new: NodeDef) -> None:
        self.tree = replace(self.tree, root=_replaced(self.tree.root, new.path, new))

    def supervisor_of(self, path: str) -> NodeDef | None:
        """The supervisor a strategy key acts on: the node itself if it supervises, else its parent."""
        node = self.node(path)
        if node is not None and not node.is_supervisor:
            node = self.node(parent_path(path) or "")
        return node

    # ------------------------------------------------------------------ changes

    def set_strategy(self, path: str, strategy: str) -> str | None:
        """Set the strategy of ``path``'s supervisor; the strategy set, or None (a dynamic supervisor
        is one_for_one by definition)."""
        sup = self.supervisor_of(path)
        if sup is None or sup.kind == "dynamic" or strategy not in STRATEGIES:
            return None
        self._put(replace(sup, strategy=strategy))
        return strategy

    def cycle_strategy(self, path: str) -> str | None:
        sup = self.supervisor_of(path)
        if sup is None:
            return None
        index = STRATEGIES.index(sup.strategy) if sup.strategy in STRATEGIES else -1
        return self.set_strategy(path, STRATEGIES[(index + 1) % len(STRATEGIES)])

    def move(self, path: str, delta: int) -> bool:
        """Move a child ``delta`` places in its supervisor's start order; False at either end."""
        parent = self.node(parent_path(path) or "")
        if parent is None:
            return False
        children = list(parent.children)
        index = next((i for i, child in enumerate(children) if child.path == path), None)
        if index is None or not 0 <= index + delta < len(children):
            return False
        children.insert(index + delta, children.pop(index))
        self._put(replace(parent, children=tuple(children)))
        return True

    def change_time(self, path: str, delta_ms: int) -> int | None:
        """Move a worker's own clock (a bomb's ``bomb_time``) by ``delta_ms``, within limits; the new
        value, or None for a node without one (or at a limit)."""
        node = self.node(path)
        found = time_arg(node) if node is not None else None
        if node is None or found is None:
            return None
        name, value = found
        new = value + delta_ms
        if not MIN_TIME_MS <= new <= MAX_TIME_MS:
            return None
        self._put(replace(node, args={**node.args, name: new}))
        return new

    # ------------------------------------------------------------------ what the grid shows

    def timer(self, node: NodeDef) -> str:
        """What is scheduled for ``node`` at t = 0: a supervisor's strategy and limits; a worker's own
        description from the paused run, with a time the learner changed put in its place."""
        if node.is_supervisor:
            strategy = "dynamic" if node.kind == "dynamic" else node.strategy
            return f"{strategy} · {node.max_restarts} in {node.max_seconds} s"
        text = self.timers.get(node.path, "")
        base = _find(self.base.root, node.path)
        now, then = time_arg(node), time_arg(base) if base is not None else None
        if now is not None and then is not None and now[1] != then[1]:
            old = f"{then[1]} ms"
            text = text.replace(old, f"{now[1]} ms") if old in text else f"{now[0]} {now[1]} ms"
        return text

    def rows(self) -> list[DraftRow]:
        """The grid's rows for the tree as changed: its order, its guides, its timers."""
        model = TreeModel(self.tree)
        nodes = {node.path: node for node in self.tree.root.walk()}
        rows = draft_rows(model, lambda view: self.timer(nodes[view.path]))
        return [row for row in rows if row.path not in self.gone]

    def strategies(self) -> str:
        """``root one_for_all``: each supervisor's strategy in the tree to predict."""
        return ", ".join(f"{_short(node.path)} {'dynamic' if node.kind == 'dynamic' else node.strategy}"
                         for node in self.tree.root.walk() if node.is_supervisor)

    def summary(self) -> list[str]:
        """The changes, in words, for the line above the grid (empty: the tree as it runs now)."""
        out: list[str] = []
        base = {node.path: node for node in self.base.root.walk()}
        for node in self.tree.root.walk():
            before = base.get(node.path)
            if before is None:
                continue
            name = _short(node.path)
            if node.is_supervisor and node.strategy != before.strategy:
                out.append(f"{name} {node.strategy}")
            if [c.id for c in node.children] != [c.id for c in before.children]:
                out.append(f"{name} order {', '.join(c.id for c in node.children)}")
            now, then = time_arg(node), time_arg(before)
            if now is not None and then is not None and now != then:
                out.append(f"{name} {now[0]} {now[1]} ms")
        return out
