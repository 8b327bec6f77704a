"""One vocabulary across the screens (issue 14, items 6 and 7, and the `x` half of 9).

The tree, the log, the lanes, the predict grid and the headless text each had their own glyphs (a
child shut down by its supervisor was ○ in the tree and ■ in the log); the give-up banner, compare and
the budget counted restarts three ways; the details called a killed root "crashed" and did not say
what `x` would do. These tests run the lesson's trees headless and read every screen's text.
"""

from __future__ import annotations

import textwrap

from rich.console import Console
from textual.widgets import Static

from suptui.engine.protocol import Crash, Event, GiveUp, Terminate
from suptui.headless import run_headless
from suptui.headless.text import text_lines, text_row
from suptui.story import glyphs
from suptui.story.counts import frees_rule
from suptui.timeline import TimelineModel
from suptui.timeline.geometry import GLYPHS as LANE_GLYPHS
from suptui.timeline.geometry import rows
from suptui.treefile import load_tree, parse_tree
from suptui.treefile.model import Tree
from suptui.tui.compare import count_run
from suptui.tui.details import NodeFacts, describe
from suptui.tui.dialogs import help_table
from suptui.tui.model import TreeModel
from suptui.tui.narrate import GLYPHS as LOG_GLYPHS
from suptui.tui.narrate import banner_text, narrate
from suptui.tui.predictgrid import GLYPHS as PREDICT_GLYPHS
from suptui.tui.treeview import STATUS_GLYPHS

LEGEND_CHARS = {glyph.char for glyph in glyphs.LEGEND}


def plain(renderable: object, width: int = 200) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def folded(tree: Tree, until: int) -> tuple[TreeModel, list[Event], list[str]]:
    """The model after the run, the events, and the log line of each event (narrated in order)."""
    events = run_headless(tree, until)
    model = TreeModel(tree)
    log = []
    for event in events:
        log.append(narrate(event, model).text)
        model.apply(event)
    return model, events, log


def facts(model: TreeModel, path: str, now: int) -> NodeFacts:
    node = model.nodes[path]
    parent = node.parent
    return NodeFacts(node, model.budget(path, now), model.budget(parent, now) if parent else None, None, now)


# ---------------------------------------------------------------- item 7: one glyph set


def test_each_meaning_has_its_own_glyph() -> None:
    chars = [glyph.char for glyph in glyphs.LEGEND]
    assert len(chars) == len(set(chars)), "two meanings share a glyph"
    assert all(glyph.meaning for glyph in glyphs.LEGEND)


def test_every_screen_draws_with_the_legends_glyphs() -> None:
    assert set(STATUS_GLYPHS.values()) <= LEGEND_CHARS, "tree"
    assert {char for style, char in LOG_GLYPHS.items() if style != "marker"} <= LEGEND_CHARS, "log"
    assert {char for style, char in LANE_GLYPHS.items() if style != "empty"} <= LEGEND_CHARS, "lanes"
    assert set(PREDICT_GLYPHS.values()) <= LEGEND_CHARS, "predict grid"
    events = run_headless(load_tree("bombs"), 7000)
    assert {text_row(event)[1].split()[0] for event in events} <= LEGEND_CHARS, "headless text"


def test_the_same_event_has_the_same_glyph_on_every_screen() -> None:
    """bombs gives up at 6 s and shuts bomb3 (and bomb2) down: ■ in the tree, the log, the lanes and the
    headless text (the tree said ○ and the log ■); bomb1's crash is ✖ everywhere (the lanes said ✗)."""
    tree = load_tree("bombs")
    model, events, log = folded(tree, 6001)
    timeline = TimelineModel(events)
    lanes = {row.path: row.text for row in rows(timeline, 0, 7000, 7)}
    text = text_lines(events)
    for path, kind, glyph in (("root/bomb3", Terminate, glyphs.SHUT_DOWN),
                              ("root/bomb1", Crash, glyphs.CRASHED)):
        last = max(i for i, event in enumerate(events) if isinstance(event, kind) and event.path == path)
        node = model.nodes[path]
        assert glyphs.node_glyph(node.status, node.last_end) == glyph.char, "tree"
        assert log[last].startswith(glyph.char + " "), ("log", log[last])
        assert lanes[path][6] == glyph.char, ("lanes", lanes[path])
        assert text[last].split()[1] == glyph.char, ("headless", text[last])
    give_up = next(i for i, event in enumerate(events) if isinstance(event, GiveUp))
    assert log[give_up].startswith(glyphs.GAVE_UP.char) and text[give_up].split()[1] == glyphs.GAVE_UP.char
    assert plain(describe(facts(model, "root/bomb3", 6000), model)).splitlines()[0].split()[1:3] == [
        glyphs.SHUT_DOWN.char, "shut"]


