"""Fixtures for tree-file tests: parse text expecting problems, and run trees on the virtual clock."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator

import pytest

from suptui.engine import Event
from suptui.session import Session
from suptui.treefile import Tree, TreeFileError, parse_tree


@pytest.fixture
def problems() -> Callable[..., list[str]]:
    """``problems(text)`` → every problem of a bad file, as the lines a user sees."""

    def check(text: str, file: str = "t.toml", **kwargs) -> list[str]:
        with pytest.raises(TreeFileError) as info:
            parse_tree(textwrap.dedent(text), file, **kwargs)
        return [str(problem) for problem in info.value.problems]

    return check


@pytest.fixture
def tree() -> Callable[..., Tree]:
    """``tree(text)`` → the Tree of a good file."""

    def build(text: str, file: str = "t.toml", **kwargs) -> Tree:
        return parse_tree(textwrap.dedent(text), file, **kwargs)

    return build


@pytest.fixture
def run() -> Iterator[Callable[..., list[Event]]]:
    """``run(tree, until_ms)`` → the events of the run up to ``until_ms`` (the session stops after)."""
    sessions: list[Session] = []

    def go(tree: Tree, until: int, seed: int = 0) -> list[Event]:
        session = Session(tree, seed=seed)
        sessions.append(session)
        assert session.start().status == "ok"
        session.run_until(until)
        assert session.recorder is not None
        return [event for event in session.recorder.snapshot() if event.t <= until]

    yield go
    for session in sessions:
        session.stop()
