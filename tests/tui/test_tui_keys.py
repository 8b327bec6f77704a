"""Every key binding, checked by its effect on the ENGINE (the recorded event stream, the clock,
the files it writes), not only on the screen."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from suptui.engine.recording import read_recording
from suptui.tui.bindings import APP_BINDINGS, key_label
from suptui.tui.dialogs import ChoiceScreen, ConfirmScreen, HelpScreen, help_table
from suptui.tui.treeview import SupervisionTree

from tests.support.reliability import key_event
from tests.support.tui import SIZE, advance, events, press, select, settle

# ---------------------------------------------------------------------------- the selected node


async def test_k_kills_the_selected_worker(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 2500)
        await select(pilot, "root/bomb2")
        await press(pilot, "k")
        assert [e.get("by") for e in events(app, "kill", "root/bomb2")] == ["user"]
        crash = events(app, "crash", "root/bomb2")[-1]
        assert (crash.t, crash.get("reason")) == (2500, "killed")
        restart = events(app, "start", "root/bomb2")[-1]
        assert (restart.t, restart.get("restart"), restart.get("cause")) == (2500, True, "root/bomb2")
        assert app.model.nodes["root/bomb2"].restarts == 1
        assert any("kill bomb2 (by user)" in line.text for line in app.event_log.lines)


async def test_k_on_the_root_asks_first_and_cancel_is_the_default(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "k")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "enter")  # Cancel has the focus
        assert not isinstance(app.screen, ConfirmScreen)
        assert events(app, "kill") == []
        await press(pilot, "k", "y")
        assert [e.path for e in events(app, "kill")] == ["root"]
        assert events(app, "crash", "root")[-1].get("reason") == "killed"
        assert app.query_one("#banner").has_class("-shown")


async def test_k_x_d_on_a_nested_supervisor_ask_first(app_factory) -> None:
    app = app_factory("nested")
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, "root/db")
        await press(pilot, "k")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        assert [e.path for e in events(app, "kill")] == ["root/db"]
        restarted = {e.path for e in events(app, "start") if e.get("restart")}
        assert {"root/db", "root/db/repo", "root/db/cache"} <= restarted
        await press(pilot, "x", "down", "enter")  # shutdown, on a supervisor: asks first
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        # A supervisor traps exits: a signal that is not from its parent is only a message to it (OTP).
        assert events(app, "exit", "root/db") == []
        assert app.model.nodes["root/db"].status == "running"
        await press(pilot, "d")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "y")
        assert events(app, "terminate", "root/db")[-1].get("why") == "api"
        assert app.model.nodes["root/db"].status == "stopped"


async def test_x_tells_the_signal_sent_before_what_it_did(app_factory) -> None:
    """Cause before effect in the log, as k's "kill bomb1 (by user)" comes before "bomb1 killed"."""
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, "root/bomb2")
        await press(pilot, "x", "down", "enter")  # shutdown
        texts = [line.text for line in app.event_log.lines]
        sent = next(i for i, text in enumerate(texts) if "sent root/bomb2 an exit signal (shutdown)" in text)
        exited = next(i for i, text in enumerate(texts) if "bomb2 exited" in text)
        assert sent < exited, texts


async def test_x_exits_with_the_chosen_reason(app_factory) -> None:
    """Each reason as an exit signal from outside (Erlang's exit/2); the bombs are permanent, so every
    one that ends comes back. A bomb does not trap exits, so ``normal`` is ignored."""
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, "root/bomb1")
        await press(pilot, "x", "enter")
        assert events(app, "exit", "root/bomb1") == events(app, "crash", "root/bomb1") == []
        for path, downs, kind, reason in [
            ("root/bomb2", 1, "exit", "shutdown"),
            ("root/bomb1", 2, "exit", "{shutdown, user}"),
            ("root/bomb3", 3, "crash", "Crash: crash requested by user"),
            ("root/bomb2", 4, "crash", "exit"),  # the lesson's Process.exit(pid, :exit)
            ("root/bomb1", 5, "crash", "killed"),
        ]:
            await select(pilot, path)
            await press(pilot, "x")
            assert isinstance(app.screen, ChoiceScreen)
            await press(pilot, *["down"] * downs, "enter")
            assert events(app, kind, path)[-1].get("reason") == reason
            assert events(app, "start", path)[-1].get("restart") is True


