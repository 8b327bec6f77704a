"""Predict mode's two screens: the grid to fill in at t = 0, and the scored result.

The screens only edit and show; the app owns the run. :class:`PredictScreen` returns the filled-in
:class:`~suptui.tui.predictdraft.Draft` (or None on Esc); the app turns it into summary text, runs
the tree to the end of the grid and opens :class:`PredictResultScreen` with the score.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from ..safetext import visible
from ..story.predict import Score, report
from .bindings import PREDICT_GRID_BINDINGS, PREDICT_RESULT_BINDINGS
from .dialogs import shown
from .once import DismissOnce
from .predictdraft import Draft
from .predictgrid import PredictGrid, verdicts_of

HOW = ("Mark what you expect in each second, then Enter runs the tree and scores you.  "
       "x crash (restarted: r takes that away) · r restart · g give up · del clear · [ ] seconds")


class PredictScreen(DismissOnce, ModalScreen[Draft | None]):
    """The tree at t = 0 with what is scheduled, and a grid of seconds to mark."""

    BINDINGS = PREDICT_GRID_BINDINGS

    def __init__(self, draft: Draft, title: str, notes: list[str] | None = None) -> None:
        super().__init__()
        self.draft = draft
        self.title_text = title
        self.notes = notes or []

    def compose(self) -> ComposeResult:
        with Vertical(id="predict", classes="dialog"):
            yield Label(shown(self.title_text), id="question")
            yield Static(HOW, id="predict-how", markup=False)
            yield PredictGrid(self.draft, id="predict-grid")
            if self.notes:  # the script's reasons and targets, as the tree file wrote them
                yield Static("\n".join(visible(note) for note in self.notes), id="predict-notes",
                             markup=False)
        yield Footer()

    @property
    def grid(self) -> PredictGrid | None:
        """The grid, or None before the screen is composed: keys typed ahead of it are dropped
        (a key can reach a just-pushed screen before its widgets exist)."""
        found = self.query("#predict-grid")
        return found.first(PredictGrid) if found else None

    def on_mount(self) -> None:
        if self.grid is not None:
            self.grid.focus()

    def action_move(self, dx: int, dy: int) -> None:
        if self.grid is not None:
            self.grid.move(dx, dy)

    def action_mark(self, kind: str) -> None:
        if self.grid is not None:
            self.grid.mark(kind)

    def action_clear(self) -> None:
        if self.grid is not None:
            self.grid.clear()

    def action_seconds(self, delta: int) -> None:
        if self.grid is not None:
            self.grid.resize_seconds(delta)

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
    lines = report(score).rstrip("\n").split("\n")[1:]
    parts: list[tuple[str, str] | str] = []
    for index, line in enumerate(lines):
        parts.append((line, report_line_style(line)))
        if index < len(lines) - 1:
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
            yield Static(Content.assemble(("■ right", "$text-success"), "   ",
                                          ("■ extra: you said it, it did not happen", "$text-error"), "   ",
                                          ("■ missed: it happened, you did not say", "$text-warning")),
                         id="predict-legend")
            yield PredictGrid(self.draft, verdicts=verdicts, id="predict-grid")
            with VerticalScroll(id="predict-report"):
                yield Static(highlighted_report(self.score), id="predict-report-text")
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_again(self) -> None:
        self.dismiss("again")
