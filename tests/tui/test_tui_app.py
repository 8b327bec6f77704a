"""The app around the keys: the palette, the mouse, the tree picker, and surviving a broken engine."""

from __future__ import annotations

import io

from rich.console import Console
from textual.command import CommandPalette
from textual.widgets import Static

from suptui.treefile import BundledTree
from suptui.tui.app import SuptuiApp
from suptui.tui.commands import BindingCommands, NodeCommands
from suptui.tui.dialogs import ChoiceScreen
from suptui.tui.liverun import manual_runs
from suptui.tui.treeview import SupervisionTree

from tests.support.tui import SIZE, advance, events, press, select, settle


async def _titles(provider, query: str | None = None) -> list[str]:
    hits = provider.discover() if query is None else provider.search(query)
    return [str(hit.text) async for hit in hits]


async def test_palette_offers_what_applies_and_runs_the_same_actions(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, "root/bomb2")
        offered = await _titles(BindingCommands(app.screen))
        assert "Kill  (k)" in offered and "Terminate child  (d)" in offered
        assert "Restart child  (r)" not in offered and "Step  (.)" not in offered
        assert "one_for_one  (1)" not in offered  # root already uses it
        assert await _titles(NodeCommands(app.screen), "bomb3") == ["Go to bomb3"]
        await press(pilot, "d")
        offered = await _titles(BindingCommands(app.screen))
        assert "Restart child  (r)" in offered and "Kill  (k)" not in offered
        await press(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await press(pilot, *"one_for_all", "enter")
        await settle(pilot)
        assert [e.get("strategy") for e in events(app, "strategy", "root")] == ["one_for_all"]


async def test_no_tree_opens_the_picker_of_bundled_trees(tmp_path) -> None:
    bundled = [BundledTree("nested", "Nested", "three levels"), BundledTree("bombs", "Bombs", "the lesson")]
    app = SuptuiApp(None, None, run_factory=manual_runs(), bundled=lambda: bundled, wall=lambda: 0.0,
                    export_dir=tmp_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, ChoiceScreen)
            await press(pilot, "down", "enter")
            await settle(pilot)
            assert app.source == "bombs" and app.live is not None
            assert sorted(e.path for e in events(app, "start")) == [
                "root", "root/bomb1", "root/bomb2", "root/bomb3"]
    finally:
        app.teardown()


async def test_an_engine_call_that_raises_becomes_a_log_line(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, "root/bomb1")

        def broken(path: str, by: str = "user"):
            raise RuntimeError("the engine fell over")

        app.live.session.kill = broken  # type: ignore[method-assign]
        await press(pilot, "k")
        assert app.is_running
        assert "kill failed: RuntimeError('the engine fell over')" in app.event_log.lines[-1].text


async def test_an_event_the_display_chokes_on_costs_only_that_event(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        apply = app.model.apply
        calls = {"n": 0}

        def flaky_apply(event, changes=None):
            calls["n"] += 1
            if calls["n"] == 1:
                raise ValueError("bad event")
            return apply(event, changes)

        app.model.apply = flaky_apply  # type: ignore[method-assign]
        app.live.clock.advance_to(2000)  # bomb1's crash (the bad one), then its restart
        app._tick()
        assert app.is_running
        assert app.model.nodes["root/bomb1"].restarts == 1  # the rest of the batch was shown
        errors = [line.text for line in app.event_log.lines if line.style == "error"]
        assert errors == ["⚠ display update failed: ValueError('bad event')"]
        await advance(pilot, 3000)
        assert app.model.nodes["root/bomb2"].restarts == 1


async def test_details_show_the_last_exit_with_its_traceback(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 2000)
        await select(pilot, "root/bomb1")
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(app.query_one("#details-text", Static).content)
        text = console.export_text()
        assert "last exit crashed at 2.000 s: RuntimeError: Bomb 1 Exploded!" in text
        # the traceback as its last meaningful line, which is the reason already shown: no scraps of it
        assert "^^^" not in text and 'File "' not in text and "raise RuntimeError" not in text
        assert "kill bomb1: root restarts bomb1 (one_for_one); budget 1/5 → 2/5" in text


HOSTILE = '''
from suptui.engine import Actor


class Hostile(Actor):
    summary = 42  # not even a string

    def __init__(self, payload=None):
        self.payload = payload

    def init(self):
        self.send_after(100, "boom")

    def handle_info(self, msg):
        raise KeyError("hostile")

    def terminate(self, reason):
        raise RuntimeError("terminate fails too")

    def describe_state(self):
        return {"not": "a string"}
'''


async def test_a_hostile_user_worker_cannot_take_the_app_down(app_factory, tmp_path) -> None:
    (tmp_path / "hostile_worker.py").write_text(HOSTILE)
    source = tmp_path / "hostile.toml"
    source.write_text('id = "root"\nmax_restarts = 1000\n[[children]]\nid = "h"\n'
                      'worker = "hostile_worker:Hostile"\n')
    app = app_factory(str(source))
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 1000)
        assert app.is_running
        assert len(events(app, "crash", "root/h")) == 10
        await select(pilot, "root/h")
        console = Console(width=200, record=True, file=io.StringIO())
        console.print(app.query_one("#details-text", Static).content)
        text = console.export_text()
        assert "state     {'not': 'a string'}" in text
        assert "last exit crashed at 1.000 s: RuntimeError: terminate fails too" in text
        await press(pilot, "k")
        assert events(app, "kill", "root/h")


async def test_q_on_a_paced_run_ends_every_thread_of_ours(tmp_path) -> None:
    """The real set-up (a pacer thread moving time, the tree started on a helper thread)."""
    import threading

    from suptui.treefile import load_tree
    from suptui.tui.liverun import paced_runs

    before = set(threading.enumerate())  # other tests may leave threads of their own behind
    app = SuptuiApp(load_tree("nested"), "nested", run_factory=paced_runs(), speed=16, export_dir=tmp_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            assert app.live is not None
            for _ in range(200):  # wall time has to pass for the pacer to move the clock
                if app.live.clock.now_ms() > 0:
                    break
                await pilot.pause(0.01)
            assert app.live.clock.now_ms() > 0
            assert any(t.name == "suptui-pacer" for t in threading.enumerate())
            await pilot.press("q")
        assert app.return_value == 0
        assert [t.name for t in set(threading.enumerate()) - before if t.name.startswith("suptui-")] == []
    finally:
        app.teardown()


def screen_lines(app: SuptuiApp) -> list[str]:
    """The text of the app's screen as it is drawn, line by line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def on_screen(app: SuptuiApp, text: str) -> tuple[int, int]:
    """Where ``text`` is drawn on the screen (column, line): what a user would click on."""
    for y, line in enumerate(screen_lines(app)):
        if text in line:
            return line.index(text), y
    raise AssertionError(f"{text!r} is not on screen:\n" + "\n".join(screen_lines(app)))


async def test_a_click_selects_the_row_drawn_under_the_pointer(app_factory) -> None:
    """Clicks at the screen position of a row's text (not at an offset the code computes): with and
    without lanes, and with the tree scrolled."""
    app = app_factory("big")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = app.query_one(SupervisionTree)
        for lanes in (False, True):
            if lanes:
                await press(pilot, "home", "t")
                await settle(pilot)
            assert round(tree.scroll_offset.y) == 0
            for path in (tree.rows[0].path, tree.rows[1].path, tree.rows[3].path):
                x, y = on_screen(app, f" {app.model.nodes[path].id} ")
                await pilot.click(offset=(x + 1, y))
                assert tree.cursor_path == path, (lanes, path)
            await press(pilot, "end")  # the tree scrolls: the rows on screen are far down the list
            await settle(pilot)
            assert tree.scroll_offset.y > 0
            target = tree.rows[round(tree.scroll_offset.y) + 2]
            x, y = on_screen(app, f"─ ● {app.model.nodes[target.path].id} ")
            await pilot.click(offset=(x + 4, y))
            assert tree.cursor_path == target.path, lanes
            if lanes:  # a click on the lane of a row selects that row too
                lanes_view = app.query_one("#lanes")
                target = tree.rows[round(tree.scroll_offset.y) + 1]
                await pilot.click(offset=(lanes_view.region.x + 3, y - 1))
                assert tree.cursor_path == target.path


async def test_tree_keys_and_mouse_move_and_fold(app_factory) -> None:
    app = app_factory("nested")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = app.query_one(SupervisionTree)
        await press(pilot, "down", "down")
        assert tree.cursor_path == "root/db/repo"
        await press(pilot, "left")  # a worker: go to its supervisor
        assert tree.cursor_path == "root/db"
        await press(pilot, "left")  # an open supervisor: fold it
        assert [r.path for r in tree.rows][:3] == ["root", "root/db", "root/web"]
        await press(pilot, "enter")  # unfold again
        assert "root/db/repo" in [r.path for r in tree.rows]
        await press(pilot, "end")
        assert tree.cursor_path == "root/metrics"
        await press(pilot, "pageup")
        assert tree.cursor_path == "root"
        await press(pilot, "pagedown", "home", "up")  # up at the top stays there
        assert tree.cursor_path == "root"
        x, y = on_screen(app, "● metrics")
        await pilot.click(offset=(x + 2, y))
        assert tree.cursor_path == "root/metrics"
        x, y = on_screen(app, "▾ ● web")
        await pilot.click(offset=(x, y))  # on the ▾
        assert tree.cursor_path == "root/web"
        assert "root/web/listener" not in [r.path for r in tree.rows]
        await press(pilot, "right")
        assert "root/web/listener" in [r.path for r in tree.rows]


async def test_crash_lines_stay_prominent_without_colour(app_factory, monkeypatch) -> None:
    """NO_COLOR turns the theme's red into dark grey (the dimmest text on screen): crash lines are drawn
    bold and reversed instead, and keep the light text colour."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        assert app.no_color
        await advance(pilot, 2000)
        crash = next(line for line in app.event_log.shown if line.style == "crash")
        strips = [app.event_log.render_line(y) for y in range(app.event_log.scrollable_content_region.height)]
        strip = next(s for s in strips if crash.text in s.text)
        style = next(seg.style for seg in strip if crash.text in seg.text)
        assert style is not None and style.bold and style.reverse
        text = app.event_log.get_component_rich_style("log--start")
        assert style.color == app.event_log.get_component_rich_style("log--exit").color != text.color


async def test_crash_lines_in_colour_are_red_and_bold(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        assert not app.no_color
        await advance(pilot, 2000)
        style = app.event_log.get_component_rich_style("log--crash")
        assert style.bold and not style.reverse
