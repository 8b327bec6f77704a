"""Checking the tree's nodes (the top-level root supervisor and every ``[[children]]``) into NodeDefs.

The rules mirror OTP's child-spec and flag validation (docs/semantics.md §R1, §R8) but are applied to
the whole file up front, with file positions, so a mistake reads as a line to fix rather than as
``{start_spec, ...}`` from a supervisor that failed to start. A node with mistakes is still built
(with fallbacks) so that checking carries on: later problems, such as a script naming that node,
are not reported as spurious follow-ups.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

from ..engine.specs import (
    AUTO_SHUTDOWNS,
    DEFAULT_MAX_RESTARTS,
    DEFAULT_MAX_SECONDS,
    DEFAULT_WORKER_SHUTDOWN,
    RESTART_TYPES,
    STRATEGIES,
)
from ..safetext import has_control, visible
from .actors import check_args, resolve_worker
from .fields import Problems, Table, describe, did_you_mean, is_int
from .model import NodeDef, NodeKind

SUPERVISOR_KEYS = ("strategy", "max_restarts", "max_seconds", "auto_shutdown", "max_children", "children")
WORKER_KEYS = ("worker", "args")
CHILD_KEYS = ("id", "kind", "restart", "shutdown", "significant", "count", *WORKER_KEYS, *SUPERVISOR_KEYS)
ROOT_KEYS = ("id", "kind", *SUPERVISOR_KEYS)
KINDS = ("worker", "supervisor", "dynamic")
SHUTDOWN_WORDS = ("brutal_kill", "infinity")
MAX_COUNTED_NODES = 100_000
"""How many nodes one ``count`` may make (its copies times their subtrees): a typo must not hang the load."""

_NO_PARENT = "does not apply to the top level: it is the root supervisor, which has no parent"
ROOT_HINTS = {
    "restart": f"restart {_NO_PARENT}",
    "shutdown": f"shutdown {_NO_PARENT}",
    "significant": f"significant {_NO_PARENT}",
    "count": "count does not apply to the top level: there is one root supervisor",
    "worker": "the top level is the root supervisor, not a worker: put workers under [[children]]",
    "args": "the top level is the root supervisor, not a worker: put workers under [[children]]",
}


@dataclass(frozen=True)
class Parent:
    """What a child's checks need to know about the supervisor it is under."""

    path: str
    kind: NodeKind
    auto_shutdown: str


