"""The details pane: the selected node's spec, state, last exit, restart window, and what each key
would do to it, worded so a learner can predict the next log lines before pressing anything.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..engine.specs import DEFAULT_WORKER_SHUTDOWN, STRATEGIES
from ..safetext import visible
from .model import NodeView, TreeModel
from .narrate import format_t
from .treeview import STATUS_GLYPHS

TRACEBACK_LINES = 4
STATUS_COLOURS = {
    "pending": "dim", "running": "bold green", "crashed": "bold red", "restarting": "bold yellow",
    "stopped": "dim", "zombie": "bold magenta", "removed": "dim",
}


@dataclass(frozen=True)
class NodeFacts:
    """What the pane shows about one node, gathered by the app (model + a little live state)."""

    node: NodeView
    budget: tuple[int, int, int] | None
    parent_budget: tuple[int, int, int] | None
    state: str | None
    now_ms: float
    acting: bool = True
    """The keys can act on this tree now (not in a replay, nor in the past): show what they would do."""


def next_strategy(strategy: str | None) -> str:
    index = STRATEGIES.index(strategy) if strategy in STRATEGIES else -1
    return STRATEGIES[(index + 1) % len(STRATEGIES)]


def _field(fields: Table, label: str, value: str, style: str = "") -> None:
    """One row. The value is a ``Text`` (a ``str`` cell would be parsed as Rich markup) of visible
    text: reasons, state descriptions, worker names and summaries come from user code."""
    fields.add_row(label, Text(visible(value), style))


def _safe_repr(value: object) -> str:
    """``repr`` of a user's argument; a broken ``__repr__`` must not break the pane."""
    try:
        return repr(value)
    except Exception:
        return f"<{type(value).__name__}>"


def _shutdown(node: NodeView) -> str:
    value = node.shutdown
    if value is None:
        value = "infinity" if node.is_supervisor else DEFAULT_WORKER_SHUTDOWN
    return f"{value} ms" if isinstance(value, int) else str(value)


def describe(facts: NodeFacts, model: TreeModel) -> Group:
    """The whole pane: a title line, then the facts and the keys in one grid (hanging indents)."""
    node = facts.node
    title = Text(model.display(node.path), "bold")
    title.append(f"  {STATUS_GLYPHS[node.status]} {node.status}", STATUS_COLOURS[node.status])
    if node.pid:
        title.append(f"  {node.pid}", "dim")
    fields = Table.grid(padding=(0, 1))
    fields.add_column(style="bold", no_wrap=True, min_width=9)
    fields.add_column()
    if node.is_supervisor:
        _supervisor_fields(fields, node, facts, model)
    else:
        _worker_fields(fields, node, facts)
    if facts.state and not node.is_supervisor:
        _field(fields, "state", facts.state)
    _last_exit(fields, node)
    effects = key_effects(facts, model) if facts.acting else []
    if not effects:
        return Group(title, fields)
    fields.add_row("keys", "")
    for key, sentence in effects:
        fields.add_row(Text(f"{key:>4}", "bold"), Text(visible(sentence)))
    return Group(title, fields)


def _worker_fields(fields: Table, node: NodeView, facts: NodeFacts) -> None:
    worker = node.worker or "?"
    if node.actor and node.actor != worker:
        worker = f"{worker} ({node.actor})"
    _field(fields, "worker", worker)
    if node.summary:
        _field(fields, "", node.summary, "italic")
    if node.args:
        _field(fields, "args", ", ".join(f"{k}={_safe_repr(v)}" for k, v in node.args.items()))
    _field(fields, "restart", f"{node.restart or '?'}   shutdown {_shutdown(node)}")
    window = ""
    if facts.parent_budget is not None and node.restart_times:
        period_ms = facts.parent_budget[2] * 1000
        recent = [t for t in node.restart_times if t >= facts.now_ms - period_ms]
        if recent:
            times = ", ".join(f"{format_t(t)} s" for t in recent)
            window = f"   in the last {facts.parent_budget[2]} s at {times}"
    _field(fields, "restarts", f"×{node.restarts}{window}")


def _supervisor_fields(fields: Table, node: NodeView, facts: NodeFacts, model: TreeModel) -> None:
    kind = "dynamic supervisor" if node.kind == "dynamic" else "supervisor"
    _field(fields, "kind", f"{kind}   strategy {node.strategy}")
    if facts.budget is not None:
        used, most, period = facts.budget
        style = "bold red" if used >= most else ""
        _field(fields, "budget", f"{used}/{most} restarts in {period} s", style)
    if node.stamps:
        _field(fields, "stamps", ", ".join(f"{s} s" for s in node.stamps) + "  (newest first)")
    if node.parent is not None:
        _field(fields, "restart",
               f"{node.restart or '?'}   shutdown {_shutdown(node)}   restarted ×{node.restarts}")
    running = sum(1 for c in node.children if c in model.nodes and model.nodes[c].running)
    _field(fields, "children", f"{len(node.children)} ({running} running)")


