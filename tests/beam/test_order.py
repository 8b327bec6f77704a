"""The node's own trees come before OTP's and Elixir's: a supervisor started by hand and an application of
the user's (its code in a directory of its own, as a Mix project's) are listed first, in start order,
then kernel's, elixir's, logger's and sasl's (started before the user's application), in start order.
In the snapshot the agent sends, in the app's tree pane and in ``attach --headless``."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from suptui.beam import BeamAttachment, open_beam
from suptui.tui.app import SuptuiApp
from suptui.tui.attachrun import AttachRun

from tests.beam.conftest import LessonNode, needs_elixir, start_lesson_node, stop_lesson_node
from tests.support.tui import SIZE, until

pytestmark = needs_elixir

USER = ["Lesson.Top", "LessonApp.Sup"]  # by hand (the fixture's script), then the user's application
SYSTEM = ["kernel_sup", "elixir_sup", "Logger.Supervisor", "sasl_sup"]  # in their start order


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LessonNode]:
    lesson = start_lesson_node()
    try:
        lesson.command(f"app {tmp_path_factory.mktemp('lesson_app')}", "app started")
        yield lesson
    finally:
        stop_lesson_node(lesson)


def _check(tops: list[str]) -> None:
    """The user's trees first, in start order; the system's after, in start order."""
    assert tops[:len(USER)] == USER, tops
    system = [top for top in tops if top in SYSTEM]
    assert system == SYSTEM, tops
    assert set(tops) - set(USER) - set(SYSTEM) == set(), tops  # (no other tree on this node)


def test_the_snapshot_lists_the_users_trees_before_the_systems(node: LessonNode) -> None:
    connection = open_beam(node.name, node.cookie)
    try:
        tops = [n.path for n in connection.snapshot.nodes if "/" not in n.path]
        _check(tops)
        paths = [n.path for n in connection.snapshot.nodes]
        # each tree whole, children before their supervisor: the user's trees end before kernel's begin
        assert paths.index("LessonApp.Sup/worker") < paths.index("LessonApp.Sup") < \
            min(i for i, path in enumerate(paths) if path.split("/")[0] in SYSTEM)
    finally:
        connection.close()


def test_headless_tells_the_users_trees_first(node: LessonNode) -> None:
    process = subprocess.Popen([sys.executable, "-m", "suptui", "attach", "--beam", node.name, "--cookie",
                                node.cookie, "--headless"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    try:
        assert process.stdout is not None
        paths: list[str] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not set(USER + SYSTEM) <= set(paths):
            line = process.stdout.readline()
            if not line:
                break
            if "start" in line.split():
                paths.append(line.split()[3])
        tops = [path for path in paths if "/" not in path]
        _check(tops)
        # whole trees, the user's first: every line of theirs before any line of a system tree
        trees = [path.split("/", 1)[0] for path in paths]
        last_user = max(i for i, top in enumerate(trees) if top in USER)
        assert last_user < min(i for i, top in enumerate(trees) if top in SYSTEM), paths
    finally:
        process.terminate()
        process.communicate(timeout=15)


async def test_the_apps_tree_shows_the_users_trees_first(node: LessonNode, tmp_path: Path) -> None:
    attachment = BeamAttachment(node.name, node.cookie)
    attachment.connect()
    app = SuptuiApp(None, None, attach=AttachRun(attachment), export_dir=tmp_path)
    app.animation_level = "none"
    try:
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: len([r for r in app.tree_view.rows if r.depth == 0]) >= 6, 15.0,
                        every=0.05)
            rows = [row.path for row in app.tree_view.rows]
            _check([path for path in rows if "/" not in path])
            assert app.model.root == "Lesson.Top"
            # depth first: the whole of the user's trees, then the system's
            assert rows.index("LessonApp.Sup/worker") < rows.index("kernel_sup")
    finally:
        attachment.close()
