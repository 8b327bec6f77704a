"""The why of one crash, read off the typed events: the lesson's three bombs trees (a give-up under
one_for_one, a group restart under one_for_all, rest_for_one reordered), the shutdown tree (how each
stop ended), a kill, and the children that are not restarted (temporary, transient)."""

from __future__ import annotations

import textwrap

import pytest

from suptui.engine.protocol import Ended, Event, Kill
from suptui.headless import run_headless
from suptui.story.why import Started, Stopped, Why, explain_lines, why
from suptui.treefile import Tree, load_tree, parse_tree


def run(name: str, until: int) -> tuple[Tree, list[Event]]:
    tree = load_tree(name)
    return tree, run_headless(tree, until)


def death(events: list[Event], t: int, path: str) -> Ended:
    return next(e for e in events if isinstance(e, Ended) and e.t == t and e.path == path)


def test_one_for_one_the_crash_that_tips_the_supervisor_over() -> None:
    tree, events = run("bombs", 6001)
    answer = why(events, death(events, 6000, "root/bomb1").seq, tree)
    assert (answer.kind, answer.supervisor, answer.strategy) == ("crash", "root", "one_for_one")
    assert answer.gave_up
    assert answer.stamps == (6, 6, 5, 4, 3, 2)
    assert (answer.max_restarts, answer.max_seconds, answer.decision, answer.started) == (5, 5, None, ())
    assert [(s.path, s.how) for s in answer.stopped] == [("root/bomb3", "in_time"), ("root/bomb2", "in_time")]
    assert not answer.restarted
    lines = explain_lines(answer)
    assert lines[:3] == [
        "bomb1 crashed at 6 s (RuntimeError: Bomb 1 Exploded!)",
        "root gave up instead: restarting it would have been restart 6 within 5 s, more than max_restarts 5",
        "6 restarts within 5 s exceed max_restarts 5: the 6th, for bomb1, was one too many (stamps at 2, 3, "
        "4, 5, 6, 6 s; a stamp counts while the current whole second minus it is at most 5, and 6 − 2 = 4)",
    ]
    assert "it stopped bomb3 then bomb2 (reverse start order) and exited with reason shutdown" in lines


def test_one_for_one_the_crash_just_before_is_restarted_alone_as_the_fifth() -> None:
    tree, events = run("bombs", 6001)
    answer = why(events, death(events, 6000, "root/bomb2").seq, tree)
    assert not answer.gave_up and not answer.group and answer.restarted
    assert answer.stamps == (6, 5, 4, 3, 2)
    assert explain_lines(answer)[-1] == (
        "that was restart 5 of the 5 allowed within 5 s (stamps at 2, 3, 4, 5, 6 s)")


def test_one_for_all_one_decision_stops_in_reverse_and_starts_in_order() -> None:
    tree, events = run("bombs_one_for_all", 2001)
    crash = death(events, 2000, "root/bomb1")
    answer = why(events, crash.seq, tree)
    assert (answer.strategy, answer.decision, answer.decided_at) == ("one_for_all", 1, 2000)
    assert answer.stamps == (2,)
    assert answer.stopped == (Stopped("root/bomb3", "<0.4.0>", 2000, "in_time", "shutdown"),
                              Stopped("root/bomb2", "<0.3.0>", 2000, "in_time", "shutdown"))
    assert answer.started == (Started("root/bomb1", "<0.5.0>", 2000), Started("root/bomb2", "<0.6.0>", 2000),
                              Started("root/bomb3", "<0.7.0>", 2000))
    assert explain_lines(answer)[1] == (
        "one_for_all restarts every child when one dies: when bomb1 crashed, root stopped bomb3 then bomb2 "
        "(reverse start order), then started bomb1 then bomb2 then bomb3 (start order); the whole group "
        "counts as one restart in the window")


def test_rest_for_one_reordered_restarts_only_those_started_after() -> None:
    tree, events = run("bombs_reordered", 5001)
    answer = why(events, death(events, 5000, "root/bomb3").seq, tree)
    assert answer.strategy == "rest_for_one"
    assert [s.path for s in answer.stopped] == ["root/bomb2", "root/bomb1"]
    assert [s.path for s in answer.started] == ["root/bomb3", "root/bomb1", "root/bomb2"]
    assert answer.stamps == (5, 4, 2)
    assert "that was restart 3 of the 5 allowed within 5 s (stamps at 2, 4, 5 s)" in explain_lines(answer)
    earlier = why(events, death(events, 4000, "root/bomb1").seq, tree)
    assert ([s.path for s in earlier.stopped], [s.path for s in earlier.started]) == (
        ["root/bomb2"], ["root/bomb1", "root/bomb2"])


