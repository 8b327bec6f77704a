"""Every bundled tree loads, opens with a comment, and runs as its comment says on the virtual clock."""

from __future__ import annotations

import pytest

from suptui.engine import Event
from suptui.treefile import TreeFileError, load_tree
from suptui.treefile.bundled import (
    LESSON_ORDER,
    bundled_names,
    list_bundled,
    notes_for,
    tree_notes,
    trees_dir,
)

CATALOGUE = ("workers", "sugar_children", "bombs", "bombs_one_for_all", "bombs_rest_for_one",
             "bombs_reordered", "four_bombs", "sugar_bomb", "nested", "transient", "shutdown",
             "dynamic", "big")


def moments(events: list[Event], kind: str, under: str = "") -> list[tuple[int, str]]:
    return [(e.t, e.path) for e in events if e.kind == kind and e.path.startswith(under)]


def crash_times(events: list[Event]) -> list[tuple[int, str]]:
    return moments(events, "crash")


@pytest.mark.parametrize("name", bundled_names())
def test_every_bundled_tree_loads_opens_with_a_comment_and_runs(name, run) -> None:
    lines = (trees_dir() / f"{name}.toml").read_text().splitlines()
    opening = "\n".join(lines[: next(i for i, line in enumerate(lines) if not line.startswith("#"))])
    assert len(opening) > 200, f"{name}.toml should open with a comment on what it shows"
    assert "# Try:" in opening, f"{name}.toml should say what to try"
    events = run(load_tree(name), 20_000)
    assert events and events[0].kind == "start"
    assert not [e for e in events if e.kind == "zombie"]


def test_the_catalogue_is_complete() -> None:
    assert set(CATALOGUE) <= set(bundled_names())


def test_bombs_gives_up_at_six_seconds(run) -> None:
    events = run(load_tree("bombs"), 20_000)
    assert crash_times(events) == [(2000, "root/bomb1"), (3000, "root/bomb2"), (4000, "root/bomb1"),
                                   (5000, "root/bomb3"), (6000, "root/bomb2"), (6000, "root/bomb1")]
    assert moments(events, "give_up") == [(6000, "root")]
    assert (events[-1].t, events[-1].kind, events[-1].path) == (6000, "exit", "root")
    assert next(e for e in events if e.kind == "crash").get("reason") == "RuntimeError: Bomb 1 Exploded!"


@pytest.mark.parametrize("name", ["bombs_one_for_all", "bombs_rest_for_one"])
def test_one_for_all_and_rest_for_one_crash_bomb1_every_two_seconds_forever(name, run) -> None:
    events = run(load_tree(name), 20_000)
    assert crash_times(events) == [(t, "root/bomb1") for t in range(2000, 20_001, 2000)]
    assert moments(events, "give_up") == []
    restarted = [e.path for e in events if e.kind == "start" and e.t == 2000]
    assert restarted == ["root/bomb1", "root/bomb2", "root/bomb3"]


def test_bombs_reordered_restarts_only_the_children_after_the_crash(run) -> None:
    events = run(load_tree("bombs_reordered"), 20_000)
    assert crash_times(events) == [
        (2000, "root/bomb1"), (4000, "root/bomb1"), (5000, "root/bomb3"), (7000, "root/bomb1"),
        (9000, "root/bomb1"), (10_000, "root/bomb3"), (12_000, "root/bomb1"), (14_000, "root/bomb1"),
        (15_000, "root/bomb3"), (17_000, "root/bomb1"), (19_000, "root/bomb1"), (20_000, "root/bomb3")]
    assert [e.path for e in events if e.kind == "start" and e.t == 5000] == [
        "root/bomb3", "root/bomb1", "root/bomb2"]
    assert moments(events, "give_up") == []


def test_four_bombs_under_one_for_one_gives_up_before_bomb4_explodes(run) -> None:
    events = run(load_tree("four_bombs"), 20_000)
    assert moments(events, "give_up") == [(6000, "root")]
    assert "root/bomb4" not in {path for _, path in crash_times(events)}


def test_sugar_bomb_uses_the_defaults_and_gives_up_at_four_seconds(run) -> None:
    events = run(load_tree("sugar_bomb"), 20_000)
    assert crash_times(events) == [(t, "root/Bomb") for t in (1000, 2000, 3000, 4000)]
    assert {e.get("reason") for e in events if e.kind == "crash"} == {
        "RuntimeError: Syntax Sugar Bomb Exploded!"}
    give_up = next(e for e in events if e.kind == "give_up")
    assert (give_up.t, give_up.get("max_restarts"), give_up.get("max_seconds")) == (4000, 3, 5)


