"""The predict grid: seconds across, the tree's nodes down, a cursor, and (once scored) the verdicts.

A Line-API widget over a :class:`~suptui.tui.predictdraft.Draft`. Editing is the screen's business
(its keys call :meth:`PredictGrid.mark` and friends); the grid only draws, moves its cursor and keeps
it in view. After scoring, the same grid shows each cell's marks coloured by verdict: right (said
and happened), extra (said, did not happen) and missed (happened, not said), plus a ✓/✗ line per
second, so the differences are visible before the text explains them.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip

from ..safetext import visible
from ..story import glyphs
from ..story.predict import Score
from .lanepaint import LaneCanvas
from .predictdraft import CRASH, GIVE_UP, RESTART, Draft, DraftRow
from .treeview import foreground

CELL = 3
MAX_LABEL = 28
MAX_TIMER = 24
GLYPHS = glyphs.PREDICT
KIND_ORDER = (CRASH, "exit", GIVE_UP, RESTART, "stop")

Verdicts = dict[tuple[str, int], list[tuple[str, str]]]
"""``(path, second) → [(kind, "right" | "extra" | "missed")]``."""


def verdicts_of(score: Score, seconds: int) -> tuple[Verdicts, dict[int, bool]]:
    """Each whole-second cell's facts with their verdicts, and whether each second was right.

    Facts at other instants (a slow child stopping at 2.5 s) have no column; the report lists them.
    """
    cells: Verdicts = {}
    moments: dict[int, bool] = {}
    for moment in score.moments:
        second, rest = divmod(moment.t, 1000)
        if rest or not 1 <= second <= seconds:
            continue
        moments[second] = moments.get(second, True) and moment.right
        said = {(f.kind, f.path) for f in moment.predicted}
        done = {(f.kind, f.path) for f in moment.actual}
        for kind, path in said | done:
            verdict = "right" if (kind, path) in said and (kind, path) in done else (
                "extra" if (kind, path) in said else "missed")
            cells.setdefault((path, second), []).append((kind, verdict))
    for marks in cells.values():
        marks.sort(key=lambda mark: KIND_ORDER.index(mark[0]))
    return cells, moments


class PredictGrid(LaneCanvas, can_focus=True):
    """Rows of nodes with their timers, then one cell per second."""

    COMPONENT_CLASSES = LaneCanvas.COMPONENT_CLASSES | {
        "grid--header", "grid--empty", "grid--mark", "grid--cursor", "grid--right", "grid--extra",
        "grid--missed", "grid--timer", "grid--over",
    }
    DEFAULT_CSS = """
    PredictGrid > .grid--over { color: $text-error; text-style: bold; }
    """
    """``grid--over``: a budget cell where the window overflows (the give-up)."""

    def __init__(self, draft: Draft, *, verdicts: tuple[Verdicts, dict[int, bool]] | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.draft = draft
        self.verdicts = verdicts
        self.row = 0
        self.second = 1
        self._measure()

    def _measure(self) -> None:
        """Column widths and the shown text of the rows (again after the rows change: a reorder, a
        strategy or a time changed in the grid)."""
        rows = self.draft.rows
        self._row_names = [visible(r.name) for r in rows]
        self._row_timers = [visible(r.timer) for r in rows]
        """What a row shows: the timer is a worker's own description of its state."""
        self._budgets = [] if self.verdicts is not None else [
            r for r in rows if r.max_restarts is not None and r.max_seconds is not None]
        """Supervisors whose restart window gets a budget row under the nodes while marking."""
        widths = [len(r.guide) + len(name) for r, name in zip(rows, self._row_names, strict=True)]
        self._label = min(MAX_LABEL, max(widths, default=4) + 1)
        self._timer = min(MAX_TIMER, max((len(t) for t in self._row_timers), default=0))
        self._timer += 1 if self._timer else 0

    def reload(self, path: str | None = None) -> None:
        """The draft's rows changed: measure again and keep the cursor on ``path`` (or in range)."""
        self._measure()
        paths = [row.path for row in self.draft.rows]
        if path in paths:
            self.row = paths.index(path)
        self.row = max(0, min(len(paths) - 1, self.row))
        self._sync_size()

    @property
    def path(self) -> str | None:
        return self.draft.rows[self.row].path if self.draft.rows else None

    # ------------------------------------------------------------------ cursor and edits

    def on_mount(self) -> None:
        self._sync_size()

    def _sync_size(self) -> None:
        extra = 2 if self.verdicts is not None else 1 + len(self._budgets)
        self.virtual_size = Size(self._label + self._timer + CELL * self.draft.seconds + 2,
                                 len(self.draft.rows) + extra)
        self.refresh()

    def move(self, dx: int, dy: int) -> None:
        if not self.draft.rows:
            return
        self.row = max(0, min(len(self.draft.rows) - 1, self.row + dy))
        self.second = max(1, min(self.draft.seconds, self.second + dx))
        line = self.row + 1
        height = self.scrollable_content_region.height
        top = round(self.scroll_offset.y)
        if line - 1 < top:
            self.scroll_to(y=max(0, line - 1), animate=False, immediate=True, force=True)
        elif height and line >= top + height:
            self.scroll_to(y=line - height + 1, animate=False, immediate=True, force=True)
        self.refresh()

    def mark(self, kind: str) -> None:
        if self.path is not None:
            self.draft.toggle(self.path, self.second, kind)
            self.refresh()

    def clear(self) -> None:
        if self.path is not None:
            self.draft.clear(self.path, self.second)
            self.refresh()

    def resize_seconds(self, delta: int) -> None:
        self.draft.resize(self.draft.seconds + delta)
        self.second = min(self.second, self.draft.seconds)
        self._sync_size()

    # ------------------------------------------------------------------ drawing

    def _grid_style(self, name: str) -> Style:
        cached = self._styles.get(name)
        if cached is None:
            cached = self._styles[name] = self.get_component_rich_style(name)
        return cached

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        base = self.base_style
        index = y + scroll_y
        if y == 0:
            strip = self._header(base)
        elif 0 <= index - 1 < len(self.draft.rows):
            strip = self._row(index - 1, base)
        elif self.verdicts is not None and index - 1 == len(self.draft.rows):
            strip = self._moments(base)
        elif 0 <= index - 1 - len(self.draft.rows) < len(self._budgets):
            strip = self._budget(self._budgets[index - 1 - len(self.draft.rows)], base)
        else:
            return Strip.blank(width, base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _header(self, base: Style) -> Strip:
        head = self._grid_style("grid--header")
        cells = "".join(f"{second:>{CELL}}" for second in range(1, self.draft.seconds + 1))
        title = "node" if not self._timer else f"{'node':<{self._label}}{'at t = 0':<{self._timer}}"
        return Strip([Segment(f"{title:<{self._label + self._timer}}", head), Segment(cells + " s", head)])

    def _row(self, index: int, base: Style) -> Strip:
        row = self.draft.rows[index]
        name = f"{row.guide}{self._row_names[index]}"
        name = name if len(name) < self._label else name[:self._label - 2] + "…"
        label = "label-supervisor" if row.is_supervisor else "label"
        segments = [Segment(f"{name:<{self._label}}", base + self.lane_style(label))]
        if self._timer:
            timer = self._row_timers[index]
            timer = timer if len(timer) < self._timer else timer[:self._timer - 2] + "…"
            segments.append(Segment(f"{timer:<{self._timer}}", self._grid_style("grid--timer")))
        for second in range(1, self.draft.seconds + 1):
            cursor = self.verdicts is None and index == self.row and second == self.second and self.has_focus
            segments.extend(self._cell(row.path, second, cursor, base))
        return Strip(segments)

    def _cell(self, path: str, second: int, cursor: bool, base: Style) -> list[Segment]:
        under = self._grid_style("grid--cursor") if cursor else Style()
        if self.verdicts is not None:
            marks = self.verdicts[0].get((path, second), [])
            if not marks:
                return [Segment(f"{'·':>{CELL}}", self._grid_style("grid--empty"))]
            glyphs = [Segment(GLYPHS[kind], self._grid_style(f"grid--{verdict}")) for kind, verdict in marks]
            glyphs = glyphs[:CELL]
            return [Segment(" " * (CELL - len(glyphs)), base), *glyphs]
        cell = self.draft.cell(path, second)
        kinds = [kind for kind in KIND_ORDER if kind in cell]
        if not kinds:
            return [Segment(f"{'·':>{CELL}}", base + foreground(self._grid_style("grid--empty")) + under)]
        pad = Segment(" " * (CELL - len(kinds)), base + under)
        return [pad, *(Segment(GLYPHS[kind], base + self.lane_style(kind) + under) for kind in kinds)]

    def budget_label(self, row: DraftRow) -> str:
        """``root budget (max 5 in 5 s)``: whose window the row counts, and its limit."""
        label = f"{visible(row.name)} budget (max {row.max_restarts} in {row.max_seconds} s)"
        width = self._label + self._timer
        return label if len(label) < width else label[:width - 2] + "…"

    def budget_cells(self, row: DraftRow) -> list[str]:
        """Each second's cell text: the restarts in the window, ``6‼`` where it gives up, blank after."""
        cells = []
        for cell in self.draft.budget(row.path):
            text = "" if cell is None else f"{cell.count}{GLYPHS[GIVE_UP] if cell.gave_up else ''}"
            cells.append(f"{text:>{CELL}}")
        return cells

    def _budget(self, row: DraftRow, base: Style) -> Strip:
        """The supervisor's restart window as the marks fill it: the learner sees where it gives up."""
        segments = [Segment(f"{self.budget_label(row):<{self._label + self._timer}}",
                            self._grid_style("grid--header"))]
        limit = row.max_restarts or 0
        for cell, text in zip(self.draft.budget(row.path), self.budget_cells(row), strict=True):
            if cell is None or cell.count == 0:
                style = self._grid_style("grid--empty")
            elif cell.gave_up:
                style = self._grid_style("grid--over")
            elif cell.count >= limit:
                style = self._grid_style("grid--mark")
            else:
                style = self._grid_style("grid--timer")
            segments.append(Segment(text, style))
        return Strip(segments)

    def _moments(self, base: Style) -> Strip:
        assert self.verdicts is not None
        moments = self.verdicts[1]
        head = self._grid_style("grid--header")
        segments = [Segment(f"{'moment right?':<{self._label + self._timer}}", head)]
        for second in range(1, self.draft.seconds + 1):
            if second not in moments:
                segments.append(Segment(" " * CELL, base))
            else:
                right = moments[second]
                segments.append(Segment(f"{'✓' if right else '✗':>{CELL}}",
                                        self._grid_style("grid--right" if right else "grid--missed")))
        return Strip(segments)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
