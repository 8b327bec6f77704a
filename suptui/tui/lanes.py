"""Timeline lanes beside the tree (``t``) or full screen (``T``): one lane per tree row, one time axis.

The widget asks the timeline core for exactly the rows on screen, at exactly its width in cells
(``rows(model, t0, t1, width, paths=visible)``), once per frame, and paints what comes back. So a
frame costs the visible cells plus a bisect per visible lane, whatever the size of the tree or the
length of the run; nothing is drawn for lanes scrolled out of view.

Beside the tree the widget has no scroll of its own: it draws the tree's visible rows, in the tree's
order, at the tree's scroll offset (the tree gets one line of top padding to match the axis line), so
row ``n`` of the lanes is always row ``n`` of the tree. Full screen, it scrolls itself, labels each
lane, and keeps the tree's selection in view.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip

from ..safetext import visible
from ..timeline import rows
from ..timeline.geometry import Row as LaneRow
from .lanepaint import GAUGE_COMPACT, GAUGE_FULL, LaneCanvas
from .livetimeline import LiveTimeline
from .treeview import SupervisionTree

MIN_CELLS_FOR_FULL_GAUGE = 30
MIN_CELLS_FOR_GAUGE = 16
"""Narrower than this, the cells matter more (the tree's budget column still counts restarts)."""
MAX_LABEL_WIDTH = 32


@dataclass(frozen=True, slots=True)
class Layout:
    """How one line is split: lane labels (full screen only), time cells, the gauge column."""

    label: int
    cells: int
    gauge: int


@dataclass(frozen=True, slots=True)
class _FrameKey:
    """Everything a frame depends on; while it is unchanged the cached rows are still right."""

    model: int
    version: int
    now: int
    window: tuple[int, int]
    layout: Layout
    top: int
    height: int
    tree_version: int


def layout_for(width: int, label: int) -> Layout:
    """Split ``width``: the label column, then the cells, then a gauge column as wide as fits (none
    on a narrow pane)."""
    label = min(label, width // 3)
    rest = width - label
    gauge = GAUGE_FULL if rest - GAUGE_FULL >= MIN_CELLS_FOR_FULL_GAUGE else GAUGE_COMPACT
    if rest - gauge < MIN_CELLS_FOR_GAUGE:
        gauge = 0
    return Layout(label, max(0, rest - gauge), gauge)


class LanesView(LaneCanvas, can_focus=False):
    """The lanes of the tree's rows over the live timeline's window."""

    class Picked(Message):
        """A crash (or exit) was clicked on a lane: time travel goes there."""

        def __init__(self, path: str, t: int) -> None:
            super().__init__()
            self.path = path
            self.t = t

    def __init__(self, timeline: LiveTimeline, tree: SupervisionTree, *, follow: bool, labels: bool = False,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.timeline = timeline
        self.tree_view = tree
        self.follow = follow
        """Beside the tree: its rows at its scroll offset. Otherwise a scroll of our own."""
        self.labels = labels
        self._key: _FrameKey | None = None
        self._rows: dict[str, LaneRow] = {}
        self.frames = 0
        """How many frames were computed (tests and the frame-time probe read it)."""
        self._labels_for: tuple[int, int] = (-1, 0)
        """(tree version, label width)."""
        self._pass: tuple[_FrameKey, dict[str, LaneRow]] | None = None
        """The frame being painted, while Textual asks for its lines."""

    def on_mount(self) -> None:
        self.tree_view.followers.append(self._tree_changed)

    def on_unmount(self) -> None:
        if self._tree_changed in self.tree_view.followers:
            self.tree_view.followers.remove(self._tree_changed)

    # ------------------------------------------------------------------ what is on screen

    def _viewport(self) -> tuple[int, int]:
        """(first tree row shown, how many rows fit under the axis)."""
        if self.follow:
            return round(self.tree_view.scroll_offset.y), self.tree_view.scrollable_content_region.height
        return round(self.scroll_offset.y), max(0, self.scrollable_content_region.height - 1)

    def _layout(self) -> Layout:
        return layout_for(self.scrollable_content_region.width, self._label_width())

    def _label_width(self) -> int:
        """The widest label of all rows, measured once per change of the rows (not per line)."""
        if not self.labels or not self.tree_view.rows:
            return 0
        version = self.tree_view.version
        if self._labels_for[0] != version:
            widest = max(len(row.guide) + len(self._lane_name(row.path)) for row in self.tree_view.rows)
            self._labels_for = (version, min(MAX_LABEL_WIDTH, 1 + widest))
        return self._labels_for[1]

    def _lane_name(self, path: str) -> str:
        node = self.tree_view.model.nodes.get(path)
        return node.id if node is not None else visible(path.rsplit("/", 1)[-1])  # node.id is visible

    def frame_key(self) -> _FrameKey:
        top, height = self._viewport()
        return _FrameKey(id(self.timeline.model), self.timeline.version, self.timeline.now_ms(),
                         self.timeline.window(), self._layout(), top, height, self.tree_view.version)

    def tick(self) -> None:
        """Called by the app after each drain: redraw if time moved, events came or the zoom changed."""
        if not self.follow:
            self._sync_size()
        if self.frame_key() != self._key:
            self.refresh()

    def _frame(self) -> tuple[_FrameKey, dict[str, LaneRow]]:
        key = self.frame_key()
        if key != self._key:
            t0, t1 = key.window
            paths = [row.path for row in self.tree_view.rows[key.top:key.top + key.height]]
            drawn = rows(self.timeline.model, t0, t1, key.layout.cells, paths=paths, now=key.now,
                         gauge_at=key.now) if key.layout.cells > 0 else []
            self._rows = {row.path: row for row in drawn}
            self._key = key
            self.frames += 1
        assert self._key is not None
        return self._key, self._rows

    # ------------------------------------------------------------------ following the tree

    def _tree_changed(self) -> None:
        """The tree scrolled, moved its cursor or changed its rows."""
        if not self.follow:
            self._sync_size()
            self._keep_cursor_visible()
        self.refresh()

    def _sync_size(self) -> None:
        size = Size(self.scrollable_content_region.width, len(self.tree_view.rows) + 1)
        if size != self.virtual_size:
            self.virtual_size = size

    def _keep_cursor_visible(self) -> None:
        index = self.tree_view.cursor_index
        top, height = self._viewport()
        if index < 0 or height <= 0:
            return
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True, force=True)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True, force=True)

    def on_resize(self, event: events.Resize) -> None:
        if not self.follow:
            self._sync_size()

    def on_click(self, event: events.Click) -> None:
        """A click on a lane selects its node in the tree; on a crash or exit, it also travels there."""
        offset = event.get_content_offset(self)  # event.x/y count from the border
        if offset is None:
            return
        top, height = self._viewport()
        line = offset.y - 1  # under the axis line
        if 0 <= line < height and 0 <= top + line < len(self.tree_view.rows):
            path = self.tree_view.rows[top + line].path
            self.tree_view.select(path)
            self.tree_view.focus()
            mark = self.death_near(path, offset.x)
            if mark is not None:
                self.post_message(self.Picked(path, mark))

    def death_near(self, path: str, x: int) -> int | None:
        """The time of the crash (or exit) drawn at column ``x`` of ``path``'s lane, a cell either side."""
        key = self.frame_key()
        layout = key.layout
        cell = x - layout.label
        lane = self.timeline.model.lane(path)
        if lane is None or not 0 <= cell < layout.cells:
            return None
        t0, t1 = key.window
        span = t1 - t0
        lo, hi = t0 + (cell - 1) * span // layout.cells, t0 + (cell + 2) * span // layout.cells
        middle = t0 + (2 * cell + 1) * span // (2 * layout.cells)
        deaths = [m for m in lane.marks_between(lo, hi) if m.kind in ("crash", "exit")]
        return min(deaths, key=lambda m: abs(m.t - middle)).t if deaths else None

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        if self.follow:
            event.stop()
            self.tree_view.scroll_relative(y=3, animate=False, immediate=True)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        if self.follow:
            event.stop()
            self.tree_view.scroll_relative(y=-3, animate=False, immediate=True)

    # ------------------------------------------------------------------ drawing

    def render_lines(self, crop: Region) -> list[Strip]:
        """One frame: work out what is on screen once, then let Textual ask for the lines."""
        self._pass = self._frame()
        try:
            return super().render_lines(crop)
        finally:
            self._pass = None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.base_style
        key, drawn = self._pass or self._frame()
        layout = key.layout
        if y == 0:
            t0, t1 = key.window
            segments = [Segment(" " * layout.label, base),
                        *self.paint_axis(t0, t1, layout.cells, base, key.now)]
            return Strip(segments).crop_extend(0, width, base)
        index = key.top + y - 1
        if y - 1 >= key.height or not 0 <= index < len(self.tree_view.rows):
            return Strip.blank(width, base)
        path = self.tree_view.rows[index].path
        row_base = self.row_base(path == self.tree_view.cursor_path)
        segments: list[Segment] = []
        if layout.label:
            segments.append(self._label(index, layout.label, row_base))
        lane = drawn.get(path)
        if lane is None:
            segments.append(Segment(" " * layout.cells, row_base))
        else:
            segments.extend(self.paint_cells(lane, row_base))
        segments.extend(self.paint_gauge(lane.gauge if lane is not None else None, layout.gauge, row_base))
        return Strip(segments).crop_extend(0, width, row_base)

    def _label(self, index: int, width: int, base: Style) -> Segment:
        row = self.tree_view.rows[index]
        node = self.tree_view.model.nodes.get(row.path)
        text = f"{row.guide}{self._lane_name(row.path)}"
        text = text if len(text) < width else text[:width - 2] + "…"
        style = "label-supervisor" if node is not None and node.is_supervisor else "label"
        return Segment(f"{text:<{width}}", base + self.lane_style(style))
