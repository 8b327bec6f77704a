"""The details pane: the selected node's spec, state, last exit, restart window, and what each key
would do to it, worded so a learner can predict the next log lines before pressing anything.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..engine.specs import DEFAULT_WORKER_SHUTDOWN, STRATEGIES
from ..safetext import visible
from ..story import glyphs
from ..story.counts import GROUP_ONCE, frees_rule
from ..timeline.gauge import gauge_at
from ..workers import BUILTIN_WORKERS
from .fieldgrid import FieldGrid
from .model import NodeView, TreeModel
from .narrate import format_t

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
    phase_s: float = 0.0
    """The runtime's ``intensity_phase``: where whole seconds fall for the stamps (0 on a virtual clock)."""
    traps_exits: bool | None = None
    """The worker traps exits, if the app knows; else it is read from a built-in worker's class."""
    off: frozenset[str] = frozenset()
    """The actions of :data:`OFFERED_IN_DETAILS` that do not work now, as the rules say (an attached
    program has no ``R``, a read-only one no node keys): the pane does not offer them."""


OFFERED_IN_DETAILS = ("kill", "exit_reason", "terminate_child", "restart_child", "delete_child",
                      "restart_tree", "cycle_strategy", "add_child")
"""The actions the details' ``keys`` rows offer (see :func:`key_effects`)."""


def next_strategy(strategy: str | None) -> str:
    index = STRATEGIES.index(strategy) if strategy in STRATEGIES else -1
    return STRATEGIES[(index + 1) % len(STRATEGIES)]


def _field(fields: FieldGrid, label: str, value: str, style: str = "") -> None:
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
    title.append(f"  {state_label(node)}", STATUS_COLOURS.get(node.status, ""))
    if node.pid:
        title.append(f"  {node.pid}", "dim")
    fields = FieldGrid(min_label=9, label_style="bold")
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


def state_label(node: NodeView) -> str:
    """``↯ killed``, ``■ shut down``, ``‼ gave up``: the glyph and word the tree row and the log use
    (a killed node is not "crashed", a supervisor that gave up is not just "stopped")."""
    return " ".join(glyphs.of_node(node))


def _worker_fields(fields: FieldGrid, node: NodeView, facts: NodeFacts) -> None:
    worker = node.worker or "?"
    if node.actor and node.actor != worker:
        worker = f"{worker} ({node.actor})"
    _field(fields, "worker", worker)
    if node.summary:
        _field(fields, "", node.summary, "italic")
    if node.args:
        _field(fields, "args", ", ".join(f"{k}={_safe_repr(v)}" for k, v in node.args.items()))
    _field(fields, "restart", f"{node.restart or '?'}   shutdown {_shutdown(node)}")
    _field(fields, "restarted", _restarted(node))


def _supervisor_fields(fields: FieldGrid, node: NodeView, facts: NodeFacts, model: TreeModel) -> None:
    kind = "dynamic supervisor" if node.kind == "dynamic" else "supervisor"
    _field(fields, "kind", kind)
    _field(fields, "strategy", node.strategy or "?")  # (its own row: beside the kind, a narrow pane cut it)
    if facts.budget is not None:
        _budget_fields(fields, node, facts)
    if node.parent is not None:
        _field(fields, "restart", f"{node.restart or '?'}   shutdown {_shutdown(node)}")
        _field(fields, "restarted", _restarted(node))
    _field(fields, "children", f"{len(node.children)} ({running_children(node, model)} running)")


def running_children(node: NodeView, model: TreeModel) -> int:
    """How many of ``node``'s children run: one pass in C-speed builtins (a supervisor of 100,000
    workers is counted in a few milliseconds; the pane asks only when it redraws)."""
    nodes = model.nodes
    found = map(nodes.get, node.children)
    return [child.status if child is not None else None for child in found].count("running")


def _restarted(node: NodeView) -> str:
    """This node's own restarts (new pids), which are not its supervisor's budget: under one_for_all
    every child is restarted for one decision, and the window counts that decision once."""
    if not node.restarts:
        return "×0"
    return f"×{node.restarts} (this child's own new starts; last at {format_t(node.restart_times[-1])} s)" \
        if node.restart_times else f"×{node.restarts}"


def budget_lines(node: NodeView, facts: NodeFacts) -> list[str]:
    """The budget as the supervisor's window counts it, with what "next frees in" means.

    ``3/5 restarts in 5 s · next frees in 6.0 s``, then why the count is what it is (one per restart
    decision; a group restart counts once), then OTP's whole-second rule wherever a "frees in" is
    shown, since a 5 s window freeing in 6.0 s looks wrong until it is explained (semantics §R3.9).
    """
    assert facts.budget is not None
    used, most, period = facts.budget
    head = f"{used}/{most} restarts in {period} s"
    frees = frees_in_text(node, facts.budget, facts.now_ms, facts.phase_s)
    if node.gave_up is not None and not node.running:
        head += f" · gave up: restart {used} was one more than max_restarts {most}"
    elif frees is not None:
        head += f" · next frees in {frees} s"
    lines = [head, f"counted as {glyphs.STAMP.char} stamps: one per restart decision; {GROUP_ONCE}"]
    if node.stamps:
        lines.append("stamps " + ", ".join(f"{s} s" for s in node.stamps) + " (newest first)")
    if frees is not None:
        lines.append(frees_rule(period))
    return lines


