"""Predict mode's two screens: the grid to fill in at t = 0, and the scored result.

The screens only edit and show; the app owns the run. :class:`PredictScreen` returns the filled-in
:class:`~suptui.tui.predictdraft.Draft` (or None on Esc); the app turns it into summary text, runs
the tree to the end of the grid and opens :class:`PredictResultScreen` with the score.

The grid also sets up the lesson's exercise: with a :class:`~suptui.tui.predicttree.PredictSetup`
the learner picks a supervisor's strategy, moves a child in the start order and changes a bomb's
time before locking in; the app then scores a run of that tree.
"""

from __future__ import annotations

import re
import textwrap

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, Label, Static

from ..safetext import visible
from ..story.predict import Score, report
from .bindings import PREDICT_GRID_BINDINGS, PREDICT_RESULT_BINDINGS, PREDICT_SETUP_BINDINGS
from .dialogs import shown
from .once import DismissOnce
from .predictdraft import Draft
from .predictgrid import PredictGrid, verdicts_of
from .predicttree import PredictSetup

HOW = ("Mark what you expect in each second, then Enter runs the tree and scores you.  "
       "x crash (restarted: r takes that away) · r restart · g give up · del clear · [ ] seconds")
SETUP_HOW = "Set it up first: s strategy (1 2 3) · K J move the child up/down · + - its time"



class PredictScreen(DismissOnce, ModalScreen[Draft | None]):
    """The tree at t = 0 with what is scheduled, a grid of seconds to mark, the supervisors' restart
    budgets as the marks fill them, and (with a setup) the tree's strategy, order and times to set."""

    BINDINGS = [*PREDICT_GRID_BINDINGS, *PREDICT_SETUP_BINDINGS]

    def __init__(self, draft: Draft, title: str, notes: list[str] | None = None,
                 setup: PredictSetup | None = None) -> None:
        super().__init__()
        self.draft = draft
        self.title_text = title
        self.notes = notes or []
        self.setup = setup

    def compose(self) -> ComposeResult:
        with Vertical(id="predict", classes="dialog"):
            yield Label(shown(self.title_text), id="question")
            how = HOW if self.setup is None else f"{HOW}\n{SETUP_HOW}"
            yield Static(how, id="predict-how", markup=False)
            yield Static(self.status_text(), id="predict-status", markup=False)
            yield PredictGrid(self.draft, id="predict-grid")
            if self.notes:  # the script's reasons and targets, as the tree file wrote them
                yield Static("\n".join(visible(note) for note in self.notes), id="predict-notes",
                             markup=False)
        yield Footer()

    DEFAULT_CSS = """
    #predict-status { height: auto; color: $text; margin-bottom: 1; }
    """

    @property
    def grid(self) -> PredictGrid | None:
        """The grid, or None before the screen is composed: keys typed ahead of it are dropped
        (a key can reach a just-pushed screen before its widgets exist)."""
        found = self.query("#predict-grid")
        return found.first(PredictGrid) if found else None

    def on_mount(self) -> None:
        if self.grid is not None:
            self.grid.focus()

    def status_text(self) -> str:
        """What is being predicted and what the marks say of each supervisor's budget: the tree as
        set up (or as it runs now), then ``root gives up at 6 s by your marks`` or its peak."""
        parts = []
        if self.setup is not None:
            changes = self.setup.summary()
            now = f"the tree as it runs now ({self.setup.strategies()})"
            parts.append(f"Predicting: {'; '.join(changes) if changes else now}")
        for row in self.draft.rows:
            if row.max_restarts is None or row.max_seconds is None:
                continue
            cells = [cell for cell in self.draft.budget(row.path) if cell is not None]
            over = next((i + 1 for i, cell in enumerate(self.draft.budget(row.path))
                         if cell is not None and cell.gave_up), None)
            limit = f"max {row.max_restarts} in {row.max_seconds} s"
            if over is not None:
                parts.append(f"{row.name}: your marks take it over its budget at {over} s ({limit}): "
                             "it gives up there")
            elif cells and max(cell.count for cell in cells) > 0:
                peak = max(cell.count for cell in cells)
                parts.append(f"{row.name}: at most {peak} restarts in its window by your marks ({limit})")
        return "\n".join(visible(part) for part in parts)

    def _edited(self) -> None:
        """A mark or the setup changed: the budget line and the status follow."""
        found = self.query("#predict-status")
        if found:
            found.first(Static).update(self.status_text())

    def action_move(self, dx: int, dy: int) -> None:
        if self.grid is not None:
            self.grid.move(dx, dy)

    def action_mark(self, kind: str) -> None:
        if self.grid is not None:
            self.grid.mark(kind)
            self._edited()

    def action_clear(self) -> None:
        if self.grid is not None:
            self.grid.clear()
            self._edited()

    def action_seconds(self, delta: int) -> None:
        if self.grid is not None:
            self.grid.resize_seconds(delta)
            self._edited()

    # ------------------------------------------------------------------ the setup

    def _set_up(self, change: str, done: object) -> None:
        """Show the tree as changed (rows, order, timers), or say why nothing changed."""
        grid = self.grid
        if grid is None or self.setup is None:
            return
        if done is None or done is False:
            self.notify(f"cannot {change} here", severity="warning", timeout=2)
            return
        path = grid.path
        self.draft.rows = self.setup.rows()
        grid.reload(path)
        self._edited()

    def action_strategy(self, strategy: str | None = None) -> None:
        grid = self.grid
        if grid is None or self.setup is None or grid.path is None:
            return
        path = grid.path
        done = (self.setup.cycle_strategy(path) if strategy is None
                else self.setup.set_strategy(path, strategy))
        self._set_up("set a strategy (a dynamic supervisor is one_for_one)", done)

    def action_reorder(self, delta: int) -> None:
        grid = self.grid
        if grid is None or self.setup is None or grid.path is None:
            return
        self._set_up("move it further", self.setup.move(grid.path, delta))

    def action_time(self, delta_ms: int) -> None:
        grid = self.grid
        if grid is None or self.setup is None or grid.path is None:
            return
        self._set_up("change a time here (a bomb's, 1–30 s)", self.setup.change_time(grid.path, delta_ms))

    def action_run(self) -> None:
        self.dismiss(self.draft)

    def action_cancel(self) -> None:
        self.dismiss(None)