async def test_x_on_a_temporary_child_leaves_it_removed(app_factory, tmp_path: Path) -> None:
    tree = tmp_path / "temp.toml"
    tree.write_text('id = "root"\n[[children]]\nid = "w"\nworker = "sleeper"\nrestart = "temporary"\n')
    app = app_factory(str(tree))
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, "root/w")
        await press(pilot, "x", "down", "enter")  # shutdown
        assert [e.get("reason") for e in events(app, "exit", "root/w")] == ["shutdown"]
        assert [e for e in events(app, "start", "root/w") if e.get("restart")] == []
        assert app.model.nodes["root/w"].status == "removed"


async def test_s_cycles_and_digits_set_the_strategy(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, "root/bomb1")  # a worker: s acts on its supervisor
        await press(pilot, "s", "s", "s")
        assert [e.get("strategy") for e in events(app, "strategy", "root")] == [
            "one_for_all", "rest_for_one", "one_for_one"]
        await press(pilot, "3", "2")
        assert [e.get("strategy") for e in events(app, "strategy", "root")][-2:] == [
            "rest_for_one", "one_for_all"]
        await press(pilot, "2")  # already set: nothing sent, the log says why
        assert len(events(app, "strategy", "root")) == 5
        assert app.event_log.lines[-1].text.endswith("root already uses one_for_all")
        await press(pilot, "1")
        assert events(app, "strategy", "root")[-1].get("strategy") == "one_for_one"


async def test_one_for_all_restarts_every_bomb_and_names_the_cause(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "2")
        await advance(pilot, 2000)
        restarts = [e.path for e in events(app, "start") if e.get("restart")]
        assert restarts == ["root/bomb1", "root/bomb2", "root/bomb3"]
        texts = [line.text for line in app.event_log.lines]
        assert "↻ bomb2 restarted ← bomb1 crashed (one_for_all)" in texts
        assert "■ bomb3 shut down ← bomb1 crashed (one_for_all)" in texts


async def test_d_terminates_then_r_restarts_then_delete_forgets(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, "root/bomb3")
        await press(pilot, "r")  # running: refused, with the reason
        assert [e for e in events(app, "start") if e.get("why") == "api"] == []
        assert "bomb3 is running" in app.event_log.lines[-1].text
        await press(pilot, "d")
        terminated = events(app, "terminate", "root/bomb3")
        assert [(e.get("why"), e.get("reason")) for e in terminated] == [("api", "shutdown")]
        assert app.model.nodes["root/bomb3"].status == "stopped"
        await press(pilot, "r")
        again = events(app, "start", "root/bomb3")[-1]
        assert (again.get("restart"), again.get("why")) == (True, "api")
        await press(pilot, "d")
        await press(pilot, "delete")
        assert "root/bomb3" not in app.model.nodes
        assert app.live.session.request("root", "which_child", "bomb3").result(2) == ("error", "not_found")


async def test_a_adds_a_builtin_worker_with_the_chosen_restart_type(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, "root/bomb1")  # a worker: a adds to its supervisor
        await press(pilot, "a")
        screen = app.screen
        assert isinstance(screen, ChoiceScreen)
        names = [choice.value for choice in screen.choices]
        await press(pilot, *["down"] * names.index("sleeper"), "enter")
        await press(pilot, "down", "enter")  # transient
        started = events(app, "start", "root/sleeper1")
        assert [(e.get("why"), e.get("actor")) for e in started] == [("api", "Sleeper")]
        node = app.model.nodes["root/sleeper1"]
        assert (node.restart, node.worker, node.running) == ("transient", "sleeper", True)
        spec = app.live.session.request("root", "get_childspec", "sleeper1").result(2)
        assert spec[1]["restart"] == "transient"


# ---------------------------------------------------------------------------- time


