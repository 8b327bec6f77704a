"""The timeline as a standalone SVG, for a teacher's slides (``--format svg``, the app's export).

Hand-written elements only (rects, lines, paths, text), with presentation attributes rather than CSS,
so the file looks the same in a browser, in Inkscape and pasted into a slide deck. Every lane is a
``<g class="lane" data-path=...>`` and every mark carries a ``class`` and a ``<title>`` tooltip, so
the picture is also easy to test and to restyle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import groupby
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr as _xml_quoteattr

from ..engine import Event
from ..safetext import visible
from ..story import glyphs
from .lane import Lane
from .model import TimelineModel
from .records import Group, Lifetime, Mark

LANE_H = 28
AXIS_H = 24
TITLE_H = 30
LEGEND_H = 34
RIGHT_PAD = 56
"""Room right of the plot for a last mark's label ("gave up 6/5")."""
FONT = "Helvetica, Arial, sans-serif"

COLORS = {
    "bar": "#5a9e6f",
    "bar.supervisor": "#3b6ea8",
    "crash": "#d62728",
    "terminate": "#f0a202",
    "exit": "#555555",
    "kill": "#6a3d9a",
    "give_up": "#a50f15",
    "stamp": "#222222",
    "link": "#8c8c8c",
    "grid": "#e3e3e3",
    "stripe": "#f6f6f6",
    "text": "#222222",
    "muted": "#777777",
}

TICK_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600)


def escape(text: str) -> str:
    """Text for an element's content. Names, reasons and titles come from tree files and workers:
    control characters are made visible first (most are not even legal in XML 1.0, and would make
    the whole file unreadable), then ``&``, ``<`` and ``>`` are escaped."""
    return _xml_escape(visible(text))


def quoteattr(text: str) -> str:
    """A quoted attribute value, made visible first like :func:`escape`."""
    return _xml_quoteattr(visible(text))


