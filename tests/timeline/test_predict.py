"""Predict the timeline: reading a prediction, scoring it moment by moment, and explaining each
difference by the rule that caused it. The wrong predictions are the lesson's own lists."""

from __future__ import annotations

import pytest

from suptui.headless import render, run_headless
from suptui.story.facts import Fact
from suptui.story.predict import horizon, report, score_prediction
from suptui.story.prediction import PredictionError, parse_prediction
from suptui.treefile import Tree, list_bundled, load_tree


def score(trees: dict[str, Tree], name: str, text: str, until: int | None = None):
    prediction = parse_prediction(text, f"{name}.txt")
    tree = trees[name]
    events = run_headless(tree, until if until is not None else horizon(prediction))
    return score_prediction(prediction, events, tree, until)


# ---------------------------------------------------------------------------- reading


def test_the_lessons_ways_of_writing_are_read_alike() -> None:
    variants = [
        "- 2 seconds: bomb1 crashes (bomb2 and bomb3 restarted)",
        "* 2 second : Bomb 1 crashed (Bomb 2, and Bomb 3 restarted).",
        "  -2s:   BOMB1   CRASHES   ( bomb2 , bomb3 restarted )",
        "- 2000 ms: :bomb1 crashes (both bomb2 and bomb3 were restarted)",
        "- 2.0 seconds: bomb1 dies; bomb2 and bomb3 restarted",
    ]
    read = []
    for text in variants:
        (moment,) = parse_prediction(text).moments.values()
        clauses = [clause for _, clause in moment.clauses]
        names = sorted(n.lower().replace(" ", "").lstrip(":") for c in clauses for group in
                       (*c.restarted, *c.objects) for n in group.names)
        read.append((moment.t, clauses[0].kind, clauses[0].category, names))
    assert read == [(2000, "death", "crash", ["bomb2", "bomb3"])] * len(variants)


def test_times_and_clauses() -> None:
    prediction = parse_prediction("\n".join([
        "# my guess", "",
        "- 1 second: a crashes",
        "- 2.5 seconds: root gives up (6 restarts in 5 s > 5), stopping b",
        "- 2.5 seconds: c exits (not restarted)",
        "- 3 s: nothing",
        "- 4 s: root stops a and restarts b, c (because of d)",
        "- 5 s: pool/x is killed by the user; root switches from one_for_one to one_for_all",
    ]))
    assert [(t, m.line) for t, m in prediction.moments.items()] == [(1000, 3), (2500, 4), (3000, 6),
                                                                   (4000, 7), (5000, 8)]
    give_up, exit_ = (clause for _, clause in prediction.moments[2500].clauses)
    assert (give_up.kind, give_up.subject, give_up.stopped) == ("give_up", "root", [])
    assert (exit_.kind, exit_.category, exit_.not_restarted) == ("death", "exit", True)
    assert prediction.moments[3000].clauses == []
    (stop,) = (clause for _, clause in prediction.moments[4000].clauses)
    assert ([g.names for g in stop.objects], [g.names for g in stop.restarted]) == ([["a"]], [["b", "c"]])
    assert [c.kind for _, c in prediction.moments[5000].clauses] == ["death"]


@pytest.mark.parametrize(("text", "message"), [
    ("two seconds: bomb1 crashes", "p.txt:1: expected a line like '- 2 seconds: bomb1 crashes'"),
    ("- 5 seconds: crashes (Bomb1 restarted)", "p.txt:1: who crashes? name the node first"),
    ("# fine\n- 2 s: bomb1 sneezes", "p.txt:2: cannot read 'bomb1 sneezes'"),
    ("- 2 s: bomb1 crashes (bomb2 restartd)", "p.txt:1: cannot read the note (bomb2 restartd)"),
    ("- 2 s: bomb1 crashes (bomb2 restarted", "p.txt:1: a '(' without its ')'"),
    ("- 2 s: root starts a, b and 3 more", "p.txt:1: '3 more' cannot be scored"),
    ("# only comments\n", "p.txt: no prediction in it"),
])
def test_bad_predictions_say_where(text: str, message: str) -> None:
    with pytest.raises(PredictionError) as caught:
        parse_prediction(text, "p.txt")
    assert str(caught.value).startswith(message)


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(PredictionError) as caught:
        parse_prediction("- 1 s: a crashes\nnonsense\n- 2 s: b sneezes\n", "p.txt")
    assert [problem.split(":")[1] for problem in caught.value.problems] == ["2", "3"]