async def test_every_step_press_of_a_burst_counts(app_factory) -> None:
    """Four ``.`` typed ahead (sent straight to the driver, as a terminal delivers them) step four times:
    a worker per press, each cancelling the last, used to step once."""
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "space")
        assert app.live.time.paused
        driver = app._driver
        assert driver is not None
        for _ in range(4):
            driver.send_message(key_event(app, "full_stop"))
        await pilot._wait_for_screen()
        await settle(pilot)
        await settle(pilot)
        steps = [e.t for e in events(app) if e.kind == "crash"]
        assert len(steps) == 4 and app.live.clock.now_ms() == steps[-1]
        await pilot.press("full_stop", "full_stop")  # the pilot's presses, no pause between them
        await settle(pilot)
        await settle(pilot)
        assert len([e for e in events(app) if e.kind == "crash"]) == 6  # the sixth gives up


async def test_time_keys_pause_step_and_change_speed(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "space")
        assert app.live.time.paused
        assert "PAUSED" in app.status_text
        await press(pilot, "full_stop")
        assert app.live.clock.now_ms() == 2000
        assert [e.t for e in events(app, "crash")] == [2000]
        await press(pilot, "full_stop")
        assert app.live.clock.now_ms() == 3000
        await press(pilot, "space")
        assert not app.live.time.paused
        await press(pilot, "full_stop")  # not paused: refused, time does not move
        assert app.live.clock.now_ms() == 3000
        await press(pilot, "plus")
        assert app.live.time.speed == 2
        assert "×2" in app.status_text
        await press(pilot, *["plus"] * 5)
        assert app.live.time.speed == 16
        await press(pilot, *["minus"] * 10)
        assert app.live.time.speed == 1 / 8
        assert "×1/8" in app.status_text


# ---------------------------------------------------------------------------- view and record


async def test_slash_filters_tree_and_log_together(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 3500)
        await press(pilot, "slash", "b", "2")
        tree = app.query_one(SupervisionTree)
        assert [row.path for row in tree.rows] == ["root", "root/bomb2"]
        assert app.event_log.shown and all("bomb2" in line.path for line in app.event_log.shown)
        await press(pilot, "enter")  # keep the filter, back to the tree: keys act again
        await press(pilot, "k")
        assert [e.path for e in events(app, "kill")] == []  # root is selected: k asks first
        await press(pilot, "escape")
        await press(pilot, "slash", "escape")
        assert len(tree.rows) == 4
        assert len(app.event_log.shown) == len(app.event_log.lines)


async def test_a_filter_that_matches_nothing_says_so_in_the_tree_pane(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 1000)
        await press(pilot, "slash", "z", "z", "z")
        tree = app.query_one(SupervisionTree)
        assert tree.rows == []
        first = "".join(segment.text for segment in tree.render_line(0))
        assert "no match for 'zzz'" in first, first


async def test_escape_in_the_tree_clears_a_kept_filter(app_factory) -> None:
    """Enter keeps the filter and goes back to the tree; Esc there clears it (it used to stay on)."""
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 3500)
        await press(pilot, "slash", "b", "2", "enter")
        tree = app.query_one(SupervisionTree)
        assert app.focused is tree and [row.path for row in tree.rows] == ["root", "root/bomb2"]
        assert len(app.event_log.shown) < len(app.event_log.lines)
        await press(pilot, "escape")
        assert app.focused is tree and len(tree.rows) == 4
        assert len(app.event_log.shown) == len(app.event_log.lines)
        assert "b2" not in app.status_text and app.query_one("#filter").value == ""


async def test_m_marks_the_log_and_e_exports_the_run_as_a_recording(app_factory, tmp_path: Path) -> None:
    app = app_factory("bombs", export_dir=tmp_path / "out", log_cap=8)
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 1234)
        await press(pilot, "m", "m")
        markers = [line.text for line in app.event_log.lines if line.style == "marker"]
        assert markers == ["── marker 1 at t = 1.234 s ──", "── marker 2 at t = 1.234 s ──"]
        await advance(pilot, 6000)
        await press(pilot, "e")
        files = list((tmp_path / "out").glob("bombs-*.jsonl"))
        assert len(files) == 1
        lines = files[0].read_text().splitlines()
        assert json.loads(lines[0])["suptui"] == "recording"  # the header: suptui replay reads it
        rows = [json.loads(line) for line in lines[1:]]
        assert len(rows) == len(events(app)) > 8  # complete, although the log keeps only 8 lines
        assert rows[0] == {"t": 0, "event": "start", "path": "root/bomb1", "pid": "<0.2.0>", "restart": False,
                           "type": "worker", "actor": "Bomb"}
        recording = read_recording(files[0])
        assert recording.header.title == "Bombs (one_for_one)" and recording.header.tree is not None
        assert [event.to_json() for event in recording.events] == [event.to_json() for event in events(app)]
        assert str(files[0]) in app.event_log.lines[-1].text


