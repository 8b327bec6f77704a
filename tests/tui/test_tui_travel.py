"""Replay in the app and time travel: the screen at a moment of the past is the tree as it stood then.

Replays are opened on recordings of real runs (a Session on the virtual clock, recorded as ``e`` does),
and each moment shown is compared with the view-model a live run had at that moment.
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from textual.widgets import Input, Static

from suptui.engine.protocol import Crash
from suptui.engine.recording import read_recording
from suptui.tui.app import SuptuiApp
from suptui.tui.dialogs import HelpScreen, help_table
from suptui.tui.lanes import LanesView
from suptui.tui.logview import EventLog
from suptui.tui.rules import LIVE_ONLY
from suptui.tui.whyscreen import WhyScreen

from tests.support.replay import live_model_at, record, settle_replay, statuses
from tests.support.tui import SIZE, advance, press


def plain(renderable: object) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def keys(pilot, *names: str) -> None:
    await pilot.press(*names)
    await settle_replay(pilot)


# ---------------------------------------------------------------------------- replay


async def test_a_replay_opens_at_the_end_with_the_tree_log_and_details_rebuilt(replay_factory) -> None:
    recording = record("bombs", 6500)
    app = replay_factory(recording)
    async with app.run_test(size=SIZE) as pilot:
        await settle_replay(pilot)
        assert app.live is not None and app.live.session is None  # no engine: events only
        assert statuses(app.model) == statuses(live_model_at(recording, 6500))
        root = app.model.nodes["root"]
        assert root.gave_up is not None and root.status == "stopped"
        assert "REPLAY" in app.status_text and "root 6/5 restarts in 5 s" in app.status_text
        texts = [line.text for line in app.event_log.shown]
        assert any("root GAVE UP: 6 restarts in 5 s > max_restarts 5" in text for text in texts)
        assert "gave up" in str(app.query_one("#banner").render())
        await pilot.pause()
        app.select_node("root/bomb1")
        await settle_replay(pilot)
        details = plain(app.query_one("#details-text", Static).content)
        assert "last exit crashed at 6.000 s: RuntimeError: Bomb 1 Exploded!" in details
        assert "keys" not in details  # nothing to act on: no key effects listed


async def test_keys_that_act_on_a_live_tree_are_off_in_a_replay_with_a_reason(replay_factory) -> None:
    app = replay_factory(record("bombs", 3000))
    async with app.run_test(size=SIZE) as pilot:
        await settle_replay(pilot)
        app.select_node("root/bomb2")
        for key in ("k", "x", "s", "2", "a", "d", "R", "p", "c"):
            await keys(pilot, key)
            assert app.event_log.shown[-1].text.startswith("› a replay shows a recording"), key
            assert len(app.screen_stack) == 1, key  # no dialog opened
        assert app.live is not None and app.live.session is None
        for action in LIVE_ONLY:
            assert not app.applicable(action)
        reasons = app.refusals()
        assert reasons["kill"].startswith("a replay shows a recording")
        await keys(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = plain(help_table(reasons))
        assert "off: a replay shows a recording" in help_text


async def test_e_in_a_replay_writes_the_recording_again(replay_factory, tmp_path: Path) -> None:
    recording = record("bombs", 3000)
    app = replay_factory(recording, export_dir=tmp_path / "out")
    async with app.run_test(size=SIZE) as pilot:
        await settle_replay(pilot)
        await keys(pilot, "e")
        files = list((tmp_path / "out").glob("*.jsonl"))
        assert len(files) == 1
        again = read_recording(files[0])
        assert [event.to_json() for event in again.events] == [event.to_json() for event in recording.events]
        assert again.header.tree == recording.header.tree


# ---------------------------------------------------------------------------- time travel


async def test_travel_back_forward_jump_and_now_in_a_replay(replay_factory) -> None:
    recording = record("bombs", 6500)
    app = replay_factory(recording)
    async with app.run_test(size=SIZE) as pilot:
        await settle_replay(pilot)
        await keys(pilot, "left_square_bracket")  # [ one second back
        assert app.moment is not None and app.moment.t == 5000
        assert "t = 5.000 s" in app.status_text and "◀ PAST (now 6.000 s)" in app.status_text
        assert statuses(app.model) == statuses(live_model_at(recording, 5000))
        await keys(pilot, "g", "2", "enter")  # jump to second 2
        assert app.moment is not None and app.moment.t == 2000
        assert statuses(app.model) == statuses(live_model_at(recording, 2000))
        assert app.model.nodes["root/bomb1"].restarts == 1
        assert "root 1/5 restarts in 5 s" in app.status_text  # the budget gauge then
        await keys(pilot, "comma")  # , one event back: bomb1 has crashed, not yet restarted
        assert app.model.nodes["root/bomb1"].status == "crashed"
        assert "root 0/5" in app.status_text
        current = app.event_log.shown[app.event_log.current]
        assert "bomb1 crashed" in current.text  # the log's current line is the event just shown
        await keys(pilot, "full_stop")  # . one event forward (moved on in place): restarted
        assert app.model.nodes["root/bomb1"].status == "running"
        assert statuses(app.model) == statuses(live_model_at(recording, 2000))
        assert "bomb1 restarted" in app.event_log.shown[app.event_log.current].text
        await keys(pilot, "right_square_bracket")
        assert app.moment is not None and app.moment.t == 3000
        await keys(pilot, "n")
        assert app.moment is None and "PAST" not in app.status_text
        assert statuses(app.model) == statuses(live_model_at(recording, 6500))


async def test_the_lanes_in_the_past_end_at_the_moment(replay_factory) -> None:
    app = replay_factory(record("bombs", 6500))
    async with app.run_test(size=SIZE) as pilot:
        await settle_replay(pilot)
        await keys(pilot, "t", "g", "3", "enter")
        assert app.timeline.now_ms() == 3000
        lane = app.timeline.model.lane("root/bomb1")
        assert lane is not None
        assert all(mark.t <= 3000 for mark in lane.marks_between(0, 10_000))  # nothing after the moment
        gauge = app.timeline.model.gauge("root", 3000)
        assert gauge is not None and gauge.used == 2


async def test_a_replay_of_a_real_run_matches_the_live_run_at_every_moment(replay_factory) -> None:
    """bombs_reordered (rest_for_one) for 10 s: at several moments the replayed tree is the live one."""
    recording = record("bombs_reordered", 10_500)
    app = replay_factory(recording)
    async with app.run_test(size=SIZE) as pilot:
        await settle_replay(pilot)
        for second in (1, 2, 4, 5, 7, 9, 10):
            await keys(pilot, "g", *str(second), "enter")
            assert statuses(app.model) == statuses(live_model_at(recording, second * 1000)), second
        await keys(pilot, "g", "4", ".", "5", "enter")  # a fraction: 4.5 s
        assert app.moment is not None and app.moment.t == 4500
        assert statuses(app.model) == statuses(live_model_at(recording, 4500))


async def test_travel_in_a_paused_live_run_then_back_to_now(app_factory) -> None:
    app: SuptuiApp = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 4500)
        live_pid = app.model.nodes["root/bomb1"].pid
        await press(pilot, "comma")  # a live run pauses first, then shows the moment before the last event
        assert app.live is not None and app.live.time.paused
        assert app.moment is not None and app.moment.t == 4000
        assert "t = 4.000 s" in app.status_text and "◀ PAST (now 4.500 s)" in app.status_text
        assert app.model.nodes["root/bomb1"].status == "crashed"
        await press(pilot, "k")
        assert "you are looking at the past" in app.event_log.lines[-1].text
        await press(pilot, "left_square_bracket", "left_square_bracket")
        assert app.moment is not None and app.moment.t == 2000
        assert app.model.nodes["root/bomb1"].restarts == 1
        await press(pilot, "n")
        assert app.moment is None and app.model is app.live_model
        assert app.model.nodes["root/bomb1"].pid == live_pid
        await press(pilot, "space")  # resumes now
        assert not app.live.time.paused


async def test_picking_a_crash_in_the_log_or_on_a_lane_jumps_there(replay_factory) -> None:
    recording = record("bombs", 6500)
    first_crash = next(event for event in recording.events if isinstance(event, Crash))
    app = replay_factory(recording)
    async with app.run_test(size=SIZE) as pilot:
        await settle_replay(pilot)
        line = next(line for line in app.event_log.shown if line.seq == first_crash.seq)
        app.event_log.post_message(EventLog.Picked(line))
        await settle_replay(pilot)
        assert app.moment is not None and app.moment.t == first_crash.t
        assert app.model.nodes[first_crash.path].status == "crashed"
        await keys(pilot, "n", "t")
        lanes = app.query_one("#lanes", LanesView)
        row = next(i for i, r in enumerate(app.tree_view.rows) if r.path == "root/bomb3")
        column = next(x for x in range(lanes.size.width) if lanes.death_near("root/bomb3", x) == 5000)
        await pilot.click(LanesView, offset=(column + 1, row + 2))  # past the border, under the axis
        await settle_replay(pilot)
        assert app.moment is not None and app.moment.t == 5000
        assert app.model.nodes["root/bomb3"].status == "crashed"
        assert app.tree_view.cursor_path == "root/bomb3"


async def test_j_then_w_explains_the_selected_nodes_last_crash(replay_factory) -> None:
    app = replay_factory(record("bombs_reordered", 5500))
    async with app.run_test(size=SIZE) as pilot:
        await settle_replay(pilot)
        app.select_node("root/bomb3")
        await keys(pilot, "j")
        assert app.moment is not None and app.moment.t == 5000
        await keys(pilot, "w")
        assert isinstance(app.screen, WhyScreen)
        text = "\n".join(app.screen.lines)
        assert "rest_for_one" in text and "bomb3" in text
        assert app.screen.title_text.startswith("Why bomb3")
        shown = app.screen.query_one("#why-text").render()
        plain = getattr(shown, "plain", str(shown))
        assert "\\n" not in plain  # one sentence a line, not a visible escape between them
        assert plain.split("\n") == [f"– {line}" for line in app.screen.lines]
        await keys(pilot, "escape")
        assert not isinstance(app.screen, WhyScreen)


async def test_the_goto_input_refuses_what_is_not_a_number(replay_factory) -> None:
    app = replay_factory(record("bombs", 3000))
    async with app.run_test(size=SIZE) as pilot:
        await settle_replay(pilot)
        await keys(pilot, "g")
        app.screen.query_one(Input).value = "abc"
        await keys(pilot, "enter")
        assert app.moment is None and len(app.screen_stack) == 2
        app.screen.query_one(Input).value = ""
        await keys(pilot, "a", "b", "c", "enter")  # typed: the number input never takes letters
        question = str(app.screen.query_one("#question").render())
        assert "type a number first" in question and "''" not in question, question
        await keys(pilot, "escape")
        assert len(app.screen_stack) == 1


async def test_space_plays_a_replay_over_recorded_time_at_the_chosen_speed(replay_factory) -> None:
    recording = record("bombs", 6500)
    wall = [0.0]
    app = replay_factory(recording, wall=lambda: wall[0])
    async with app.run_test(size=SIZE) as pilot:
        await settle_replay(pilot)
        await keys(pilot, "space")  # at the end: plays from the start
        assert app.live is not None and not app.live.time.paused
        wall[0] = 1.5
        app.drain_now()
        assert app.moment is not None and app.moment.t == 1500
        assert statuses(app.model) == statuses(live_model_at(recording, 1500))
        await keys(pilot, "plus")  # ×2 from here
        wall[0] = 2.5
        app.drain_now()
        assert app.moment is not None and app.moment.t == 3500
        assert statuses(app.model) == statuses(live_model_at(recording, 3500))
        await keys(pilot, "space")  # pause: the moment stays
        wall[0] = 10.0
        app.drain_now()
        assert app.moment is not None and app.moment.t == 3500
        await keys(pilot, "space")
        wall[0] = 12.0
        app.drain_now()  # past the end: now again, paused
        await settle_replay(pilot)
        assert app.moment is None and app.live.time.paused


async def test_the_palette_lists_live_keys_as_off_in_a_replay(replay_factory) -> None:
    from suptui.tui.commands import BindingCommands

    app = replay_factory(record("bombs", 3000))
    async with app.run_test(size=SIZE) as pilot:
        await settle_replay(pilot)
        provider = BindingCommands(app.screen)
        commands = {title: help_text for title, help_text, _ in provider._enabled()}
        assert commands["Kill  (k) — off"].startswith("off: a replay shows a recording")
        assert "Back  (,)" in commands and "Why  (w)" in commands


async def test_the_apps_own_recording_replays_to_the_trees_the_live_app_showed(app_factory, replay_factory,
                                                                                tmp_path: Path) -> None:
    """A live app on bombs_reordered, its tree noted at several moments; e records the run; the replay
    of that file shows the same tree at each of those moments."""
    seen: dict[int, dict] = {}
    live = app_factory("bombs_reordered", export_dir=tmp_path / "out")
    async with live.run_test(size=SIZE) as pilot:
        for t in (1000, 2000, 4500, 5000, 7000, 10_000):
            await advance(pilot, t)
            seen[t] = statuses(live.live_model)
        await press(pilot, "e")
    files = list((tmp_path / "out").glob("*.jsonl"))
    assert len(files) == 1
    app = replay_factory(read_recording(files[0]))
    async with app.run_test(size=SIZE) as pilot:
        await settle_replay(pilot)
        assert statuses(app.model) == seen[10_000]
        for t, expected in seen.items():
            if t < 10_000:
                await keys(pilot, "g", *str(t / 1000), "enter")
                assert statuses(app.model) == expected, t


async def test_S_in_a_replay_draws_the_window_on_screen(replay_factory, tmp_path: Path) -> None:
    app = replay_factory(record("bombs", 6500), export_dir=tmp_path / "out")
    async with app.run_test(size=SIZE) as pilot:
        await settle_replay(pilot)
        await keys(pilot, "g", "4", "enter", "S")
        files = list((tmp_path / "out").glob("*.svg"))
        assert len(files) == 1 and "<svg" in files[0].read_text()
        assert "0–5 s" in files[0].read_text()


async def test_braces_step_from_crash_to_crash(replay_factory) -> None:
    recording = record("bombs", 6500)
    crash_times = [event.t for event in recording.events if isinstance(event, Crash)]
    app = replay_factory(recording)
    async with app.run_test(size=SIZE) as pilot:
        await settle_replay(pilot)
        await keys(pilot, "g", "0", "enter")
        seen = []
        for _ in crash_times:
            await keys(pilot, "right_curly_bracket")
            assert app.moment is not None and isinstance(app.history.event(app.moment.n), Crash)
            seen.append(app.moment.t)
        assert seen == crash_times
        await keys(pilot, "left_curly_bracket")
        assert app.moment is not None and app.moment.t == crash_times[-2]


async def test_a_recording_without_events_or_skeleton_still_opens(replay_factory) -> None:
    """No events: an empty tree, travel keys say there is nothing before. No skeleton: the nodes come
    from the start events alone."""
    from suptui.engine.recording import Header, Recording

    empty = replay_factory(Recording(Header(title="nothing"), []))
    async with empty.run_test(size=SIZE) as pilot:
        await settle_replay(pilot)
        await keys(pilot, "comma", "left_square_bracket", "right_curly_bracket", "w", "j", "n", "space",
                   "full_stop")
        assert empty.moment is None and len(empty.screen_stack) == 1
    recorded = record("bombs", 3000)
    bare = replay_factory(Recording(Header(title="bare"), recorded.events))
    async with bare.run_test(size=SIZE) as pilot:
        await settle_replay(pilot)
        assert set(bare.model.nodes) == {"root", "root/bomb1", "root/bomb2", "root/bomb3"}
        await keys(pilot, "g", "2", "enter")
        assert bare.model.nodes["root/bomb1"].restarts == 1
