"""The supervision tree as a Line-API widget: only visible rows are drawn, only changed rows redrawn.

Textual's built-in ``Tree`` rebuilds every line on add, remove and expand, which is too slow for a
1,000-worker tree under a crash storm. Here a row is a function of (node, selection, flash, budget),
cached per node version, and an event batch costs one ``refresh_line`` per touched visible row.

The pane is as wide as its widest row (``width: auto`` asks :meth:`SupervisionTree.get_content_width`),
up to a share of the screen: past it, the restart type column goes, then the pid, so the log beside
gets the rest of the screen instead of the tree's empty right half.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..safetext import visible
from ..story import glyphs
from .bindings import TREE_VIEW_BINDINGS
from .model import Changes, NodeView, Row, TreeModel

STATUS_GLYPHS = glyphs.STATUS_GLYPHS
"""A status → its glyph, from :mod:`suptui.story.glyphs` (a row that ended uses ``node_glyph``)."""
MIN_PID_WIDTH = 8
RESTART_WIDTH = 10
COUNT_WIDTH = 5
STRATEGY_WIDTH = 13
BUDGET_WIDTH = 9
"""At least this wide (``5/5 in 5s``); a bigger budget's column is as wide as its text at give-up."""
SHARE = 0.45
"""Of the screen's width, the most the tree takes beside the details and log…"""
SHARE_BESIDE_LANES = 0.42
"""…and beside the timeline lanes, which need the width more."""
FLOOR = 42
"""The tree may take this much however narrow the screen (a three-level tree's rows at 80 columns)."""
FLOOR_BESIDE_LANES = 30
FLASH_S = 1.5
"""How long a crashed or restarted row stays highlighted (wall time): long enough to find it."""
PROJECTOR_FLASH_S = 3.0
"""The same in projector mode: a room looking up from notes still catches it."""

Budget = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class _RowKey:
    """Everything a rendered row depends on; equal keys mean the cached strip is still right."""

    path: str
    version: int
    guide: str
    expanded: bool
    selected: bool
    flash: str | None
    budget: Budget | None
    name_width: int
    columns: tuple[bool, bool]
    pid_width: int


def foreground(style: Style) -> Style:
    """A component style without its background, to lay over a row that may be the cursor row.

    Full component styles carry the widget's background (and blend muted colours against it);
    partial ones do not blend, so muted text would come out wrong.
    """
    return Style(color=style.color, bold=style.bold, italic=style.italic, dim=style.dim,
                 strike=style.strike, reverse=style.reverse, underline=style.underline)


def background(style: Style) -> Style:
    return Style(bgcolor=style.bgcolor)


