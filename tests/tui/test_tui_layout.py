"""The screen's layout and look (issue 14 items 2, 5 and 10): each pane gets what it needs.

Read from the rendered screen (the compositor's strips, what the terminal gets), not from the
widgets' idea of themselves: the tree pane as wide as its widest row, long log lines wrapped with a
hanging indent, the footer keeping help and quit at 80x24, the header never cut, lanes with the log
below at a readable width, theme colours readable on a light background, a loud crash flash, and
projector mode.
"""

from __future__ import annotations

import random
from pathlib import Path

from rich.cells import cell_len
from rich.color import Color
from textual.widgets import Footer

from suptui.tui.app import SuptuiApp
from suptui.tui.logview import (
    INDENT,
    TIME_WIDTH,
    EventLog,
    _wrap_cells,
    _wrap_narrow,
    crop_cells,
    wrap_starts,
)
from suptui.tui.treeview import FLASH_S, PROJECTOR_FLASH_S, SupervisionTree

from tests.support.tui import SIZE, SMALL, advance, press, select, settle

LONG = ("a reason far longer than the pane, \x1b[2J with an escape, a path "
        "/var/lib/suptui/some/deeply/nested/directory/that/goes/on/and/on/file.txt and "
        "漢字 wide glyphs, ending in THE-END")
"""A hostile worker's crash message: too long for any pane, a control character, a run without
spaces longer than a row, wide glyphs."""

WORKER = f'''
from suptui.engine import Actor


class Hostile(Actor):
    def init(self):
        self.send_after(100, "boom")

    def handle_info(self, msg):
        raise RuntimeError({LONG!r})
'''

TREE = '''\
title = "Hostile"
max_restarts = 100
[[children]]
id = "hostile"
worker = "long_reason_worker:Hostile"
'''


def hostile_tree(tmp_path: Path) -> str:
    (tmp_path / "long_reason_worker.py").write_text(WORKER)
    source = tmp_path / "hostile.toml"
    source.write_text(TREE)
    return str(source)


