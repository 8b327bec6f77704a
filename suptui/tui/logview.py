"""The crash log: one coloured entry per event, wrapped to the pane, following the tail, capped in memory.

A Line-API widget like the tree: lines are appended in batches (one per drain), only the visible
rows are drawn, and the filter keeps a second list so scrolling a filtered log costs nothing extra.
The full stream is not kept here; ``e`` exports it from the run's spool.

A line longer than the pane wraps, with a hanging indent: its continuation rows start under the text,
after the time column, so the time column stays a clean edge to scan (a cause, a strategy, a give-up's
"(last: …)" and an export path are read whole, not cut). Where each line's rows start is kept as a
running count (``_starts``), extended per appended line and rebuilt only when the width, the filter or
the trim changes what is shown; a row is found by bisecting it. No wrapped text is kept: a row is
sliced from its line when drawn (the lines are unique; a cache of them would be the log twice).

While it follows the tail, a row is drawn relative to the end of the log, not to the scroll offset:
so a long log's scrollable size (whose every change costs Textual a layout of the whole screen) is
updated at most a few times a second, not once per drain, without the tail lagging.

A row is cut to the pane's width here, not by ``Strip.crop``: Rich splits a segment that has a glyph
outside its fast path (``↻``, ``←``, ``✖``) through ``Segment._split_cells``, an LRU cache of 16,384
entries that keeps the whole segment. Nearly every log line is unique, so each line drawn cut parked
about 1 KB there: under the soak's crash storm the live heap grew 1.1 MB a minute (towards 16 MB, the
cache full). :func:`crop_cells` splits with ``rich.cells.split_text``, which caches nothing, and
:func:`wrap_starts` measures a character at a time (Rich caches character widths, a bounded set).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from rich.cells import cell_len, get_character_cell_size, split_text
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
INDENT = TIME_WIDTH + 1
"""Cells before a line's text: the time column and a space; continuation rows are indented as much."""
MIN_TEXT_WIDTH = 8
"""Text is wrapped to at least this many cells, however narrow the pane (it is then cut)."""
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


def wrap_starts(text: str, width: int) -> list[int]:
    """Where each row of ``text`` wrapped to ``width`` cells starts (character indexes; the first is 0).

    A row breaks after its last space when that keeps at least a third of the row, so words stay
    whole; a run without spaces (a long id, a path) breaks where the row is full. Worker text has
    made its control characters visible by now, so every character has a width of 1 or 2 (or 0).
    Nearly every line fits (one row, no work); a longer one of one-cell characters (the log's glyphs
    are) is cut with string searches, in C; only text with wide characters is measured one character
    at a time.
    """
    width = max(1, width)
    if len(text) <= width // 2 or (text.isascii() and len(text) <= width):
        return [0]
    if text.isascii() or all(get_character_cell_size(char) == 1 for char in set(text) if not char.isascii()):
        return _wrap_narrow(text, width)
    return _wrap_cells(text, width)