class SupervisionTree(ScrollView, can_focus=True):
    """Rows of the tree model; arrows move, left/right fold, a click selects."""

    BINDINGS = TREE_VIEW_BINDINGS

    COMPONENT_CLASSES = {
        "tree--cursor", "tree--guide", "tree--pid", "tree--dim", "tree--count", "tree--strategy",
        "tree--budget", "tree--budget-full", "tree--gave-up", "tree--flash-crash", "tree--flash-restart",
        *(f"status--{status}" for status in STATUS_GLYPHS),
    }

    class Selected(Message):
        """The selection moved to ``path``."""

        def __init__(self, path: str | None) -> None:
            super().__init__()
            self.path = path

    def __init__(self, model: TreeModel, budget_of: Callable[[str], Budget | None], *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.model = model
        self.budget_of = budget_of
        self.rows: list[Row] = []
        self._rows_of: TreeModel | None = None
        """The model ``rows`` were flattened from (time travel swaps the model)."""
        self._supervisors: list[str] = []
        """The supervisors among the rows, for the budget column's width."""
        self._index: dict[str, int] = {}
        self.collapsed: set[str] = set()
        self.needle = ""
        self.cursor_path: str | None = None
        self.flashes: dict[str, tuple[str, float]] = {}
        """path → (``crash`` | ``restart``, wall time it ends)."""
        self.flash_s = FLASH_S
        self.solid_cursor = False
        """Draw the cursor row in the cursor's own colours only (projector mode: seen from afar)."""
        self._name_width = 8
        self._columns = (True, True)
        """(show pid, show restart type): dropped in that order when the pane is narrow."""
        self._pid_width = MIN_PID_WIDTH
        self._budget_width = BUDGET_WIDTH
        self._wanted: tuple[int, int, int] = (0, 0, 0)
        """(name, pid, budget) widths the pane was last laid out for: another one needs a layout."""
        self._cache: LRUCache[_RowKey, Strip] = LRUCache(256)
        self._styles: dict[tuple[str, bool], Style] = {}
        self.version = 0
        """Bumped whenever ``rows`` is rebuilt, so a widget drawn from them can tell it is stale."""
        self.followers: list[Callable[[], None]] = []
        """Called (on the UI thread) when the rows, the scroll or the cursor change: the lanes beside
        the tree redraw at once, in step with it, instead of at the next drain."""

    # ------------------------------------------------------------------ model → rows

    def rebuild(self) -> None:
        """Re-flatten the model (structure changed, a fold, a filter) and keep the selection.

        The walks over every row (index, name column, supervisors, pid column) are done only when
        the rows are new: the model hands back the same list while no row came or went, and a tree
        of 100,000 rows took a third of a second per walk (a resize asks for a rebuild too).
        """
        old_index = self._index.get(self.cursor_path or "", 0)
        rows = self.model.flatten(self.collapsed, self.needle)
        if rows is not self.rows or self._rows_of is not self.model:
            self.rows, self._rows_of = rows, self.model
            nodes = self.model.nodes
            self._index = {row.path: i for i, row in enumerate(rows)}
            self._name_width = max((self._prefix_width(row) + len(nodes[row.path].id) for row in rows),
                                   default=8)
            self._supervisors = [row.path for row in rows if nodes[row.path].is_supervisor]
            self._pid_width = max([MIN_PID_WIDTH, *(len(node.pid) + 1 for node in nodes.values())])
            self.version += 1
        self._relayout()
        if self.cursor_path not in self._index:
            fallback = min(old_index, len(self.rows) - 1)
            self._move_to(self.rows[fallback].path if fallback >= 0 else None)
        self.refresh()
        self._notify_followers()

    def _relayout(self) -> None:
        """The columns and the pane's width for the rows and widths as they are now (a layout of the
        screen only if a width the pane asks for changed)."""
        self._budget_width = self._widest_budget()
        self._columns = self._fit_columns()
        self.virtual_size = Size(self.content_width(self._columns), len(self.rows))
        wanted = (self._name_width, self._pid_width, self._budget_width)
        if wanted != self._wanted:  # the pane's width follows its rows
            self._wanted = wanted
            self.refresh(layout=True)

    def _notify_followers(self) -> None:
        for follower in list(self.followers):
            follower()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self._notify_followers()

    def use_projector(self) -> None:
        """Projector mode: a longer crash flash and a solid cursor row (CSS gives it bold colours)."""
        self.flash_s = PROJECTOR_FLASH_S
        self.solid_cursor = True
        self._cache.clear()
        self.refresh()

    def _widest_budget(self) -> int:
        """The budget column's width: a supervisor's ``used/most in Ns`` with ``used`` as wide as
        ``most`` (one over it at give-up is as wide but for 9 → 10), so the pane does not grow as the
        count climbs."""
        widths = [BUDGET_WIDTH]
        for path in self._supervisors:
            node = self.model.nodes.get(path)
            budget = self.budget_of(path) if node is not None and node.is_supervisor else None
            if budget is not None:
                _, most, period = budget
                widths.append(len(f"{most}/{most} in {period}s"))
        return max(widths)

    def content_width(self, columns: tuple[bool, bool]) -> int:
        """The widest row's width with these columns shown: a supervisor's row, ending in its budget."""
        show_pid, show_restart = columns
        return (self._name_width + 1 + self._pid_width * show_pid + RESTART_WIDTH * show_restart
                + COUNT_WIDTH + STRATEGY_WIDTH + self._budget_width)

    def columns_for(self, available: int) -> tuple[bool, bool]:
        """The columns that fit in ``available`` cells: the restart type goes first (the details say
        it too), then the pid (a restart is seen as a new pid: the lesson's point)."""
        if available <= 0:
            return True, True
        fixed = self.content_width((False, False))
        return available >= fixed + self._pid_width, available >= fixed + RESTART_WIDTH + self._pid_width

    def _fit_columns(self) -> tuple[bool, bool]:
        return self.columns_for(self.scrollable_content_region.width or self.size.width)

    @property
    def beside_lanes(self) -> bool:
        """The timeline lanes are shown beside the tree (its siblings in the tree band)."""
        parent = self.parent
        return parent is not None and any(child is not self and child.display for child in parent.children)

    def width_cap(self, screen_width: int) -> int:
        """The most the pane may take, borders included, on a screen this wide."""
        share, floor = (SHARE_BESIDE_LANES, FLOOR_BESIDE_LANES) if self.beside_lanes else (SHARE, FLOOR)
        return min(screen_width, max(floor, int(screen_width * share)))

    def _chrome(self) -> int:
        """Cells of the pane that are not rows: borders, padding and a vertical scrollbar if shown."""
        scrollbar = self.styles.scrollbar_size_vertical if self.show_vertical_scrollbar else 0
        return self.styles.gutter.width + scrollbar

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """As wide as the widest row, with the columns that fit under :meth:`width_cap` (Textual adds
        the borders and the scrollbar)."""
        available = self.width_cap(viewport.width) - self._chrome()
        return min(available, self.content_width(self.columns_for(available)))

    def pane_width(self, viewport: Size) -> int:
        """The whole pane's width, borders and scrollbar included (the tree band's width)."""
        return self.get_content_width(viewport, viewport) + self._chrome()

    def on_resize(self, event: events.Resize) -> None:
        if self._fit_columns() != self._columns:
            self.rebuild()

    def apply(self, changes: Changes, now: float = 0.0) -> None:
        """Redraw what a batch of events changed: the touched rows, or everything if rows came or went.

        ``now`` is wall time (injected, so tests freeze it): flashes last ``flash_s`` from it.
        """
        for path, kind in changes.flashes.items():
            self.flashes[path] = (kind, now + self.flash_s)
        if changes.structural:
            self.rebuild()
            return
        nodes = self.model.nodes
        widest = max((len(node.pid) + 1 for node in map(nodes.get, changes.paths) if node is not None),
                     default=0)
        if widest > self._pid_width:  # the pid column grows (a digit more): no new rows, only widths
            self._pid_width = widest
            self._relayout()
            self.refresh()
            return
        self._refresh_rows(changes.paths | changes.flashes.keys())

    def _refresh_rows(self, paths: set[str]) -> None:
        """Repaint the rows of ``paths`` that are on screen; under a storm most changed rows are not,
        and every ``refresh`` call has a cost of its own."""
        top = round(self.scroll_offset.y)
        height = self.scrollable_content_region.height
        indexes = (self._index.get(path) for path in paths)
        visible = [i for i in indexes if i is not None and top <= i < top + height]
        if len(visible) > height // 2:
            self.refresh()
        else:
            for index in visible:
                self.refresh_line(index)

    def expire_flashes(self, now: float) -> None:
        """End the flashes whose time is up and redraw those rows."""
        done = [path for path, (_, until) in self.flashes.items() if until <= now]
        for path in done:
            del self.flashes[path]
        if done:
            self._refresh_rows(set(done))

    def set_filter(self, needle: str) -> None:
        self.needle = needle
        self.rebuild()

    # ------------------------------------------------------------------ selection

    @property
    def cursor_index(self) -> int:
        return self._index.get(self.cursor_path or "", -1)

    def select(self, path: str | None) -> None:
        if path is None or path in self._index:
            self._move_to(path)

    def _move_to(self, path: str | None) -> None:
        previous = self.cursor_index
        changed = path != self.cursor_path
        self.cursor_path = path
        index = self.cursor_index
        if previous >= 0:
            self.refresh_line(previous)
        if index >= 0:
            self.refresh_line(index)
            self._scroll_into_view(index)
        if changed:
            self.post_message(self.Selected(path))
            self._notify_followers()

    def _scroll_into_view(self, index: int) -> None:
        height = max(1, self.scrollable_content_region.height)
        top = round(self.scroll_offset.y)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True, force=True)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True, force=True)

    def _move_by(self, delta: int) -> None:
        if not self.rows:
            return
        index = min(len(self.rows) - 1, max(0, self.cursor_index + delta))
        self._move_to(self.rows[index].path)

    def action_cursor_up(self) -> None:
        self._move_by(-1)

    def action_cursor_down(self) -> None:
        self._move_by(1)

    def action_page_up(self) -> None:
        self._move_by(-max(1, self.scrollable_content_region.height - 1))

    def action_page_down(self) -> None:
        self._move_by(max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self._move_by(-len(self.rows))

    def action_last(self) -> None:
        self._move_by(len(self.rows))

    def action_toggle_fold(self) -> None:
        self._fold(self.cursor_path, None)

    def action_expand(self) -> None:
        self._fold(self.cursor_path, False)

    def action_collapse(self) -> None:
        path = self.cursor_path
        index = self.cursor_index
        if path is None or index < 0:
            return
        if self.rows[index].expanded:
            self._fold(path, True)
        else:
            parent = self.model.nodes[path].parent
            if parent in self._index:
                self._move_to(parent)

    def _fold(self, path: str | None, collapse: bool | None) -> None:
        if path is None or path not in self._index or not self.rows[self._index[path]].expandable:
            return
        if collapse is None:
            collapse = path not in self.collapsed
        if collapse:
            self.collapsed.add(path)
        else:
            self.collapsed.discard(path)
        self.rebuild()

    def on_click(self, event: events.Click) -> None:
        # event.x/y count from the widget's outer edge (border, padding); rows start at the content area.
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + round(self.scroll_offset.y)
        if not 0 <= index < len(self.rows):
            return
        row = self.rows[index]
        self._move_to(row.path)
        x = offset.x + round(self.scroll_offset.x)
        on_arrow = len(row.guide) <= x <= len(row.guide) + 1
        if row.expandable and (on_arrow or event.chain == 2):
            self._fold(row.path, None)

    # ------------------------------------------------------------------ drawing

    @staticmethod
    def _prefix_width(row: Row) -> int:
        return len(row.guide) + 4

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = y + scroll_y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not 0 <= index < len(self.rows):
            if index == 0 and self.needle:  # a filter that matches nothing says so, not a blank pane
                said = Text(f"no match for {visible(self.needle)!r} (esc clears)", "italic")
                return Strip(said.render(self.app.console), said.cell_len).crop_extend(0, width, base)
            return Strip.blank(width, base)
        row = self.rows[index]
        node = self.model.nodes.get(row.path)
        if node is None:
            return Strip.blank(width, base)
        budget = self.budget_of(row.path) if node.is_supervisor else None
        key = _RowKey(row.path, node.version, row.guide, row.expanded, row.path == self.cursor_path,
                      self.flashes.get(row.path, (None, 0.0))[0], budget, self._name_width, self._columns,
                      self._pid_width)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_row(row, node, key, base)
            self._cache[key] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base + self._row_style(key))

    def _row_style(self, key: _RowKey) -> Style:
        """The row's background: a flash over the whole row (seen from the back of a room), else the
        cursor's."""
        if key.flash is not None:
            return self._with_background(f"tree--flash-{key.flash}")
        return self._with_background("tree--cursor") if key.selected else Style()

    def _style(self, name: str, with_background: bool = False) -> Style:
        """A component style, kept until the theme or CSS changes (Textual drops its own cache on
        every refresh, and a storm refreshes often)."""
        style = self._styles.get((name, with_background))
        if style is None:
            style = self.get_component_rich_style(name)
            if not with_background:
                style = foreground(style)
            self._styles[(name, with_background)] = style
        return style

    def _with_background(self, name: str) -> Style:
        return self._style(name, with_background=True)

    def _render_row(self, row: Row, node: NodeView, key: _RowKey, base: Style) -> Strip:
        row_style = base + self._row_style(key)
        guide_style = row_style + self._style("tree--guide")
        dim = row_style + self._style("tree--dim")
        status = row_style + self._style(f"status--{node.status}")
        name_style = status
        if row.depth == 0:
            arrow = ("▾ " if row.expanded else "▸ ") if row.expandable else "  "
        else:
            arrow = ("▾ " if row.expanded else "▸ ") if row.expandable else "─ "
        name = f"{glyphs.of_node(node)[0]} {node.id}"
        pad = max(0, key.name_width - len(row.guide) - len(arrow) - len(name))
        show_pid, show_restart = key.columns
        segments = [
            Segment(row.guide + arrow, guide_style),
            Segment(name, name_style),
            Segment(" " * (pad + 1), row_style),
        ]
        if show_pid:
            segments.append(Segment(f"{node.pid or '-':<{self._pid_width}}",
                                    row_style + self._style("tree--pid")))
        if show_restart:
            segments.append(Segment(f"{(node.restart or '') if row.depth else '':<{RESTART_WIDTH}}", dim))
        segments.append(Segment(f"{f'×{node.restarts}' if node.restarts else '':<{COUNT_WIDTH}}",
                                row_style + self._style("tree--count")))
        if node.is_supervisor:
            segments.append(Segment(f"{node.strategy or '':<{STRATEGY_WIDTH}}",
                                    row_style + self._style("tree--strategy")))
            if key.budget is not None:
                used, most, period = key.budget
                budget_class = "tree--gave-up" if node.gave_up else (
                    "tree--budget-full" if used >= most else "tree--budget")
                segments.append(Segment(f"{used}/{most} in {period}s", row_style + self._style(budget_class)))
        if node.zombies:
            segments.append(Segment(f" ☠{node.zombies}", row_style + self._style("status--zombie")))
        if key.flash == "crash" or (key.selected and key.flash is None and self.solid_cursor):
            # One colour for the whole row: the status colours would vanish on red (or the accent).
            segments = [Segment(segment.text, row_style) for segment in segments]
        return Strip(segments)

    def notify_style_update(self) -> None:
        """Theme or CSS changed: cached rows carry old colours."""
        super().notify_style_update()
        self._cache.clear()
        self._styles.clear()
