"""Checking a tree file's ``[[script]]``: timed actions on paths that must exist when they run.

Steps are checked in the order they will run (by ``at``, then file order), so a step may name a
child that an earlier ``start_child`` step adds. Each action says what its target must be: any
node for ``kill``/``exit``, a supervisor for ``set_strategy``/``start_child``, a child (something
with a parent to ask) for ``terminate_child``/``restart_child``/``delete_child``.
"""

from __future__ import annotations

from .. import paths
from ..engine.reasons import Reason
from ..engine.specs import STRATEGIES
from ..workers.reasons import REASON_FORMS, reason_problem, to_reason
from .fields import Table, did_you_mean, one_of
from .model import ACTIONS, NodeDef, ScriptStep
from .nodes import NodeBuilder, Parent

STEP_KEYS = ("at", "action", "target", "reason", "strategy", "child")
ACTION_KEYS = {"exit": "reason", "set_strategy": "strategy", "start_child": "child"}
SUPERVISOR_ACTIONS = ("set_strategy", "start_child")
CHILD_ACTIONS = ("terminate_child", "restart_child", "delete_child")


def build_script(top: Table, root: NodeDef, builder: NodeBuilder) -> tuple[ScriptStep, ...]:
    """The script's steps in run order; problems go to the builder's problem list."""
    entries = []
    for index, table in enumerate(top.tables("script")):
        table.check_keys(STEP_KEYS)
        if "at" not in table:
            table.problem("", "this script step has no at = ... (ms since the tree started)")
        at = table.integer("at", None, minimum=0, unit="ms since the tree started")
        entries.append((at if at is not None else 0, index, table))
    known = {node.path: node for node in root.walk()}
    steps = []
    for at, _, table in sorted(entries, key=lambda entry: entry[:2]):
        step = _step(table, at, root, known, builder)
        if step is not None:
            steps.append(step)
    return tuple(steps)


def _step(table: Table, at: int, root: NodeDef, known: dict[str, NodeDef],
          builder: NodeBuilder) -> ScriptStep | None:
    action = _required_string(table, "action", f"one of {one_of(ACTIONS)}", ACTIONS)
    target = _required_string(table, "target", 'a node path such as "root/bomb1"')
    for key, owner in ACTION_KEYS.items():
        if owner in table and action != key:
            table.problem(owner, f'{owner} applies only to action = "{key}"')
    if action is None or target is None:
        return None
    node = _target(table, action, target, root, known)
    strategy = reason = child = None
    if action == "exit":
        reason = _reason(table)
    elif action == "set_strategy":
        strategy = _required_string(table, "strategy", f"one of {one_of(STRATEGIES)}", STRATEGIES)
        if node is not None and node.kind == "dynamic" and strategy not in (None, "one_for_one"):
            table.problem("strategy", 'a dynamic supervisor only supports strategy = "one_for_one"')
    elif action == "start_child":
        child = _child(table, target, node, builder)
        if child is not None:
            known.update((n.path, n) for n in child.walk())
    line = builder.problems.line_of(table.key)
    return ScriptStep(at, action, target, reason, strategy, child, line)


def _reason(table: Table) -> Reason:
    """The exit action's reason: a string, or ``["shutdown", "<term>"]`` for ``{shutdown, term}``."""
    if "reason" not in table:
        return "normal"
    value = table.data["reason"]
    problem = reason_problem(value)
    if problem is not None:
        table.problem("reason", f"exit reason: {problem} (a reason is {REASON_FORMS})")
        return "normal"
    return to_reason(value)


def _required_string(table: Table, key: str, expected: str,
                     choices: tuple[str, ...] = ()) -> str | None:
    if key not in table:
        table.problem("", f"this script step has no {key} = ... (expected {expected})")
        return None
    value = table.string(key, None, choices=choices)
    if value is not None and not value:
        table.problem(key, f"{key} must not be empty")
        return None
    return value


def _target(table: Table, action: str, target: str, root: NodeDef,
            known: dict[str, NodeDef]) -> NodeDef | None:
    """The node a step acts on, after checking it exists and suits the action."""
    node = known.get(target)
    if node is None:
        prefixed = f"{root.path}/{target}"
        hint = (f' (did you mean "{prefixed}"? paths start at the root\'s id)' if prefixed in known
                else did_you_mean(target, known))
        table.problem("target", f'target "{target}" names no node in this file{hint}')
        return None
    if action in SUPERVISOR_ACTIONS and not node.is_supervisor:
        table.problem("target", f'{action} needs a supervisor as target, and "{target}" is a worker')
    if action in CHILD_ACTIONS:
        if node is root:
            table.problem("target", f'{action} asks the parent supervisor, and "{target}" is the root: '
                                    "it has none (use exit or kill)")
            return node
        above = paths.parent(target)
        parent = known.get(above) if above is not None else None
        if parent is not None and parent.kind == "dynamic" and action != "terminate_child":
            table.problem("action", f'{action} is not available under the dynamic supervisor '
                                    f'"{parent.path}": a DynamicSupervisor only has terminate_child')
    return node


def _child(table: Table, target: str, node: NodeDef | None, builder: NodeBuilder) -> NodeDef | None:
    if "child" not in table:
        table.problem("", 'start_child needs child = { id = "...", worker = "..." }')
        return None
    child_table = table.table("child")
    if child_table is None:
        return None
    parent = Parent(target, node.kind if node is not None else "supervisor",
                    node.auto_shutdown if node is not None else "never")
    built = builder.child(child_table, parent, in_script=True)
    return built[0] if built else None