def test_nested_escalates_from_handlers_to_web_and_leaves_the_rest_alone(run) -> None:
    events = run(load_tree("nested"), 20_000)
    assert moments(events, "give_up") == [
        (3000, "root/web/handlers"), (6000, "root/web/handlers"), (6000, "root/web"),
        (9000, "root/web/handlers"), (12_000, "root/web/handlers"), (12_000, "root/web"),
        (15_000, "root/web/handlers"), (18_000, "root/web/handlers"), (18_000, "root/web")]
    web_restarts = [e.t for e in events if e.kind == "start" and e.path == "root/web" and e.get("restart")]
    assert web_restarts == [6000, 12_000, 18_000]
    untouched = [e for e in events if e.path.startswith(("root/db", "root/metrics")) and e.t > 0]
    assert untouched == []


def test_transient_shows_each_restart_type(run) -> None:
    events = run(load_tree("transient"), 10_000)
    starts = moments(events, "start")
    assert [t for t, p in starts if p == "root/keeper"] == [0, 2000, 4000, 6000, 8000, 10_000]
    assert [t for t, p in starts if p == "root/done"] == [0]
    assert moments(events, "exit", "root/done") == [(3000, "root/done")]
    assert [t for t, p in starts if p == "root/failing"] == [0, 4000, 8000]
    assert moments(events, "crash", "root/once") == [(5000, "root/once")]
    assert [t for t, p in starts if p == "root/once"] == [0]
    assert moments(events, "exit", "root/job") == [(8000, "root/job/main"), (8000, "root/job")]
    assert moments(events, "terminate", "root/job") == [(8000, "root/job/helper")]
    assert [t for t, p in starts if p == "root/job"] == [0]


def test_shutdown_waits_for_each_child_per_its_shutdown_spec(run) -> None:
    events = run(load_tree("shutdown"), 10_000)
    stops = [(e.t, e.path, e.get("reason")) for e in events if e.kind == "terminate"]
    assert stops == [(6000, "root/forever", "shutdown"), (6000, "root/brutal", "killed"),
                     (6500, "root/impatient", "killed"), (7500, "root/patient", "shutdown")]
    assert [e.t for e in events if e.kind == "start" and e.get("restart")] == [7500] * 5


def test_dynamic_fills_the_pool_up_to_max_children(run) -> None:
    events = run(load_tree("dynamic"), 10_000)
    added = [(e.t, e.path) for e in events if e.kind == "start" and e.get("why") == "api"]
    assert added == [(1000, "root/pool/counter"), (2000, "root/pool/bomb"), (3000, "root/pool/brief"),
                     (6000, "root/pool/late")]
    assert moments(events, "crash") == [(4500, "root/pool/bomb"), (7000, "root/pool/bomb"),
                                        (9500, "root/pool/bomb")]
    assert moments(events, "terminate") == [(8000, "root/pool/counter")]


def test_failed_start_loops_trying_again_then_gives_up(run) -> None:
    events = run(load_tree("failed_start"), 10_000)
    failed = [(e.t, e.path) for e in events if e.kind == "crash" and e.get("phase") == "init"]
    assert failed == [(3500, "root/db"), (4000, "root/db"), (4500, "root/db")]
    give_up = next(e for e in events if e.kind == "give_up")
    assert (give_up.t, give_up.get("child"), give_up.get("restarts")) == (4500, "root/db", [4, 4, 3, 3])


def test_big_has_a_thousand_workers_under_nested_supervisors_and_replays_by_seed(run) -> None:
    tree = load_tree("big")
    nodes = tree.nodes().values()
    assert sum(1 for node in nodes if node.kind == "worker") >= 1000
    assert max(node.path.count("/") for node in nodes) >= 3
    first = run(tree, 12_000, seed=1)
    again = run(tree, 12_000, seed=1)
    other = run(tree, 12_000, seed=2)
    assert [(e.t, e.kind, e.path) for e in first] == [(e.t, e.kind, e.path) for e in again]
    assert crash_times(first) != crash_times(other)
    assert crash_times(first) and all(path.endswith("/flaky") for _, path in crash_times(first))
    shard = crash_times(first)[0][1].rsplit("/", 1)[0]
    restarted = {e.path.rsplit("/", 1)[0] for e in first if e.kind == "start" and e.get("restart")}
    assert shard in restarted and "root" not in restarted


