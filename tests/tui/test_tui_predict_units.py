"""Predict mode's plain parts, without a terminal: the mode's transitions, the tree a prediction is
about (the live one, then the learner's changes), the budget row's arithmetic and the report's
hanging indent."""

from __future__ import annotations

from dataclasses import replace

from suptui.engine.protocol import StrategyChanged
from suptui.story.prediction import parse_prediction
from suptui.treefile import load_tree
from suptui.tui.model import Changes, TreeModel
from suptui.tui.predictdraft import CRASH, GIVE_UP, RESTART, BudgetCell, Draft, DraftRow
from suptui.tui.predictmode import PendingPrediction, Phase, PredictMode, Step
from suptui.tui.predictscreen import hang
from suptui.tui.predicttree import PredictSetup, live_tree

# ---------------------------------------------------------------------------- the mode


def pending(until: int = 11_000) -> PendingPrediction:
    return PendingPrediction(Draft([]), parse_prediction("- 2 s: nothing\n"), until)


def test_predict_mode_opens_the_grid_once_the_tree_is_up_and_scores_at_the_end() -> None:
    mode = PredictMode()
    assert not mode.active and mode.events is None
    mode.run_started(predict=True)
    assert mode.phase is Phase.OPENING and mode.events == []
    assert mode.step(up=False, now_ms=0, timers_known=lambda: True) is None
    assert mode.step(up=True, now_ms=0, timers_known=lambda: False) is None
    assert mode.step(up=True, now_ms=0, timers_known=lambda: True) is Step.OPEN_GRID
    assert mode.phase is Phase.MARKING
    assert mode.step(up=True, now_ms=0, timers_known=lambda: True) is None  # opened once
    mode.lock_in(pending(), relaunch=False)
    mode.record(["e1"])  # type: ignore[list-item]
    assert mode.step(up=True, now_ms=10_999, timers_known=lambda: True) is None
    assert mode.step(up=True, now_ms=6000, timers_known=lambda: True, ended=True) is Step.SCORE  # root down
    assert mode.step(up=True, now_ms=11_000, timers_known=lambda: True) is Step.SCORE
    got, events = mode.take_for_scoring()
    assert got.until == 11_000 and events == ["e1"]
    assert not mode.active and mode.events is None and mode.pending is None


def test_a_changed_tree_is_relaunched_and_keeps_the_prediction_any_other_run_drops_it() -> None:
    mode = PredictMode()
    mode.run_started(predict=True)
    mode.record(["from the paused run"])  # type: ignore[list-item]
    mode.step(up=True, now_ms=0, timers_known=lambda: True)
    mode.lock_in(pending(), relaunch=True)
    assert mode.phase is Phase.RELAUNCH
    mode.run_started(predict=True)  # the app starts the changed tree
    assert mode.phase is Phase.STARTING and mode.pending is not None and mode.events == []
    assert mode.step(up=False, now_ms=0, timers_known=lambda: True) is None
    assert mode.step(up=True, now_ms=0, timers_known=lambda: True) is Step.LET_RUN
    assert mode.step(up=True, now_ms=11_000, timers_known=lambda: True) is Step.SCORE
    mode.run_started(predict=False)  # R: out of predict mode
    assert not mode.active and mode.pending is None and mode.events is None


def test_the_timers_are_asked_once_and_waited_for_a_limited_time() -> None:
    mode = PredictMode()
    mode.run_started(predict=True)
    assert mode.timers_asked(10.0) and not mode.timers_asked(10.5)
    assert not mode.timers_overdue(10.5, 1.0) and mode.timers_overdue(11.0, 1.0)


# ---------------------------------------------------------------------------- the tree


def test_the_live_tree_has_the_strategy_switched_at_run_time_and_the_children_left() -> None:
    tree = load_tree("bombs")
    model = TreeModel(tree)
    model.apply(StrategyChanged(seq=1, t=1500, path="root", pid="<0.1.0>", strategy="one_for_all",
                                previous="one_for_one"), Changes())
    model.remove("root/bomb2", Changes())  # delete_child
    live = live_tree(tree, model)
    assert live.root.strategy == "one_for_all" and tree.root.strategy == "one_for_one"
    assert [child.id for child in live.root.children] == ["bomb1", "bomb3"]
    assert live_tree(tree, TreeModel(tree)) == tree  # nothing changed: the file's tree


def test_the_setup_picks_strategy_order_and_bomb_time() -> None:
    tree = load_tree("bombs")
    setup = PredictSetup(tree, {"root/bomb2": "explodes at 3000 ms"})
    assert not setup.changed
    assert setup.set_strategy("root/bomb1", "rest_for_one") == "rest_for_one"  # a worker's supervisor
    assert setup.move("root/bomb3", -1) and setup.move("root/bomb3", -1)
    assert not setup.move("root/bomb3", -1)  # first already
    assert setup.change_time("root/bomb2", 1000) == 4000
    assert setup.change_time("root", 1000) is None  # a supervisor has no time
    assert setup.changed
    root = setup.tree.root
    assert root.strategy == "rest_for_one"
    assert [(c.id, c.args["bomb_time"]) for c in root.children] == [
        ("bomb3", 5000), ("bomb1", 2000), ("bomb2", 4000)]
    assert [(row.path, row.guide, row.timer) for row in setup.rows()] == [
        ("root", "", "rest_for_one · 5 in 5 s"), ("root/bomb3", "├─", ""), ("root/bomb1", "├─", ""),
        ("root/bomb2", "└─", "explodes at 4000 ms")]
    assert setup.summary() == ["root rest_for_one", "root order bomb3, bomb1, bomb2",
                               "bomb2 bomb_time 4000 ms"]
    assert setup.base == tree  # the paused run's tree is untouched