def screen_rows(app: SuptuiApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def pane_rows(app: SuptuiApp, widget_id: str) -> list[str]:
    """The rows of a pane's content area as drawn on screen (borders and scrollbar left out)."""
    widget = app.query_one(f"#{widget_id}")
    region = widget.scrollable_content_region if hasattr(widget, "scrollable_content_region") \
        else widget.content_region
    rows = screen_rows(app)
    return [crop_cells(rows[y], region.x, region.right) for y in range(region.y, region.bottom)]  # cells


def rows_of_line(rows: list[str], time: str, first: str) -> list[str]:
    """The screen rows of the log line at ``time`` starting with ``first``: its first row and the
    continuation rows (indented) under it."""
    start = next(i for i, row in enumerate(rows) if row.startswith(f"{time:>{TIME_WIDTH}} {first}"))
    found = [rows[start]]
    for row in rows[start + 1:]:
        if not row.startswith(" " * INDENT) or not row.strip():
            break
        found.append(row)
    return found


def joined(rows: list[str]) -> str:
    """The text of a wrapped line read back across its rows (each row after the time column)."""
    return "".join(row[INDENT:].rstrip() + " " for row in rows).strip()


async def test_the_tree_pane_is_as_wide_as_its_widest_row_and_the_log_gets_the_rest(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 3000)
        tree = app.query_one(SupervisionTree)
        drawn = pane_rows(app, "tree")
        widest = max(len(row.rstrip()) for row in drawn)
        scrollbar = tree.styles.scrollbar_size_vertical if tree.show_vertical_scrollbar else 0
        assert tree.outer_size.width == widest + 2 + scrollbar  # was 60 for rows 57 wide at most
        assert "one_for_one  2/5 in 5s" in drawn[0]  # the widest row is whole
        assert tree.outer_size.width <= SIZE[0] * 0.45
        log = app.query_one(EventLog)
        assert log.outer_size.width >= SIZE[0] - tree.outer_size.width - 1  # the log has the rest (was 58)


async def test_at_80x24_the_tree_rows_fit_and_the_footer_keeps_help_and_quit(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SMALL) as pilot:
        await advance(pilot, 3000)
        rows = screen_rows(app)
        footer = app.query_one(Footer).region
        footer_text = rows[footer.y]
        assert "? Help" in footer_text and "q Quit" in footer_text  # dropped for lack of room before
        header = rows[0].rstrip()
        assert not header.endswith("…")  # was "… root 2/5 rest…"
        assert header.endswith("root 2/5 in 5 s")
        assert "Bombs (one_for_one)" in header
        tree_rows = pane_rows(app, "tree")
        assert tree_rows[0].rstrip().endswith("one_for_one  2/5 in 5s")  # no row cut


async def test_the_header_says_less_rather_than_cut_the_budget_at_any_width(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SMALL) as pilot:
        await advance(pilot, 3000)
        for width in (120, 100, 80, 70, 60, 50):
            await pilot.resize_terminal(width, 24)
            await settle(pilot)
            header = screen_rows(app)[0].rstrip()
            assert "root 2/5" in header and "in 5 s" in header, (width, header)
            assert "t = 3.000 s" in header, (width, header)


async def test_a_hostile_crash_line_wraps_with_a_hanging_indent_and_reads_whole(
        tmp_path: Path, app_factory) -> None:
    app = app_factory(hostile_tree(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 150)
        log = app.query_one(EventLog)
        rows = pane_rows(app, "log")
        line = next(line for line in log.shown if line.style == "crash")
        crash_rows = rows_of_line(rows, "0.100", "✖ hostile crashed")
        assert len(crash_rows) >= 3  # wrapped, not cut
        assert all(row[:INDENT].isspace() and not row[INDENT].isspace() for row in crash_rows[1:])
        # Every character on screen, in order (a run without spaces is broken where the row is full).
        assert "".join(joined(crash_rows).split()) == "".join(line.text.split())
        assert "\\x1b[2J" in joined(crash_rows) and "\x1b" not in "".join(rows)  # still made visible
        assert joined(crash_rows).endswith("THE-END")
        assert all(cell_len(row) == log.scrollable_content_region.width for row in crash_rows)


async def test_the_give_up_line_is_read_to_its_end_at_120x36_and_80x24(app_factory) -> None:
    for size in (SIZE, SMALL):
        app = app_factory("bombs")
        async with app.run_test(size=size) as pilot:
            await advance(pilot, 6500)
            log = app.query_one(EventLog)
            give_up = next(line for line in log.shown if line.style == "give_up")
            rows = rows_of_line(pane_rows(app, "log"), "6.000", give_up.text.split()[0])
            assert joined(rows).split() == give_up.text.split(), (size, rows)  # was cut at "(last:"


async def test_filter_and_scrolling_work_on_wrapped_lines(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SMALL) as pilot:
        await advance(pilot, 6500)
        log = app.query_one(EventLog)
        assert log.total_rows > len(log.shown)  # some lines wrap at 80 columns
        await press(pilot, "slash")
        await pilot.press(*"GAVE")
        await settle(pilot)
        assert [line.style for line in log.shown] == ["give_up"]
        rows = [row for row in pane_rows(app, "log") if row.strip()]
        assert len(rows) == log.total_rows >= 2
        assert all(log.line_at(y) is log.shown[0] for y in range(log.total_rows))  # any row picks it
        await press(pilot, "escape")
        await settle(pilot)
        assert len(log.shown) == len(log.lines)
        # Scrolled to the top: the first line's rows, no longer following the tail.
        log.scroll_home(animate=False, immediate=True)
        await settle(pilot)
        assert not log.following
        assert pane_rows(app, "log")[0].startswith(f"{'0.000':>{TIME_WIDTH}} ")
        assert log.line_at(0) is log.shown[0]
        log.scroll_end(animate=False, immediate=True)
        await settle(pilot)
        assert log.following
        assert joined(rows_of_line(pane_rows(app, "log"), "6.000", "○ root")).startswith("○ root exited")


async def test_a_resize_rewraps_and_keeps_the_top_line_when_scrolled_up(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 6500)
        log = app.query_one(EventLog)
        log.scroll_to(y=3, animate=False, immediate=True)
        await settle(pilot)
        top = log.line_at(0)
        await pilot.resize_terminal(*SMALL)
        await settle(pilot)
        assert log.line_at(0) is top
        assert log.total_rows == sum(len(wrap_starts(line.text, log._wrap_width)) for line in log.shown)


def test_wrap_starts_breaks_after_spaces_and_inside_long_runs() -> None:
    text = "↻ bomb2 restarted ← bomb1 crashed (one_for_all)"
    starts = wrap_starts(text, 20)
    parts = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    assert parts == ["↻ bomb2 restarted ← ", "bomb1 crashed ", "(one_for_all)"]
    assert wrap_starts("x" * 25, 10) == [0, 10, 20]
    assert wrap_starts("漢字" * 5, 5) == [0, 2, 4, 6, 8]  # two cells each: two per row of five
    assert wrap_starts("short", 40) == [0]


async def test_with_lanes_the_band_is_as_tall_as_the_tree_and_the_log_stays_wide(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 4500)
        await press(pilot, "t")
        await settle(pilot)
        tree = app.query_one(SupervisionTree)
        band = app.query_one("#band")
        lanes = app.query_one("#lanes")
        log = app.query_one(EventLog)
        assert band.outer_size.height == len(tree.rows) + 3  # rows, the axis line, the borders
        assert lanes.region.y == tree.region.y and lanes.region.height == tree.region.height
        assert lanes.outer_size.width >= SIZE[0] // 2  # time runs across: the lanes get the width
        assert log.region.y >= band.region.bottom  # details and log below
        assert log.outer_size.width >= 60  # was 31
        crash = rows_of_line(pane_rows(app, "log"), "4.000", "✖ bomb1")
        assert joined(crash) == "✖ bomb1 crashed: RuntimeError: Bomb 1 Exploded!"
        await press(pilot, "t")
        await settle(pilot)
        assert app.query_one("#side").region.y == tree.region.y  # beside the tree again
        assert log.region.x == tree.region.right


async def test_at_80x24_with_lanes_the_log_is_readable(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SMALL) as pilot:
        await advance(pilot, 4500)
        await press(pilot, "t")
        await settle(pilot)
        log = app.query_one(EventLog)
        assert log.outer_size.width >= 40  # was 20
        assert log.scrollable_content_region.height >= 5
        footer = screen_rows(app)[app.query_one(Footer).region.y]
        assert "? Help" in footer and "q Quit" in footer


def contrast(one: Color, other: Color) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    def luminance(color: Color) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b = color.get_truecolor()
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


async def test_log_and_tree_colours_read_on_the_light_and_the_dark_theme(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            await settle(pilot)
            log = app.query_one(EventLog)
            tree = app.query_one(SupervisionTree)
            background = log.rich_style.bgcolor
            assert background is not None
            for name in ("log--restart", "log--start", "log--crash", "log--kill", "log--strategy",
                         "log--zombie", "log--marker"):
                color = log.get_component_rich_style(name).color
                assert color is not None and contrast(color, background) >= 3.0, (theme, name)
            for name in ("tree--count", "tree--strategy", "status--restarting", "status--running",
                         "status--crashed", "status--zombie"):
                color = tree.get_component_rich_style(name).color
                assert color is not None and contrast(color, tree.rich_style.bgcolor) >= 3.0, (theme, name)


async def test_a_crash_flashes_its_whole_row_for_longer(app_factory) -> None:
    now = [0.0]
    app = app_factory("bombs", wall=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 2000)  # bomb1 crashes at 2 s and is restarted at once
        tree = app.query_one(SupervisionTree)
        assert tree.flash_s == FLASH_S >= 1.5
        assert tree.flashes["root/bomb1"][0] == "crash"
        row = tree.rows.index(next(r for r in tree.rows if r.path == "root/bomb1"))
        flash = tree.get_component_rich_style("tree--flash-crash").bgcolor
        strip = tree.render_line(row)
        assert {segment.style.bgcolor for segment in strip} == {flash}  # every cell of the row
        assert all(segment.style.bold for segment in strip if segment.text.strip())
        now[0] = FLASH_S - 0.1
        await advance(pilot, 2100)
        assert "root/bomb1" in tree.flashes
        now[0] = FLASH_S + 0.1
        await advance(pilot, 2200)
        assert "root/bomb1" not in tree.flashes


async def test_projector_mode_puts_the_log_first_with_loud_highlights(app_factory) -> None:
    app = app_factory("bombs")
    app.projector = True
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 2000)
        tree = app.query_one(SupervisionTree)
        log = app.query_one(EventLog)
        details = app.query_one("#details")
        assert app.query_one("#main").has_class("-projector")
        assert tree.flash_s == PROJECTOR_FLASH_S > FLASH_S
        assert log.region.y < details.region.y  # the log first…
        assert log.outer_size.height > details.outer_size.height  # …and tallest
        crash = log.get_component_rich_style("log--crash")
        assert crash.bold and crash.reverse
        cursor = tree.get_component_rich_style("tree--cursor")
        assert cursor.bold
        assert tree.cursor_path == "root"
        solid = {segment.style for segment in tree.render_line(tree.cursor_index) if segment.text.strip()}
        assert len(solid) == 1 and solid.pop().bgcolor == cursor.bgcolor  # one loud colour for the row
        await select(pilot, "root/bomb1")
        await press(pilot, "t")
        await settle(pilot)
        assert log.region.x < details.region.x  # with lanes: the log first, left of the details


async def test_without_projector_mode_crash_lines_are_not_reversed_but_no_color_still_is(
        app_factory, monkeypatch) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.query_one(EventLog).get_component_rich_style("log--crash").reverse
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        style = app.query_one(EventLog).get_component_rich_style("log--crash")
        assert style.bold and style.reverse



def test_the_fast_wrap_cuts_where_the_measured_wrap_does() -> None:
    """One-cell text takes the string-search path; it must cut where measuring each character does."""
    rng = random.Random(14)
    for _ in range(3000):
        text = "".join(rng.choice("ab  ↻←✖-/(") for _ in range(rng.randint(0, 120)))
        width = rng.randint(1, 50)
        assert _wrap_narrow(text, width) == _wrap_cells(text, width), (text, width)
    assert wrap_starts("word " * 4, 5) == [0, 5, 10, 15]  # no empty row after a trailing space


async def test_a_narrow_tree_pane_keeps_the_pids_and_drops_the_restart_type_first(app_factory) -> None:
    """At 120x36 the bombs' rows do not fit whole under the pane's share: the restart type (the
    details say it too) goes, and the pids stay, since a restart shows as a new pid."""
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 2000)
        drawn = pane_rows(app, "tree")
        bomb1 = next(row for row in drawn if "bomb1" in row)
        assert app.model.nodes["root/bomb1"].pid in bomb1  # the restarted bomb's new pid
        assert "permanent" not in bomb1
        tree = app.query_one(SupervisionTree)
        assert tree.columns_for(tree.content_width((True, True))) == (True, True)  # room: both