def test_the_bundled_trees_come_in_lesson_order_with_big_last() -> None:
    names = bundled_names()
    assert names[:3] == ["workers", "bombs", "bombs_one_for_all"]
    assert names[-1] == "big"
    assert [n for n in names if n in LESSON_ORDER] == [n for n in LESSON_ORDER if n in names]
    assert set(LESSON_ORDER) == set(names), "every bundled tree has its place in the lesson order"


def test_notes_are_the_opening_comment_without_its_hashes() -> None:
    text = '# First line.\n#\n#   indented\n# Try: this.\n\ntitle = "x" # not notes\n# nor this\n'
    assert tree_notes(text) == "First line.\n\n  indented\nTry: this."
    assert tree_notes('title = "x"\n') == ""
    assert tree_notes("\n# after a blank line\n") == "after a blank line"
    bombs = next(entry for entry in list_bundled() if entry.name == "bombs")
    assert bombs.notes.startswith("The lesson's three bombs under one_for_one")
    assert "Try: raise max_restarts to 6" in bombs.notes and "#" not in bombs.notes.splitlines()[0]
    assert notes_for("bombs") == bombs.notes == notes_for("bombs.toml")
    assert notes_for("no_such_tree") == "" and notes_for(None) == ""


def test_notes_of_a_file_win_over_a_bundled_tree(tmp_path, monkeypatch) -> None:
    (tmp_path / "bombs.toml").write_text('# mine\n# Try: nothing\ntitle = "mine"\n')
    monkeypatch.chdir(tmp_path)
    assert notes_for("bombs.toml") == "mine\nTry: nothing"


def test_workers_restarts_each_plain_worker_alone(run) -> None:
    events = run(load_tree("workers"), 10_000)
    assert crash_times(events) == [(2000, "root/worker1"), (4000, "root/worker2"), (6000, "root/worker3")]
    assert {e.get("reason") for e in events if e.kind == "crash"} == {"exit"}
    restarted = [(e.t, e.path) for e in events if e.kind == "start" and e.get("restart")]
    assert restarted == [(2000, "root/worker1"), (4000, "root/worker2"), (6000, "root/worker3")]
    assert moments(events, "give_up") == []


def test_sugar_children_take_their_workers_names_as_ids(run) -> None:
    tree = load_tree("sugar_children")
    assert [path for path in tree.nodes()] == ["root", "root/bomb", "root/ticker"]
    events = run(tree, 10_000)
    assert crash_times(events) == [(t, "root/bomb") for t in (1000, 2000, 3000, 4000)]
    assert moments(events, "give_up") == [(4000, "root")]


def test_a_child_without_an_id_is_named_after_its_worker(tmp_path) -> None:
    path = tmp_path / "t.toml"
    path.write_text('[[children]]\nworker = "bomb"\n\n[[children]]\nworker = "tests.nowhere:Bomb"\n'
                    '[[children]]\nid = "x"\nworker = "sleeper"\n')
    with pytest.raises(TreeFileError) as caught:
        load_tree(str(path))
    assert 'duplicate id' not in str(caught.value)  # only the unknown module is wrong
    path.write_text('[[children]]\nworker = "bomb"\n\n[[children]]\nworker = "sleeper"\n')
    assert list(load_tree(str(path)).nodes()) == ["root", "root/bomb", "root/sleeper"]


def test_two_children_of_one_worker_without_ids_are_a_duplicate_at_file_and_line(tmp_path) -> None:
    path = tmp_path / "t.toml"
    path.write_text('[[children]]\nworker = "bomb"\n\n[[children]]\nworker = "bomb"\n')
    with pytest.raises(TreeFileError) as caught:
        load_tree(str(path))
    message = str(caught.value)
    assert f"{path}:4: duplicate id \"bomb\": the child at line 1 already uses it" in message
    assert "takes its worker's name" in message


def test_a_child_with_neither_id_nor_worker_still_needs_an_id(tmp_path) -> None:
    path = tmp_path / "t.toml"
    path.write_text('[[children]]\nrestart = "transient"\n')
    with pytest.raises(TreeFileError) as caught:
        load_tree(str(path))
    assert "this child has no id" in str(caught.value)