# ---------------------------------------------------------------------------- the budget row


def bombs_draft(max_restarts: int = 5) -> Draft:
    return Draft([DraftRow("root", "root", "", True, True, max_restarts=max_restarts, max_seconds=5),
                  *(DraftRow(f"root/bomb{i}", f"bomb{i}", "├─", False, False) for i in (1, 2, 3))])


def marked(draft: Draft, *cells: tuple[str, int, str]) -> Draft:
    for name, second, kind in cells:
        draft.toggle(f"root/{name}" if name != "root" else "root", second, kind)
    return draft


def counts(draft: Draft) -> list[str]:
    return ["" if cell is None else f"{cell.count}{'!' if cell.gave_up else ''}"
            for cell in draft.budget("root")]


def test_the_budget_row_of_the_lesson_one_for_one_gives_up_at_6_s() -> None:
    """docs/semantics.md §R10 (a): restarts at 2, 3, 4, 5, 6 s and the sixth, at 6 s, is one too many."""
    draft = marked(bombs_draft(), ("bomb1", 2, CRASH), ("bomb2", 3, CRASH), ("bomb1", 4, CRASH),
                   ("bomb3", 5, CRASH), ("bomb2", 6, CRASH), ("bomb1", 6, CRASH))
    assert counts(draft) == ["0", "1", "2", "3", "4", "6!", "", "", "", ""]
    assert draft.budget("root")[5] == BudgetCell(6, 2, True)
    assert draft.give_up_second("root") == 6
    assert draft.give_up_second("root/bomb1") is None


def test_a_one_for_all_group_restart_counts_once_and_stamps_leave_the_window() -> None:
    """§R10 (b): bomb1 crashes every 2 s and takes its siblings with it; one stamp per crash, and a
    stamp leaves once it is more than 5 s old (2 leaves at 8), so the window holds 3 at most."""
    draft = bombs_draft()
    for second in (2, 4, 6, 8, 10):
        marked(draft, ("bomb1", second, CRASH), ("bomb2", second, RESTART), ("bomb3", second, RESTART))
    assert counts(draft) == ["0", "1", "1", "2", "2", "3", "3", "3", "3", "3"]
    assert draft.give_up_second("root") is None
    assert marked(bombs_draft(3), ("bomb1", 1, CRASH), ("bomb1", 2, CRASH), ("bomb1", 3, CRASH),
                  ("bomb1", 4, CRASH)).give_up_second("root") == 4  # §R10 (e): 3 in 5 s, the 4th ends it


def test_temporary_children_do_not_spend_the_budget_and_a_restarted_supervisor_starts_afresh() -> None:
    draft = Draft([DraftRow("root", "root", "", True, True, max_restarts=1, max_seconds=5),
                   DraftRow("root/sub", "sub", "├─", True, False, max_restarts=1, max_seconds=5),
                   DraftRow("root/sub/a", "sub/a", "│ └─", False, False),
                   DraftRow("root/t", "t", "└─", False, False, restart="temporary")])
    for path, second, kind in [("root/t", 1, CRASH), ("root/t", 2, CRASH), ("root/sub/a", 2, CRASH),
                               ("root/sub/a", 3, CRASH), ("root/sub", 3, GIVE_UP), ("root/sub/a", 5, CRASH)]:
        draft.toggle(path, second, kind)
    assert counts(draft) == ["0", "0", "1", "1", "1", "1", "1", "1", "0", "0"]  # only sub's give-up
    assert [None if c is None else c.count for c in draft.budget("root/sub")] == [
        0, 1, 2, 0, 1, 1, 1, 1, 1, 1]  # gave up at 3, restarted by root at 3: an empty window
    assert draft.budget("root/sub")[2] == BudgetCell(2, 1, True)


# ---------------------------------------------------------------------------- the report's indent


def test_explanations_wrap_with_a_hanging_indent() -> None:
    rule = ("      6 s: root gave up — 6 restarts within 5 s exceed max_restarts 5 (stamps 6, 6, 5, 4, 3, 2: "
            "a stamp stays in the window while it is at most 5 s old)")
    lines = hang(rule, 60)
    assert len(lines) > 2 and lines[0] == rule[:len(lines[0])]
    assert all(line.startswith(" " * 8) and not line.startswith(" " * 9) for line in lines[1:])
    assert all(len(line) <= 60 for line in lines)
    moment = "✗ 6 s  root gave up; bomb3 and bomb2 were stopped, and bomb1 was not restarted after its crash"
    assert [line[:7] for line in hang(moment, 50)[1:]] == ["       "] * (len(hang(moment, 50)) - 1)
    assert hang("short", 60) == ["short"]
    assert replace(DraftRow("a", "a", "", False, False)).restart == "permanent"
