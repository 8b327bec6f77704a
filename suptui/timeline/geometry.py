"""Lanes as rows of cells: the whole drawing decision, so a Line-API widget only paints.

``rows(model, t0, t1, width)`` maps the window ``[t0, t1)`` onto ``width`` cells; cell ``i`` covers
``[t0 + i·span/width, t0 + (i+1)·span/width)``. Each cell gets one character and one style name; when
several things fall in one cell (a coarse zoom), the most important wins (:data:`PRIORITY`): a crash
is never hidden by the bar it ends. Style names are the app's business to colour:

=================  ===========================================================================
``bar``            a worker's process is alive
``bar.supervisor`` a supervisor's process is alive
``start``          a first start;  ``restart`` a restart (a new pid, a new bar)
``crash``          red: an abnormal end, or a failed start
``terminate``      amber: its supervisor stopped it (strategy, shutdown or terminate_child)
``exit``           plain: an orderly exit
``kill``           the user or the script killed it
``give_up``        the supervisor exceeded its restart intensity
``stamp``          a restart decision of this supervisor (one stamp in its window)
``link``           the column joining a cause to the siblings its supervisor stopped or restarted
``zombie`` ``strategy`` ``empty``
=================  ===========================================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..story import glyphs
from .gauge import Gauge
from .lane import Lane
from .model import TimelineModel
from .records import Group

ZOOM_LEVELS_MS: tuple[int, ...] = (1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000)
"""Time spans across the pane, from 1 s to 60 s (``<`` and ``>`` step through them)."""

GLYPHS: dict[str, str] = {
    "empty": " ",
    "bar": glyphs.ALIVE.char,
    "bar.supervisor": glyphs.ALIVE_SUPERVISOR.char,
    "start": glyphs.STARTED.char,
    "restart": glyphs.RESTARTED.char,
    "stamp": glyphs.STAMP.char,
    "link": glyphs.LINK.char,
    "exit": glyphs.EXITED.char,
    "terminate": glyphs.SHUT_DOWN.char,
    "crash": glyphs.CRASHED.char,
    "kill": glyphs.KILLED.char,
    "give_up": glyphs.GAVE_UP.char,
    "zombie": glyphs.ZOMBIE.char,
    "strategy": glyphs.STRATEGY.char,
}
"""A cell's style → its character: every one from :mod:`suptui.story.glyphs`, as in the tree and log."""

PRIORITY: dict[str, int] = {
    style: rank for rank, style in enumerate(
        ("empty", "bar", "bar.supervisor", "link", "start", "restart", "stamp", "strategy", "zombie", "exit",
         "terminate", "kill", "crash", "give_up"))
}


@dataclass(frozen=True, slots=True)
class Row:
    """One lane drawn across the window: ``text`` has exactly one character per cell."""

    path: str
    text: str
    styles: tuple[str, ...]
    gauge: Gauge | None = None

    def runs(self) -> list[tuple[str, str]]:
        """``(text, style)`` runs of equal style, left to right: ready to become segments."""
        out: list[tuple[str, str]] = []
        start = 0
        for index in range(1, len(self.styles) + 1):
            if index == len(self.styles) or self.styles[index] != self.styles[start]:
                out.append((self.text[start:index], self.styles[start]))
                start = index
        return out


def zoom_in(span_ms: int) -> int:
    """The next narrower span of :data:`ZOOM_LEVELS_MS` (the narrowest stays)."""
    narrower = [level for level in ZOOM_LEVELS_MS if level < span_ms]
    return narrower[-1] if narrower else ZOOM_LEVELS_MS[0]


def zoom_out(span_ms: int) -> int:
    """The next wider span of :data:`ZOOM_LEVELS_MS` (the widest stays)."""
    wider = [level for level in ZOOM_LEVELS_MS if level > span_ms]
    return wider[0] if wider else ZOOM_LEVELS_MS[-1]


def window_ending_at(now_ms: int, span_ms: int) -> tuple[int, int]:
    """The window that scrolls with the clock: ``now`` at the right edge once the run is longer than it."""
    t0 = max(0, now_ms - span_ms)
    return t0, t0 + span_ms


