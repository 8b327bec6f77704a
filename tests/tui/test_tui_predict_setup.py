"""Predict mode on the tree as it runs, and the lesson's exercise set up in the grid: the scored run
is the tree predicted (its strategy, its order, its bomb times), checked on the engine's events on
the virtual clock; the budget row while marking; the result's explanations with a hanging indent."""

from __future__ import annotations

from textual.pilot import Pilot

from suptui.tui.predictdraft import GIVE_UP
from suptui.tui.predictgrid import GLYPHS, PredictGrid
from suptui.tui.predictscreen import HangingText, PredictResultScreen, PredictScreen

from tests.support.tui import SIZE, SMALL, advance, events, press, settle


def crashes(app) -> list[tuple[int, str]]:
    return [(e.t, e.path.rsplit("/", 1)[-1]) for e in events(app, "crash")]


async def open_grid(pilot: Pilot) -> PredictGrid:
    await press(pilot, "p")
    await settle(pilot)  # the grid opens once the workers answered, at a drain: let it compose
    assert isinstance(pilot.app.screen, PredictScreen)
    return pilot.app.screen.query_one(PredictGrid)


def mark_all(grid: PredictGrid, marks: list[tuple[str, int, str]]) -> None:
    for name, second, kind in marks:
        grid.draft.toggle("root" if name == "root" else f"root/{name}", second, kind)
    grid.refresh()


ONE_FOR_ALL = [(name, second, kind) for second in (2, 4, 6, 8, 10)
               for name, kind in (("bomb1", "crash"), ("bomb2", "restart"), ("bomb3", "restart"))]
"""docs/semantics.md §R10 (b): bomb1 every 2 s, its siblings restarted with it, never a give-up."""


async def test_p_predicts_the_strategy_switched_with_s_not_the_files(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 1000)
        await press(pilot, "2")  # the root (selected) to one_for_all
        assert app.live_model.nodes["root"].strategy == "one_for_all"
        grid = await open_grid(pilot)
        assert app.live.session.tree.root.strategy == "one_for_all"
        assert grid.draft.rows[0].timer == "one_for_all · 5 in 5 s"
        status = str(app.screen.query_one("#predict-status").render())
        assert status == "Predicting: the tree as it runs now (root one_for_all)"
        mark_all(grid, ONE_FOR_ALL)
        await press(pilot, "enter")
        await advance(pilot, 11_000)
        assert isinstance(app.screen, PredictResultScreen)
        assert app.screen.score.perfect, app.screen.score.headline()
        assert app.screen.title_text == (  # the file's title names another strategy: say which ran
            "Your prediction for Bombs (one_for_one) · root one_for_all, scored up to 11 s")
        assert crashes(app) == [(t, "bomb1") for t in (2000, 4000, 6000, 8000, 10_000)]
        assert events(app, "give_up") == []


