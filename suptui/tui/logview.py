"""The crash log: one coloured line per event, following the tail, capped in memory.

A Line-API widget like the tree: lines are appended in batches (one per drain), only the visible
ones are drawn, and the filter keeps a second list so scrolling a filtered log costs nothing extra.
The full stream is not kept here; ``e`` exports it from the run's spool.

While it follows the tail, a line is drawn relative to the end of the log, not to the scroll
offset: so a long log's scrollable size (whose every change costs Textual a layout of the whole
screen) is updated at most a few times a second, not once per drain, without the tail lagging.

A line is cut to the pane's width here, not by ``Strip.crop``: Rich splits a segment that has a
glyph outside its fast path (``↻``, ``←``, ``✖``) through ``Segment._split_cells``, an LRU cache of
16,384 entries that keeps the whole segment. Nearly every log line is unique, so each line drawn
cut parked about 1 KB there: under the soak's crash storm the live heap grew 1.1 MB a minute
(towards 16 MB, the cache full). :func:`crop_cells` splits with ``rich.cells.split_text``, which
caches nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len, split_text
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from ..safetext import has_control, visible
from .narrate import GLYPHS, LogLine, format_t

LOG_STYLES: tuple[str, ...] = tuple(GLYPHS)
TIME_WIDTH = 7
SIZE_EVERY_S = 0.25
"""How often a long log's scrollable size follows its length (a short log's follows at once)."""


def crop_cells(text: str, start: int, end: int) -> str:
    """The part of ``text`` in cells ``[start, end)``; a wide glyph cut in two becomes spaces, so the
    result is always ``end - start`` cells wide when the text reaches ``end``."""
    if start > 0:
        text = split_text(text, start)[1]
    return split_text(text, end - max(0, start))[0]


def window(parts: Iterable[tuple[str, Style]], start: int, width: int, pad: Style) -> Strip:
    """Cells ``[start, start + width)`` of the styled ``parts`` laid end to end, padded with ``pad``:
    what ``Strip(...).crop_extend`` gives, without handing Rich a segment to split."""
    end = start + width
    segments: list[Segment] = []
    pos = used = 0
    for text, style in parts:
        length = cell_len(text)
        lo, hi = max(pos, start), min(pos + length, end)
        if lo < hi:
            segments.append(Segment(crop_cells(text, lo - pos, hi - pos), style))
            used += hi - lo
        pos += length
        if pos >= end:
            break
    if used < width:
        segments.append(Segment(" " * (width - used), pad))
    return Strip(segments, width)


class EventLog(ScrollView, can_focus=True):
    """Keeps the newest ``cap`` lines; scrolls with the tail unless the user scrolled up."""

    COMPONENT_CLASSES = {"log--time", "log--current", "log--future",
                         *(f"log--{style}" for style in LOG_STYLES)}

    class Picked(Message):
        """A line of an event was clicked: time travel goes to right after that event."""

        def __init__(self, line: LogLine) -> None:
            super().__init__()
            self.line = line

    def __init__(self, cap: int = 5000, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.cap = cap
        self.lines: list[LogLine] = []
        self.needle = ""
        self._shown: list[LogLine] = self.lines
        self._width = 0
        self._styles: dict[str, Style] = {}
        self.following = True
        """Stick to the tail; off once the user scrolls up, on again when they scroll to the end."""
        self._size_timer: Timer | None = None
        self.past: list[LogLine] | None = None
        """Looking at the past: the lines around that moment (the live lines keep coming meanwhile)."""
        self.current = -1
        """The line of the moment shown, in ``past`` (drawn highlighted; the lines after it dimmed)."""

    @property
    def shown(self) -> list[LogLine]:
        """The lines on display: all of them, or those matching the filter."""
        return self._shown

    def _matches(self, line: LogLine) -> bool:
        needle = self.needle
        return needle in line.text.lower() or needle in line.path.lower()

    def append(self, new: Iterable[LogLine]) -> None:
        """Add lines at the tail. Every line comes through here, and much of a line is worker text
        (reasons, ids, a failed reply's message, a logged warning), so this is where control
        characters are made visible: a line is drawn as segments, which reach the terminal raw."""
        new = [line if not has_control(line.text) else
               LogLine(line.t, line.style, visible(line.text), line.path) for line in new]
        if not new:
            return
        self.lines.extend(new)
        if self.past is not None:  # kept for the return to now; the past is on display
            self._trim()
            return
        if self.needle:
            self._shown.extend(line for line in new if self._matches(line))
        self._trim()
        self._width = max(self._width, *(TIME_WIDTH + 1 + cell_len(line.text) for line in new))
        if len(self._shown) <= 4 * max(1, self.scrollable_content_region.height):
            self._sync_size()
        elif self._size_timer is None:
            self._size_timer = self.set_timer(SIZE_EVERY_S, self._sync_size)
        if self.following:
            self.refresh()

    def _sync_size(self) -> None:
        self._size_timer = None
        size = Size(self._width, len(self._shown))
        if size != self.virtual_size:
            self.virtual_size = size
        self._follow_tail()

    def _follow_tail(self) -> None:
        """Scroll to the end now, and again once the layout has caught up with the new size
        (a scrollbar appearing changes how tall the visible part is)."""
        if self.following and not self.is_vertical_scrollbar_grabbed:
            self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)
            self.call_after_refresh(self._stick)

    def _stick(self) -> None:
        if self.following and not self.is_vertical_scroll_end:
            self.scroll_end(animate=False, immediate=True, x_axis=False, force=True)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.following = new_value >= self.max_scroll_y

    def _trim(self) -> None:
        """Drop the oldest quarter once over the cap, so trimming is rare and cheap."""
        if len(self.lines) <= self.cap:
            return
        keep = self.cap * 3 // 4
        del self.lines[: len(self.lines) - keep]
        if self._shown is not self.lines and len(self._shown) > keep:
            del self._shown[: len(self._shown) - keep]

    def set_filter(self, needle: str) -> None:
        self.needle = needle.lower()
        if self.past is not None:
            self.show_past(self.past, self.past[self.current] if 0 <= self.current < len(self.past) else None)
            return
        self._shown = [line for line in self.lines if self._matches(line)] if self.needle else self.lines
        self.following = True
        self._sync_size()
        self.refresh()

    def show_past(self, lines: list[LogLine], current: LogLine | None) -> None:
        """Show the lines around a moment of the past, ``current`` highlighted in the middle."""
        self.past = lines
        self._shown = [line for line in lines if self._matches(line)] if self.needle else list(lines)
        self.current = next((i for i, line in enumerate(self._shown) if line is current), -1)
        self.following = False
        self._width = max([self._width, *(TIME_WIDTH + 1 + cell_len(line.text) for line in lines)])
        self.virtual_size = Size(self._width, len(self._shown))
        height = max(1, self.scrollable_content_region.height)
        self.scroll_to(y=max(0, self.current - height // 2), animate=False, immediate=True, force=True)
        self.refresh()

    def show_live(self) -> None:
        """Back to now: the live lines, following the tail."""
        self.past = None
        self.current = -1
        self.set_filter(self.needle)

    def line_at(self, y: int) -> LogLine | None:
        """The line drawn on row ``y`` of the pane."""
        height = self.scrollable_content_region.height
        index = y + (max(0, len(self._shown) - height) if self.following else round(self.scroll_offset.y))
        return self._shown[index] if 0 <= index < len(self._shown) else None

    def on_click(self, event: events.Click) -> None:
        line = self.line_at(event.y)
        if line is not None and line.seq:
            self.post_message(self.Picked(line))

    def replace(self, new: Iterable[LogLine]) -> None:
        """Every line swapped for these (a replay still loading: the lines of its newest moment). In the
        past, the lines on display stay: these are what the return to now shows."""
        if self.past is not None:
            self.lines.clear()  # not what is shown: that is the past's own list
            self.append(new)
            return
        self.clear()
        self.append(new)

    def clear(self) -> None:
        self.past = None
        self.current = -1
        self.lines.clear()
        self._shown = self.lines if not self.needle else []
        self._sync_size()
        self.refresh()

    def _style(self, name: str) -> Style:
        """A component style, kept until the theme or CSS changes (see SupervisionTree._style)."""
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(name)
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width, height = self.scrollable_content_region.size
        index = y + (max(0, len(self._shown) - height) if self.following else scroll_y)
        base = self.rich_style
        if not 0 <= index < len(self._shown):
            return Strip.blank(width, base)
        line = self._shown[index]
        style = self._style(f"log--{line.style}")
        time_style = self._style("log--time")
        if self.past is not None and index != self.current:
            if index > self.current:  # what happens after the moment shown: dimmed
                later = self._style("log--future")
                style, time_style = style + later, time_style + later
        elif self.past is not None:
            mark = self._style("log--current")
            style, time_style, base = style + mark, time_style + mark, base + mark
        return window(((f"{format_t(line.t):>{TIME_WIDTH}} ", time_style), (line.text, style)),
                      scroll_x, width, base)
