"""Runs of the lesson's trees, made once per session (each is a few ms on the virtual clock), the
lesson's own predictions, and a builder for hand-written event streams."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

import pytest

from suptui.engine import Event, make_event
from suptui.headless import run_headless
from suptui.timeline import TimelineModel
from suptui.treefile import Tree, load_tree, parse_tree

SCRIPTED = """
    strategy = "one_for_all"
    max_restarts = 5
    [[children]]
    id = "a"
    worker = "sleeper"
    [[children]]
    id = "b"
    worker = "sleeper"
    restart = "temporary"
    [[children]]
    id = "c"
    worker = "sleeper"
    [[script]]
    at = 1000
    action = "kill"
    target = "root/a"
    [[script]]
    at = 2500
    action = "terminate_child"
    target = "root/c"
"""
"""one_for_all with a script: kill a at 1 s (b is temporary: stopped for good), terminate c at 2.5 s."""

LESSON_ONE_FOR_ONE = """\
- 2 seconds: Bomb 1 crashes.
- 3 seconds: Bomb 2 crashes.
- 4 seconds: Bomb 1 crashes.
- 5 seconds: Bomb 3 crashes.
"""
"""The lesson's list for one_for_one: right as far as it goes, but it stops before the give-up at 6 s."""

LESSON_REORDERED = """\
- 2 seconds: Bomb 1 crashes (Bomb 2 restarted)
- 4 seconds: Bomb 1 crashes (Bomb 2 restarted)
- 5 seconds: Bomb 3 crashes (Bomb 1 restarted)
- 7 seconds: Bomb 1 crashes (Bomb 2 restarted)
- 9 seconds: Bomb 1 crashes (Bomb 2 restarted)
"""
"""The lesson's list for rest_for_one with bomb3 first: at 5 s it has only bomb1 restarted."""

RIGHT_REORDERED = """\
- 2 seconds: bomb1 crashes (bomb2 restarted)
- 4 seconds: bomb1 crashes (bomb2 restarted)
- 5 seconds: bomb3 crashes (bomb1, and bomb2 restarted)
- 7 seconds: bomb1 crashes (bomb2 restarted)
- 9 seconds: bomb1 crashes (bomb2 restarted)
- 10 seconds: bomb3 crashes (bomb1 and bomb2 restarted)
"""


@pytest.fixture(scope="session")
def predictions() -> dict[str, str]:
    return {"lesson_one_for_one": LESSON_ONE_FOR_ONE, "lesson_reordered": LESSON_REORDERED,
            "right_reordered": RIGHT_REORDERED}


@pytest.fixture(scope="session")
def trees() -> dict[str, Tree]:
    named = {name: load_tree(name) for name in ("bombs", "bombs_reordered", "bombs_one_for_all", "nested",
                                               "shutdown", "failed_start", "transient")}
    named["scripted"] = parse_tree(textwrap.dedent(SCRIPTED), "scripted.toml")
    return named


@pytest.fixture(scope="session")
def runs(trees: dict[str, Tree]) -> dict[str, list[Event]]:
    """Each tree run for 20 s (bombs ends at 6 s by itself)."""
    return {name: run_headless(tree, 20_000) for name, tree in trees.items()}


@pytest.fixture(scope="session")
def models(runs: dict[str, list[Event]]) -> dict[str, TimelineModel]:
    return {name: TimelineModel(events) for name, events in runs.items()}


@pytest.fixture
def event() -> Callable[..., Event]:
    """``event(t, kind, path, pid, **data)``: one synthetic event, numbered in creation order."""
    counter = iter(range(1, 1_000_000))

    def make(t: int, kind: str, path: str, pid: str, **data: Any) -> Event:
        return make_event(next(counter), t, kind, path, pid, MappingProxyType(data))

    return make