def test_shutdown_each_stop_says_how_it_ended() -> None:
    tree, events = run("shutdown", 8001)
    answer = why(events, death(events, 4000, "root/trigger").seq, tree)
    assert [(s.path, s.t, s.how, s.reason, s.shutdown_error) for s in answer.stopped] == [
        ("root/forever", 6000, "infinity", "shutdown", False),
        ("root/brutal", 6000, "brutal_kill", "killed", False),
        ("root/impatient", 6500, "timeout", "killed", True),
        ("root/patient", 7500, "in_time", "shutdown", False),
    ]
    assert {s.t for s in answer.started} == {7500}
    lines = explain_lines(answer)
    assert "impatient <0.3.0> stopped at 6.5 s: it did not end within its shutdown time, so it was killed " \
           "(reason killed), a shutdown error" in lines
    assert "brutal <0.4.0> stopped at 6 s: its shutdown is brutal_kill: it was killed at once " \
           "(reason killed)" in lines
    assert "patient <0.2.0> stopped at 7.5 s: it ended within its shutdown time (reason shutdown)" in lines


KILLED = """
    strategy = "one_for_one"
    [[children]]
    id = "a"
    worker = "sleeper"
    [[children]]
    id = "t"
    worker = "quitter"
    restart = "temporary"
    args = { quit_time = 1500, reason = "boom" }
    [[children]]
    id = "tr"
    worker = "quitter"
    restart = "transient"
    args = { quit_time = 1500, reason = "normal" }
    [[script]]
    at = 1000
    action = "kill"
    target = "root/a"
"""


@pytest.fixture(scope="module")
def killed() -> tuple[Tree, list[Event]]:
    tree = parse_tree(textwrap.dedent(KILLED), "t.toml")
    return tree, run_headless(tree, 3000)


def test_a_kill_is_one_death_asked_by_its_kill_or_its_crash(killed: tuple[Tree, list[Event]]) -> None:
    tree, events = killed
    kill = next(e for e in events if isinstance(e, Kill))
    by_kill, by_crash = why(events, kill.seq, tree), why(events, death(events, 1000, "root/a").seq, tree)
    assert by_kill == by_crash
    assert (by_kill.killed_by, by_kill.reason, by_kill.restarted) == ("script", "killed", True)
    assert explain_lines(by_kill)[0] == (
        "a was killed at 1 s: the script killed it: a kill cannot be trapped, so it died at once "
        "(reason killed)")


def test_not_restarted_temporary_and_transient(killed: tuple[Tree, list[Event]]) -> None:
    tree, events = killed
    temporary = why(events, death(events, 1500, "root/t").seq, tree)
    transient = why(events, death(events, 1500, "root/tr").seq, tree)
    assert (temporary.not_restarted, temporary.started) == ("temporary", ())
    assert transient.not_restarted == "transient"
    assert explain_lines(temporary)[1] == (
        "it is temporary: a temporary child is never restarted, whatever its exit reason")
    assert explain_lines(transient)[1].endswith("it exited with reason normal, an orderly one")


def test_the_root_and_events_that_are_not_deaths() -> None:
    _tree, events = run("bombs", 6001)
    root_exit = death(events, 6000, "root")
    assert why(events, root_exit.seq).not_restarted == "root"
    with pytest.raises(ValueError, match="not a crash or exit"):
        why(events, events[0].seq)
    with pytest.raises(ValueError, match="no event"):
        why(events, 10_000)


def test_why_is_frozen() -> None:
    _tree, events = run("bombs", 2001)
    answer: Why = why(events, death(events, 2000, "root/bomb1").seq)
    with pytest.raises(AttributeError):
        answer.reason = "x"  # type: ignore[misc]


def test_the_predict_explanation_and_the_why_view_say_the_same() -> None:
    """One source: the scorer's rule for a missed group restart is the why view's own sentence."""
    from suptui.story.predict import score_prediction
    from suptui.story.prediction import parse_prediction

    tree, events = run("bombs_reordered", 7000)
    guess = parse_prediction("- 2 s: bomb1 crashes (bomb2 restarted)\n"
                             "- 5 s: bomb3 crashes (bomb1 restarted)\n")
    (difference,) = [d for d in score_prediction(guess, events, tree).differences if d.t == 5000]
    assert difference.rule == explain_lines(why(events, death(events, 5000, "root/bomb3").seq, tree))[1]
