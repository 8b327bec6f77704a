"""The lane model: lanes in tree order, lifetimes and how they ended, marks, cause→effect groups,
and window queries that agree with a brute-force scan."""

from __future__ import annotations

import random
from collections.abc import Callable

from suptui.engine import Event
from suptui.timeline import TimelineModel


def lifetimes(model: TimelineModel, path: str) -> list[tuple]:
    lane = model.lane(path)
    assert lane is not None
    return [(lf.pid, lf.start, lf.end, lf.ended_by, lf.why) for lf in lane.lifetimes]


def marks(model: TimelineModel, path: str) -> list[tuple[int, str]]:
    lane = model.lane(path)
    assert lane is not None
    return [(mark.t, mark.kind) for mark in lane.marks]


def test_lanes_are_in_tree_order_although_children_report_first(models: dict[str, TimelineModel]) -> None:
    assert [lane.path for lane in models["nested"].lanes()] == [
        "root", "root/db", "root/db/repo", "root/db/cache", "root/web", "root/web/listener",
        "root/web/handlers", "root/web/handlers/h1", "root/web/handlers/h2", "root/metrics"]
    assert [lane.path for lane in models["bombs_reordered"].lanes()] == [
        "root", "root/bomb3", "root/bomb1", "root/bomb2"]
    nested = models["nested"]
    assert nested.row_of("root/web/handlers/h2") == 8
    assert [(lane.depth, lane.name, lane.is_supervisor) for lane in nested.lanes()[:3]] == [
        (0, "root", True), (1, "db", True), (2, "repo", False)]


def test_each_pid_is_a_bar_ending_the_way_it_ended(models: dict[str, TimelineModel]) -> None:
    bombs = models["bombs"]
    assert lifetimes(bombs, "root/bomb1") == [
        ("<0.2.0>", 0, 2000, "crash", None), ("<0.5.0>", 2000, 4000, "crash", None),
        ("<0.7.0>", 4000, 6000, "crash", None)]
    assert lifetimes(bombs, "root/bomb3") == [
        ("<0.4.0>", 0, 5000, "crash", None), ("<0.8.0>", 5000, 6000, "terminate", "shutdown")]
    root = bombs.lane("root")
    assert root is not None and root.lifetimes[0].gave_up and root.lifetimes[0].ended_by == "exit"
    assert marks(bombs, "root") == [(6000, "give_up")]  # the give-up stands for the exit that follows it
    assert marks(bombs, "root/bomb3") == [(5000, "crash"), (6000, "terminate")]
    second = bombs.lane("root/bomb1").lifetimes[1]  # type: ignore[union-attr]
    assert (second.restart, second.cause, second.by_strategy) == (True, "root/bomb1", "one_for_one")


def test_a_kill_by_the_script_is_its_own_mark_and_ending(models: dict[str, TimelineModel]) -> None:
    scripted = models["scripted"]
    assert lifetimes(scripted, "root/a")[0] == ("<0.2.0>", 0, 1000, "killed", None)
    assert marks(scripted, "root/a") == [(1000, "kill")]  # no crash mark on top of the kill
    assert lifetimes(scripted, "root/b") == [("<0.3.0>", 0, 1000, "terminate", "strategy")]
    assert lifetimes(scripted, "root/c")[1] == ("<0.6.0>", 1000, 2500, "terminate", "api")


def test_a_failed_start_is_a_mark_without_a_bar(models: dict[str, TimelineModel]) -> None:
    db = models["failed_start"].lane("root/db")
    assert db is not None
    assert [(lf.start, lf.end) for lf in db.lifetimes] == [(500, 3000)]
    assert [(m.t, m.kind, m.phase) for m in db.marks] == [
        (3000, "terminate", None), (3500, "crash", "init"), (4000, "crash", "init"), (4500, "crash", "init")]


def test_a_group_restart_is_one_cause_and_its_effects_in_order(models: dict[str, TimelineModel]) -> None:
    group = next(g for g in models["bombs_reordered"].groups if g.t == 5000)
    assert (group.cause, group.cause_kind, group.supervisor, group.strategy) == (
        "root/bomb3", "crash", "root", "rest_for_one")
    assert group.stopped == ("root/bomb2", "root/bomb1")  # reverse start order
    assert group.restarted == ("root/bomb3", "root/bomb1", "root/bomb2")  # start order
    assert group.paths == ("root/bomb3", "root/bomb2", "root/bomb1")
    assert {e.t for e in group.effects} == {5000}


