"""Every key of the playground, written once.

The footer, the ``?`` help screen and the command palette are all generated from these objects, so
no key is documented twice. ``description`` is the short label (footer, palette title);
``tooltip`` is the sentence the help screen and the palette show.
"""

from __future__ import annotations

from textual.binding import Binding

from .predicttree import TIME_STEP_MS

NODE = "The selected node"
TIME = "Time"
TRAVEL = "Time travel (paused, or in a replay)"
VIEW = "View and record"
TIMELINE = "The timeline"
LEARN = "Predict and compare"
TREE = "The tree"


def _b(key: str, action: str, description: str, tooltip: str, *, id: str, show: bool = False,
       key_display: str | None = None) -> Binding:
    return Binding(key, action, description, show=show, key_display=key_display, tooltip=tooltip,
                   id=f"suptui.{id}")


SECTIONS: list[tuple[str, list[Binding]]] = [
    (NODE, [
        _b("k", "kill", "Kill", "Untrappable kill of the selected node (exit reason `killed`), as htop's k.",
           id="kill", show=True),
        _b("x", "exit_reason", "Exit…", "Send the selected node an exit signal, as Process.exit/2: "
           "normal is ignored unless it traps exits, kill cannot be trapped, shutdown, {shutdown, user}, "
           "crash or the lesson's exit end it, and restart types decide what its supervisor does.",
           id="exit", show=True),
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
        _b("full_stop", "step", "Step", "While paused: run virtual time up to the next event; in the past "
           "or in a replay: forward one event.", id="step", key_display="."),
        _b("plus", "faster", "Faster", "Double the speed (up to ×16).", id="faster", key_display="+"),
        _b("minus", "slower", "Slower", "Halve the speed (down to ×1/8).", id="slower", key_display="-"),
    ]),
    (TRAVEL, [
        _b("comma", "back_event", "Back", "Show the moment before the last event shown (a live run pauses "
           "first): tree, details, gauges, lanes and the log's current line as they were.", id="travel.back",
           key_display=","),
        _b("left_square_bracket", "back_second", "Back 1 s", "Show the moment one second earlier.",
           id="travel.back_second", key_display="["),
        _b("right_square_bracket", "forward_second", "Forward 1 s", "Show the moment one second later "
           "(past now: now).", id="travel.forward_second", key_display="]"),
        _b("left_curly_bracket", "crash(-1)", "Previous crash", "Show the moment right after the crash "
           "before the one shown (any node).", id="travel.previous_crash", key_display="{"),
        _b("right_curly_bracket", "crash(1)", "Next crash", "Show the moment right after the next crash.",
           id="travel.next_crash", key_display="}"),
        _b("g", "goto", "Go to…", "Show the moment at a second you type.", id="travel.goto"),
        _b("j", "last_crash", "Last crash", "Go to the selected node's last crash before the moment shown "
           "(clicking a log line or a crash on a lane goes there too).", id="travel.last_crash"),
        _b("n", "now", "Now", "Back to now (in a replay: the end of the recording).", id="travel.now"),
        _b("w", "why", "Why", "Why the selected crash turned out as it did: the strategy that decided, the "
           "siblings stopped and started again, the restart window, whether it tipped the supervisor "
           "over.", id="travel.why"),
    ]),
    (VIEW, [
        _b("slash", "filter", "Filter", "Filter the tree and the log together by path.", id="filter",
           show=True, key_display="/"),
        _b("m", "marker", "Marker", "Put a numbered marker line in the log.", id="marker"),
        _b("e", "export", "Export", "Write the run as a recording (JSONL: a header line, then every event; "
           "suptui replay opens it; the path is shown).", id="export"),
    ]),
    (TIMELINE, [
        _b("t", "toggle_lanes", "Lanes", "Show or hide the timeline lanes beside the tree, row for row: bars "
           "for lifetimes, crashes red, stops by a supervisor amber, restart stamps and budget gauges.",
           id="lanes", show=True),
        _b("T", "lanes_full", "Timeline", "The timeline lanes full screen, each lane labelled (T or Esc "
           "goes back).", id="lanes.full"),
        _b("less_than_sign", "zoom_in", "Zoom in", "Show less time across the lanes (down to 1 s).",
           id="lanes.zoom_in", key_display="<"),
        _b("greater_than_sign", "zoom_out", "Zoom out", "Show more time across the lanes (up to 60 s).",
           id="lanes.zoom_out", key_display=">"),
        _b("S", "export_svg", "Export SVG", "Write the timeline so far to an SVG file for slides (the path "
           "is shown).", id="export_svg"),
    ]),
    (LEARN, [
        _b("p", "predict", "Predict", "Predict the timeline: the tree starts again paused at t = 0, you mark "
           "crashes, restarts and give-ups per second, then it runs and your prediction is scored.",
           id="predict", show=True),
        _b("c", "compare", "Compare", "Run this tree and its script under one_for_one, one_for_all and "
           "rest_for_one, side by side on one time axis.", id="compare"),
    ]),
    (TREE, [
        _b("R", "restart_tree", "Restart tree", "Start the whole tree again from its file, re-read (errors "
           "in an edited file are shown and the running tree is kept).", id="restart_tree"),
        _b("o", "open_tree", "Open tree…", "Open another tree: the bundled trees in lesson order, each with "
           "its notes beside it (Esc goes back to this one).", id="open_tree"),
        _b("N", "notes", "Notes", "This tree's notes: the comment its file opens with (what it shows, what "
           "to try).", id="notes"),
        _b("question_mark", "help", "Help", "Show every key.", id="help", show=True, key_display="?"),
        _b("q", "quit", "Quit", "Shut the tree down cleanly and leave.", id="quit", show=True),
    ]),
]

