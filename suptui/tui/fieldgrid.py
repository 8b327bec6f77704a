"""Label–value rows with hanging indents: the details pane's grid, drawn without Rich's ``Table``.

The details pane is redrawn at every cursor move and every change of the node it shows: during a
kill storm with a key held that is dozens of times a second. Rich's ``Table.grid`` measured every
cell, wrapped each in a ``Padding`` and laid the columns out again each time: most of the app's UI
thread in a storm at 100,000 workers (py-spy), and frames of 150 ms. These rows need none of that:
the labels are short and never wrap, so the label column is as wide as its widest label (at least
``min_label`` cells) and each value wraps in what is left, its later lines under its first.

Same look as the grid it replaces (``Table.grid(padding=(0, 1))``, a bold label column that does
not wrap): one space between label and value, words wrapped. One difference, on purpose: a word too
long for the column (a hostile reason, a long term) is folded onto the next lines, where the grid cut
it with an ellipsis: the pane shows the whole text.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

GAP = 1
"""Cells between the label column and the values."""


class FieldGrid:
    """Rows of ``label value``; add them with :meth:`add_row`."""

    def __init__(self, *, min_label: int = 9, label_style: str = "bold") -> None:
        self.min_label = min_label
        self.label_style = label_style
        self.rows: list[tuple[Text, Text]] = []

    def add_row(self, label: str | Text, value: str | Text) -> None:
        """``label`` and ``value`` are shown as text: a ``str`` is never read as markup."""
        self.rows.append((label if isinstance(label, Text) else Text(label),
                          value if isinstance(value, Text) else Text(value)))

    def label_width(self) -> int:
        return max([self.min_label, *(label.cell_len for label, _ in self.rows)])

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max((value.cell_len for _, value in self.rows), default=0)
        width = self.label_width() + GAP + widest
        return Measurement(min(width, options.max_width), min(width, options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        label_width = min(self.label_width(), max(1, options.max_width - GAP - 1))
        value_width = max(1, options.max_width - label_width - GAP)
        label_style = console.get_style(self.label_style)
        indent = Segment(" " * (label_width + GAP), label_style)
        new_line = Segment.line()
        for label, value in self.rows:
            shown = yield from self._label(console, label, label_width, label_style)
            if not value.plain:
                yield new_line
                continue
            yield Segment(" " * (label_width - shown + GAP), label_style)  # one run with the label
            for index, line in enumerate(value.wrap(console, value_width, overflow="fold")):
                if index:
                    yield indent
                line.rstrip()
                yield from _styled(console, line, Style.null())
                yield new_line

    @staticmethod
    def _label(console: Console, label: Text, width: int, style: Style) -> Generator[Segment, None, int]:
        """The label's segments in the column's style; returns the cells they take."""
        if label.cell_len > width:
            label = label.copy()
            label.truncate(width, overflow="ellipsis")
        yield from _styled(console, label, style)
        return cell_len(label.plain)


def _styled(console: Console, text: Text, under: Style) -> Iterable[Segment]:
    """``text``'s segments with its own style applied (``Text.render`` leaves that to its caller: a
    ``Text`` printed whole gets it when it is joined into lines), over ``under``."""
    base = under + console.get_style(text.style) if text.style else under
    for segment in text.render(console):
        yield Segment(segment.text, base + segment.style if segment.style else base)
