"""When the root ends, time stops and the screen says what to do; the details show the node as it is now.

Issue 14, items 1 and 8: the clock ran on over a dead tree, the details pane kept "root ● running",
"budget 4/5" and a stale child count, and showed traceback scraps (carets, frame headers)."""

from __future__ import annotations

import re

from rich.console import Console
from textual.widgets import Static

from tests.support.tui import SIZE, advance, press, settle


def details_text(app) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(app.query_one("#details-text", Static).content)
    return console.export_text()


def banner(app) -> str:
    return str(app.query_one("#banner").render())


async def test_the_root_giving_up_stops_time_and_says_what_next(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 6000)
        assert app.model.nodes["root"].gave_up is not None
        assert app.live.time.paused
        assert "PAUSED" in app.status_text
        assert "root gave up at 6.000 s — R starts it again, p predicts, , travels back" in banner(app)


async def test_killing_the_root_stops_time(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 1000)
        await press(pilot, "k", "y")
        assert app.live.time.paused
        assert "root killed at 1.000 s — R starts it again" in banner(app)


async def test_details_follow_the_root_giving_up_without_a_cursor_move(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 5500)
        assert "running" in details_text(app).splitlines()[0]
        await advance(pilot, 6000)
        text = details_text(app)
        assert "running" not in text.splitlines()[0], text
        assert "budget 4/5" not in text, text


async def test_details_count_a_child_added_with_a(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(app.model.nodes[app.model.root].children)
        assert re.search(rf"children +{before} \(", details_text(app))
        await press(pilot, "a", "enter", "enter")
        await settle(pilot)
        after = len(app.model.nodes[app.model.root].children)
        assert after == before + 1
        assert re.search(rf"children +{after} \(", details_text(app)), details_text(app)


def test_a_traceback_shows_as_its_last_meaningful_lines() -> None:
    from suptui.tui.details import traceback_tail

    text = (
        "Traceback (most recent call last):\n"
        '  File "/x/suptui/engine/runtime.py", line 120, in _run\n'
        "    result = actor.handle(message)\n"
        "             ^^^^^^^^^^^^^^^^^^^^^\n"
        '  File "/x/suptui/workers/bomb.py", line 30, in handle\n'
        "    raise RuntimeError(f\"boom after {self.after} ms\")\n"
        "    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "RuntimeError: boom after 2000 ms\n")
    assert traceback_tail(text) == ["RuntimeError: boom after 2000 ms"]
    multi = 'Traceback (most recent call last):\n  File "a.py", line 1, in f\n    g()\nValueError: one\ntwo\n'
    assert traceback_tail(multi) == ["ValueError: one", "two"]
    assert traceback_tail("") == []


async def test_a_tree_file_with_paused_opens_paused_with_a_hint(app_factory, tmp_path) -> None:
    source = tmp_path / "demo.toml"
    source.write_text('paused = true\nid = "root"\n[[children]]\nid = "b"\nworker = "bomb"\n')
    app = app_factory(str(source))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.live.time.paused and "PAUSED" in app.status_text
        assert any("press space to start" in line.text for line in app.event_log.lines)
        await press(pilot, "space")
        assert not app.live.time.paused


async def test_the_paused_flag_still_opens_paused(app_factory) -> None:
    app = app_factory("bombs", paused=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.live.time.paused
        assert any("press space to start" in line.text for line in app.event_log.lines)