FOOTER_ORDER = ("suptui.help", "suptui.quit", "suptui.pause", "suptui.kill", "suptui.exit",
                "suptui.lanes", "suptui.predict", "suptui.strategy", "suptui.filter")
"""The footer's keys in the order shown: a narrow screen (80 columns) drops the last ones, so help
and quit come first, then what a lesson uses most."""


def _footer_rank(binding: Binding) -> int:
    return FOOTER_ORDER.index(binding.id) if binding.id in FOOTER_ORDER else len(FOOTER_ORDER)


APP_BINDINGS: list[Binding] = sorted((binding for _, section in SECTIONS for binding in section),
                                     key=_footer_rank)
"""The app's keys, in the footer's order (the footer shows them as listed; the sort is stable, so
the keys not shown keep their sections' order)."""

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
    _b("escape", "app.clear_filter", "Clear filter", "Clear the filter: the tree and the log show "
       "everything again.", id="tree.clear_filter", key_display="esc"),
]

LANES_SCREEN_BINDINGS: list[Binding] = [
    _b("escape", "close", "Back", "Back to the tree (T does the same).", id="lanes_screen.close", show=True,
       key_display="esc"),
    _b("up", "cursor_up", "Up", "Select the lane above (the keys for the selected node act on it).",
       id="lanes_screen.up"),
    _b("down", "cursor_down", "Down", "Select the lane below.", id="lanes_screen.down"),
    _b("pageup", "page_up", "Page up", "Move the selection a page up.", id="lanes_screen.page_up"),
    _b("pagedown", "page_down", "Page down", "Move the selection a page down.", id="lanes_screen.page_down"),
    _b("home", "first", "First", "Select the root's lane.", id="lanes_screen.first"),
    _b("end", "last", "Last", "Select the last lane.", id="lanes_screen.last"),
]

PREDICT_GRID_BINDINGS: list[Binding] = [
    _b("x", "mark('crash')", "Crash", "It crashes in this second (and is restarted; r takes the restart "
       "away).", id="predict.crash", show=True),
    _b("r", "mark('restart')", "Restart", "It is restarted in this second (a sibling's crash, say), or "
       "toggle the restart of a crash.", id="predict.restart", show=True),
    _b("g", "mark('give_up')", "Give up", "This supervisor gives up in this second (its restart budget "
       "is exceeded).", id="predict.give_up", show=True),
    _b("delete,backspace", "clear", "Clear", "Clear the cell.", id="predict.clear", key_display="del"),
    _b("left_square_bracket", "seconds(-1)", "Fewer seconds", "One second fewer in the grid (at least 3).",
       id="predict.fewer", key_display="["),
    _b("right_square_bracket", "seconds(1)", "More seconds", "One second more in the grid (up to 30).",
       id="predict.more", key_display="]"),
    _b("enter", "run", "Run and score", "Lock the prediction in, run the tree to the end of the grid and "
       "score it.", id="predict.run", show=True),
    _b("escape", "cancel", "Cancel", "Leave predict mode (the tree stays paused at t = 0).",
       id="predict.cancel", show=True, key_display="esc"),
    _b("up", "move(0, -1)", "Up", "The node above.", id="predict.up"),
    _b("down", "move(0, 1)", "Down", "The node below.", id="predict.down"),
    _b("left", "move(-1, 0)", "Left", "The second before.", id="predict.left"),
    _b("right", "move(1, 0)", "Right", "The second after.", id="predict.right"),
]

PREDICT_RESULT_BINDINGS: list[Binding] = [
    _b("escape,enter", "close", "Close", "Back to the tree, paused where scoring stopped.",
       id="predict_result.close", show=True, key_display="esc/⏎"),
    _b("p", "again", "Predict again", "Start over: the tree again at t = 0 and a fresh grid.",
       id="predict_result.again", show=True),
]

COMPARE_BINDINGS: list[Binding] = [
    _b("escape,c", "close", "Close", "Back to the live tree.", id="compare.close", show=True,
       key_display="esc/c"),
    _b("less_than_sign", "zoom(-1)", "Zoom in", "Compare over less time (down to 1 s).", id="compare.zoom_in",
       key_display="<", show=True),
    _b("greater_than_sign", "zoom(1)", "Zoom out", "Compare over more time (up to 60 s); runs again if "
       "needed.", id="compare.zoom_out", key_display=">", show=True),
]