def _last_exit(fields: Table, node: NodeView) -> None:
    if node.last_end is None or node.last_end_t is None:
        return
    _field(fields, "last exit", f"{node.last_end} at {format_t(node.last_end_t)} s: {node.last_reason}",
           "red" if node.last_end in ("crashed", "killed") else "")
    for line in traceback_tail(node.last_traceback or ""):
        if line == node.last_reason:
            continue  # already on the "last exit" row
        fields.add_row("", Text(visible(line), "dim"))


def traceback_tail(traceback: str) -> list[str]:
    """A crash's traceback as its last meaningful line(s): the exception, without the caret lines
    (``^^^^``) and frame headers (``File "…", line …``) around it; the full text stays in the JSONL."""
    # split on newlines only: splitlines() would also cut at a \r or \x1c the worker put in its message
    lines = [line.strip() for line in traceback.rstrip().split("\n")]
    meaningful = [line for line in lines if line and not _scrap(line)]
    start = len(meaningful)  # the exception: from the last line that does not follow a frame's code
    while (start > 0 and start > len(meaningful) - TRACEBACK_LINES
           and not _frame_code(lines, meaningful[start - 1])):
        start -= 1
    return meaningful[start:]


def _scrap(line: str) -> bool:
    return (set(line) <= set("^~ ") or line.startswith(("File \"", "Traceback (most recent call last)"))
            or line in ("During handling of the above exception, another exception occurred:",
                        "The above exception was the direct cause of the following exception:"))


def _frame_code(lines: list[str], line: str) -> bool:
    """``line`` is source code quoted under a frame header (the line before it is ``File "…"``)."""
    return any(i > 0 and lines[i - 1].startswith("File \"") for i, text in enumerate(lines) if text == line)


def key_effects(facts: NodeFacts, model: TreeModel) -> list[tuple[str, str]]:
    """(key, what it would do now) for the keys that apply to this node."""
    node = facts.node
    parent = model.nodes.get(node.parent or "")
    effects: list[tuple[str, str]] = []
    if node.running:
        effects.append(("k", _kill_effect(node, parent, facts, model)))
        effects.append(("x", _exit_effect(node)))
        if parent is not None:
            effects.append(("d", f"terminate_child: {model.display(parent.path)} stops it; it stays stopped"))
    elif parent is not None and node.status in ("stopped", "crashed") and parent.running:
        effects.append(("r", f"restart_child: {model.display(parent.path)} starts it again from its spec"))
        effects.append(("del", "delete_child: forget its spec"))
    if node.parent is None and node.status not in ("running", "pending"):
        effects.append(("R", "start the whole tree again from its file"))
    sup = node if node.is_supervisor else parent
    if sup is not None and sup.running:
        if sup.kind == "dynamic":
            effects.append(("a", f"start_child: add a worker to {model.display(sup.path)}"))
        else:
            effects.append(("s", f"{model.display(sup.path)} strategy {sup.strategy} → "
                                 f"{next_strategy(sup.strategy)}   (1 2 3 pick one)"))
            effects.append(("a", f"start_child: add a worker to {model.display(sup.path)}"))
    return effects


def _kill_effect(node: NodeView, parent: NodeView | None, facts: NodeFacts, model: TreeModel) -> str:
    name = model.display(node.path)
    if parent is None:
        return f"kill {name}: the whole tree goes down (asks first; R starts it again)"
    if node.restart == "temporary":
        return f"kill {name}: temporary, so {model.display(parent.path)} forgets it"
    if facts.parent_budget is not None:
        used, most, period = facts.parent_budget
        if used + 1 > most:
            return (f"kill {name}: {model.display(parent.path)} has used {used}/{most} restarts in "
                    f"{period} s, so it gives up")
        budget = f"; budget {used}/{most} → {used + 1}/{most}"
    else:
        budget = ""
    touched = [model.nodes[p].id for p in model.siblings_touched(node.path) if p in model.nodes]
    what = ", ".join(touched) if touched else node.id
    cascade = " and its subtree" if node.is_supervisor else ""
    return f"kill {name}{cascade}: {model.display(parent.path)} restarts {what} ({parent.strategy}){budget}"


def _exit_effect(node: NodeView) -> str:
    if node.parent is None:
        return "exit with a reason: the root ends and the tree is down"
    return {
        "permanent": "exit with a reason: permanent, restarted whatever the reason",
        "transient": "exit with a reason: transient, restarted unless normal/shutdown",
        "temporary": "exit with a reason: temporary, never restarted",
    }.get(node.restart or "", "exit with a reason")


class DetailsPane(VerticalScroll):
    """Scrolls when the text is taller than the pane (small terminals)."""

    def compose(self) -> ComposeResult:
        yield Static(id="details-text", markup=False)

    def show(self, content: Group | Text | str) -> None:
        self.query_one("#details-text", Static).update(content)
