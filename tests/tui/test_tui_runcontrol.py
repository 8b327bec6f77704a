"""The run controller without Textual: the drain folds a run's events into model, log lines, history,
timeline and spool; the root's end stops time once; pause, speed and queued steps."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from suptui.engine.recording import Recording
from suptui.session import Session
from suptui.treefile import load_tree
from suptui.treefile.skeleton import tree_from_skeleton
from suptui.tui.liverun import LiveRun, manual_runs
from suptui.tui.model import TreeModel
from suptui.tui.replayrun import ReplayRun
from suptui.tui.runcontrol import RunControl


def root_down(model: TreeModel) -> object:
    root = model.nodes.get(model.root or "")
    return None if root is None or root.running else root.status


@pytest.fixture
def control() -> Iterator[RunControl]:
    runs = RunControl(manual_runs(), root_ended=root_down)
    yield runs
    runs.stop()


def started(runs: RunControl, tree: str = "bombs", *, paused: bool = False) -> LiveRun:
    loaded = load_tree(tree)
    runs.load(loaded)
    run = runs.open(loaded, paused=paused)
    run.start()
    return run


def test_the_runcontrol_module_imports_no_textual() -> None:
    script = ("import sys, suptui.tui.runcontrol\n"
              "loaded = sorted(m for m in sys.modules\n"
              "                if m == 'textual' or m.startswith(('textual.', 'rich')))\n"
              "assert not loaded, loaded\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_a_drain_folds_the_events_into_model_log_history_and_timeline(control: RunControl) -> None:
    run = started(control)
    first = control.drain()
    assert first is not None and {e.path for e in first.events} >= {"root", "root/bomb1"}
    assert control.live_model.nodes["root/bomb1"].running
    run.clock.advance_to(2500)
    batch = control.drain()
    assert batch is not None
    assert "root/bomb1" in batch.changes.paths
    assert len(batch.lines) == len(batch.events)
    assert control.live_model.nodes["root/bomb1"].restarts == 1
    assert control.history is not None and control.history.count == len(first.events) + len(batch.events)
    assert control.timeline.version > 0
    assert control.drain() is None  # nothing new


def test_notes_and_deferred_work_come_in_order_and_a_failing_one_is_a_line(control: RunControl) -> None:
    run = started(control)
    control.drain()
    done: list[str] = []

    def broken() -> None:
        raise ValueError("boom")

    control.note("hello", "ok")
    run.feed.call_soon(lambda: done.append("later"))
    run.feed.call_soon(broken)
    batch = control.drain()
    assert batch is not None and [line.text[2:] for line in batch.lines] == ["hello"] and done == ["later"]
    again = control.drain()
    assert again is not None and "display update failed: ValueError('boom')" in again.lines[0].text


def test_the_roots_end_stops_time_once_per_run(control: RunControl) -> None:
    run = started(control)
    run.clock.advance_to(7000)  # the bombs exceed 5 restarts in 5 s at 6 s
    control.drain()
    assert root_down(control.live_model) is not None and run.time.paused
    control.set_paused(False)
    control.note("more")
    control.drain()
    assert not run.time.paused  # space runs it on: not stopped again


def test_pause_and_speed_carry_to_the_next_run(control: RunControl) -> None:
    run = started(control)
    assert control.toggle_pause() is True and run.time.paused and control.paused
    assert control.faster() == 2.0 and control.faster() == 4.0
    for _ in range(10):
        control.slower()
    assert control.speed == run.time.speed == 1 / 8
    control.stop()
    following = started(control, paused=control.paused)
    assert following.time.speed == 1 / 8 and following.time.paused


def test_queued_steps_each_run_to_the_next_event(control: RunControl) -> None:
    run = started(control, paused=True)
    control.drain()
    assert [control.request_step() for _ in range(3)] == [True, False, False]
    control.run_steps(run)  # what the app's worker thread runs
    assert control.steps.pending == 0
    assert run.clock.now_ms() == 4000  # three steps, three crashes: bomb1 at 2 s, bomb2 at 3 s, bomb1 at 4 s
    batch = control.drain()
    assert batch is not None and batch.events


def test_steps_stop_and_are_dropped_once_the_run_is_replaced(control: RunControl) -> None:
    run = started(control, paused=True)
    control.drain()
    control.request_step()
    control.request_step()
    started(control)  # R: another run is shown now
    control.run_steps(run)
    assert control.steps.pending == 0 and run.clock.now_ms() == 0
    run.stop()


def test_a_replay_is_shown_with_its_own_model_history_and_knobs(control: RunControl) -> None:
    session = Session(load_tree("bombs"))
    session.begin()
    session.run_until(3000)
    events = session.recorder.snapshot() if session.recorder is not None else []
    header = session.header()
    session.stop()
    recording = Recording(header, [event for event in events if event.t < 3000])
    run = ReplayRun(recording, tree_from_skeleton(header.tree, "bombs"), "bombs.jsonl")
    control.show_replay(run)
    assert control.run is run and control.live_model is run.model and control.history is run.history
    control.note("replay of bombs.jsonl")
    batch = control.drain()
    assert batch is not None and not batch.events and batch.lines[0].text.endswith("replay of bombs.jsonl")
    was = run.time.paused
    assert control.toggle_pause() is (not was)
    assert control.faster() == 2.0