async def test_question_mark_opens_help_generated_from_the_bindings(app_factory) -> None:
    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=300, record=True, file=io.StringIO())
        console.print(help_table())
        text = console.export_text()
        for binding in APP_BINDINGS:
            assert f"{key_label(binding)}  " in text
            assert binding.description in text and binding.tooltip.replace("`", "") in text
        assert "`" not in text  # the README's Markdown code spans are drawn bold, not as backticks
        kill = next(b for b in APP_BINDINGS if b.action == "kill")
        assert "`killed`" in kill.tooltip
        styled = Text()
        for part in help_table().renderables:
            if isinstance(part, Table) and len(part.columns) == 3:  # a key section, not the legend
                for cell in part.columns[2].cells:
                    if isinstance(cell, Text) and "exit reason killed" in cell.plain:
                        styled = cell
        bold = [styled.plain[span.start:span.end] for span in styled.spans if "bold" in str(span.style)]
        assert bold == ["killed"]
        await press(pilot, "escape")
        assert not isinstance(app.screen, HelpScreen)


# ---------------------------------------------------------------------------- the tree


async def test_capital_r_restarts_the_tree_from_the_reread_file(app_factory, tmp_path: Path) -> None:
    source = tmp_path / "two.toml"
    source.write_text('id = "root"\nmax_restarts = 0\n[[children]]\nid = "b"\nworker = "bomb"\n'
                      'args = { bomb_time = 1000 }\n')
    app = app_factory(str(source))
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 1000)
        assert events(app, "give_up", "root")
        first_run = app.live
        source.write_text(source.read_text() + '[[children]]\nid = "s"\nworker = "sleeper"\n')
        await press(pilot, "R")
        assert app.live is not first_run
        assert first_run.session.runtime.threads() == []
        assert app.live.clock.now_ms() == 0
        assert sorted(e.path for e in events(app, "start")) == ["root", "root/b", "root/s"]
        assert not app.query_one("#banner").has_class("-shown")
        # a fresh log: one line saying so, then the new run's own lines (no crash or give-up of the old)
        lines = app.event_log.lines
        assert lines[0].text == f"── tree reloaded from {source} ──"
        assert [line.text for line in lines].count(lines[0].text) == 1
        assert not any(line.style in ("crash", "give_up") or line.t > 0 for line in lines)
        assert not any("loading" in line.text for line in lines)


async def test_capital_r_keeps_the_running_tree_when_the_file_is_broken(app_factory, tmp_path: Path) -> None:
    source = tmp_path / "one.toml"
    source.write_text('id = "root"\n[[children]]\nid = "s"\nworker = "sleeper"\n')
    app = app_factory(str(source))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        run = app.live
        source.write_text('id = "root"\n[[children]]\nid = "s"\nworker = "no_such_worker"\n')
        await press(pilot, "R")
        assert app.live is run and app.model.nodes["root/s"].running
        errors = [line.text for line in app.event_log.lines if line.style == "error"]
        assert any("has errors; the running tree is kept" in text for text in errors)
        assert any("no_such_worker" in text for text in errors)


async def test_q_shuts_the_tree_down_and_every_engine_thread_ends(app_factory) -> None:
    app = app_factory("nested")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 1500)
        run = app.live
        await pilot.press("q")
        await pilot.pause()
    assert app.return_value == 0
    assert run.session.runtime.threads() == []
    assert events(app, "exit", "root")[-1].get("reason") == "shutdown"