def test_unknown_names_are_errors_with_a_hint(trees: dict[str, Tree]) -> None:
    message = r"^p.txt:2: no node called 'Bomb 4' in this tree; did you mean 'bomb"
    with pytest.raises(PredictionError, match=message):
        score_prediction(parse_prediction("- 1 s: bomb1 crashes\n- 2 s: Bomb 4 crashes", "p.txt"),
                         run_headless(trees["bombs"], 3000), trees["bombs"])


# ---------------------------------------------------------------------------- scoring


@pytest.mark.parametrize("name", [b.name for b in list_bundled() if b.name != "big"])
def test_the_summary_of_a_run_is_a_perfect_prediction(name: str) -> None:
    """The scorer reads ``--format summary`` by the rules it scores the run with: no false differences.
    (``big`` is left out: its summary cuts long lists short, "and 994 more", which cannot be scored.)"""
    tree = load_tree(name)
    events = run_headless(tree, 12_000)
    text = render(events, "summary")
    result = score_prediction(parse_prediction(text, name), events, tree, 12_000)
    assert result.perfect, report(result)
    assert result.missed == result.extra == 0


def test_the_lesson_one_for_one_list_misses_the_give_up(trees: dict[str, Tree],
                                                        predictions: dict[str, str]) -> None:
    result = score(trees, "bombs", predictions["lesson_one_for_one"])
    assert result.until == 7000
    assert [(m.t, m.right) for m in result.moments] == [(2000, True), (3000, True), (4000, True),
                                                         (5000, True), (6000, False)]
    (sixth,) = [m for m in result.moments if not m.right]
    assert sixth.actual - sixth.predicted == {
        Fact(6000, "crash", "root/bomb1"), Fact(6000, "crash", "root/bomb2"),
        Fact(6000, "restart", "root/bomb2"), Fact(6000, "give_up", "root")}
    said = {str(d) for d in sixth.differences}
    rule = "6 s: root gave up — 6 restarts within 5 s exceed max_restarts 5"
    assert any(line.startswith(rule) for line in said)
    give_up = next(line for line in said if "gave up" in line)
    assert "6 − 2 = 4" in give_up and "stopped bomb3 then bomb2 (reverse start order)" in give_up
    assert "nothing happens after 6 s" in give_up
    bomb2 = next(line for line in said if line.startswith("6 s: bomb2 crashed"))
    assert "restarted at 3 s after its own crash, and 3 s later it crashed" in bomb2
    restart = next(line for line in said if line.startswith("6 s: bomb2 was restarted"))
    assert "permanent" in restart and "restart 5 of the 5 allowed within 5 s" in restart
    assert (result.right, result.total, result.facts_right, result.missed, result.extra) == (4, 5, 8, 4, 0)
    assert not result.perfect


def test_the_lesson_reordered_list_restarts_too_few_at_five_seconds(trees: dict[str, Tree],
                                                                    predictions: dict[str, str]) -> None:
    result = score(trees, "bombs_reordered", predictions["lesson_reordered"])
    wrong = {m.t: m for m in result.moments if not m.right}
    assert sorted(wrong) == [5000, 10_000]  # 10 s is held to the second after the last line
    (difference,) = wrong[5000].differences
    assert (difference.side, difference.kind, difference.paths) == ("missed", "restart", ("root/bomb2",))
    assert str(difference).startswith(
        "5 s: bomb2 was restarted too — rest_for_one restarts every child started after bomb3: root stopped "
        "bomb2 then bomb1 (reverse start order), then started bomb3 then bomb1 then bomb2 (start order)")
    assert wrong[5000].said == "Bomb 3 crashes (Bomb 1 restarted)"
    assert wrong[5000].happened == "bomb3 crashes (bomb1 and bomb2 restarted)"
    text = report(result)
    assert text.splitlines()[-1] == "Score: 4 of 6 moments right (67%); facts: 15 right, 5 missed, 0 extra"
    assert "✗  5 s  bomb3 crashes (bomb1 and bomb2 restarted)" in text


def test_a_right_prediction_scores_full_marks(trees: dict[str, Tree], predictions: dict[str, str]) -> None:
    result = score(trees, "bombs_reordered", predictions["right_reordered"])
    assert result.perfect and (result.right, result.total, result.extra) == (6, 6, 0)
    assert report(result).splitlines()[-1] == (
        "Score: 6 of 6 moments right (100%); facts: 20 right, 0 missed, 0 extra")


