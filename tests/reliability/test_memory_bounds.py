"""What a long crash storm must not accumulate (benchmarks/soak.py runs the real thing for minutes).

The soak's live heap grew 1.1 MB a minute with no container of ours growing: the log pane handed
Rich each unique line to cut at the pane's width, and Rich keeps every cut segment of a line with a
glyph off its fast path (``↻``, ``←``, ``✖``) in ``Segment._split_cells``, an LRU cache of 16,384
entries, about 1 KB each. Here the storm is short and on the virtual clock, and the bound is checked
on that cache's misses, which count what it took in (its size is capped, and other tests may have
filled it already).
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from suptui.tui.logview import TIME_WIDTH, window
from suptui.tui.narrate import LogLine

from tests.support.tui import advance, settle

SIZE = (120, 36)
"""The log pane is narrower than a restart line, so every such line is wrapped (split) when drawn."""


def split_cache_misses() -> int:
    return Segment._split_cells.cache_info().misses


async def test_a_storm_of_unique_log_lines_leaves_nothing_in_rich_caches(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        log = app.event_log
        width = log.scrollable_content_region.width
        misses = split_cache_misses()
        drawn = 0
        for batch in range(40):
            new = [LogLine(batch * 100 + i, "restart",
                           f"↻ region-{i % 5}/shard-{batch}/worker-{i} restarted ← "
                           f"region-{i % 5}/shard-{batch}/worker-{i + 1} killed (one_for_all)")
                   for i in range(25)]
            assert min(len(line.text) for line in new) > width
            log.append(new)
            await pilot.pause()  # the tail is painted: the last lines of each batch are drawn
            drawn += min(len(new), log.scrollable_content_region.height)
        assert drawn >= 500
        assert split_cache_misses() - misses < 20  # was one miss per line drawn (~1 KB each, kept)
        height = log.scrollable_content_region.height
        first, last = log.render_line(height - 2), log.render_line(height - 1)  # the last line's rows
        assert first.cell_length == last.cell_length == width
        assert first.text.startswith(f"{'3.924':>{TIME_WIDTH}} ↻ region-4/shard-39/worker-24 ")
        assert last.text.startswith(" " * (TIME_WIDTH + 1) + "region-4/shard-39/worker-25 killed")
        assert (first.text[TIME_WIDTH + 1:] + last.text[TIME_WIDTH + 1:]).split() == new[-1].text.split()


async def test_a_storm_through_the_app_leaves_nothing_in_rich_caches(app_factory) -> None:
    """Kills through the app's own path on the 1,045-process tree, time moved by the test."""
    app = app_factory("big")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        misses = split_cache_misses()
        lines_before = len(app.event_log.lines)
        workers = [path for path, node in app.model.nodes.items() if not node.is_supervisor]
        for round_ in range(6):
            for path in workers[round_ * 37 % len(workers)::97][:8]:
                if app.model.nodes[path].running:
                    app.select_node(path)
                    app.action_kill()
            await advance(pilot, (round_ + 1) * 50)
        assert len(app.event_log.lines) - lines_before > 300
        assert split_cache_misses() - misses < 20


def test_the_log_window_is_the_crop_textual_would_make() -> None:
    """``window`` gives what ``Strip.crop_extend`` gives, wide glyphs cut at either edge included."""
    time_style, text_style, pad = Style(color="red"), Style(bold=True), Style(bgcolor="blue")
    texts = ["", "ascii only", "↻ a ← b ✖", "界字 wide 界字 glyphs 界", "☠" * 30]
    for prefix in ("", "  1.250 "):
        for text in texts:
            for start in range(0, 12):
                for width in (0, 1, 5, 9, 40):
                    ours = window(((prefix, time_style), (text, text_style)), start, width, pad)
                    theirs = Strip([Segment(prefix, time_style), Segment(text, text_style)]).crop_extend(
                        start, start + width, pad)
                    simple = [(s.text, s.style) for s in Segment.simplify(ours) if s.text]
                    assert simple == [(s.text, s.style) for s in Segment.simplify(theirs) if s.text]
                    assert ours.cell_length == width
