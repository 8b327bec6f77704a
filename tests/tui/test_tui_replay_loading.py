"""A long recording opens before it is read: the loader folds it in chunks on its own thread, the app
shows what is loaded so far (now is its newest moment), travels over it, and ends up as a replay
folded at open; a bad line found late is one error line, and what came before it stays."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from suptui.engine.recording import Recording
from suptui.treefile.skeleton import tree_from_skeleton
from suptui.tui import replayrun
from suptui.tui.app import SuptuiApp
from suptui.tui.model import TreeModel
from suptui.tui.replayrun import ReplayRun

from tests.support.replay import loading_app, record, settle_replay, statuses, write_recording

CHUNK = 4


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replayrun, "CHUNK_EVENTS", CHUNK)


@pytest.fixture
def recording() -> Recording:
    made = record("bombs")
    assert len(made.events) > 3 * CHUNK
    return made


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[Any]:
    apps: list[tuple[SuptuiApp, threading.Event]] = []

    def open_app(path: Path) -> tuple[SuptuiApp, threading.Event]:
        resume = threading.Event()
        app = loading_app(path, resume, export_dir=tmp_path / "exports")
        apps.append((app, resume))
        return app, resume

    yield open_app
    for app, resume in apps:
        resume.set()
        app.teardown()


def model_after(recording: Recording, n: int) -> TreeModel:
    model = TreeModel(tree_from_skeleton(recording.header.tree, "x"))
    for event in recording.events[:n]:
        model.apply(event)
    return model


def run_of(app: SuptuiApp) -> ReplayRun:
    assert isinstance(app.live, ReplayRun)
    return app.live


async def finish(app: SuptuiApp, resume: threading.Event, pilot: Any) -> None:
    """Let the loader read the rest (a join, no sleeping), then let the app take it."""
    resume.set()
    loader = run_of(app).loader
    assert loader is not None
    loader.join(timeout=30)
    assert not loader.is_alive()
    await settle_replay(pilot)


def lanes_of(app: SuptuiApp) -> tuple[Any, ...]:
    """What the lanes were pinned to: the timeline's span and its groups of restarts."""
    model = app.timeline.model
    return model.first_t, model.last_t, len(model.groups), app.timeline.pinned


def log_texts(app: SuptuiApp) -> list[str]:
    return [line.text for line in app.event_log.lines]


async def test_the_tree_shows_before_the_recording_is_loaded(recording: Recording, tmp_path: Path,
                                                             opened: Any) -> None:
    app, _ = opened(write_recording(recording, tmp_path / "run.jsonl"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle_replay(pilot)
        run = run_of(app)
        assert run.loading is not None and app.history is not None
        assert app.history.count == CHUNK  # the loader is held after its first chunk
        assert statuses(app.model) == statuses(model_after(recording, CHUNK))
        assert "loading" in app.status_text and "%" in app.status_text
        assert app.moment is None and run.end_ms == recording.events[CHUNK - 1].t
        shown = [line.text for line in app.event_log.shown]
        assert len([text for text in shown if "replay of" in text]) == 1


async def test_travel_keys_work_on_the_loaded_part(recording: Recording, tmp_path: Path, opened: Any) -> None:
    app, _ = opened(write_recording(recording, tmp_path / "run.jsonl"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle_replay(pilot)
        await pilot.press("comma")
        await settle_replay(pilot)
        assert app.moment is not None and app.moment.n == CHUNK - 1
        assert statuses(app.model) == statuses(model_after(recording, CHUNK - 1))
        assert "PAST" in app.status_text and "loading" in app.status_text
        await pilot.press("n")
        await settle_replay(pilot)
        assert app.moment is None and statuses(app.model) == statuses(model_after(recording, CHUNK))
        app._to_time(recording.events[-1].t + 60_000)  # beyond what is loaded: its end
        await settle_replay(pilot)
        assert app.moment is None and app.history is not None and app.history.count == CHUNK


async def test_once_loaded_it_is_a_replay_folded_at_open(recording: Recording, tmp_path: Path, opened: Any,
                                                         replay_factory: Any) -> None:
    app, resume = opened(write_recording(recording, tmp_path / "run.jsonl"))
    folded = replay_factory(recording, source=str(tmp_path / "run.jsonl"))
    async with folded.run_test(size=(140, 40)) as pilot:
        await settle_replay(pilot)
        expected_log, expected_status = log_texts(folded), folded.status_text
        expected_tree = statuses(folded.model)
        expected_lanes = lanes_of(folded)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle_replay(pilot)
        await pilot.press("comma")  # in the past while the rest comes: it stays there
        await settle_replay(pilot)
        await finish(app, resume, pilot)
        assert app.moment is not None and app.moment.n == CHUNK - 1
        assert f"now {recording.events[-1].t / 1000:.3f}" in app.status_text.replace(",", "")
        await pilot.press("n")
        await settle_replay(pilot)
        run = run_of(app)
        assert run.loading is None and run.error is None
        assert app.history is not None and app.history.count == len(recording.events)
        assert statuses(app.model) == expected_tree
        assert log_texts(app) == expected_log
        assert app.status_text == expected_status
        assert lanes_of(app) == expected_lanes


async def test_a_bad_line_late_is_one_error_and_the_loaded_part_stays(recording: Recording, tmp_path: Path,
                                                                      opened: Any) -> None:
    bad = 2 * CHUNK + 3  # line 1 is the header: events 1 … 2 × CHUNK + 1 come before it
    path = write_recording(recording, tmp_path / "bad.jsonl", bad_line=bad)
    app, resume = opened(path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle_replay(pilot)
        await finish(app, resume, pilot)
        run = run_of(app)
        good = bad - 2
        assert run.loading is None and run.error is not None
        assert run.error.startswith(f"{path}:{bad}: not JSON")
        assert app.history is not None and app.history.count == good
        assert statuses(app.model) == statuses(model_after(recording, good))
        errors = [line.text for line in app.event_log.lines if line.style == "error"]
        assert len(errors) == 1 and f"{path}:{bad}: not JSON" in errors[0]
        assert "partial" in app.status_text
        await pilot.press("comma")
        await settle_replay(pilot)
        assert app.moment is not None and app.moment.n == good - 1
