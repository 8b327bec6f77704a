"""The timeline features' plain parts, without a terminal: the predict grid's text and its scoring,
the axis and gauge texts, the lane layout, the strategy copies for compare, and the README's keys."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from suptui.headless import run_headless
from suptui.story.predict import score_prediction
from suptui.story.prediction import parse_prediction
from suptui.timeline import Gauge
from suptui.treefile import load_tree
from suptui.tui.bindings import keys_markdown
from suptui.tui.compare import run_strategies, why_not_compare, with_root_strategy
from suptui.tui.lanepaint import axis_text, gauge_text, tick_step_ms
from suptui.tui.lanes import layout_for
from suptui.tui.predictdraft import CRASH, GIVE_UP, RESTART, Draft, DraftRow
from suptui.tui.predictgrid import verdicts_of

ROOT = Path(__file__).resolve().parents[2]


def bombs_draft() -> Draft:
    return Draft([DraftRow("root", "root", "", True, True),
                  *(DraftRow(f"root/bomb{i}", f"bomb{i}", "├─", False, False) for i in (1, 2, 3))])


def mark(draft: Draft, *cells: tuple[str, int, str]) -> Draft:
    for path, second, kind in cells:
        draft.toggle(path, second, kind)
    return draft


def right_for_bombs() -> Draft:
    """bombs.toml: crashes at 2, 3, 4, 5; at 6 s bomb2 crashes (and is restarted), then bomb1's crash
    is one too many: root gives up without restarting it."""
    return mark(bombs_draft(), ("root/bomb1", 2, CRASH), ("root/bomb2", 3, CRASH), ("root/bomb1", 4, CRASH),
                ("root/bomb3", 5, CRASH), ("root/bomb2", 6, CRASH), ("root/bomb1", 6, CRASH),
                ("root/bomb1", 6, RESTART), ("root", 6, GIVE_UP))


def test_a_crash_brings_its_restart_and_r_takes_it_away() -> None:
    draft = mark(bombs_draft(), ("root/bomb1", 2, CRASH))
    assert draft.cell("root/bomb1", 2) == {CRASH, RESTART}
    draft.toggle("root/bomb1", 2, RESTART)
    assert draft.cell("root/bomb1", 2) == {CRASH}
    draft.toggle("root/bomb1", 2, CRASH)
    assert draft.cell("root/bomb1", 2) == frozenset()
    draft.toggle("root/bomb1", 3, GIVE_UP)  # a worker cannot give up
    draft.toggle("root", 3, RESTART)  # nobody restarts the root
    draft.toggle("root", 3, GIVE_UP)
    assert draft.cell("root/bomb1", 3) == frozenset() and draft.cell("root", 3) == {GIVE_UP}
    draft.toggle("root", 3, CRASH)  # a crash replaces the give-up
    assert draft.cell("root", 3) == {CRASH}
    draft.resize(2)
    assert draft.seconds == 3 and draft.cell("root", 3) == {CRASH}
    draft.resize(99)
    assert draft.seconds == 30


def test_the_grid_writes_summary_lines_that_say_who_was_not_restarted() -> None:
    assert right_for_bombs().summary_text() == (
        "- 2 seconds: bomb1 crashes\n"
        "- 3 seconds: bomb2 crashes\n"
        "- 4 seconds: bomb1 crashes\n"
        "- 5 seconds: bomb3 crashes\n"
        "- 6 seconds: bomb1 crashes (not restarted); bomb2 crashes; root gives up; bomb2 restarted\n")
    assert bombs_draft().summary_text() == "- 10 seconds: nothing\n"
    restarts = mark(bombs_draft(), ("root/bomb1", 2, CRASH), ("root/bomb2", 2, RESTART),
                    ("root/bomb3", 2, RESTART))
    assert restarts.summary_text() == "- 2 seconds: bomb1 crashes; bomb2 and bomb3 restarted\n"


@pytest.fixture(scope="module")
def bombs_run():
    tree = load_tree("bombs")
    return tree, run_headless(tree, 11_000)


def test_a_right_grid_scores_full_marks_and_a_wrong_one_shows_where(bombs_run) -> None:
    tree, events = bombs_run
    draft = right_for_bombs()
    score = score_prediction(parse_prediction(draft.summary_text()), events, tree, draft.until_ms)
    assert score.perfect and score.until == 11_000
    wrong = right_for_bombs()
    wrong.toggle("root/bomb1", 6, RESTART)  # the lesson's default reading: bomb1 is restarted too
    score = score_prediction(parse_prediction(wrong.summary_text()), events, tree, wrong.until_ms)
    assert score.headline() == "4 of 5 moments right (80%); facts: 12 right, 0 missed, 1 extra"
    cells, moments = verdicts_of(score, wrong.seconds)
    assert moments == {2: True, 3: True, 4: True, 5: True, 6: False}
    assert cells[("root/bomb1", 6)] == [(CRASH, "right"), (RESTART, "extra")]
    assert cells[("root", 6)] == [(GIVE_UP, "right")]


def test_axis_labels_sit_in_the_column_of_their_instant() -> None:
    assert tick_step_ms(0, 10_000, 40) == 2000
    assert axis_text(0, 10_000, 40) == "0s      2s      4s      6s      8s      "
    assert axis_text(0, 10_000, 40, now=5_000) == "0s      2s      4s  ▼   6s      8s      "
    assert axis_text(50_000, 110_000, 30) == "     60s    75s     90s       "  # 105s would not fit
    assert axis_text(0, 1000, 0) == ""


def test_the_gauge_reads_in_full_where_it_fits() -> None:
    gauge = Gauge(3, 5, 1200, 5)
    assert gauge_text(gauge, 30) == "3/5 · next frees in 1.2 s"
    assert gauge_text(gauge, 9) == "3/5 ·1.2s"
    assert gauge_text(Gauge(6, 5, None, 5, gave_up=True), 9) == "6/5 ‼"
    assert gauge_text(Gauge(0, 5, None, 5), 9) == "0/5"


def test_the_lane_layout_keeps_the_cells_and_drops_the_gauge_last() -> None:
    wide, narrow, tiny = layout_for(100, 12), layout_for(40, 0), layout_for(15, 0)
    assert (wide.label, wide.gauge, wide.cells) == (12, 27, 61)
    assert (narrow.label, narrow.gauge, narrow.cells) == (0, 10, 30)
    assert (tiny.gauge, tiny.cells) == (0, 15)


def test_compare_runs_the_tree_under_each_strategy() -> None:
    tree = load_tree("bombs_reordered")
    copy = with_root_strategy(tree, "one_for_all")
    assert (tree.root.strategy, copy.root.strategy, copy.root.children) == (
        "rest_for_one", "one_for_all", tree.root.children)
    runs = run_strategies(tree, 6000)
    assert [(run.strategy, run.as_written) for run in runs] == [
        ("one_for_one", False), ("one_for_all", False), ("rest_for_one", True)]
    restarted_at_5s = [sorted(lane.path for lane in run.model.lanes() for life in lane.lifetimes
                              if life.restart and life.start == 5000) for run in runs]
    # The lesson's point: one_for_all resets bomb3's timer at every crash of bomb1, so it never
    # explodes; rest_for_one (bomb3 first) lets it explode at 5 s and restarts the two after it.
    assert restarted_at_5s == [["root/bomb3"], [], ["root/bomb1", "root/bomb2", "root/bomb3"]]
    dynamic = replace(tree, root=replace(tree.root, kind="dynamic"))
    assert why_not_compare(dynamic) is not None and why_not_compare(tree) is None


def test_the_readme_lists_every_key_from_the_bindings() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert keys_markdown() in readme, "README's Keys section is stale: paste bindings.keys_markdown()"


def test_past_its_cap_the_live_timeline_keeps_only_what_is_alive(bombs_run) -> None:
    """Memory stays bounded under a storm: the running processes keep their bars from their real
    start, the dead past is forgotten."""
    from suptui.tui.livetimeline import LiveTimeline

    _, events = bombs_run
    timeline = LiveTimeline(max_events=10)
    timeline.reset(lambda: 5500.0)
    before_five = [e for e in events if e.t < 5500]
    assert timeline.feed(before_five[:10]) is False
    assert timeline.feed(before_five[10:]) is True
    assert timeline.forgot_before == 5000
    starts = {lane.path: [life.start for life in lane.lifetimes] for lane in timeline.model.lanes()}
    assert starts == {"root": [0], "root/bomb1": [4000], "root/bomb2": [3000], "root/bomb3": [5000]}
    assert timeline.model.lane("root").is_supervisor
    timeline.max_events = 1000
    assert timeline.feed(e for e in events if e.t >= 5500) is False  # and it goes on from there
    assert [m.kind for m in timeline.model.lane("root").marks] == ["give_up"]


def test_compare_titles_count_what_the_window_shows() -> None:
    from suptui.tui.comparescreen import CompareView, run_title

    runs = run_strategies(load_tree("bombs_reordered"), 20_000)
    assert [run_title(run, 10_000) for run in runs] == [
        "one_for_one · 6 crashes · 6 restarts, window at most 6/5 · 5 child restarts · root gave up at 6 s",
        "one_for_all · 4 crashes · 4 restarts, window at most 3/5 · 12 child restarts · root never gave up",
        "rest_for_one (as in the file) · 5 crashes · 5 restarts, window at most 4/5 · 11 child restarts · "
        "root never gave up"]
    view = CompareView()
    view.runs, view.until = runs, 20_000
    view.set_span(10_000)
    assert view._titles == [run_title(run, 10_000) for run in runs]