KILLED = """
    [[children]]
    id = "w"
    worker = "sleeper"

    [[script]]
    at = 1000
    action = "kill"
    target = "root/w"

    [[script]]
    at = 3000
    action = "kill"
    target = "root"
"""


def test_a_kill_is_a_kill_in_the_tree_the_log_the_lanes_and_the_details() -> None:
    tree = parse_tree(textwrap.dedent(KILLED), "k.toml")
    model, events, log = folded(tree, 3001)
    killed_w = next(i for i, e in enumerate(events) if isinstance(e, Crash) and e.path == "root/w")
    assert log[killed_w].startswith(f"{glyphs.KILLED.char} w killed")
    assert text_lines(events)[killed_w].split()[1] == glyphs.KILLED.char
    lane = {row.path: row.text for row in rows(TimelineModel(events), 0, 4000, 4)}["root/w"]
    assert lane[1] == glyphs.KILLED.char
    root = model.nodes["root"]
    assert glyphs.node_glyph(root.status, root.last_end) == glyphs.KILLED.char


def test_the_details_of_a_killed_root_say_killed_not_crashed() -> None:
    tree = parse_tree(textwrap.dedent(KILLED), "k.toml")
    model, _, _ = folded(tree, 3001)
    text = plain(describe(facts(model, "root", 3000), model))
    title = text.splitlines()[0]
    assert f"{glyphs.KILLED.char} killed" in title, title
    assert "crashed" not in text, text
    assert "last exit killed at 3.000 s: killed" in text
    banner = banner_text(model, "k.toml")
    assert banner is not None and banner.startswith(f"{glyphs.KILLED.char} root killed (reason killed)")


def test_the_help_screen_has_a_legend_of_every_glyph() -> None:
    text = plain(help_table(), width=300)
    legend = text[text.index("Legend"):]
    for glyph in glyphs.LEGEND:
        assert f"{glyph.char}  {glyph.meaning}" in legend, glyph
    assert "a group restart counts once" in legend and "next frees in 6.0 s" in legend


# ---------------------------------------------------------------- item 6: one way to count


def test_one_for_all_counts_a_group_restart_once_on_every_screen() -> None:
    """Compare said "12 restarts" while the budget showed 3/5: a group restart is one decision."""
    tree = load_tree("bombs_one_for_all")
    model, events, _ = folded(tree, 6001)
    counts = count_run(TimelineModel(events), 6001)
    used, most, _ = model.budget("root", 6000) or (None, None, None)
    assert (counts.restarts, counts.peak, used, most) == (3, 3, 3, 5)
    assert counts.child_restarts == 9, "the children started again are counted apart, and named so"
    details = plain(describe(facts(model, "root", 6000), model))
    assert "budget    3/5 restarts in 5 s" in details
    assert "one per restart decision; a group restart counts once" in details


def test_a_give_up_is_counted_alike_by_banner_log_compare_budget_and_text() -> None:
    tree = load_tree("bombs")
    model, events, log = folded(tree, 6001)
    give_up = next(e for e in events if isinstance(e, GiveUp))
    assert len(give_up.restarts) == 6
    counts = count_run(TimelineModel(events), 6001)
    assert (counts.restarts, counts.peak) == (6, 6)
    assert model.budget("root", 6000) == (6, 5, 5)
    said = "6 restarts in 5 s > max_restarts 5"
    banner = banner_text(model, "bombs")
    assert banner is not None and said in banner and "a group restart counts once" in banner
    assert any(said in line for line in log)
    assert any(said in line for line in text_lines(events))
    details = plain(describe(facts(model, "root", 6000), model))
    assert "6/5 restarts in 5 s · gave up: restart 6 was one more than max_restarts 5" in details