class NodeBuilder:
    """Builds NodeDefs from tables, reporting problems; ``base_dir`` is where ``module:Class`` may live."""

    def __init__(self, problems: Problems, base_dir: Path | None = None) -> None:
        self.problems = problems
        self.base_dir = base_dir

    # ------------------------------------------------------------------ the root

    def root(self, top: Table, extra_keys: tuple[str, ...] = ()) -> NodeDef:
        top.check_keys((*ROOT_KEYS, *extra_keys), ROOT_HINTS)
        node_id = self._id(top, required=False) or "root"
        written = top.string("kind", "supervisor", choices=("supervisor", "dynamic"))
        kind: NodeKind = "dynamic" if written == "dynamic" else "supervisor"
        return self._supervisor(top, node_id, node_id, kind, "permanent", "infinity", False, None)

    # ------------------------------------------------------------------ children

    def child(self, table: Table, parent: Parent, *, in_script: bool = False) -> list[NodeDef]:
        """One ``[[children]]`` entry: one NodeDef, or ``count`` copies; none if it has no usable id."""
        hints = {"count": "count is not supported in a script's child: start_child starts one child"}
        table.check_keys([k for k in CHILD_KEYS if not (in_script and k == "count")], hints)
        node_id = self._id(table, required=True) if "id" in table or "worker" not in table \
            else self._worker_id(table)
        kind = self._kind(table)
        restart = table.string("restart", "permanent", choices=RESTART_TYPES) or "permanent"
        default_shutdown: int | str = DEFAULT_WORKER_SHUTDOWN if kind == "worker" else "infinity"
        shutdown = self._shutdown(table, default_shutdown)
        significant = table.boolean("significant", False)
        if significant:
            self._check_significant(table, restart, parent)
        count = 1 if in_script else table.integer("count", 1, minimum=1) or 1
        checked_id = node_id if node_id is not None else f"<{table.key}>"
        path = f"{parent.path}/{checked_id}"
        line = self.problems.line_of(table.key)
        if kind == "worker":
            node = self._worker(table, checked_id, path, restart, shutdown, significant, line)
        else:
            node = self._supervisor(table, checked_id, path, kind, restart, shutdown, significant, line)
        if node_id is None:
            return []  # checked all the same, but nothing can refer to a node without an id
        if count == 1:
            return [node]
        made = count * sum(1 for _ in node.walk())
        if made > MAX_COUNTED_NODES:
            table.problem("count", f"count = {count} would make {made} nodes here; a tree may have at most "
                                   f"{MAX_COUNTED_NODES} from one count")
            return [node]
        return [_repath(node, parent.path, f"{node_id}-{n}") for n in range(1, count + 1)]

    def children(self, table: Table, parent: Parent) -> tuple[NodeDef, ...]:
        """A supervisor's ``children``, with count expanded and sibling ids checked for repeats."""
        nodes: list[NodeDef] = []
        first_use: dict[str, str] = {}
        for child_table in table.tables("children"):
            for node in self.child(child_table, parent):
                if node.id in first_use:
                    where = self.problems.line_of(first_use[node.id])
                    other = f"the child at line {where}" if where is not None else "another child"
                    if "id" in child_table:
                        child_table.problem("id", f'duplicate id "{node.id}": {other} already uses it '
                                                  "(ids must be unique among siblings)")
                    else:
                        child_table.problem("", f'duplicate id "{node.id}": {other} already uses it (a child '
                                                "without an id takes its worker's name; give one of them "
                                                'id = "...", as Elixir needs an :id for two of one module)')
                    continue
                first_use[node.id] = child_table.key
                nodes.append(node)
        return tuple(nodes)

    # ------------------------------------------------------------------ node kinds

    def _worker(self, table: Table, node_id: str, path: str, restart: str, shutdown: int | str,
                significant: bool, line: int | None) -> NodeDef:
        name = table.string("worker", None)
        actor = None
        args = {}
        if "worker" not in table and "kind" in table:
            table.problem("", 'this worker has no worker = "...": name a built-in worker such as "bomb", '
                              'or "package.module:Class"')
        elif name is not None:
            actor = resolve_worker(table, name, self.base_dir)
        if actor is not None and name is not None:
            args = check_args(table, actor, name)
        else:
            table.table("args")
        return NodeDef(node_id, path, "worker", restart, shutdown, significant, name, actor, args, line=line)

    def _supervisor(self, table: Table, node_id: str, path: str, kind: NodeKind, restart: str,
                    shutdown: int | str, significant: bool, line: int | None) -> NodeDef:
        strategy = self._strategy(table, kind)
        max_restarts = table.integer("max_restarts", DEFAULT_MAX_RESTARTS, minimum=0)
        max_seconds = table.integer("max_seconds", DEFAULT_MAX_SECONDS, minimum=1, unit="whole seconds")
        auto_shutdown = table.string("auto_shutdown", "never", choices=AUTO_SHUTDOWNS) or "never"
        max_children = None
        if kind == "dynamic":
            if auto_shutdown != "never":
                table.problem("auto_shutdown", 'a dynamic supervisor only supports auto_shutdown = "never" '
                                               f'(as in Elixir), found "{auto_shutdown}"')
                auto_shutdown = "never"
            max_children = table.integer("max_children", None, minimum=0)
        elif "max_children" in table:
            table.problem("max_children", 'max_children applies only to kind = "dynamic" supervisors')
        children = self.children(table, Parent(path, kind, auto_shutdown))
        if max_children is not None and len(children) > max_children:
            table.problem("max_children", f"max_children is {max_children} but {len(children)} children "
                                          "are listed to start with")
        return NodeDef(node_id, path, kind, restart, shutdown, significant,
                       strategy=strategy or "one_for_one",
                       max_restarts=DEFAULT_MAX_RESTARTS if max_restarts is None else max_restarts,
                       max_seconds=DEFAULT_MAX_SECONDS if max_seconds is None else max_seconds,
                       auto_shutdown=auto_shutdown, max_children=max_children, children=children, line=line)

    # ------------------------------------------------------------------ fields

    def _id(self, table: Table, *, required: bool) -> str | None:
        if "id" not in table:
            if required:
                table.problem("", 'this child has no id: every child needs id = "..." (unique among its '
                                  'siblings), unless it has a worker = "...", whose name is then its id')
            return None
        value = table.data["id"]
        if not isinstance(value, str):
            table.problem("id", f"id must be a string, found {describe(value)}")
        elif not value.strip():
            table.problem("id", "id must not be empty")
        elif "/" in value:
            table.problem("id", f'id "{value}" must not contain "/": paths use it to separate ids')
        elif has_control(value):
            # An id is drawn on every screen and written into every output; a terminal escape or an
            # invisible character in it is a mistake (or a trap), never a name.
            table.problem("id", f'id "{visible(value)}" must not contain control or invisible characters '
                                "(shown here as escapes)")
        else:
            return value
        return None

    def _worker_id(self, table: Table) -> str | None:
        """A child with ``worker`` and no ``id`` is named after its worker, like Elixir's ``{Bomb, args}``
        (whose id is the module): ``"bomb"`` for ``worker = "bomb"``, ``"Bomb"`` for ``"pkg.mod:Bomb"``."""
        name = table.data.get("worker")
        if not isinstance(name, str):
            return None  # the worker check reports it
        default = name.rsplit(":", 1)[-1].rsplit(".", 1)[-1]
        if not default.strip() or "/" in default or has_control(default):
            table.problem("", f'this child has no id and its worker "{visible(name)}" cannot be one: give it '
                              'id = "..."')
            return None
        return default

    def _kind(self, table: Table) -> NodeKind:
        """Worker or supervisor: ``kind`` if given, else ``worker`` or ``children`` decide."""
        kind = table.string("kind", None, choices=KINDS)
        worker_keys = [k for k in WORKER_KEYS if k in table]
        sup_keys = [k for k in SUPERVISOR_KEYS if k in table]
        if kind is None:
            if "kind" in table:
                return "supervisor" if sup_keys and not worker_keys else "worker"
            if not worker_keys and not sup_keys:
                table.problem("", 'this child is neither a worker nor a supervisor: give it worker = "..." '
                                  '(e.g. "bomb") or [[children]]')
                return "worker"
            kind = "worker" if worker_keys else "supervisor"
        if kind == "worker":
            for key in sup_keys:
                table.problem(key, f"{key} applies only to supervisors, and this child is a worker")
        else:
            for key in worker_keys:
                table.problem(key, f"{key} applies only to workers, and this child is a supervisor")
        return cast(NodeKind, kind)

    def _strategy(self, table: Table, kind: NodeKind) -> str | None:
        if table.data.get("strategy") == "simple_one_for_one":
            table.problem("strategy", 'simple_one_for_one is written kind = "dynamic" here (a '
                                      "DynamicSupervisor, as Elixir recommends)")
            return "one_for_one"
        strategy = table.string("strategy", "one_for_one", choices=STRATEGIES)
        if kind == "dynamic" and strategy != "one_for_one":
            table.problem("strategy", f'a dynamic supervisor only supports strategy = "one_for_one", '
                                      f'found "{strategy}"')
            return "one_for_one"
        return strategy

    def _shutdown(self, table: Table, default: int | str) -> int | str:
        if "shutdown" not in table:
            return default
        value = table.data["shutdown"]
        expected = 'ms (an integer >= 0), "brutal_kill" or "infinity"'
        if is_int(value):
            if value >= 0:
                return value
            table.problem("shutdown", f"shutdown must not be negative, found {value}; expected {expected}")
        elif isinstance(value, str):
            if value in SHUTDOWN_WORDS:
                return value
            table.problem("shutdown", f'unknown shutdown "{value}": expected {expected}'
                                      f"{did_you_mean(value, SHUTDOWN_WORDS)}")
        else:
            table.problem("shutdown", f"shutdown must be {expected}, found {describe(value)}")
        return default

    def _check_significant(self, table: Table, restart: str, parent: Parent) -> None:
        """OTP's ``bad_combination``: significant needs a transient/temporary child and auto_shutdown."""
        if restart == "permanent":
            table.problem("significant", 'significant = true needs restart = "transient" or "temporary": '
                                         "a permanent child is always restarted, so it never ends its "
                                         "supervisor")
        if parent.auto_shutdown == "never":
            table.problem("significant", f'significant = true needs the supervisor "{parent.path}" to set '
                                         'auto_shutdown = "any_significant" or "all_significant" '
                                         '(it is "never")')


def _repath(node: NodeDef, parent_path: str, new_id: str | None = None) -> NodeDef:
    """A copy of a node (and its subtree) under another id or parent: how ``count`` makes copies."""
    node_id = new_id if new_id is not None else node.id
    path = f"{parent_path}/{node_id}"
    children = tuple(_repath(child, path) for child in node.children)
    # What ``dataclasses.replace(node, id=..., path=..., children=...)`` makes, six times faster:
    # a count of 1,000 under a count of 25 under a count of 4 makes over 100,000 of these copies.
    # (NodeDef is a frozen dataclass with no __post_init__: copying its fields is all __init__ does.)
    copy = object.__new__(NodeDef)
    fields = copy.__dict__
    fields.update(node.__dict__)
    fields["id"], fields["path"], fields["children"] = node_id, path, children
    return copy
