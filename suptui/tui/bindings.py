"""Every key of the playground, written once.

The footer, the ``?`` help screen and the command palette are all generated from these objects, so
no key is documented twice. ``description`` is the short label (footer, palette title);
``tooltip`` is the sentence the help screen and the palette show.
"""

from __future__ import annotations

from textual.binding import Binding

NODE = "The selected node"
TIME = "Time"
VIEW = "View and record"
TREE = "The tree"


def _b(key: str, action: str, description: str, tooltip: str, *, id: str, show: bool = False,
       key_display: str | None = None) -> Binding:
    return Binding(key, action, description, show=show, key_display=key_display, tooltip=tooltip,
                   id=f"suptui.{id}")


SECTIONS: list[tuple[str, list[Binding]]] = [
    (NODE, [
        _b("k", "kill", "Kill", "Untrappable kill of the selected node (exit reason `killed`), as htop's k.",
           id="kill", show=True),
        _b("x", "exit_reason", "Exit…", "Make the selected node exit with a reason you pick (normal, "
           "shutdown, crash, kill) to see restart types at work.", id="exit", show=True),
        _b("s", "cycle_strategy", "Strategy", "Cycle the strategy of the selected supervisor (or of the "
           "selected worker's supervisor).", id="strategy", show=True),
        _b("1", "set_strategy('one_for_one')", "one_for_one", "Set the supervisor's strategy to one_for_one: "
           "restart only the child that died.", id="strategy.one_for_one"),
        _b("2", "set_strategy('one_for_all')", "one_for_all", "Set the supervisor's strategy to one_for_all: "
           "restart every child when one dies.", id="strategy.one_for_all"),
        _b("3", "set_strategy('rest_for_one')", "rest_for_one", "Set the supervisor's strategy to "
           "rest_for_one: restart the child that died and those started after it.",
           id="strategy.rest_for_one"),
        _b("r", "restart_child", "Restart child", "restart_child: start a stopped child again from its spec.",
           id="restart_child"),
        _b("a", "add_child", "Add child…", "start_child: add a built-in worker to the selected supervisor.",
           id="add_child"),
        _b("d", "terminate_child", "Terminate child", "terminate_child: its supervisor stops it and leaves "
           "it stopped (r starts it again).", id="terminate_child"),
        _b("delete", "delete_child", "Delete child", "delete_child: forget a stopped child's spec.",
           id="delete_child"),
    ]),
    (TIME, [
        _b("space", "toggle_pause", "Pause", "Pause or resume virtual time.", id="pause", show=True),
        _b("full_stop", "step", "Step", "While paused: run virtual time up to the next event.", id="step",
           key_display="."),
        _b("plus", "faster", "Faster", "Double the speed (up to ×16).", id="faster", show=True,
           key_display="+"),
        _b("minus", "slower", "Slower", "Halve the speed (down to ×1/8).", id="slower", show=True,
           key_display="-"),
    ]),
    (VIEW, [
        _b("slash", "filter", "Filter", "Filter the tree and the log together by path.", id="filter",
           show=True, key_display="/"),
        _b("m", "marker", "Marker", "Put a numbered marker line in the log.", id="marker"),
        _b("e", "export", "Export", "Write the whole event stream to a JSONL file (the path is shown).",
           id="export"),
    ]),
    (TREE, [
        _b("R", "restart_tree", "Restart tree", "Start the whole tree again from its file, re-read (errors "
           "in an edited file are shown and the running tree is kept).", id="restart_tree"),
        _b("question_mark", "help", "Help", "Show every key.", id="help", show=True, key_display="?"),
        _b("q", "quit", "Quit", "Shut the tree down cleanly and leave.", id="quit", show=True),
    ]),
]

APP_BINDINGS: list[Binding] = [binding for _, section in SECTIONS for binding in section]

TREE_VIEW_BINDINGS: list[Binding] = [
    _b("up", "cursor_up", "Up", "Select the node above.", id="tree.up"),
    _b("down", "cursor_down", "Down", "Select the node below.", id="tree.down"),
    _b("left", "collapse", "Collapse", "Collapse the selected supervisor (or go to its parent).",
       id="tree.collapse"),
    _b("right", "expand", "Expand", "Expand the selected supervisor.", id="tree.expand"),
    _b("enter", "toggle_fold", "Toggle", "Expand or collapse the selected supervisor.", id="tree.toggle"),
    _b("home", "first", "First", "Select the root.", id="tree.first"),
    _b("end", "last", "Last", "Select the last node.", id="tree.last"),
    _b("pageup", "page_up", "Page up", "Move the selection a page up.", id="tree.page_up"),
    _b("pagedown", "page_down", "Page down", "Move the selection a page down.", id="tree.page_down"),
]

HELP_SECTIONS: list[tuple[str, list[Binding]]] = [*SECTIONS, ("Moving in the tree", TREE_VIEW_BINDINGS)]


def key_label(binding: Binding) -> str:
    """How a key is written in help and palette: the footer's display, or the key itself."""
    return binding.key_display or binding.key
