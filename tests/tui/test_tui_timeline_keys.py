"""The timeline keys by their effect: t T < > S p c. Checked on the engine's run (its clock, its
events, the files written) and on what the lanes were asked to draw, not only on the screen."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from suptui.tui.commands import BindingCommands
from suptui.tui.lanes import LanesView
from suptui.tui.lanescreen import LanesScreen
from suptui.tui.predictgrid import PredictGrid
from suptui.tui.predictscreen import PredictResultScreen, PredictScreen
from suptui.tui.treeview import SupervisionTree

from tests.support.tui import SIZE, advance, events, press, settle


def lane_paths(view: LanesView) -> list[str]:
    """The tree rows the lanes drew, top to bottom (line 0 is the axis)."""
    top, height = view._viewport()
    return [row.path for row in view.tree_view.rows[top:top + height]]


async def test_t_shows_lanes_row_for_row_with_the_tree_and_scrolls_with_it(app_factory) -> None:
    app = app_factory("nested")
    # Tall enough for the band over details and log to show handlers (row 7 of 10), short enough
    # that the tree scrolls.
    async with app.run_test(size=(100, 22)) as pilot:
        await advance(pilot, 3000)
        lanes = app.query_one("#lanes", LanesView)
        assert not lanes.display
        await press(pilot, "t")
        await settle(pilot)
        tree = app.query_one(SupervisionTree)
        assert lanes.display and app.lanes_shown
        assert lanes.region.y == tree.region.y and lanes.region.height == tree.region.height
        assert lane_paths(lanes)[0] == "root" and lanes._key is not None
        assert set(lanes._rows) <= set(lane_paths(lanes))  # only the visible lanes were drawn
        assert lanes._rows["root/web/handlers"].styles.count("give_up") == 1  # handlers gave up at 3 s
        frames = lanes.frames
        await settle(pilot)  # nothing moved: drains and repaints reuse the frame
        assert lanes.frames == frames
        await press(pilot, "end")  # the tree scrolls to its last row; the lanes follow it
        await settle(pilot)
        assert tree.scroll_offset.y > 0
        assert lane_paths(lanes)[-1] == "root/metrics" == tree.rows[-1].path
        await pilot.click(LanesView, offset=(5, 2))  # under border and axis, the first lane: selects its node
        assert tree.cursor_path == lane_paths(lanes)[0]
        await press(pilot, "t")
        assert not lanes.display
        titles = [str(hit.text) async for hit in BindingCommands(app.screen).discover()]
        for title in ("Lanes  (t)", "Timeline  (T)", "Zoom in  (<)", "Zoom out  (>)", "Export SVG  (S)",
                      "Predict  (p)", "Compare  (c)"):
            assert title in titles  # the palette offers them


async def test_zoom_keys_step_through_1_to_60_seconds_and_s_exports_svg(app_factory, tmp_path: Path) -> None:
    app = app_factory("bombs", export_dir=tmp_path / "out")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "t")
        await advance(pilot, 6000)
        lanes = app.lanes_pane
        assert lanes.frame_key().window == (0, 10_000)
        await press(pilot, "less_than_sign")
        assert app.timeline.span_ms == 5000 and lanes.frame_key().window == (1000, 6000)  # ends at the clock
        await press(pilot, *["less_than_sign"] * 3)
        assert app.timeline.span_ms == 1000 and lanes.border_title == "lanes · 1 s across"
        await press(pilot, *["greater_than_sign"] * 7)
        assert app.timeline.span_ms == 60_000 and lanes.frame_key().window == (0, 60_000)
        await press(pilot, "S")  # the whole run so far, whatever the zoom
        await settle(pilot)
        files = list((tmp_path / "out").glob("bombs-*.svg"))
        assert len(files) == 1
        root = ET.fromstring(files[0].read_text(encoding="utf-8"))
        lanes_drawn = [g.attrib["data-path"] for g in root.iterfind(".//{*}g[@class='lane']")]
        assert lanes_drawn == ["root", "root/bomb1", "root/bomb2", "root/bomb3"]
        assert len(root.findall(".//{*}g[@class='mark give_up']")) == 1
        assert root.findtext("{*}title") == "Bombs (one_for_one) · 0–7 s"
        assert f"exported the timeline to {files[0]}" in app.event_log.lines[-1].text


async def test_capital_t_is_full_screen_and_the_keys_still_act_on_the_tree(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 2500)
        await press(pilot, "T")
        await settle(pilot)
        assert isinstance(app.screen, LanesScreen)
        view = app.screen.view
        assert view.labels and view._rows["root/bomb1"].styles.count("crash") == 1
        await press(pilot, "down", "down")  # the lanes move the tree's selection…
        assert app.tree_view.cursor_path == "root/bomb2"
        await press(pilot, "k")  # …which the app's keys act on
        assert [e.path for e in events(app, "kill")] == ["root/bomb2"]
        await press(pilot, "space")
        assert app.live.time.paused
        await press(pilot, "escape")
        assert not isinstance(app.screen, LanesScreen)
        await press(pilot, "T", "t")  # t from full screen: back to the lanes beside the tree
        assert not isinstance(app.screen, LanesScreen) and app.lanes_shown


async def test_p_predicts_from_t0_then_runs_and_scores(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 2500)
        first_run = app.live
        await press(pilot, "p")
        await settle(pilot)  # the grid opens once the workers answered, at a drain: let it compose
        assert app.live is not first_run and first_run.session.runtime.threads() == []
        assert app.live.clock.now_ms() == 0 and app.live.time.paused
        assert isinstance(app.screen, PredictScreen)
        grid = app.screen.query_one(PredictGrid)
        assert [row.timer for row in grid.draft.rows][1:] == [
            "explodes at 2000 ms", "explodes at 3000 ms", "explodes at 5000 ms"]
        await press(pilot, "down", "right", "x", "down", "right", "x", "r", "down", "x", "x", "up", "up",
                    "up", "right", "right", "right", "g", "right_square_bracket")
        assert grid.draft.marks == {("root/bomb1", 2): {"crash", "restart"}, ("root/bomb2", 3): {"crash"},
                                    ("root", 6): {"give_up"}}
        assert grid.draft.seconds == 11
        await press(pilot, "left_square_bracket", "enter")
        assert not isinstance(app.screen, PredictScreen)
        assert not app.live.time.paused and app.lanes_shown
        await advance(pilot, 5999)
        assert app.predict_mode.pending is not None  # not scored while the tree runs
        await advance(pilot, 6000)  # the root gives up: nothing more can happen, so it is scored now
        assert app.live.time.paused and app.predict_mode.pending is None
        assert isinstance(app.screen, PredictResultScreen)
        score = app.screen.score
        assert [(m.t, m.right) for m in score.moments] == [  # bomb2 was restarted at 3 s after all, and
            (2000, True), (3000, False), (4000, False), (5000, False), (6000, False)]  # 4-6 s say more
        assert [e.t for e in events(app, "give_up")] == [6000]
        await press(pilot, "p")  # predict again: a fresh run, a fresh grid
        assert isinstance(app.screen, PredictScreen) and app.live.clock.now_ms() == 0
        await press(pilot, "escape")  # leave predict mode: the tree waits at t = 0
        assert app.live.time.paused and not app.predict_mode.active and app.predict_mode.events is None
        assert "predict mode left" in app.event_log.lines[-1].text
