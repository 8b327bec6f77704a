"""``T``: the lanes full screen, each lane labelled, still live.

Not a modal screen: the app's keys keep working here (space pauses, ``<`` ``>`` zoom, ``k`` kills
the highlighted node, ``S`` exports), because the lanes are the same live view as beside the tree,
only wider. The arrows move the tree's selection, so the highlighted lane is the node those keys act on.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from .bindings import LANES_SCREEN_BINDINGS
from .header import PlaygroundHeader
from .lanes import LanesView
from .livetimeline import LiveTimeline
from .once import DismissOnce
from .treeview import SupervisionTree


class LanesScreen(DismissOnce, Screen[None]):
    """Every lane of the tree's rows, labelled, over the live window."""

    BINDINGS = LANES_SCREEN_BINDINGS

    def __init__(self, timeline: LiveTimeline, tree: SupervisionTree) -> None:
        super().__init__()
        self.timeline = timeline
        self.tree_view = tree

    def compose(self) -> ComposeResult:
        yield PlaygroundHeader()
        yield LanesView(self.timeline, self.tree_view, follow=False, labels=True, id="lanes-full")
        yield Footer(compact=True)  # the app's keys and ours: the full footer would not fit

    @property
    def view(self) -> LanesView:
        return self.query_one("#lanes-full", LanesView)

    def on_mount(self) -> None:
        self.retitle()
        self.query_one(PlaygroundHeader).redraw()

    def retitle(self) -> None:
        self.view.border_title = f"timeline · {self.timeline.span_ms // 1000} s across"

    def action_close(self) -> None:
        self.dismiss(None)

    def action_cursor_up(self) -> None:
        self.tree_view.action_cursor_up()

    def action_cursor_down(self) -> None:
        self.tree_view.action_cursor_down()

    def action_page_up(self) -> None:
        self.tree_view.action_page_up()

    def action_page_down(self) -> None:
        self.tree_view.action_page_down()

    def action_first(self) -> None:
        self.tree_view.action_first()

    def action_last(self) -> None:
        self.tree_view.action_last()