def test_predicting_a_crash_a_restart_prevented(trees: dict[str, Tree]) -> None:
    """one_for_all: bomb2 never lives 3 s, because bomb1's crash at 2 s restarts it."""
    result = score(trees, "bombs_one_for_all", "- 2 s: bomb1 crashes (bomb2 and bomb3 restarted)\n"
                                               "- 3 s: bomb2 crashes\n")
    third = next(m for m in result.moments if m.t == 3000)
    (difference,) = third.differences  # the restart the crash implied is not explained twice
    assert str(difference) == (
        "3 s: bomb2 did not crash — by 3 s it had run only 1 s: it was restarted at 2 s by one_for_all when "
        "bomb1 died — a restart starts a child afresh, so its timers began again then")
    assert third.predicted - third.actual == {Fact(3000, "crash", "root/bomb2"),
                                              Fact(3000, "restart", "root/bomb2")}


def test_a_give_up_that_does_not_come_explains_the_window(trees: dict[str, Tree]) -> None:
    result = score(trees, "bombs_one_for_all",
                   "- 8 s: bomb1 crashes (bomb2 and bomb3 restarted); root gives up\n")
    (eighth,) = [m for m in result.moments if m.t == 8000]
    text = " ".join(str(d) for d in eighth.differences)
    assert "8 s: root did not give up — at 8 s its window held 3 restart(s) (stamps: 4, 6, 8)" in text
    assert "the stamp from 2 s had left the window (8 − 2 > 5)" in text
    assert "a group restart adds one stamp" in text


def test_a_crash_predicted_at_the_wrong_time_is_paired(trees: dict[str, Tree]) -> None:
    result = score(trees, "bombs", "- 2 s: bomb1 crashes\n- 3 s: bomb2 crashes\n- 4 s: bomb3 crashes\n", 5001)
    lines = [str(d) for d in result.differences]
    assert ("4 s: bomb3 did not crash (it happened at 5 s) — by 4 s it had run only 4 s: it was started "
            "at 0 s") in lines
    assert any(line.startswith("5 s: bomb3 crashed (you had it at 4 s) — it was started at 0 s, and 5 s "
                               "later") for line in lines)


def test_restart_types_explain_what_is_not_restarted(trees: dict[str, Tree]) -> None:
    result = score(trees, "transient",
                   "- 3 s: done exits\n- 5 s: once crashes\n- 4 s: failing crashes (not restarted)")
    lines = {str(d) for d in result.differences}
    assert ("3 s: done was not restarted — it is transient, and a transient child is restarted only after an "
            "abnormal exit; it exited with reason normal, an orderly one") in lines
    assert ("5 s: once was not restarted — it is temporary: a temporary child is never restarted, "
            "whatever its exit reason") in lines
    assert any(line.startswith("4 s: failing was restarted — failing is transient and its exit (crash) was "
                               "abnormal, so it is restarted") for line in lines)


def test_script_actions_are_explained_as_such(trees: dict[str, Tree]) -> None:
    result = score(trees, "scripted", "- 1 s: a crashes (b and c restarted)\n- 2.5 s: c crashes\n")
    lines = {str(d) for d in result.differences}
    assert "1 s: b was not restarted — it is temporary: the one_for_all restart stopped it for good" in lines
    assert ("2.5 s: c was stopped — the script stopped it with terminate_child: the spec is kept but nothing "
            "restarts it, and as no crash it adds no stamp") in lines
    assert ("2.5 s: c did not crash — it did not end by itself: root stopped it when the script called "
            "terminate_child") in lines


def test_a_prediction_file_s_control_characters_are_shown_as_escapes_in_problems_and_report(
        trees: dict[str, Tree]) -> None:
    """The file's own words are quoted back (problems, "you said"); a terminal escape in them must
    reach the terminal as text."""
    with pytest.raises(PredictionError) as info:
        parse_prediction("junk\x1b[2J\r\n", "guess\x1b.txt")
    assert info.value.problems == [
        "guess\\x1b.txt:1: expected a line like '- 2 seconds: bomb1 crashes', got 'junk\\x1b[2J'"]
    prediction = parse_prediction("- 2 seconds: bomb1 crashes\n- 3 seconds: bomb1 crashes\n", "g\x1b[2J.txt")
    result = score_prediction(prediction, run_headless(trees["bombs"], 4000), trees["bombs"], 4000)
    text = report(result)
    assert "\x1b" not in text
    assert text.startswith("Prediction g\\x1b[2J.txt, scored up to 4 s:")
    assert "you said: bomb1 crashes" in text