async def test_the_grid_sets_up_strategy_order_and_bomb_time_and_that_tree_is_scored(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        grid = await open_grid(pilot)
        paused_run = app.live
        await press(pilot, "3")  # root: rest_for_one
        await press(pilot, "down", "down", "down", "K", "K")  # bomb3 first
        assert [row.path for row in grid.draft.rows] == ["root", "root/bomb3", "root/bomb1", "root/bomb2"]
        assert grid.path == "root/bomb3"  # the cursor moved with it
        await press(pilot, "down", "down", "plus")  # bomb2 explodes 4 s after each start
        assert grid.draft.rows[3].timer == "explodes at 4000 ms"
        status = str(app.screen.query_one("#predict-status").render())
        assert "root rest_for_one" in status and "order bomb3, bomb1, bomb2" in status
        assert "\\n" not in status
        # bomb1 at 2, 4, 7, 9 s takes bomb2 down with it; bomb3 at 5 and 10 s takes both
        for second in (2, 4, 7, 9):
            mark_all(grid, [("bomb1", second, "crash"), ("bomb2", second, "restart")])
        for second in (5, 10):
            mark_all(grid, [("bomb3", second, "crash"), ("bomb1", second, "restart"),
                            ("bomb2", second, "restart")])
        await press(pilot, "enter")
        assert app.live is not paused_run  # the changed tree runs, from t = 0
        assert paused_run.session.runtime.threads() == []
        root = app.live.session.tree.root
        assert root.strategy == "rest_for_one"
        assert [(c.id, c.args["bomb_time"]) for c in root.children] == [
            ("bomb3", 5000), ("bomb1", 2000), ("bomb2", 4000)]
        await advance(pilot, 11_000)
        assert isinstance(app.screen, PredictResultScreen)
        assert app.screen.score.perfect, app.screen.score.headline()
        assert app.screen.title_text == (
            "Your prediction for Bombs (one_for_one) · root rest_for_one; root order bomb3, bomb1, bomb2; "
            "bomb2 bomb_time 4000 ms, scored up to 11 s")
        assert crashes(app) == [(2000, "bomb1"), (4000, "bomb1"), (5000, "bomb3"), (7000, "bomb1"),
                                (9000, "bomb1"), (10_000, "bomb3")]
        await press(pilot, "p")  # again: the tree as set up, not the file
        await settle(pilot)
        assert app.live.session.tree.root.strategy == "rest_for_one"


LESSON = [("bomb1", 2, "crash"), ("bomb2", 3, "crash"), ("bomb1", 4, "crash"), ("bomb3", 5, "crash"),
          ("bomb2", 6, "crash"), ("bomb1", 6, "crash")]


async def test_the_budget_row_shows_where_the_marks_make_the_root_give_up(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        grid = await open_grid(pilot)
        await settle(pilot)
        assert grid.render_line(5).text.split() == ["root", "budget", "(max", "5", "in", "5", "s)",
                                                    *["0"] * 10]
        mark_all(grid, LESSON)
        app.screen._edited()
        await settle(pilot)
        line = grid.render_line(5).text
        assert line.startswith("root budget (max 5 in 5 s)")
        assert line.split()[7:] == ["0", "1", "2", "3", "4", f"6{GLYPHS[GIVE_UP]}"]
        status = str(app.screen.query_one("#predict-status").render())
        assert status.splitlines() == [  # what is predicted, then the budget (a line each, not "\n")
            "Predicting: the tree as it runs now (root one_for_one)",
            "root: your marks take it over its budget at 6 s (max 5 in 5 s): it gives up there"]


async def test_the_results_explanations_wrap_with_a_hanging_indent(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SMALL) as pilot:
        grid = await open_grid(pilot)
        mark_all(grid, LESSON[:4])  # the lesson's list: wrong from 6 s, with long explanations
        await press(pilot, "enter")
        await advance(pilot, 11_000)
        assert isinstance(app.screen, PredictResultScreen)
        report = app.screen.query_one(HangingText)
        width = report.content_region.width
        assert 0 < width < 80
        lines = [text for text, _style in report.wrapped(width)]
        assert len(lines) > len(report.lines) and report.region.height >= len(lines)  # wrapped, all shown
        assert all(len(line) <= width for line in lines)
        starts = {text[:width] for text, _style in report.lines}
        for line in lines:
            if not any(start.startswith(line.rstrip()) for start in starts):  # a continuation…
                assert line.startswith("  ")  # …never at column 0
        assert any(line.startswith(" " * 8) for line in lines)  # under "you said:" and the rules


async def test_a_prediction_is_scored_when_the_root_gives_up_before_the_end_of_the_grid(app_factory) -> None:
    """The app stops time when the root ends; predict mode used to wait for the end of the grid (11 s)
    and so never scored a tree that gives up (bombs: at 6 s) unless a test moved the clock on."""
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        grid = await open_grid(pilot)
        mark_all(grid, LESSON)
        await press(pilot, "enter")
        await advance(pilot, 5999)
        assert app.predict_mode.pending is not None
        await advance(pilot, 6000)  # root gives up: nothing more can happen, the score is due
        assert isinstance(app.screen, PredictResultScreen) and app.live.time.paused
        assert app.screen.score.until == 11_000 and [e.t for e in events(app, "give_up")] == [6000]


async def test_a_nested_tree_has_a_budget_row_per_supervisor_and_its_own_setup(app_factory) -> None:
    """nested.toml: root, db, web and web/handlers each get a budget row; a nested supervisor's
    strategy and a nested child's order change the tree to run, not the others."""
    app = app_factory("nested")
    async with app.run_test(size=SIZE) as pilot:
        grid = await open_grid(pilot)
        supervisors = [row.path for row in grid.draft.rows if row.is_supervisor]
        assert supervisors == ["root", "root/db", "root/web", "root/web/handlers"]
        budget_lines = [grid.render_line(1 + len(grid.draft.rows) + i).text for i in range(4)]
        assert [line.split(" budget")[0] for line in budget_lines] == ["root", "db", "web", "web/handlers"]
        assert "(max 1 in 10 s)" in budget_lines[2]
        paths = [row.path for row in grid.draft.rows]
        await press(pilot, *["down"] * paths.index("root/web/handlers/h1"), "1", "J")
        setup = app.screen.setup
        handlers = setup.node("root/web/handlers")
        assert handlers.strategy == "one_for_one" and setup.tree.root.strategy == "one_for_one"
        await press(pilot, "3")  # on a worker: its supervisor's strategy
        assert setup.node("root/web/handlers").strategy == "rest_for_one"
        assert setup.node("root/web").strategy == "one_for_all"
        assert [c.id for c in setup.node("root/web/handlers").children][-1] == "h1"


async def test_every_set_up_key_anywhere_in_the_grid_then_the_run_is_scored(app_factory) -> None:
    """The set-up keys on every row (root, a supervisor, a worker with and without a time, first and
    last children): no error, and the tree as set up runs and is scored."""
    app = app_factory("nested")
    async with app.run_test(size=SIZE) as pilot:
        grid = await open_grid(pilot)
        for _row in grid.draft.rows:
            await press(pilot, "s", "K", "plus", "x", "right", "J", "J", "minus", "2", "g", "r", "down")
        assert app.screen.setup.changed
        tree = app.screen.setup.tree
        await press(pilot, "enter")
        assert app.live.session.tree == tree
        await advance(pilot, 11_000)
        assert isinstance(app.screen, PredictResultScreen)
