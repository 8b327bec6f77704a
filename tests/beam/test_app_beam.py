"""``suptui attach --beam NAME@HOST`` in the app: the same screen over a real Elixir node (issue 17).

The app gets a :class:`~suptui.beam.BeamAttachment` where it would get an attachment to a served Python
program; the tree, the pids and ``k`` are the node's. Skipped without ``elixir`` (CI installs it).
"""

from __future__ import annotations

from pathlib import Path

from suptui.beam import BeamAttachment
from suptui.tui.app import SuptuiApp
from suptui.tui.attachrun import AttachRun
from suptui.tui.rules import ATTACH_OFF

from tests.beam.conftest import LessonNode, needs_elixir
from tests.support.tui import SIZE, until

pytestmark = needs_elixir


async def test_the_app_shows_the_nodes_trees_and_k_kills_on_the_node(
        lesson: LessonNode, tmp_path: Path) -> None:
    attachment = BeamAttachment(lesson.name, lesson.cookie)
    attachment.connect()
    app = SuptuiApp(None, None, attach=AttachRun(attachment), export_dir=tmp_path)
    app.animation_level = "none"
    ticker = "Lesson.Top/nested/ticker"
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: ticker in app.model.nodes, 15.0, every=0.05)
        before = app.model.nodes[ticker].pid
        assert before and before.startswith("<") and app.model.nodes["Lesson.Top"].kind == "supervisor"
        assert lesson.name in app.title and "ATTACHED" in app.status_text
        def selected() -> bool:
            app.select_node(ticker)  # once the tree's rows are laid out
            node = app._selected()
            return node is not None and node.path == ticker

        await until(pilot, selected, 15.0, every=0.05)
        await pilot.press("k")
        await until(pilot, lambda: app.model.nodes[ticker].pid not in (None, before), 15.0, every=0.05)
        assert any("ticker killed" in line.text for line in app.event_log.lines)
        await pilot.press("space")  # real time on a real node: pause is off, with the reason
        await until(pilot, lambda: ATTACH_OFF["toggle_pause"] in app.event_log.lines[-1].text, 15.0)
        tops = [row.path for row in app.tree_view.rows if row.depth == 0]
        assert "Lesson.Top" in tops and len(tops) > 1  # every tree of the node, not only the first
    attachment.close()