def test_effects_that_come_late_stay_with_their_cause(models: dict[str, TimelineModel]) -> None:
    shutdown = models["shutdown"]
    group = shutdown.groups[0]
    assert (group.cause, group.t, group.end) == ("root/trigger", 4000, 7500)
    assert [(e.t, e.kind, e.path.split("/")[1]) for e in group.effects[:4]] == [
        (6000, "terminate", "forever"), (6000, "terminate", "brutal"), (6500, "terminate", "impatient"),
        (7500, "terminate", "patient")]
    assert shutdown.groups_between(6200, 6300) == [group]  # found by its span, not only its cause time
    assert shutdown.groups_between(8000, 11_000) == []
    # The restart was stamped when the supervisor handled the crash, not when the start came.
    root = shutdown.lane("root")
    assert root is not None and [(d.t, d.stamp) for d in root.decisions[:1]] == [(4000, 4)]


def test_a_give_up_is_the_cause_of_the_parents_restart(models: dict[str, TimelineModel]) -> None:
    group = next(g for g in models["nested"].groups if g.cause == "root/web/handlers")
    assert (group.t, group.cause_kind, group.supervisor, group.strategy) == (3000, "give_up", "root/web",
                                                                             "one_for_all")
    assert group.restarted == ("root/web/listener", "root/web/handlers")


def test_feeding_one_event_at_a_time_builds_the_same_model(runs: dict[str, list[Event]]) -> None:
    events = runs["nested"]
    fed = TimelineModel()
    for event in events:
        fed.feed(event)
        fed.lanes()  # queries between events must not disturb the build
    batch = TimelineModel(events)
    assert [lane.path for lane in fed.lanes()] == [lane.path for lane in batch.lanes()]
    for lane in batch.lanes():
        other = fed.lane(lane.path)
        assert other is not None
        assert (other.lifetimes, other.marks, other.decisions) == (lane.lifetimes, lane.marks, lane.decisions)
    assert fed.groups == batch.groups


def test_window_queries_agree_with_a_full_scan(event: Callable[..., Event]) -> None:
    """A long synthetic run (one worker crashing and restarting 2,000 times): every bisected answer
    equals the brute-force filter over the whole history."""
    model = TimelineModel()
    rng = random.Random(5)
    t = 0
    model.feed(event(0, "start", "root/w", "<0.0.0>"))
    model.feed(event(0, "start", "root", "<0.1.0>", type="supervisor", max_restarts=10**6, max_seconds=5))
    for pid in range(2000):
        t += rng.choice((0, 0, 1, 250, 999, 1000))
        model.feed(event(t, "crash", "root/w", f"<0.{pid}.0>", reason="boom"))
        model.feed(event(t, "start", "root/w", f"<0.{pid + 1}.0>", restart=True, cause="root/w",
                         by_strategy="one_for_one", stamps=[t // 1000]))
    lane = model.lane("root/w")
    assert lane is not None and len(lane.lifetimes) == 2001
    for _ in range(300):
        t0 = rng.randrange(-500, t + 500)
        t1 = t0 + rng.choice((1, 10, 1000, 5000, 60_000))
        expected = [lf for lf in lane.lifetimes if lf.start < t1 and (lf.end is None or lf.end >= t0)]
        assert lane.lifetimes_between(t0, t1) == expected
        assert lane.marks_between(t0, t1) == [m for m in lane.marks if t0 <= m.t < t1]
        assert [g.t for g in model.groups_between(t0, t1)] == [g.t for g in model.groups if t0 <= g.t < t1]
        (view,) = model.visible(t0, t1, ["root/w"])
        assert (view.lifetimes, view.marks) == (expected, lane.marks_between(t0, t1))


def test_unknown_paths_and_non_supervisors_have_no_gauge(models: dict[str, TimelineModel]) -> None:
    bombs = models["bombs"]
    assert bombs.lane("root/nope") is None and bombs.gauge("root/nope", 1000) is None
    assert bombs.gauge("root/bomb1", 1000) is None
    assert bombs.visible(0, 1000, ["root/nope"]) == []
