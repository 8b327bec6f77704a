"""What the header says: tree title, virtual time, speed, a PAUSED badge, the past mark and the root's
budget.

The title is the tree file's, and a file's title often names the root's strategy (``Bombs
(one_for_one)``). Once the root's strategy is switched live (``s``, ``1`` ``2`` ``3``), the title must not
keep saying the old one: the strategy of the moment shown replaces the file's in the title, marked as a
switch (``Bombs (⇄ one_for_all)``); a title that does not name it gets ``· root ⇄ one_for_all``.

Kept as a small value so the app only re-renders the header when something on it changed, and so
tests can check it as data. Textual's ``Header`` shows ``App.format_title``; the app hands it
:func:`header_content`.

On a narrow screen the header says less rather than lose its end (Textual would cut the budget to
``roo…``): the budget is written short, then the title loses its ``suptui ·``, then it is cut; time,
speed, the badges and the budget stay whole. A cut title that would lose a switched strategy gives way
to the switch alone (``⇄ one_for_all``): the tree's name goes before the truth about its root.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual.app import ComposeResult
from textual.content import Content
from textual.strip import Strip
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Header, Static
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
    given: str | None = None
    """The root's strategy as its tree file gave it (None without a file: an attached program)."""
    strategy: str | None = None
    """The root's strategy at the moment shown (the view-model's); the header says it when it is not
    :attr:`given`."""

    @property
    def switched(self) -> str | None:
        """The root's strategy when it was switched away from the file's (the title must say it)."""
        if self.given is None or self.strategy is None or self.strategy == self.given:
            return None
        return self.strategy

    def plain(self) -> str:
        """The same information as plain text (the app's ``sub_title``, for screen readers and logs)."""
        return header_content("", self).plain.strip()


ATTACHED = "ATTACHED"
"""The header's badge while an attached program is connected."""

HEADER_CHROME = 18
"""Cells of the header that are not its title: the icon (8) and the clock space (10)."""
APP_PREFIX = "suptui · "


Pieces = tuple[Content, Content, Content]
"""The header line as the text before the clock, the clock, and the text after it."""


def title_width(screen_width: int) -> int:
    """The cells the header's title line has on a screen this wide."""
    return max(0, screen_width - HEADER_CHROME)


def header_content(title: str, state: HeaderState, width: int | None = None) -> Content:
    """The header line; with ``width``, the longest wording that fits in it (see the module's note)."""
    return Content.assemble(*header_pieces(title, state, width))


def header_pieces(title: str, state: HeaderState, width: int | None = None) -> Pieces:
    """:func:`header_content` in three pieces: what comes before the clock, the clock, what follows.

    The header draws the clock as a widget of its own, so that a frame in which only time moved
    repaints the clock's few cells and nothing else.
    """
    full = _header_pieces(_title(visible(title), state), state, short=False)
    if width is None or _length(full) <= width:
        return full
    short = _header_pieces(_title(visible(title), state), state, short=True)
    if _length(short) <= width:
        return short
    title = visible(title.removeprefix(APP_PREFIX))
    room = width - _length(_header_pieces((), state, short=True))
    whole = _title(title, state)
    if room >= _cells(whole):
        return _header_pieces(whole, state, short=True)
    switched = state.switched
    if switched is not None:  # a cut title would cut the switch, or keep the file's stale strategy
        alone = _switch_alone(switched, root=False)
        if room >= _cells(alone):
            return _header_pieces(alone, state, short=True)
    elif room >= 6:  # a cut title still says which tree
        return _header_pieces(((set_cell_size(title, room - 1).rstrip() + "…", "bold"),), state, short=True)
    return _header_pieces((), state, short=True, lead=False)


TitleParts = tuple[tuple[str, str], ...]
"""The title as (text, style) parts: the file's words, and a switched strategy's mark."""

SWITCH_STYLE = "bold $text-warning"


def _title(title: str, state: HeaderState) -> TitleParts:
    """The title (already made visible) with the root's switched strategy in place of the file's, if
    it was switched (see the module's note)."""
    switched = state.switched
    if switched is None or state.given is None:
        return ((title, "bold"),)
    mention = re.search(rf"(?<![\w]){re.escape(state.given)}(?![\w])", title)
    if not title:
        return _switch_alone(switched)
    if mention is None:
        return ((title, "bold"), (" · ", "bold"), *_switch_alone(switched))
    return ((title[:mention.start()], "bold"), (f"⇄ {switched}", SWITCH_STYLE),
            (title[mention.end():], "bold"))


def _switch_alone(switched: str, *, root: bool = True) -> TitleParts:
    """The switch without the title (``root`` named unless the budget beside the clock names it)."""
    return ((("root ", "bold"),) if root else ()) + ((f"⇄ {switched}", SWITCH_STYLE),)


def _cells(parts: TitleParts) -> int:
    return sum(cell_len(text) for text, _ in parts)


def _length(pieces: Pieces) -> int:
    return sum(piece.cell_length for piece in pieces)


def clock_text(t_ms: float) -> str:
    """The header's clock: ``t = 12.400 s``."""
    return f"t = {format_t(t_ms)} s"


def clock_content(t_ms: float) -> Content:
    """The header's clock, as the line's piece (bold)."""
    return Content.assemble((clock_text(t_ms), "bold"))


def _header_pieces(title: TitleParts, state: HeaderState, *, short: bool,
                   lead: bool = True) -> Pieces:
    before: list[str | tuple[str, str]] = [*title, "   "] if lead else []
    parts: list[str | tuple[str, str]] = ["  ", (speed_label(state.speed), "bold $text-accent")]
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
    return Content.assemble(*before), clock_content(state.t_ms), Content.assemble(*parts)