def render_svg(model: TimelineModel, t0: int, t1: int, *, width_px: int = 960, title: str | None = None,
               paths: Sequence[str] | None = None, now: int | None = None) -> str:
    """The lanes of ``model`` over ``[t0, t1)`` as an SVG document.

    ``now`` ends the bars of processes still running (default ``t1``: the run went on to the end of
    the window); ``paths`` picks lanes (default all, in tree order).
    """
    if t1 <= t0:
        raise ValueError(f"empty window {t0}..{t1}")
    lanes = list(model.lanes()) if paths is None else [lane for p in paths if (lane := model.lane(p))]
    label_w = max([100, *(_label_width(lane) for lane in lanes)])
    plot_w = max(100, width_px - label_w - RIGHT_PAD)
    top = (TITLE_H if title else 6) + AXIS_H
    height = top + LANE_H * len(lanes) + LEGEND_H
    frame = _Frame(t0, t1, label_w, plot_w, top)
    end_of_open = t1 if now is None else now
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="{height}" '
        f'viewBox="0 0 {width_px} {height}" font-family="{FONT}" font-size="12">',
        f"<title>{escape(title or 'suptui timeline')}</title>",
        f'<rect width="{width_px}" height="{height}" fill="#ffffff"/>',
    ]
    if title:
        out.append(_text(12, 20, title, size=16, weight="bold", cls="title"))
    out.extend(_axis(frame, len(lanes)))
    for row, lane in enumerate(lanes):
        out.extend(_lane(model, lane, row, frame, end_of_open))
    rows = {lane.path: row for row, lane in enumerate(lanes)}
    out.extend(_links(model.groups_between(t0, t1), rows, frame))
    out.extend(_legend(top + LANE_H * len(lanes) + 8))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def timeline_svg(events: Iterable[Event], until: int | None = None, *, title: str | None = None,
                 width_px: int = 960) -> str:
    """A run's events as an SVG over ``0 … until`` (default: to the whole second after the last event)."""
    model = TimelineModel(events)
    if until is None:
        last = model.last_t if model.last_t is not None else 0
        until = (last // 1000 + 1) * 1000
    return render_svg(model, 0, until, width_px=width_px, title=title)


class _Frame:
    """Where things go: time to x, row to y."""

    def __init__(self, t0: int, t1: int, left: int, width: int, top: int) -> None:
        self.t0, self.t1, self.left, self.width, self.top = t0, t1, left, width, top

    def x(self, t: float) -> float:
        return round(self.left + (t - self.t0) * self.width / (self.t1 - self.t0), 2)

    def clip_x(self, t: float) -> float:
        return self.x(min(max(t, self.t0), self.t1))

    def y(self, row: int) -> float:
        """The centre line of a row."""
        return self.top + row * LANE_H + LANE_H / 2

    def inside(self, t: int) -> bool:
        return self.t0 <= t < self.t1


def _label_width(lane: Lane) -> int:
    return 16 + lane.depth * 14 + int(len(visible(lane.name)) * 7.2)


def _text(x: float, y: float, text: str, *, size: int = 12, weight: str | None = None, anchor: str = "start",
          fill: str = COLORS["text"], cls: str | None = None) -> str:
    attrs = f'x="{x}" y="{y}" font-size="{size}" fill="{fill}"'
    if weight:
        attrs += f' font-weight="{weight}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if cls:
        attrs += f' class="{cls}"'
    return f"<text {attrs}>{escape(text)}</text>"


def _seconds(t_ms: float) -> str:
    return f"{t_ms / 1000:g} s"


def _axis(frame: _Frame, lane_count: int) -> list[str]:
    span_s = (frame.t1 - frame.t0) / 1000
    most = max(2, frame.width // 44)
    step_s = next((s for s in TICK_STEPS_S if span_s / s <= most), TICK_STEPS_S[-1])
    step = step_s * 1000
    first = -(-frame.t0 // step) * step
    bottom = frame.top + LANE_H * lane_count
    out = ['<g class="axis">']
    for t in range(first, frame.t1 + 1, step):
        x = frame.x(t)
        out.append(f'<line x1="{x}" y1="{frame.top - 4}" x2="{x}" y2="{bottom}" stroke="{COLORS["grid"]}"/>')
        out.append(_text(x, frame.top - 8, _seconds(t), size=11, anchor="middle", fill=COLORS["muted"],
                         cls="tick"))
    out.append("</g>")
    return out


def _lane(model: TimelineModel, lane: Lane, row: int, frame: _Frame, end_of_open: int) -> list[str]:
    y = frame.y(row)
    out = [f'<g class="lane" data-path={quoteattr(lane.path)}>']
    if row % 2 == 0:
        out.append(f'<rect x="0" y="{y - LANE_H / 2}" width="{frame.left + frame.width + RIGHT_PAD}" '
                   f'height="{LANE_H}" fill="{COLORS["stripe"]}"/>')
    out.append(_text(10 + lane.depth * 14, y + 4, lane.name, weight="bold" if lane.is_supervisor else None,
                     cls="label"))
    for lifetime in lane.lifetimes_between(frame.t0, frame.t1):
        out.append(_bar(lane, lifetime, y, frame, end_of_open))
    if lane.is_supervisor:
        out.extend(_stamps(model, lane, y, frame))
    for mark in lane.marks_between(frame.t0, frame.t1):
        out.append(_mark(lane, mark, y, frame))
    out.append("</g>")
    return out


def _bar(lane: Lane, lifetime: Lifetime, y: float, frame: _Frame, end_of_open: int) -> str:
    end = lifetime.end if lifetime.end is not None else max(lifetime.start, end_of_open)
    x0, x1 = frame.clip_x(lifetime.start), frame.clip_x(end)
    height = 12 if lane.is_supervisor else 10
    style = "bar.supervisor" if lane.is_supervisor else "bar"
    how: str = lifetime.ended_by or "running"
    if lifetime.why:
        how += f" ({lifetime.why})"
    tip = f"{lane.path} {lifetime.pid}: {_seconds(lifetime.start)} → "
    tip += f"{_seconds(lifetime.end)}, {how}" if lifetime.end is not None else "running"
    if lifetime.cause:
        tip += f"; restarted because of {lifetime.cause}"
    return (f'<rect class="bar{" restart" if lifetime.restart else ""}" x="{x0}" y="{y - height / 2}" '
            f'width="{max(1.0, round(x1 - x0, 2))}" height="{height}" rx="2" fill="{COLORS[style]}" '
            f'stroke="#ffffff" stroke-width="1"><title>{escape(tip)}</title></rect>')


def _stamps(model: TimelineModel, lane: Lane, y: float, frame: _Frame) -> list[str]:
    """A tick under the bar per restart decision; above it, the window's count after the last one of
    that instant (``6/5`` at a give-up)."""
    out = []
    for t, decisions in groupby(lane.decisions_between(frame.t0, frame.t1), key=lambda d: d.t):
        last = list(decisions)[-1]
        lifetime = lane.lifetime_at(t)
        limit = lifetime.max_restarts if lifetime is not None else None
        x = frame.x(t)
        out.append(f'<line class="stamp" x1="{x}" y1="{y + 7}" x2="{x}" y2="{y + 12}" '
                   f'stroke="{COLORS["stamp"]}" stroke-width="1.5"/>')
        if limit is not None:
            count = f"{len(last.window)}/{limit}"
            if last.fatal:  # left of the give-up mark, whose label is on its right
                out.append(_text(x - 9, y - 4, count, size=10, weight="bold", anchor="end",
                                 fill=COLORS["give_up"], cls="gauge"))
            else:
                out.append(_text(x + 3, y - 8, count, size=9, fill=COLORS["muted"], cls="gauge"))
    return out


def _mark(lane: Lane, mark: Mark, y: float, frame: _Frame) -> str:
    x = frame.x(mark.t)
    tip = f"{_seconds(mark.t)} {lane.path} {mark.pid}: {mark.kind}"
    if mark.detail:
        tip += f" ({mark.detail})"
    if mark.phase == "init":
        tip += ", failed to start"
    shape = _shape(mark.kind, x, y, "mark")
    if mark.kind == "give_up":
        shape += _text(x + 10, y + 4, "gave up", size=10, weight="bold", fill=COLORS["give_up"])
    return f'<g class="mark {mark.kind}">{shape}<title>{escape(tip)}</title></g>'


def _shape(kind: str, x: float, y: float, cls: str) -> str:
    """The symbol of one mark kind, centred on ``(x, y)``."""
    r = 5
    if kind == "crash":
        return (f'<path class="{cls}-shape" d="M{x - r},{y - r} L{x + r},{y + r} M{x - r},{y + r} '
                f'L{x + r},{y - r}" stroke="{COLORS["crash"]}" stroke-width="2.5" stroke-linecap="round"/>')
    if kind == "terminate":
        return (f'<rect class="{cls}-shape" x="{x - 4.5}" y="{y - 4.5}" width="9" height="9" '
                f'fill="{COLORS["terminate"]}" stroke="#8a5d00" stroke-width="0.8"/>')
    if kind == "exit":
        return (f'<circle class="{cls}-shape" cx="{x}" cy="{y}" r="4.5" fill="#ffffff" '
                f'stroke="{COLORS["exit"]}" stroke-width="1.5"/>')
    if kind == "kill":  # the app's ↯, drawn as a bolt so it needs no font
        return (f'<path class="{cls}-shape" d="M{x + 2},{y - 7} L{x - 4},{y + 1} L{x},{y + 1} '
                f'L{x - 2},{y + 7} L{x + 4},{y - 1} L{x},{y - 1} Z" fill="{COLORS["kill"]}"/>')
    if kind == "give_up":  # the app's ‼ (a circled slash would read as "removed", ⊘)
        return _text(x, y + 5, glyphs.GAVE_UP.char, size=15, weight="bold", anchor="middle",
                     fill=COLORS["give_up"], cls=f"{cls}-shape")
    if kind == "stamp":
        return (f'<line class="{cls}-shape" x1="{x}" y1="{y - 3}" x2="{x}" y2="{y + 3}" '
                f'stroke="{COLORS["stamp"]}" stroke-width="1.5"/>')
    symbol = {"zombie": glyphs.ZOMBIE.char, "strategy": glyphs.STRATEGY.char}.get(kind, "?")
    return _text(x, y + 4, symbol, size=11, anchor="middle", fill=COLORS["muted"], cls=f"{cls}-shape")


def _links(groups: list[Group], rows: dict[str, int], frame: _Frame) -> list[str]:
    """One dashed line per cause, down its column through every lane it touched; effects that came
    later (a slow child) hang off it with a dotted line to where they happened."""
    out = ['<g class="links">']
    for group in groups:
        hit = sorted(rows[path] for path in group.paths if path in rows)
        if len(hit) < 2 or not frame.inside(group.t):
            continue
        x = frame.x(group.t)
        out.append(f'<line class="link" data-cause={quoteattr(group.cause)} x1="{x}" y1="{frame.y(hit[0])}" '
                   f'x2="{x}" y2="{frame.y(hit[-1])}" stroke="{COLORS["link"]}" stroke-width="1.2" '
                   f'stroke-dasharray="3 2"/>')
        for effect in group.effects:
            if effect.t != group.t and effect.path in rows:
                ey = frame.y(rows[effect.path])
                out.append(f'<line class="link late" x1="{x}" y1="{ey}" x2="{frame.clip_x(effect.t)}" '
                           f'y2="{ey}" stroke="{COLORS["link"]}" stroke-width="1" stroke-dasharray="1 2"/>')
    out.append("</g>")
    return out


_LEGEND_WORDS = {
    "crash": "crashed", "terminate": "shut down by its supervisor", "exit": "exited (orderly)",
    "kill": "killed", "give_up": "gave up", "stamp": "restart (as the window counts it: n/max)",
}
"""The legend's words: the short form of :mod:`suptui.story.glyphs`'s meanings, as the app's legend
says them."""


def _legend(y: float) -> list[str]:
    items = list(_LEGEND_WORDS.items())
    out = ['<g class="legend">']
    x = 16.0
    for kind, label in items:
        out.append(_shape(kind, x, y + 10, "legend"))
        out.append(_text(x + 12, y + 14, label, size=11, fill=COLORS["muted"]))
        x += 12 + len(label) * 6.2 + 22
    out.append("</g>")
    return out