def frees_in_text(node: NodeView, budget: tuple[int, int, int] | None, now_ms: float,
                  phase_s: float = 0.0) -> str | None:
    """``2.6`` in "next frees in 2.6 s": the only words of the pane that change with time alone.

    The app keys its redraws on this text (not on the clock), so the pane is re-rendered when a tenth
    of a second of it changes, not at every tick: a re-render of the pane is not free.
    """
    if budget is None or not node.running or not node.stamps:
        return None
    _, most, period = budget
    gauge = gauge_at(node.stamps, int(now_ms), most, period, phase_s=phase_s)
    return None if gauge.frees_in_ms is None else f"{gauge.frees_in_ms / 1000:.1f}"


def _budget_fields(fields: FieldGrid, node: NodeView, facts: NodeFacts) -> None:
    assert facts.budget is not None
    used, most, _ = facts.budget
    head, *rest = budget_lines(node, facts)
    _field(fields, "budget", head, "bold red" if used >= most else "")
    for line in rest:
        fields.add_row("", Text(visible(line), "dim"))


def _last_exit(fields: FieldGrid, node: NodeView) -> None:
    if node.last_end is None or node.last_end_t is None:
        return
    _field(fields, "last exit", f"{glyphs.ended_word(node.last_end)} at {format_t(node.last_end_t)} s: "
           f"{node.last_reason}",
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
    """(key, what it would do now) for the keys that apply to this node and work now (not
    ``facts.off``)."""
    node = facts.node
    parent = model.nodes.get(node.parent or "")
    effects: list[tuple[str, str]] = []

    def offer(action: str) -> bool:
        return action not in facts.off

    if node.running:
        if offer("kill"):
            effects.append(("k", _kill_effect(node, parent, facts, model)))
        if offer("exit_reason"):
            effects.extend(exit_effects(facts, model))
        if parent is not None and offer("terminate_child"):
            effects.append(("d", f"terminate_child: {model.display(parent.path)} stops it; it stays stopped"))
    elif parent is not None and node.status in ("stopped", "crashed") and parent.running:
        if offer("restart_child"):
            effects.append(("r", f"restart_child: {model.display(parent.path)} starts it again from its "
                                 "spec"))
        if offer("delete_child"):
            effects.append(("del", "delete_child: forget its spec"))
    if node.parent is None and node.status not in ("running", "pending") and offer("restart_tree"):
        effects.append(("R", "start the whole tree again from its file"))
    sup = node if node.is_supervisor else parent
    if sup is not None and sup.running:
        if sup.kind != "dynamic" and offer("cycle_strategy"):
            effects.append(("s", f"{model.display(sup.path)} strategy {sup.strategy} → "
                                 f"{next_strategy(sup.strategy)}   (1 2 3 pick one)"))
        if offer("add_child"):
            effects.append(("a", f"start_child: add a worker to {model.display(sup.path)}"))
    return effects


def _kill_effect(node: NodeView, parent: NodeView | None, facts: NodeFacts, model: TreeModel) -> str:
    name = model.display(node.path)
    if parent is None:
        again = "; R starts it again" if "restart_tree" not in facts.off else ""
        return f"kill {name}: the whole tree goes down (asks first{again})"
    cascade = " and its subtree" if node.is_supervisor else ""
    return f"kill {name}{cascade}: {_answer(node, parent, facts, model, abnormal=True)}"


def _answer(node: NodeView, parent: NodeView, facts: NodeFacts, model: TreeModel, *, abnormal: bool) -> str:
    """What ``parent`` does when ``node`` ends, by its restart type (docs/semantics.md §R5): restart
    it (and whom its strategy takes along, and where that leaves the budget), give up, or leave it."""
    sup = model.display(parent.path)
    if node.restart == "temporary":
        return f"temporary, so {sup} does not restart it and forgets it"
    if node.restart == "transient" and not abnormal:
        return f"transient and the reason is orderly, so {sup} leaves it stopped"
    if facts.parent_budget is not None:
        used, most, period = facts.parent_budget
        if used + 1 > most:
            return f"{sup} has used {used}/{most} restarts in {period} s, so it gives up"
        budget = f"; budget {used}/{most} → {used + 1}/{most}"
    else:
        budget = ""
    touched = [model.nodes[p].id for p in model.siblings_touched(node.path) if p in model.nodes]
    what = ", ".join(touched) if touched else node.id
    return f"{sup} restarts {what} ({parent.strategy}){budget}"


def traps_exits(node: NodeView, facts: NodeFacts) -> bool | None:
    """Whether ``node`` traps exits: every supervisor does; a worker as the app says, else as its
    built-in class declares; None when nobody knows (a user's worker class the app did not report)."""
    if node.is_supervisor:
        return True
    if facts.traps_exits is not None:
        return facts.traps_exits
    actor = BUILTIN_WORKERS.get(node.worker or "")
    if actor is None:
        return None
    try:
        value = inspect.getattr_static(actor, "trap_exit", False)
    except Exception:
        return None
    return value if isinstance(value, bool) else None


def exit_effects(facts: NodeFacts, model: TreeModel) -> list[tuple[str, str]]:
    """What ``x`` (an exit signal, as ``Process.exit(pid, reason)``) would do, one row per reason.

    OTP's rules (docs/semantics.md): ``kill`` cannot be trapped and ends the process with reason
    ``killed``; a process that traps exits (every supervisor) gets any other reason as a message (a
    supervisor ignores one that is not from its parent); a process that does not trap exits ignores
    ``normal`` and ends with any other reason, which its supervisor answers by restart type.
    """
    node = facts.node
    name = model.display(node.path)
    parent = model.nodes.get(node.parent or "")
    rows = [("x", f"exit signal to {name}, as Process.exit/2; by the reason you pick:")]
    traps = traps_exits(node, facts)

    def then(abnormal: bool, down: str = "the tree is down") -> str:
        return down if parent is None else _answer(node, parent, facts, model, abnormal=abnormal)

    if node.is_supervisor:
        rows.append(("", f"any reason but kill: a supervisor traps exits, so it reaches {name} as a "
                         "message, which it ignores (only its parent's signal stops it)"))
    elif traps:
        rows.append(("", f"any reason but kill: {name} traps exits, so it arrives as a message; "
                         "it keeps running unless its code stops"))
    else:
        if traps is False:
            rows.append(("", f"normal: ignored, {name} does not trap exits; nothing happens"))
        else:  # a user's class the app did not report on: say the rule both ways
            rows.append(("", f"normal: ignored unless {name} traps exits; if it does, every reason but "
                             "kill arrives as a message instead, and it keeps running"))
        rows.append(("", f"shutdown, {{shutdown, term}}: it ends with that orderly reason; {then(False)}"))
        rows.append(("", f"crash or any other reason: it ends abnormally; {then(True)}"))
    killed = then(True, "the whole tree goes down")
    rows.append(("", f"kill: untrappable, it ends with reason killed; {killed}"))
    return rows


class Rendered:
    """``content`` with its lines already rendered at ``width``: drawn at that width it only hands
    back their segments; at any other width (a test printing the pane, a resize) it is ``content``."""

    def __init__(self, content: Group, lines: list[list[Segment]], width: int) -> None:
        self.content = content
        self.lines = lines
        self.width = width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if options.max_width != self.width:
            yield self.content
            return
        new_line = Segment.line()
        for line in self.lines:
            yield from line
            yield new_line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.width, self.width)