def report_line_style(line: str) -> str:
    """How a line of the report is highlighted: right moments green, wrong ones red, what you said
    muted, each difference with the rule behind it in amber, the score bold (theme colours)."""
    if line.startswith("✓"):
        return "$text-success"
    if line.startswith("✗"):
        return "bold $text-error"
    if line.lstrip().startswith("you said:"):
        return "$text-muted"
    if line.startswith("Score:"):
        return "bold"
    if line.startswith(" ") and " — " in line:
        return "$text-warning"
    return ""


def highlighted_report(score: Score) -> Content:
    """:func:`~suptui.story.predict.report`, highlighted line by line; its first line (which
    prediction, scored up to when) is the screen's title already."""
    lines = report_lines(score)
    parts: list[tuple[str, str] | str] = []
    for index, line in enumerate(lines):
        parts.append((line, report_line_style(line)))
        if index < len(lines) - 1:
            parts.append("\n")
    return Content.assemble(*parts)


def report_lines(score: Score) -> list[str]:
    """The report's lines under the screen's title."""
    return report(score).rstrip("\n").split("\n")[1:]


_MOMENT = re.compile(r"^[✓✗] +\S+ s  ")
HANG = 2
"""How much further than its line a wrapped explanation goes on."""


def hang(line: str, width: int) -> list[str]:
    """``line`` wrapped to ``width`` with a hanging indent, so a long explanation stays under its
    moment instead of running back to column 0: a moment's line (``✗ 6 s  root gave up…``) goes on
    under its text, an indented line (``you said:``, a difference and its rule) two further in than
    it starts, any other line two in."""
    if width <= 0 or len(line) <= width:
        return [line]
    lead = len(line) - len(line.lstrip(" "))
    match = _MOMENT.match(line)
    indent = match.end() if match is not None and not lead else lead + HANG
    indent = min(indent, width // 2)
    return textwrap.wrap(line, width, subsequent_indent=" " * indent, break_on_hyphens=False,
                         drop_whitespace=True) or [line]


class HangingText(Widget):
    """Styled lines wrapped with :func:`hang` at the widget's width (Static wraps to column 0)."""

    DEFAULT_CSS = "HangingText { height: auto; }"

    def __init__(self, lines: list[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines = lines
        """``(text, style)``: the style is a Textual style string, for every piece of the line."""

    def wrapped(self, width: int) -> list[tuple[str, str]]:
        return [(piece, style) for line, style in self.lines for piece in hang(line, width)]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.wrapped(width))

    def render(self) -> Content:
        pieces = self.wrapped(self.content_region.width or self.size.width)
        parts: list[tuple[str, str] | str] = []
        for index, (piece, style) in enumerate(pieces):
            parts.append((piece, style))
            if index < len(pieces) - 1:
                parts.append("\n")
        return Content.assemble(*parts)


class PredictResultScreen(DismissOnce, ModalScreen[str | None]):
    """The grid again, each mark coloured by what happened, and the scored report under it."""

    BINDINGS = PREDICT_RESULT_BINDINGS

    def __init__(self, draft: Draft, score: Score, title: str) -> None:
        super().__init__()
        self.draft = draft
        self.score = score
        self.title_text = title

    def compose(self) -> ComposeResult:
        verdicts = verdicts_of(self.score, self.draft.seconds)
        with Vertical(id="predict", classes="dialog"):
            yield Label(shown(self.title_text), id="question")
            verdict = "bold $text-success" if self.score.perfect else "bold $text-warning"
            headline = Content.assemble((self.score.headline(), verdict))
            yield Static(headline, id="predict-score")
            yield Static(Content.assemble(("█ right", "$text-success"), "   ",
                                          ("█ extra: you said it, it did not happen", "$text-error"), "   ",
                                          ("█ missed: it happened, you did not say", "$text-warning")),
                         id="predict-legend")
            yield PredictGrid(self.draft, verdicts=verdicts, id="predict-grid")
            with VerticalScroll(id="predict-report"):
                lines = [(line, report_line_style(line)) for line in report_lines(self.score)]
                yield HangingText(lines, id="predict-report-text")
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_again(self) -> None:
        self.dismiss("again")