def root_ended_at(model: TreeModel) -> tuple[str, float] | None:
    """How and when the root ended (``gave up``, ``killed``, ``crashed``…), or None while it runs."""
    root = model.nodes.get(model.root or "")
    if root is None or root.status in ("running", "pending", "restarting"):
        return None
    if root.gave_up is not None:
        return "gave up", root.gave_up.t
    return root.last_end or "ended", root.last_end_t if root.last_end_t is not None else 0.0


def root_ended_line(model: TreeModel, offers: Callable[[str], bool]) -> str | None:
    """The banner's first line once the root is down: when, and what to do next (only the keys that
    ``offers``, the rules' :func:`~suptui.tui.rules.offers`, says work now)."""
    ended = root_ended_at(model)
    if ended is None:
        return None
    how, t_ms = ended
    root = model.nodes[model.root or ""]
    line = f"{visible(root.id)} {how} at {format_t(t_ms)} s"
    nexts = [words for action, words in (("restart_tree", "R starts it again"), ("predict", "p predicts"))
             if offers(action)]
    if offers("back_event"):  # (not ".": at the root's end it has nothing to step to, only once back)
        nexts.append(", travels back")
    return f"{line} — {', '.join(nexts)}" if nexts else line


class _Piece(Static):
    """A piece of the header's title line, as wide as its text (the width changes with a layout)."""

    DEFAULT_CSS = """
    _Piece { width: 0; height: 100%; text-wrap: nowrap; content-align: left middle; }
    _Piece.-before { content-align: right middle; }
    """

    def __init__(self, *, classes: str = "") -> None:
        super().__init__(classes=classes, markup=False)
        self.cells = 0

    def show(self, content: Content, cells: int) -> None:
        if cells != self.cells:
            self.cells = cells
            self.styles.width = cells  # a layout (the text grew or shrank; the line moved)
        self.update(content, layout=False)


class HeaderTime(Widget):
    """The header's clock, a few cells of its own: a frame in which only time moved repaints these
    cells and nothing else of the screen, with no layout (its width changes only with a digit more).

    It draws its one line itself (Textual's line API), without a visual to build and style per frame:
    the clock changes ten times a second while the app is otherwise idle.
    """

    DEFAULT_CSS = """
    HeaderTime { width: 0; height: 100%; text-style: bold; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.cells = 0
        self.text = ""

    def show(self, content: Content, cells: int) -> None:
        if cells != self.cells:
            self.cells = cells
            self.styles.width = cells  # a layout (the clock gained a digit; the line moved)
        self.update(content.plain)

    def update(self, text: str) -> None:
        """The clock's text (as wide as before: the caller checks); a repaint of its cells only."""
        if text != self.text:
            self.text = text
            self.refresh()

    def render_line(self, y: int) -> Strip:
        if y != self.size.height // 2:
            return Strip.blank(self.size.width, self.rich_style)
        return Strip([Segment(self.text, self.rich_style)], cell_len(self.text)).adjust_cell_length(
            self.size.width, self.rich_style)


class _LiveTitle(HeaderTitle):
    """The header's title line: the text before the clock, the clock, the text after it, centred as
    one line. Textual's ``Header`` updates it when the app's title changes: it then asks the header."""

    DEFAULT_CSS = """
    _LiveTitle { layout: horizontal; height: 100%; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.time = HeaderTime()

    def compose(self) -> ComposeResult:
        yield _Piece(classes="-before")
        yield self.time
        yield _Piece(classes="-after")

    def update(self, content: VisualType = "", *, layout: bool = False) -> None:
        if isinstance(self.parent, PlaygroundHeader):
            self.parent.redraw()

    def show(self, pieces: Pieces, width: int) -> None:
        """Lay the pieces out centred in ``width`` cells (as a centred line of their text would be)."""
        if not self.children:
            return
        before, clock, after = pieces
        offset = max(0, (width - _length(pieces)) // 2)
        first, last = self.query_children(_Piece)
        first.show(before, offset + before.cell_length)
        self.time.show(clock, clock.cell_length)
        last.show(after, max(0, width - offset - before.cell_length - clock.cell_length))

    def tick(self, clock: str) -> bool:
        """Only time moved: redraw the clock alone; False if it needs more room (a full redraw)."""
        if not self.time.is_mounted or cell_len(clock) != self.time.cells:
            return False
        self.time.update(clock)
        return True


class PlaygroundHeader(Header):
    """Textual's Header (icon opens the palette, title from the app's :func:`header_pieces`), cheap to
    refresh.

    The live part is not pushed through ``App.sub_title``: changing an app reactive repaints the whole
    screen, and the clock changes 10 to 30 times a second. The clock is a widget of its own
    (:class:`HeaderTime`): when only time moved, :meth:`tick` repaints its cells alone.
    """

    def __init__(self) -> None:
        super().__init__()
        self.line = _LiveTitle()

    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(Header.icon)
        yield self.line
        yield HeaderClockSpace()

    def _pieces(self) -> Pieces:
        pieces = getattr(self.app, "header_pieces", None)
        if callable(pieces):
            return cast(Pieces, pieces())
        return Content(""), Content(""), self.format_title()

    def redraw(self) -> None:
        """Show the app's current header (call when the header state changed).

        Before the header has composed its children (a screen being pushed or rebuilt) there is
        nothing to draw yet; the next refresh tick shows the state.
        """
        for title in self.query(_LiveTitle):
            title.show(self._pieces(), title_width(self.app.size.width))

    def tick(self, t_ms: float) -> None:
        """Only the clock moved (to ``t_ms``): repaint the clock's cells, nothing else."""
        if not self.line.tick(clock_text(t_ms)):
            self.redraw()

    def on_resize(self) -> None:
        """The wording depends on the width (see :func:`header_content`)."""
        self.redraw()
