"""What the header says: tree title, virtual time, speed, a PAUSED badge, the past mark and the root's
budget.

Kept as a small value so the app only re-renders the header when something on it changed, and so
tests can check it as data. Textual's ``Header`` shows ``App.format_title``; the app hands it
:func:`header_content`.

On a narrow screen the header says less rather than lose its end (Textual would cut the budget to
``roo…``): the budget is written short, then the title loses its ``suptui ·``, then it is cut; time,
speed, the badges and the budget stay whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from textual.app import ComposeResult
from textual.content import Content
from textual.visual import VisualType
from textual.widgets import Header
from textual.widgets._header import HeaderClockSpace, HeaderIcon, HeaderTitle

from ..safetext import visible
from .model import TreeModel
from .narrate import format_t
from .timecontrol import speed_label


@dataclass(frozen=True)
class HeaderState:
    t_ms: float = 0.0
    speed: float = 1.0
    paused: bool = False
    root: str = "root"
    budget: tuple[int, int, int] | None = None
    needle: str = ""
    replay: bool = False
    """A recording is shown, not a live run."""
    past_of: float | None = None
    """Time travel: the screen shows ``t_ms``, in the past of this time (now, or a replay's end)."""
    loading: str | None = None
    """A replay still being read (``loading 37 %``), or cut short by a bad line (``partial``)."""
    attached: str | None = None
    """A live program attached to: ``ATTACHED``, or why not now (``PROGRAM ENDED``, ``RECONNECTING``)."""

    def plain(self) -> str:
        """The same information as plain text (the app's ``sub_title``, for screen readers and logs)."""
        return header_content("", self).plain.strip()


ATTACHED = "ATTACHED"
"""The header's badge while an attached program is connected."""

HEADER_CHROME = 18
"""Cells of the header that are not its title: the icon (8) and the clock space (10)."""
APP_PREFIX = "suptui · "


def title_width(screen_width: int) -> int:
    """The cells the header's title line has on a screen this wide."""
    return max(0, screen_width - HEADER_CHROME)


def header_content(title: str, state: HeaderState, width: int | None = None) -> Content:
    """The header line; with ``width``, the longest wording that fits in it (see the module's note)."""
    full = _header_content(visible(title), state, short=False)
    if width is None or full.cell_length <= width:
        return full
    short = _header_content(visible(title), state, short=True)
    if short.cell_length <= width:
        return short
    title = visible(title.removeprefix(APP_PREFIX))
    room = width - _header_content("", state, short=True).cell_length
    if room >= cell_len(title):
        return _header_content(title, state, short=True)
    if room >= 6:  # a cut title still says which tree
        return _header_content(set_cell_size(title, room - 1).rstrip() + "…", state, short=True)
    return _header_content("", state, short=True, lead=False)


def _header_content(title: str, state: HeaderState, *, short: bool, lead: bool = True) -> Content:
    parts: list[str | tuple[str, str]] = [(title, "bold"), "   "] if lead else []
    parts += [(f"t = {format_t(state.t_ms)} s", "bold"), "  ",
              (speed_label(state.speed), "bold $text-accent")]
    if state.replay:
        parts += ["  ", (" REPLAY ", "bold reverse $accent")]
    if state.loading is not None:
        parts += ["  ", (f" {state.loading} ", "bold reverse $warning")]
    if state.attached is not None:
        style = "bold reverse $success" if state.attached == ATTACHED else "bold reverse $error"
        parts += ["  ", (f" {state.attached} ", style)]
    if state.past_of is not None:
        parts += ["  ", (f" ◀ PAST (now {format_t(state.past_of)} s) ", "bold reverse $error")]
    elif state.paused:
        parts += ["  ", (" PAUSED ", "bold reverse $warning")]
    if state.budget is not None:
        used, most, period = state.budget
        style = "bold $error" if used >= most else ""
        words = f"{used}/{most} in {period} s" if short else f"{used}/{most} restarts in {period} s"
        parts += ["  ", (f"{visible(state.root)} {words}", style)]
    if state.needle:
        parts += ["  ", (f"filter: {visible(state.needle)}", "italic")]
    return Content.assemble(*parts)


def root_ended_at(model: TreeModel) -> tuple[str, float] | None:
    """How and when the root ended (``gave up``, ``killed``, ``crashed``…), or None while it runs."""
    root = model.nodes.get(model.root or "")
    if root is None or root.status in ("running", "pending", "restarting"):
        return None
    if root.gave_up is not None:
        return "gave up", root.gave_up.t
    return root.last_end or "ended", root.last_end_t if root.last_end_t is not None else 0.0


def root_ended_line(model: TreeModel, source: str | None) -> str | None:
    """The banner's first line once the root is down: when, and what to do next."""
    ended = root_ended_at(model)
    if ended is None:
        return None
    how, t_ms = ended
    root = model.nodes[model.root or ""]
    again = "R starts it again, " if source else ""
    return f"{visible(root.id)} {how} at {format_t(t_ms)} s — {again}p predicts, , . travel back"


class _LiveTitle(HeaderTitle):
    """The header's title line, redrawn without a layout pass: its size never changes, and the
    virtual clock changes it 30 times a second (a layout each time cost a quarter of a core)."""

    def update(self, content: VisualType = "", *, layout: bool = False) -> None:
        super().update(content, layout=False)


class PlaygroundHeader(Header):
    """Textual's Header (icon opens the palette, title from ``App.format_title``), cheap to refresh.

    The live part is not pushed through ``App.sub_title``: changing an app reactive repaints the whole
    screen, and the clock changes 30 times a second.
    """

    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(Header.icon)
        yield _LiveTitle()
        yield HeaderClockSpace()

    def redraw(self) -> None:
        """Show the app's current ``format_title`` (call when the header state changed).

        Before the header has composed its children (a screen being pushed or rebuilt) there is
        nothing to draw yet; the next refresh tick shows the state.
        """
        for title in self.query(_LiveTitle):
            title.update(self.format_title())

    def on_resize(self) -> None:
        """The wording depends on the width (see :func:`header_content`)."""
        self.redraw()