def test_next_frees_is_explained_where_the_details_show_it() -> None:
    """A 5 s window whose stamp frees in 6.0 s: OTP's whole-second rule, said beside it."""
    tree = load_tree("bombs")
    model, _, _ = folded(tree, 2001)
    text = plain(describe(facts(model, "root", 2000), model))
    assert "1/5 restarts in 5 s · next frees in 6.0 s" in text
    assert frees_rule(5) in " ".join(line.strip() for line in text.splitlines())
    assert "up to 6 s later" in frees_rule(5)


# ---------------------------------------------------------------- x: what it will do, before pressing


def test_details_say_x_normal_is_ignored_by_a_worker_that_does_not_trap_exits() -> None:
    tree = load_tree("bombs")
    model, _, _ = folded(tree, 1000)
    text = plain(describe(facts(model, "root/bomb1", 1000), model))
    assert "normal: ignored, bomb1 does not trap exits; nothing happens" in text
    assert "kill: untrappable, it ends with reason killed; root restarts bomb1 (one_for_one)" in text
    assert "crash or any other reason: it ends abnormally; root restarts bomb1" in text


TRANSIENT = """
    [[children]]
    id = "t"
    worker = "sleeper"
    restart = "transient"

    [[children]]
    id = "trapper"
    worker = "slow_stop"
"""


def test_details_say_x_by_restart_type_and_trapping() -> None:
    tree = parse_tree(textwrap.dedent(TRANSIENT), "t.toml")
    model, _, _ = folded(tree, 500)
    transient = plain(describe(facts(model, "root/t", 500), model))
    assert "shutdown, {shutdown, term}: it ends with that orderly reason; transient and the reason is " \
           "orderly, so root leaves it stopped" in transient
    assert "crash or any other reason: it ends abnormally; root restarts t" in transient
    trapper = plain(describe(facts(model, "root/trapper", 500), model))
    assert "any reason but kill: trapper traps exits, so it arrives as a message" in trapper
    assert "normal: ignored" not in trapper
    root = plain(describe(facts(model, "root", 500), model))
    assert "a supervisor traps exits, so it reaches root as a message, which it ignores" in root
    assert "kill: untrappable, it ends with reason killed; the whole tree goes down" in root


def test_the_readme_has_the_legend() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert glyphs.legend_markdown() in readme, "README's glyph table is stale: paste glyphs.legend_markdown()"


# ---------------------------------------------------------------- the live app draws the same


async def test_the_app_draws_a_shut_down_child_alike_in_tree_log_and_legend(app_factory) -> None:
    """Read what the widgets render, not what a helper returns: the tree row of bomb3 (shut down by the
    give-up at 6 s) and its log line both begin with ■, and `?` lists ■ with its meaning."""
    from tests.support.tui import SIZE, advance, press

    app = app_factory("bombs")
    async with app.run_test(size=SIZE) as pilot:
        await advance(pilot, 6000)
        tree = app.tree_view
        lines = [tree.render_line(y).text for y in range(tree.scrollable_content_region.height)]
        row = next(line for line in lines if " bomb3" in line)
        assert f"{glyphs.SHUT_DOWN.char} bomb3" in row, row
        root_row = next(line for line in lines if " root" in line)
        assert f"{glyphs.GAVE_UP.char} root" in root_row, root_row
        stops = [line.text for line in app.event_log.shown if "bomb3 shut down" in line.text]
        assert stops and stops[-1].startswith(glyphs.SHUT_DOWN.char), stops
        await press(pilot, "question_mark")
        legend = plain(app.screen.query_one("#help-table", Static).content, width=300)
        assert f"{glyphs.SHUT_DOWN.char}  {glyphs.SHUT_DOWN.meaning}" in legend


def test_details_say_the_x_rule_both_ways_when_trapping_is_unknown() -> None:
    """A user's worker class (not built in) the app did not report on: never claim it does not trap."""
    import dataclasses

    tree = load_tree("bombs")
    model, _, _ = folded(tree, 1000)
    node = dataclasses.replace(model.nodes["root/bomb1"], worker="my_module:MyWorker")
    model.nodes["root/bomb1"] = node
    text = plain(describe(facts(model, "root/bomb1", 1000), model))
    assert "normal: ignored unless bomb1 traps exits; if it does, every reason but kill arrives as a" in text
    assert "does not trap exits" not in text
    told = dataclasses.replace(facts(model, "root/bomb1", 1000), traps_exits=False)
    assert "normal: ignored, bomb1 does not trap exits" in plain(describe(told, model))
