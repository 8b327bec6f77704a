"""What a good tree file becomes: NodeDefs with defaults, paths, count copies, dynamic nodes, a script."""

from __future__ import annotations

from pathlib import Path

from suptui.engine import DynamicSupervisor, Supervisor
from suptui.treefile import list_bundled, load_tree
from suptui.workers import Bomb, Flaky, Ticker

REPO = Path(__file__).resolve().parents[2]


def test_defaults_are_filled_in_as_elixir_has_them(tree) -> None:
    built = tree('[[children]]\nid = "b"\nworker = "bomb"\n[[children]]\nid = "s"\n'
                 '[[children.children]]\nid = "w"\nworker = "sleeper"\n')
    root = built.root
    assert (root.id, root.path, root.kind, root.strategy, root.max_restarts, root.max_seconds,
            root.auto_shutdown) == ("root", "root", "supervisor", "one_for_one", 3, 5, "never")
    bomb, sup = root.children
    assert (bomb.path, bomb.kind, bomb.restart, bomb.shutdown, bomb.significant, bomb.actor, bomb.args) == (
        "root/b", "worker", "permanent", 5000, False, Bomb, {})
    assert (sup.path, sup.kind, sup.shutdown, sup.children[0].path) == ("root/s", "supervisor", "infinity",
                                                                        "root/s/w")
    assert built.title is None and built.script == ()


def test_every_field_as_written(tree) -> None:
    built = tree("""\
        title = "T"
        description = "D"
        id = "app"
        strategy = "rest_for_one"
        max_restarts = 0
        max_seconds = 1
        auto_shutdown = "any_significant"

        [[children]]
        id = "q"
        worker = "quitter"
        restart = "temporary"
        shutdown = "brutal_kill"
        significant = true
        args = { name = "Q", quit_time = 10, reason = "shutdown" }
        """)
    assert (built.title, built.description, built.source) == ("T", "D", "t.toml")
    node = built.nodes()["app/q"]
    assert (node.restart, node.shutdown, node.significant, node.worker, node.args, node.line) == (
        "temporary", "brutal_kill", True, "quitter", {"name": "Q", "quit_time": 10, "reason": "shutdown"}, 9)
    assert (built.root.strategy, built.root.max_restarts, built.root.max_seconds) == ("rest_for_one", 0, 1)


def test_count_makes_numbered_copies_of_whole_subtrees(tree) -> None:
    built = tree("""\
        [[children]]
        id = "shard"
        count = 2
          [[children.children]]
          id = "w"
          count = 3
          worker = "ticker"
        [[children]]
        id = "one"
        count = 1
        worker = "sleeper"
        """)
    paths = sorted(built.nodes())
    assert paths == ["root", "root/one", "root/shard-1", "root/shard-1/w-1", "root/shard-1/w-2",
                     "root/shard-1/w-3", "root/shard-2", "root/shard-2/w-1", "root/shard-2/w-2",
                     "root/shard-2/w-3"]
    assert all(node.actor is Ticker for path, node in built.nodes().items() if "/w-" in path)


def test_a_dynamic_supervisor_becomes_a_dynamic_supervisor_spec(tree) -> None:
    built = tree('[[children]]\nid = "pool"\nkind = "dynamic"\nmax_children = 2\n')
    pool = built.root.children[0]
    spec = pool.spec()
    assert (pool.kind, pool.max_children, spec.actor, spec.args["max_children"]) == (
        "dynamic", 2, DynamicSupervisor, 2)
    assert built.root.spec().actor is Supervisor


def test_a_dynamic_root(tree) -> None:
    built = tree('kind = "dynamic"\n[[children]]\nid = "a"\nworker = "sleeper"\n')
    assert built.root.kind == "dynamic" and built.root.spec().actor is DynamicSupervisor


def test_float_args_accept_integers_and_are_stored_as_floats(tree) -> None:
    node = tree('[[children]]\nid = "f"\nworker = "flaky"\nargs = { p = 1 }\n').root.children[0]
    assert node.actor is Flaky and node.args == {"p": 1.0} and isinstance(node.args["p"], float)


def test_children_may_also_be_written_as_an_inline_array(tree) -> None:
    built = tree('children = [{ id = "a", worker = "sleeper" }, { id = "b", worker = "bomb" }]\n')
    assert [child.path for child in built.root.children] == ["root/a", "root/b"]


def test_script_steps_come_in_run_order_with_their_fields(tree) -> None:
    built = tree("""\
        [[children]]
        id = "s"
          [[children.children]]
          id = "w"
          worker = "sleeper"

        [[script]]
        at = 300
        action = "exit"
        target = "root/s/w"
        reason = "crash"

        [[script]]
        at = 100
        action = "set_strategy"
        target = "root/s"
        strategy = "one_for_all"

        [[script]]
        at = 200
        action = "start_child"
        target = "root/s"
        child = { id = "n", worker = "bomb", restart = "transient", args = { bomb_time = 50 } }

        [[script]]
        at = 300
        action = "exit"
        target = "root/s/n"
        """)
    steps = [(s.at, s.action, s.target, s.reason, s.strategy, s.line) for s in built.script]
    assert steps == [(100, "set_strategy", "root/s", None, "one_for_all", 13),
                     (200, "start_child", "root/s", None, None, 19),
                     (300, "exit", "root/s/w", "crash", None, 7),
                     (300, "exit", "root/s/n", "normal", None, 25)]
    child = built.script[1].child
    assert child is not None
    assert (child.path, child.restart, child.actor, child.args) == ("root/s/n", "transient", Bomb,
                                                                   {"bomb_time": 50})


def test_load_by_path_by_bundled_name_and_through_the_trees_link(tmp_path) -> None:
    by_name = load_tree("bombs")
    assert by_name.source == "bombs.toml"
    assert load_tree("bombs.toml").root == by_name.root
    linked = REPO / "trees" / "bombs.toml"
    assert (REPO / "trees").is_symlink()
    assert load_tree(linked).root == by_name.root
    copy = tmp_path / "mine.toml"
    copy.write_text(linked.read_text())
    assert load_tree(str(copy)).source == str(copy)


def test_an_existing_file_wins_over_a_bundled_tree_of_the_same_name(tmp_path, monkeypatch) -> None:
    (tmp_path / "bombs.toml").write_text('title = "mine"\n')
    monkeypatch.chdir(tmp_path)
    assert load_tree("bombs.toml").title == "mine"
    assert load_tree("bombs").title == "Bombs (one_for_one)"


def test_list_bundled_gives_every_catalogue_tree_with_title_and_description() -> None:
    listed = list_bundled()
    names = [entry.name for entry in listed]
    assert names[:2] == ["workers", "bombs"] and names[-1] == "big", "lesson order, the big tree last"
    assert {"bombs", "bombs_one_for_all", "bombs_rest_for_one", "bombs_reordered", "four_bombs", "sugar_bomb",
            "nested", "transient", "shutdown", "dynamic", "big"} <= set(names)
    for name, title, description, notes in listed:
        assert title and title != name and description and "Try:" in notes, name
