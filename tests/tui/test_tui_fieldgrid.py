"""The details pane's label–value grid: the look of the Rich grid it replaced, at a fraction of the cost."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from suptui.tui.fieldgrid import FieldGrid

ROWS = [
    ("worker", Text("sleeper (Sleeper)")),
    ("", Text("Lives until it is stopped; never fails by itself.", "italic")),
    ("restart", Text("permanent   shutdown 5000 ms")),
    ("keys", Text("")),
    (Text("   k", "bold"), Text("kill: the process dies at once (exit reason killed); root restarts it")),
    ("", Text("⚠ wide 漢字漢字漢字漢字 chars here and there", "dim")),
]


def lines(renderable: object, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(renderable)
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_rows_wrap_under_their_first_line_as_the_rich_grid_did() -> None:
    for width in (30, 41, 69, 120):  # (where every word fits its column: see the next test)
        table = Table.grid(padding=(0, 1))
        table.add_column(style="bold", no_wrap=True, min_width=9)
        table.add_column()
        grid = FieldGrid(min_label=9)
        for label, value in ROWS:
            table.add_row(label, value.copy())
            grid.add_row(label, value.copy())
        assert lines(grid, width) == lines(table, width), width


def test_a_word_too_long_for_the_column_is_folded_whole_not_cut() -> None:
    grid = FieldGrid()
    reason = "x" * 50 + "END"
    grid.add_row("last exit", reason)
    shown = lines(grid, 30)
    assert "".join(line[10:] for line in shown) == reason  # every character, under the value column
    assert all(line.startswith(" " * 10) for line in shown[1:])


def test_styles_of_values_and_labels_are_kept_and_text_is_never_markup() -> None:
    grid = FieldGrid()
    grid.add_row(Text("   k", "red"), Text("[bold]not markup[/bold]", "italic"))
    console = Console(width=60)
    segments = list(console.render(grid, console.options))
    value = next(s for s in segments if "not markup" in s.text)
    assert value.text == "[bold]not markup[/bold]" and value.style is not None and value.style.italic
    label = next(s for s in segments if s.text == "   k")
    assert label.style is not None and label.style.bold and label.style.color is not None