CONFIRM_BINDINGS: list[Binding] = [
    _b("escape,n", "answer(False)", "Cancel", "Do nothing (Cancel has the focus, so Enter does the same).",
       id="confirm.cancel", show=True, key_display="esc/n"),
    _b("y", "answer(True)", "Confirm", "Go ahead with the kill, exit or terminate asked about.",
       id="confirm.ok", show=True),
]

CHOICE_BINDINGS: list[Binding] = [
    _b("escape", "cancel", "Cancel", "Close the list without choosing (arrows move, Enter picks).",
       id="choice.cancel", show=True, key_display="esc"),
]

FILTER_BINDINGS: list[Binding] = [
    _b("escape", "app.clear_filter", "Clear filter", "In the filter bar: clear the filter (Enter keeps "
       "it and goes back to the tree).", id="filter.clear", show=True, key_display="esc"),
]

GOTO_BINDINGS: list[Binding] = [
    _b("escape", "cancel", "Cancel", "Stay at the moment shown.", id="goto.cancel", show=True,
       key_display="esc"),
]

WHY_BINDINGS: list[Binding] = [
    _b("escape,w,q", "close", "Close", "Back to the tree.", id="why.close", show=True, key_display="esc/w/q"),
]

HELP_SCREEN_BINDINGS: list[Binding] = [
    _b("escape,question_mark,q", "close", "Close", "Close this help.", id="help.close", show=True,
       key_display="esc/?/q"),
]

NOTES_BINDINGS: list[Binding] = [
    _b("escape,N,q", "close", "Close", "Close the notes.", id="notes.close", show=True,
       key_display="esc/N/q"),
]

PREDICT_SETUP_BINDINGS: list[Binding] = [
    Binding("s", "strategy", "Strategy", show=True, id="suptui.predict.strategy",
            tooltip="Cycle the strategy of the selected supervisor (or of the selected worker's) for the "
                    "run to predict."),
    Binding("1", "strategy('one_for_one')", "one_for_one", show=False, id="suptui.predict.one_for_one",
            tooltip="Predict the run with this supervisor on one_for_one."),
    Binding("2", "strategy('one_for_all')", "one_for_all", show=False, id="suptui.predict.one_for_all",
            tooltip="Predict the run with this supervisor on one_for_all."),
    Binding("3", "strategy('rest_for_one')", "rest_for_one", show=False, id="suptui.predict.rest_for_one",
            tooltip="Predict the run with this supervisor on rest_for_one."),
    Binding("K,shift+up", "reorder(-1)", "Move up", show=True, key_display="K",
            id="suptui.predict.move_up", tooltip="Start the selected child one place earlier."),
    Binding("J,shift+down", "reorder(1)", "Move down", key_display="J", show=False,
            id="suptui.predict.move_down",
            tooltip="Start the selected child one place later."),
    Binding("plus,equals_sign", f"time({TIME_STEP_MS})", "Later", show=True, key_display="+",
            id="suptui.predict.later", tooltip="The selected bomb explodes a second later after each start."),
    Binding("minus,underscore", f"time(-{TIME_STEP_MS})", "Sooner", key_display="-", show=False,
            id="suptui.predict.sooner",
            tooltip="The selected bomb explodes a second sooner after each start."),
]
"""The exercise's set-up keys: the grid's own (the tree's ``s`` acts on the live tree, this one on the
tree to predict)."""


HELP_SECTIONS: list[tuple[str, list[Binding]]] = [
    *SECTIONS,
    ("Moving in the tree", TREE_VIEW_BINDINGS),
    ("Timeline full screen (T)", LANES_SCREEN_BINDINGS),
    ("Predict grid (p)", [*PREDICT_GRID_BINDINGS, *PREDICT_SETUP_BINDINGS]),
    ("Prediction result", PREDICT_RESULT_BINDINGS),
    ("Compare (c)", COMPARE_BINDINGS),
    ("Why (w)", WHY_BINDINGS),
    ("Dialogs, the filter bar and this help", [*CONFIRM_BINDINGS, *CHOICE_BINDINGS, *GOTO_BINDINGS,
                                               *FILTER_BINDINGS, *HELP_SCREEN_BINDINGS, *NOTES_BINDINGS]),
]


def key_label(binding: Binding) -> str:
    """How a key is written in help and palette: the footer's display, or the key itself."""
    return binding.key_display or binding.key


def keys_markdown() -> str:
    """The README's key tables, generated from these bindings (a test keeps the README in step)."""
    lines: list[str] = []
    for title, bindings in HELP_SECTIONS:
        lines += [f"**{title}**", "", "| Key | Action | What it does |", "| --- | --- | --- |"]
        for binding in bindings:
            label = key_label(binding)
            keys = " ".join(f"`{key}`" for key in (label.split("/") if len(label) > 1 else [label]))
            lines.append(f"| {keys} | {binding.description} | {binding.tooltip} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