class DetailsPane(VerticalScroll):
    """Scrolls when the text is taller than the pane (small terminals).

    A new text whose height is the old one's only repaints the pane: Textual's ``Static.update``
    lays out the whole screen by default, which cost about 25 ms a key on a big tree and kept an
    idle app busy (the pane redraws as the selection or what it shows changes).
    """

    DEFAULT_CSS = """
    DetailsPane > #details-text {
        min-height: 100%;
    }
    """
    """The text is at least as tall as the pane: a shorter text (a worker's state line comes and
    goes with its answer) keeps the same size, so it is only repainted."""

    layouts = 0
    """How many updates needed a layout (the text's height changed); for tests."""

    def compose(self) -> ComposeResult:
        yield Static(id="details-text", markup=False)

    def show(self, content: Group | Text | str) -> None:
        text = self.query_one("#details-text", Static)
        size = text.content_size
        height = -1
        if size.width and isinstance(content, Group):
            # Rendered once here, at the text's width: Textual would render the table once to
            # measure its height and again to paint it (a fifth of a key's cost on a big tree)
            app = self.app
            options = app.console_options.update_width(size.width).update(highlight=False)
            lines = app.console.render_lines(content, options, pad=False)
            content, height = Rendered(content, lines, size.width), len(lines)  # type: ignore[assignment]
        text.update(content, layout=False)
        if height < 0 and size.width:
            height = text.get_content_height(size, size, size.width)
        pane = self.scrollable_content_region.height
        same = height == size.height or (0 <= height <= pane and size.height == pane)
        if not same:
            self.layouts += 1
            text.refresh(layout=True)
