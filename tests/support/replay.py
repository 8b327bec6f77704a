"""How the replay and time-travel tests record a run and open the app on it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from suptui.engine.recording import Recording, open_recording
from suptui.session import Session
from suptui.treefile import load_tree
from suptui.treefile.skeleton import tree_from_skeleton
from suptui.tui.app import SuptuiApp
from suptui.tui.model import TreeModel
from suptui.tui.replayrun import ReplayRun


def record(tree: str = "bombs", until: int = 6500, seed: int = 0) -> Recording:
    """A real run of a bundled tree on the virtual clock, as a recording (what ``e`` writes)."""
    session = Session(load_tree(tree), seed=seed)
    session.begin()
    session.run_until(until)
    events = session.recorder.snapshot() if session.recorder is not None else []
    header = session.header()
    session.stop()
    return Recording(header, [event for event in events if event.t < until])


def live_model_at(recording: Recording, t: int) -> TreeModel:
    """The view-model a live run has at ``t``: every event up to ``t`` applied, as the drain does."""
    model = TreeModel(tree_from_skeleton(recording.header.tree, "live"))
    for event in recording.events:
        if event.t > t:
            break
        model.apply(event)
    return model


def replay_app(recording: Recording, source: str = "bombs.jsonl", **kwargs: Any) -> SuptuiApp:
    """The app on a recording, with a frozen wall clock (playing moves nothing unless a test does)."""
    tree = tree_from_skeleton(recording.header.tree, source) if recording.header.tree is not None else None
    wall = kwargs.pop("wall", lambda: 0.0)
    app = SuptuiApp(None, source, replay=ReplayRun(recording, tree, source, wall=wall), wall=wall, **kwargs)
    app.theme = "textual-dark"
    app.animation_level = "none"
    return app


@pytest.fixture
def replay_factory(tmp_path: Path) -> Iterator[Any]:
    made: list[SuptuiApp] = []

    def factory(recording: Recording, **kwargs: Any) -> SuptuiApp:
        kwargs.setdefault("export_dir", tmp_path / "exports")
        app = replay_app(recording, **kwargs)
        made.append(app)
        return app

    yield factory
    for app in made:
        app.teardown()


async def settle_replay(pilot: Pilot) -> None:
    """Let the screen and the app's workers catch up (a replay has no engine to wait for)."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    assert isinstance(pilot.app, SuptuiApp)
    pilot.app.drain_now()
    await pilot.pause()


def statuses(model: TreeModel) -> dict[str, tuple[str, str, int, tuple[int, ...]]]:
    """What a moment's tree shows per node: status, pid, restarts, a supervisor's stamps."""
    return {path: (node.status, node.pid, node.restarts, node.stamps) for path, node in model.nodes.items()}


def write_recording(recording: Recording, path: Path, bad_line: int | None = None) -> Path:
    """The recording as a file; with ``bad_line``, that line (1 is the header) is not JSON."""
    lines = list(recording.lines())
    if bad_line is not None:
        lines[bad_line - 1] = "{this is not json"
    path.write_text("".join(line + "\n" for line in lines))
    return path


def loading_app(path: Path, resume: threading.Event, **kwargs: Any) -> SuptuiApp:
    """The app on a recording file read progressively (as ``suptui replay`` opens it), its loader held
    after each chunk until ``resume`` is set; opened once the first chunk is folded."""
    stream = open_recording(path)
    tree = tree_from_skeleton(stream.header.tree, str(path)) if stream.header.tree is not None else None
    wall = kwargs.pop("wall", lambda: 0.0)
    run = ReplayRun(stream, tree, str(path), wall=wall, resume=resume)
    assert run.first_chunk.wait(timeout=30)
    app = SuptuiApp(None, str(path), replay=run, wall=wall, **kwargs)
    app.theme = "textual-dark"
    app.animation_level = "none"
    return app
