"""Painting timeline rows: the one place where the timeline's style names become theme colours.

:func:`suptui.timeline.rows` decides every cell (a glyph and a style name such as ``crash`` or
``bar.supervisor``); this module only paints. Each style name is a component class
(``lane--crash``) of :class:`LaneCanvas`, coloured once in ``suptui.tcss`` with theme variables, so
every lanes widget (the pane, the full-screen view, compare) looks the same and follows the theme.

The axis and gauge texts are plain functions, testable without a terminal.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.scroll_view import ScrollView

from ..story import glyphs
from ..timeline import Gauge
from ..timeline.geometry import PRIORITY, Row, cell_of
from .treeview import background, foreground

LANE_STYLES: tuple[str, ...] = tuple(PRIORITY)
"""Every style name the timeline core may put in a cell."""
CHROME_STYLES: tuple[str, ...] = (
    "axis", "now", "label", "label-supervisor", "gauge", "gauge-full", "gauge-gave-up", "cursor", "title",
    "title-file", "note",
)
"""What the widgets draw around the cells: the time axis, lane labels, gauges, section titles."""

TICK_STEPS_S: tuple[int, ...] = (1, 2, 5, 10, 15, 30, 60, 120, 300)
MIN_TICK_CELLS = 6
"""Room for a label like ``12s`` and a gap before the next one."""
GAUGE_FULL = 27
"""``10/10 · next frees in 4.9 s``."""
GAUGE_COMPACT = 10
"""``3/5 ·1.2s``: what fits beside the tree."""


def component(style: str) -> str:
    """The component class of a style name: ``bar.supervisor`` → ``lane--bar-supervisor``."""
    return "lane--" + style.replace(".", "-")


def tick_step_ms(t0: int, t1: int, width: int) -> int:
    """The smallest whole-second step whose labels do not collide at this zoom."""
    span = max(1, t1 - t0)
    for step_s in TICK_STEPS_S:
        if step_s * 1000 * width >= MIN_TICK_CELLS * span:
            return step_s * 1000
    return TICK_STEPS_S[-1] * 1000


def axis_text(t0: int, t1: int, width: int, now: int | None = None) -> str:
    """``0s    2s    4s ▼``: a label at the cell of each tick, and ``▼`` at ``now`` where it is free
    (and not right before a label, where it would read as pointing at it).

    Labels start in the column of the instant they name, the same column a mark at that instant is
    drawn in; a label that would run past the edge is left out.
    """
    if width <= 0 or t1 <= t0:
        return ""
    cells = [" "] * width
    step = tick_step_ms(t0, t1, width)
    t = -(-t0 // step) * step
    while t < t1:
        cell = cell_of(t, t0, t1, width)
        label = f"{t // 1000}s"
        if cell + len(label) <= width and cells[max(0, cell - 1)] == " ":
            cells[cell:cell + len(label)] = list(label)
        t += step
    if now is not None and t0 <= now < t1:
        cell = cell_of(now, t0, t1, width)
        if cells[cell] == " " and (cell + 1 == width or cells[cell + 1] == " "):  # not glued to a label
            cells[cell] = "▼"
    return "".join(cells)


def gauge_text(gauge: Gauge, width: int) -> str:
    """The gauge's own label (``3/5 · next frees in 1.2 s``), or a compact one where that does not fit."""
    full = gauge.label()
    if len(full) <= width:
        return full
    used = f"{gauge.used}/{gauge.max_restarts}"
    if gauge.gave_up:
        short = f"{used} {glyphs.GAVE_UP.char}"
    elif gauge.frees_in_ms is not None:
        short = f"{used} ·{gauge.frees_in_ms / 1000:.1f}s"
    else:
        short = used
    return short[:width]


def gauge_style(gauge: Gauge) -> str:
    if gauge.gave_up:
        return "gauge-gave-up"
    return "gauge-full" if gauge.full else "gauge"


class LaneCanvas(ScrollView):
    """A Line-API widget that paints timeline rows. Subclasses decide which rows go on which line."""

    COMPONENT_CLASSES = {component(style) for style in (*LANE_STYLES, *CHROME_STYLES)}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._styles: dict[str, Style] = {}

    def lane_style(self, style: str) -> Style:
        """A style name's colours without a background (rows may be the cursor row), cached until the
        theme or CSS changes: Textual drops its own cache on every refresh, and lanes refresh often."""
        cached = self._styles.get(style)
        if cached is None:
            cached = self._styles[style] = foreground(self.get_component_rich_style(component(style)))
        return cached

    @property
    def base_style(self) -> Style:
        """The widget's own style. ``rich_style`` walks every ancestor's styles on each call, which
        cost more than drawing the cells; it only changes with the CSS or the theme, so keep it."""
        base = self._styles.get("\0base")
        if base is None:
            base = self._styles["\0base"] = self.rich_style
        return base

    def row_base(self, selected: bool) -> Style:
        """The widget's own style, with the cursor's background on the selected row."""
        base = self.base_style
        if selected:
            key = "\0cursor-bg"
            cursor = self._styles.get(key)
            if cursor is None:
                cursor = self._styles[key] = background(self.get_component_rich_style(component("cursor")))
            base += cursor
        return base

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def paint_cells(self, row: Row, base: Style) -> list[Segment]:
        return [Segment(text, base + self.lane_style(style)) for text, style in row.runs()]

    def paint_axis(self, t0: int, t1: int, width: int, base: Style, now: int | None = None) -> list[Segment]:
        text = axis_text(t0, t1, width, now)
        if "▼" not in text:
            return [Segment(text, base + self.lane_style("axis"))]
        at = text.index("▼")
        axis = base + self.lane_style("axis")
        return [Segment(text[:at], axis), Segment("▼", base + self.lane_style("now")),
                Segment(text[at + 1:], axis)]

    def paint_gauge(self, gauge: Gauge | None, width: int, base: Style) -> list[Segment]:
        if width <= 0:
            return []
        if gauge is None:
            return [Segment(" " * width, base)]
        text = gauge_text(gauge, width - 1)
        style = base + self.lane_style(gauge_style(gauge))
        return [Segment(" ", base), Segment(f"{text:<{width - 1}}", style)]
