"""A tree's skeleton as plain JSON, for recordings: what a replay shows without the tree file.

A replay has no engine and must run no worker code, yet its details pane shows each node's restart
type, shutdown and worker as the file wrote them. The recording's header carries them as this
skeleton; :func:`tree_from_skeleton` turns it back into a :class:`~suptui.treefile.model.Tree` whose
nodes have no actor class (nothing is imported) and no script.
"""

from __future__ import annotations

from typing import Any

from .model import NodeDef, Tree

_NODE_FIELDS = ("id", "kind", "restart", "shutdown", "significant", "worker", "strategy", "max_restarts",
                "max_seconds", "auto_shutdown", "max_children")


class SkeletonError(ValueError):
    """A skeleton that does not describe a tree; the message says where and what."""


def skeleton(tree: Tree) -> dict[str, Any]:
    """The tree as JSON: its title, description and root node (args as given, if JSON-safe)."""
    return {"title": tree.title, "description": tree.description, "root": _node(tree.root)}


def _node(node: NodeDef) -> dict[str, Any]:
    out: dict[str, Any] = {name: getattr(node, name) for name in _NODE_FIELDS}
    out["args"] = {key: value for key, value in node.args.items() if _json_safe(value)}
    if node.children:
        out["children"] = [_node(child) for child in node.children]
    return out


def _json_safe(value: Any, depth: int = 0) -> bool:
    if depth > 8:
        return False
    if value is None or isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, list | tuple):
        return all(_json_safe(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_safe(v, depth + 1) for k, v in value.items())
    return False


def tree_from_skeleton(data: Any, source: str) -> Tree:
    """The :class:`Tree` a skeleton describes (no actors, no script); :class:`SkeletonError` if bad."""
    if not isinstance(data, dict) or not isinstance(data.get("root"), dict):
        raise SkeletonError("the tree must be an object with a root node")
    root = _node_from(data["root"], None, 0)
    title = data.get("title")
    description = data.get("description")
    return Tree(source=source, root=root, title=title if isinstance(title, str) else None,
                description=description if isinstance(description, str) else None)


def _node_from(data: Any, parent: str | None, depth: int) -> NodeDef:
    if depth > 64:
        raise SkeletonError("the tree is nested deeper than 64 levels")
    if not isinstance(data, dict):
        raise SkeletonError(f"a node under {parent or 'the top'} must be an object")
    node_id = data.get("id")
    if not isinstance(node_id, str) or not node_id or "/" in node_id:
        raise SkeletonError(f"a node under {parent or 'the top'} has no valid id: {node_id!r}")
    path = node_id if parent is None else f"{parent}/{node_id}"
    kind = data.get("kind")
    if kind not in ("worker", "supervisor", "dynamic"):
        raise SkeletonError(f"{path}: kind must be worker, supervisor or dynamic, got {kind!r}")
    children = data.get("children") or []
    if not isinstance(children, list):
        raise SkeletonError(f"{path}: children must be a list")
    values: dict[str, Any] = {}
    for name, expected in (("restart", str), ("strategy", str), ("auto_shutdown", str), ("worker", str),
                           ("max_restarts", int), ("max_seconds", int), ("max_children", int),
                           ("significant", bool)):
        value = data.get(name)
        if isinstance(value, expected) and (expected is bool or not isinstance(value, bool)):
            values[name] = value
    shutdown = data.get("shutdown")
    if isinstance(shutdown, int | str) and not isinstance(shutdown, bool):
        values["shutdown"] = shutdown
    args = data.get("args")
    return NodeDef(id=node_id, path=path, kind=kind, args=dict(args) if isinstance(args, dict) else {},
                   children=tuple(_node_from(child, path, depth + 1) for child in children), **values)