def _wrap_narrow(text: str, width: int) -> list[int]:
    """:func:`wrap_starts` for text whose every character is one cell wide."""
    starts = [0]
    start, size, least = 0, len(text), max(1, width // 3)
    while size - start > width:
        end = start + width
        if text[end] == " ":  # a space that would overflow ends the row
            cut = end + 1
        else:
            space = text.rfind(" ", start, end)
            cut = space + 1 if space >= 0 and space + 1 - start >= least else end
        if cut >= size:
            break
        starts.append(cut)
        start = cut
    return starts


def _wrap_cells(text: str, width: int) -> list[int]:
    """:func:`wrap_starts` measuring each character (the text has wide ones)."""
    starts = [0]
    start = used = 0
    space = -1
    least = max(1, width // 3)
    for i, char in enumerate(text):
        size = 1 if char.isascii() else get_character_cell_size(char)
        if char == " " and used + size > width:  # a space that would overflow ends the row
            if i + 1 < len(text):
                starts.append(i + 1)
            start, space, used = i + 1, -1, 0
            continue
        if used + size > width and i > start:
            cut = space + 1 if space >= start and space + 1 - start >= least else i
            starts.append(cut)
            start, space = cut, -1
            used = sum(1 if c.isascii() else get_character_cell_size(c) for c in text[cut:i])
        if char == " ":
            space = i
        used += size
    return starts


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
        self._wrap_width = 0
        """The text width the rows were counted for (0: not laid out yet, one row a line)."""
        self._starts: list[int] = [0]
        """``_starts[i]`` is the first row of shown line ``i``; the last entry is the number of rows."""
        self._wrapped: tuple[LogLine | None, list[int]] = (None, [0])
        """The last line wrapped for drawing (its rows are drawn one after another)."""
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

    @property
    def total_rows(self) -> int:
        """Rows the shown lines take, wrapped to the pane."""
        return self._starts[-1]

    def _matches(self, line: LogLine) -> bool:
        needle = self.needle
        return needle in line.text.lower() or needle in line.path.lower()

    # ------------------------------------------------------------------ rows

    def _text_width(self) -> int:
        return max(MIN_TEXT_WIDTH, self.scrollable_content_region.width - INDENT)

    def _rows_of(self, line: LogLine) -> int:
        if not self._wrap_width:
            return 1
        return len(wrap_starts(line.text, self._wrap_width))

    def _count(self, new: Iterable[LogLine]) -> None:
        """Extend the row count by lines just added to the shown list."""
        starts = self._starts
        total = starts[-1]
        for line in new:
            total += self._rows_of(line)
            starts.append(total)

    def _reflow(self) -> None:
        """Count every shown line's rows again (the width, the filter or the trim changed)."""
        self._starts = [0]
        self._wrapped = (None, [0])
        self._count(self._shown)

    def _row(self, row: int) -> tuple[int, int]:
        """(shown line index, its row) of the log's ``row``."""
        index = bisect_right(self._starts, row) - 1
        return index, row - self._starts[index]

    def _top_row(self) -> int:
        """The log's row drawn at the top of the pane."""
        height = self.scrollable_content_region.height
        if self.following:
            return max(0, self.total_rows - height)
        return round(self.scroll_offset.y)

    def on_resize(self, event: events.Resize) -> None:
        width = self._text_width()
        if width == self._wrap_width or not self.scrollable_content_region.width:
            return
        top = self._row(self._top_row())[0] if not self.following and self._shown else 0
        self._wrap_width = width
        self._reflow()
        self._sync_size()
        if not self.following and self._shown:  # keep the line at the top at the top
            self.scroll_to(y=self._starts[top], animate=False, immediate=True, force=True)
        self.refresh()

    # ------------------------------------------------------------------ lines in

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
            new = [line for line in new if self._matches(line)]
            self._shown.extend(new)
        self._count(new)
        self._trim()
        if self.total_rows <= 4 * max(1, self.scrollable_content_region.height):
            self._sync_size()
        elif self._size_timer is None:
            self._size_timer = self.set_timer(SIZE_EVERY_S, self._sync_size)
        if self.following:
            self.refresh()

    def _sync_size(self) -> None:
        self._size_timer = None
        size = Size(self.scrollable_content_region.width, self.total_rows)
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
        shown_before = len(self._shown)
        del self.lines[: len(self.lines) - keep]
        if self._shown is not self.lines and len(self._shown) > keep:
            del self._shown[: len(self._shown) - keep]
        if len(self._shown) != shown_before:
            self._reflow()

    def set_filter(self, needle: str) -> None:
        self.needle = needle.lower()
        if self.past is not None:
            self.show_past(self.past, self.past[self.current] if 0 <= self.current < len(self.past) else None)
            return
        self._shown = [line for line in self.lines if self._matches(line)] if self.needle else self.lines
        self._reflow()
        self.following = True
        self._sync_size()
        self.refresh()

    def show_past(self, lines: list[LogLine], current: LogLine | None) -> None:
        """Show the lines around a moment of the past, ``current`` highlighted in the middle."""
        self.past = lines
        self._shown = [line for line in lines if self._matches(line)] if self.needle else list(lines)
        self._reflow()
        self.current = next((i for i, line in enumerate(self._shown) if line is current), -1)
        self.following = False
        self.virtual_size = Size(self.scrollable_content_region.width, self.total_rows)
        height = max(1, self.scrollable_content_region.height)
        middle = self._starts[self.current] if self.current >= 0 else 0
        self.scroll_to(y=max(0, middle - height // 2), animate=False, immediate=True, force=True)
        self.refresh()

    def show_live(self) -> None:
        """Back to now: the live lines, following the tail."""
        self.past = None
        self.current = -1
        self.set_filter(self.needle)

    def line_at(self, y: int) -> LogLine | None:
        """The line drawn on row ``y`` of the pane (any of its wrapped rows)."""
        row = y + self._top_row()
        if not 0 <= row < self.total_rows:
            return None
        return self._shown[self._row(row)[0]]

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        line = self.line_at(offset.y) if offset is not None else None
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
        self._reflow()
        self._sync_size()
        self.refresh()

    # ------------------------------------------------------------------ drawing

    def _style(self, name: str) -> Style:
        """A component style, kept until the theme or CSS changes (see SupervisionTree._style)."""
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(name)
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles.clear()

    def _wrap(self, line: LogLine) -> list[int]:
        """Where ``line``'s rows start, at the width drawn (one line is kept: its rows come in turn)."""
        last, starts = self._wrapped
        if last is not line:
            starts = wrap_starts(line.text, self._wrap_width) if self._wrap_width else [0]
            self._wrapped = (line, starts)
        return starts

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        row = y + self._top_row()
        if not 0 <= row < self.total_rows:
            return Strip.blank(width, base)
        index, part = self._row(row)
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
        starts = self._wrap(line)
        if part >= len(starts):  # not reachable while rows are counted and drawn at one width
            return Strip.blank(width, base)
        end = starts[part + 1] if part + 1 < len(starts) else len(line.text)
        text = line.text[starts[part]:end]
        lead = (f"{format_t(line.t):>{TIME_WIDTH}} " if part == 0 else " " * INDENT, time_style)
        return window((lead, (text, style)), 0, width, base)