def cell_of(t: int, t0: int, t1: int, width: int) -> int:
    """The cell that ``t`` falls in (may be outside ``0 .. width-1`` for times outside the window)."""
    return (t - t0) * width // (t1 - t0)


def time_of(cell: int, t0: int, t1: int, width: int) -> int:
    """The first millisecond of ``cell``."""
    return t0 + -(-cell * (t1 - t0) // width)


class _Canvas:
    """One row being drawn: a cell keeps the most important thing put in it."""

    __slots__ = ("cells", "styles", "t0", "t1", "width")

    def __init__(self, t0: int, t1: int, width: int) -> None:
        self.t0, self.t1, self.width = t0, t1, width
        self.cells = [GLYPHS["empty"]] * width
        self.styles = ["empty"] * width

    def put(self, cell: int, style: str) -> None:
        if 0 <= cell < self.width and PRIORITY[style] >= PRIORITY[self.styles[cell]]:
            self.cells[cell] = GLYPHS[style]
            self.styles[cell] = style

    def at(self, t: int, style: str) -> None:
        if self.t0 <= t < self.t1:
            self.put(cell_of(t, self.t0, self.t1, self.width), style)

    def span(self, start: int, end: int, style: str) -> None:
        """Cells from the one holding ``start`` to the one holding ``end`` (both clipped), inclusive."""
        first = max(0, cell_of(max(start, self.t0), self.t0, self.t1, self.width))
        last = min(self.width - 1, cell_of(min(end, self.t1 - 1), self.t0, self.t1, self.width))
        for cell in range(first, last + 1):
            self.put(cell, style)

    def row(self, path: str, gauge: Gauge | None) -> Row:
        return Row(path, "".join(self.cells), tuple(self.styles), gauge)


def rows(model: TimelineModel, t0: int, t1: int, width: int, *, paths: Sequence[str] | None = None,
         now: int | None = None, gauge_at: int | None = None) -> list[Row]:
    """Draw ``paths`` (default: every lane, in tree order) over ``[t0, t1)`` in ``width`` cells.

    ``now`` is where a running process's bar stops (default: the model's last event, so a bar never
    runs into a future that has not happened); ``gauge_at`` adds each supervisor's gauge at that time.
    Group links are drawn between the rows asked for; a cause or effect outside ``paths`` just does not
    extend the link. Cost: one bisect per lane, then the cells and the things inside the window.
    """
    if width <= 0 or t1 <= t0:
        return []
    lanes = model.lanes() if paths is None else [lane for p in paths if (lane := model.lane(p)) is not None]
    end_of_open = now if now is not None else (model.last_t if model.last_t is not None else t0)
    canvases = [_draw_lane(lane, t0, t1, width, end_of_open) for lane in lanes]
    _draw_links(model.groups_between(t0, t1), lanes, canvases)
    return [canvas.row(lane.path, model.gauge(lane.path, gauge_at) if gauge_at is not None else None)
            for lane, canvas in zip(lanes, canvases, strict=True)]


def _draw_lane(lane: Lane, t0: int, t1: int, width: int, end_of_open: int) -> _Canvas:
    canvas = _Canvas(t0, t1, width)
    bar = "bar.supervisor" if lane.is_supervisor else "bar"
    for lifetime in lane.lifetimes_between(t0, t1):
        end = lifetime.end if lifetime.end is not None else max(lifetime.start, end_of_open)
        canvas.span(lifetime.start, end, bar)
        canvas.at(lifetime.start, "restart" if lifetime.restart else "start")
    for decision in lane.decisions_between(t0, t1):
        canvas.at(decision.t, "stamp")
    for mark in lane.marks_between(t0, t1):
        canvas.at(mark.t, mark.kind)
    return canvas


def _draw_links(groups: list[Group], lanes: Sequence[Lane], canvases: list[_Canvas]) -> None:
    """In each group's column, join the cause's row to the farthest row it affected."""
    index = {lane.path: row for row, lane in enumerate(lanes)}
    for group in groups:
        rows_hit = sorted(index[path] for path in group.paths if path in index)
        if len(rows_hit) < 2:
            continue
        for row in range(rows_hit[0] + 1, rows_hit[-1]):
            canvases[row].at(group.t, "link")
