"""How the TUI tests build and drive the app: one small factory, time moved only by the test."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import wait
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from suptui.treefile import load_tree
from suptui.treefile.model import Tree
from suptui.tui.app import SuptuiApp
from suptui.tui.liverun import manual_runs

SIZE = (120, 36)
SMALL = (80, 24)


def make_app(tree: str | Tree = "bombs", *, source: str | None = None, **kwargs: Any) -> SuptuiApp:
    """An app on a manual clock (no pacer thread), a frozen wall clock, fixed theme, no animation."""
    loaded = load_tree(tree) if isinstance(tree, str) else tree
    if source is None and isinstance(tree, str):
        source = tree
    kwargs.setdefault("wall", lambda: 0.0)
    kwargs.setdefault("run_factory", manual_runs())
    app = SuptuiApp(loaded, source, **kwargs)
    app.theme = "textual-dark"
    app.animation_level = "none"
    return app


@pytest.fixture
def app_factory(tmp_path: Path) -> Iterator[Callable[..., SuptuiApp]]:
    """Builds apps on a manual clock and stops every tree they started when the test ends
    (a fixture: the TUI and reliability conftests import it)."""
    made: list[SuptuiApp] = []

    def factory(tree: Any = "bombs", **kwargs: Any) -> SuptuiApp:
        kwargs.setdefault("export_dir", tmp_path / "exports")
        app = make_app(tree, **kwargs)
        made.append(app)
        return app

    yield factory
    for app in made:
        app.teardown()


async def settle_engine(pilot: Pilot) -> None:
    """Let the app's thread workers and the engine finish what they started, and drain their events."""
    app = pilot.app
    assert isinstance(app, SuptuiApp)
    await app.workers.wait_for_complete()
    while app.loads.waiting is not None:  # a tree load (R, the picker) ends by its time limit at the latest
        await pilot.pause(0.005)
    if app.live is not None:
        app.live.session.runtime.wait_idle()
    app.drain_now()
    app.drain_now()  # work a reply queued for the UI thread during the first drain
    if app.descriptions is not None and app.descriptions.in_flight():
        # The details asked the selected worker for its state in that drain; its answer comes on an
        # engine thread (at once for a built-in worker, but a loaded machine may take a while).
        wait(app.descriptions.in_flight(), timeout=0.5)
        app.drain_now()
        app.drain_now()


async def settle(pilot: Pilot) -> None:
    """As :func:`settle_engine`, then let the screen catch up (for snapshots)."""
    await pilot.pause()
    await settle_engine(pilot)
    await pilot.pause()


async def advance(pilot: Pilot, t_ms: int) -> None:
    """Move virtual time to exactly ``t_ms`` (every timer due fires, in order), then settle."""
    app = pilot.app
    assert isinstance(app, SuptuiApp) and app.live is not None
    app.live.clock.advance_to(t_ms)
    await settle(pilot)


async def select(pilot: Pilot, path: str) -> None:
    app = pilot.app
    assert isinstance(app, SuptuiApp)
    app.select_node(path)
    await settle(pilot)


async def press(pilot: Pilot, *keys: str) -> None:
    """Press keys (the pilot waits for the app to handle them), then settle the engine."""
    await pilot.press(*keys)
    await settle_engine(pilot)


def events(app: SuptuiApp, kind: str | None = None, path: str | None = None) -> list[Any]:
    """The run's recorded events, optionally of one kind and/or at one path."""
    assert app.live is not None and app.live.session.recorder is not None
    return [e for e in app.live.session.recorder.snapshot()
            if (kind is None or e.kind == kind) and (path is None or e.path == path)]


async def until(pilot: Pilot, predicate: Callable[[], Any], timeout: float = 5.0, *,
                every: float = 0.02) -> Any:
    """Let the app run on real time (an attached program or node: nothing here moves its clock),
    draining as its timer would, until ``predicate`` holds; its value, or a failed assertion."""
    app = pilot.app
    assert isinstance(app, SuptuiApp)
    deadline = time.monotonic() + timeout
    while True:
        app.drain_now()
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"not within {timeout} s"
        await pilot.pause(every)
