"""Every kind of mistake in a tree file: one clear ``FILE:LINE: message`` per problem, all at once."""

from __future__ import annotations

import pytest

from suptui.treefile import Problem, TreeFileError, load_tree, parse_tree

BOMB = 'worker = "bomb"'


# ---------------------------------------------------------------- the file as a whole


def test_a_toml_syntax_error_gives_its_line_and_column(problems) -> None:
    assert problems("""\
        title = "x"
        [[children]]
        id = bomb1
        """) == ["t.toml:3: TOML syntax error: invalid value (column 6)"]


def test_a_syntax_error_at_the_end_of_the_file_names_the_last_line(problems) -> None:
    assert problems('title = "x"\nstrategy = [1,\n') == [
        "t.toml:2: TOML syntax error: invalid value (at end of file)"]


def test_an_empty_file_is_an_error(problems) -> None:
    assert problems("") == [
        't.toml: the file is empty: a tree file describes the root supervisor and its [[children]], '
        'e.g. [[children]] with id = "bomb1" and worker = "bomb"']


def test_a_file_of_comments_only_is_empty_too(problems) -> None:
    [problem] = problems("# just a comment\n\n# and another\n")
    assert problem.startswith("t.toml: the file is empty")


def test_all_problems_are_reported_at_once_in_line_order(problems) -> None:
    found = problems("""\
        max_seconds = 0
        strategi = "one_for_all"

        [[children]]
        id = "a"
        worker = "bom"

        [[children]]
        worker = "bomb"
        args = { bomb_time = -1 }
        """)
    assert found == [
        "t.toml:1: max_seconds must be at least 1 (whole seconds), found 0",
        't.toml:2: unknown key "strategi" (did you mean "strategy"?)',
        't.toml:6: unknown worker "bom" (did you mean "bomb"?): expected a built-in worker (bomb, quitter, '
        'sleeper, ticker, flaky, slow_stop, slow_start) or "package.module:Class"',
        "t.toml:10: arg bomb_time must not be negative, found -1 (bomb_time: ms from each start to the "
        "explosion)",
    ]


def test_the_error_text_is_every_problem_one_per_line() -> None:
    error = TreeFileError([Problem("a.toml", 3, "strategy", "bad"),
                           Problem("a.toml", None, "children[1].id", "dup"),
                           Problem("a.toml", None, "", "empty")])
    assert str(error) == "a.toml:3: bad\na.toml: children[1].id: dup\na.toml: empty"
    assert error.problems[1].key == "children[1].id"


# ---------------------------------------------------------------- keys and types


def test_unknown_keys_get_a_did_you_mean_or_the_list_of_known_keys(problems) -> None:
    assert problems("""\
        [[children]]
        id = "a"
        worker = "bomb"
        restrat = "transient"
        colour = "red"
        """) == [
        't.toml:4: unknown key "restrat" (did you mean "restart"?)',
        't.toml:5: unknown key "colour"; expected one of: args, auto_shutdown, children, count, id, kind, '
        "max_children, max_restarts, max_seconds, restart, shutdown, significant, strategy, worker",
    ]


def test_keys_that_do_not_apply_to_the_root_say_why(problems) -> None:
    assert problems("""\
        restart = "transient"
        worker = "bomb"
        """) == [
        "t.toml:1: restart does not apply to the top level: it is the root supervisor, which has no parent",
        "t.toml:2: the top level is the root supervisor, not a worker: put workers under [[children]]",
    ]


@pytest.mark.parametrize(("line", "message"), [
    ('max_restarts = "5"', 'max_restarts must be an integer, found a string "5"'),
    ("max_restarts = true", "max_restarts must be an integer, found a boolean true"),
    ("max_seconds = 2.5", "max_seconds must be an integer (whole seconds), found a float 2.5"),
    ("strategy = 1", "strategy must be one of one_for_one, one_for_all or rest_for_one, found an integer 1"),
    ("title = false", "title must be a string, found a boolean false"),
    ("children = 3", "children must be an array of tables ([[children]]), found an integer 3"),
    ("children = [1]", "each entry of children must be a table, found an integer 1"),
    ("[children]", "children must be an array of tables: write [[children]], not [children]"),
])
def test_wrong_types_say_what_was_expected_and_what_was_found(problems, line, message) -> None:
    assert problems(f"{line}\n") == [f"t.toml:1: {message}"]


@pytest.mark.parametrize(("line", "message"), [
    ("significant = 1", "significant must be true or false, found an integer 1"),
    ('count = "2"', 'count must be an integer, found a string "2"'),
    ("count = 0", "count must be at least 1, found 0"),
    ("args = 5", "args must be a table, like args = { ... }, found an integer 5"),
    ("shutdown = 1.5",
     'shutdown must be ms (an integer >= 0), "brutal_kill" or "infinity", found a float 1.5'),
    ('restart = 1', "restart must be one of permanent, transient or temporary, found an integer 1"),
])
def test_wrong_types_in_a_child(problems, line, message) -> None:
    assert problems(f'[[children]]\nid = "a"\nworker = "bomb"\n{line}\n') == [f"t.toml:4: {message}"]


# ---------------------------------------------------------------- ids


def test_a_child_without_id_or_worker_is_reported_at_its_header(problems) -> None:
    assert problems('[[children]]\nid = "a"\nworker = "bomb"\n\n[[children]]\nstrategy = "one_for_all"\n'
                    '[[children.children]]\nid = "w"\nworker = "sleeper"\n') == [
        't.toml:5: this child has no id: every child needs id = "..." (unique among its siblings), unless it '
        'has a worker = "...", whose name is then its id']


def test_a_child_without_id_takes_its_workers_name_and_a_repeat_is_a_duplicate(problems) -> None:
    assert problems(f'[[children]]\n{BOMB}\n\n[[children]]\n{BOMB}\n') == [
        't.toml:4: duplicate id "bomb": the child at line 1 already uses it (a child without an id takes its '
        "worker's name; give one of them id = \"...\", as Elixir needs an :id for two of one module)"]


def test_duplicate_sibling_ids_name_the_first_use(problems) -> None:
    assert problems(f'[[children]]\nid = "a"\n{BOMB}\n[[children]]\nid = "a"\nworker = "sleeper"\n') == [
        't.toml:5: duplicate id "a": the child at line 1 already uses it (ids must be unique among siblings)']


def test_ids_made_by_count_can_clash_with_a_sibling(problems) -> None:
    assert problems(f'[[children]]\nid = "w"\ncount = 2\n{BOMB}\n[[children]]\nid = "w-2"\n{BOMB}\n') == [
        't.toml:6: duplicate id "w-2": the child at line 1 already uses it '
        "(ids must be unique among siblings)"]


@pytest.mark.parametrize(("toml_id", "shown"), [
    ("bomb\\u001b[2J", "bomb\\x1b[2J"),
    ("a\\rb", "a\\rb"),
    ("x\\u009by", "x\\x9by"),
    ("evil\\u202etxt", "evil\\u202etxt"),
    ("zero\\u200bwidth", "zero\\u200bwidth"),
])
def test_an_id_with_a_control_or_invisible_character_is_refused_at_its_line(problems, toml_id, shown) -> None:
    found = problems(f'title = "x"\n[[children]]\nid = "{toml_id}"\n{BOMB}\n')
    assert found == [f't.toml:3: id "{shown}" must not contain control or invisible characters '
                     "(shown here as escapes)"]
    assert all(c.isprintable() for line in found for c in line)


def test_a_script_child_with_a_control_character_in_its_id_is_refused_too(problems) -> None:
    found = problems('[[children]]\nid = "s"\nkind = "dynamic"\n\n[[script]]\nat = 1\n'
                     'action = "start_child"\ntarget = "root/s"\n'
                     'child = { id = "w\\u001b", worker = "bomb" }\n')
    assert len(found) == 1 and "must not contain control" in found[0] and "\x1b" not in found[0]


def test_a_tree_file_with_such_an_id_exits_2_with_file_and_line(tmp_path, capsys) -> None:
    from tests.support.cli import run_refused

    path = tmp_path / "evil.toml"
    path.write_text('[[children]]\nid = "bomb\\u001b[2J[reverse]"\nworker = "bomb"\n')
    code, out, err = run_refused(capsys, str(path), "--headless")
    assert code == 2 and out == ""
    assert err.startswith(f"{path}:2: id ") and "\\x1b[2J[reverse]" in err
    assert "\x1b" not in err


def test_a_count_that_would_make_too_many_nodes_is_refused(problems) -> None:
    assert problems('[[children]]\nid = "s"\ncount = 1000\n[[children.children]]\nid = "w"\n'
                    'count = 1000\nworker = "sleeper"\n') == [
        "t.toml:3: count = 1000 would make 1001000 nodes here; a tree may have at most 100000 from one count"]


def test_the_same_id_under_different_supervisors_is_fine(tree) -> None:
    built = tree("""\
        [[children]]
        id = "a"
          [[children.children]]
          id = "x"
          worker = "sleeper"
        [[children]]
        id = "b"
          [[children.children]]
          id = "x"
          worker = "sleeper"
        """)
    assert {"root/a/x", "root/b/x"} <= set(built.nodes())


def test_an_id_must_be_a_non_empty_string(problems) -> None:
    assert problems(f'id = 7\n[[children]]\nid = ""\n{BOMB}\n') == [
        "t.toml:1: id must be a string, found an integer 7", "t.toml:3: id must not be empty"]


def test_an_id_may_not_contain_a_slash(problems) -> None:
    assert problems(f'[[children]]\nid = "a/b"\n{BOMB}\n') == [
        't.toml:2: id "a/b" must not contain "/": paths use it to separate ids']


# ---------------------------------------------------------------- values from a fixed set


@pytest.mark.parametrize(("line", "message"), [
    ('strategy = "one_for_al"', 'unknown strategy "one_for_al": expected one_for_one, one_for_all or '
                                'rest_for_one (did you mean "one_for_all"?)'),
    ('strategy = "simple_one_for_one"', 'simple_one_for_one is written kind = "dynamic" here (a '
                                        "DynamicSupervisor, as Elixir recommends)"),
    ('auto_shutdown = "any"', 'unknown auto_shutdown "any": expected never, any_significant or '
                              "all_significant"),
    ('kind = "dynamc"', 'unknown kind "dynamc": expected supervisor or dynamic (did you mean "dynamic"?)'),
])
def test_unknown_supervisor_values_list_the_choices(problems, line, message) -> None:
    assert problems(f"{line}\n") == [f"t.toml:1: {message}"]


@pytest.mark.parametrize(("fields", "message"), [
    ('worker = "sleeper"\nrestart = "permanet"',
     'unknown restart "permanet": expected permanent, transient or temporary (did you mean "permanent"?)'),
    ('worker = "sleeper"\nshutdown = "brutal"',
     'unknown shutdown "brutal": expected ms (an integer >= 0), "brutal_kill" or "infinity" (did you mean '
     '"brutal_kill"?)'),
    ('worker = "slowstop"',
     'unknown worker "slowstop" (did you mean "slow_stop"?): expected a built-in worker (bomb, quitter, '
     'sleeper, ticker, flaky, slow_stop, slow_start) or "package.module:Class"'),
])
def test_unknown_child_values_get_a_did_you_mean(problems, fields, message) -> None:
    text = f'[[children]]\nid = "a"\n{fields}\n'
    assert problems(text) == [f"t.toml:{text.count(chr(10))}: {message}"]


# ---------------------------------------------------------------- times and limits


def test_negative_times_are_rejected(problems) -> None:
    assert problems("""\
        max_restarts = -1
        [[children]]
        id = "a"
        worker = "bomb"
        shutdown = -5
        args = { bomb_time = -2000 }
        [[script]]
        at = -10
        action = "kill"
        target = "root/a"
        """) == [
        "t.toml:1: max_restarts must not be negative, found -1",
        't.toml:5: shutdown must not be negative, found -5; expected ms (an integer >= 0), "brutal_kill" or '
        '"infinity"',
        "t.toml:6: arg bomb_time must not be negative, found -2000 (bomb_time: ms from each start to the "
        "explosion)",
        "t.toml:8: at must not be negative (ms since the tree started), found -10",
    ]


def test_max_seconds_must_be_at_least_one(problems) -> None:
    assert problems('[[children]]\nid = "s"\nmax_seconds = 0\n[[children.children]]\nid = "w"\n'
                    f"{BOMB}\n") == ["t.toml:3: max_seconds must be at least 1 (whole seconds), found 0"]


# ---------------------------------------------------------------- significant children


def test_significant_on_a_permanent_child_is_rejected(problems) -> None:
    assert problems(f'auto_shutdown = "any_significant"\n[[children]]\nid = "a"\n{BOMB}\n'
                    "significant = true\n") == [
        't.toml:5: significant = true needs restart = "transient" or "temporary": a permanent child is '
        "always restarted, so it never ends its supervisor"]


def test_significant_under_auto_shutdown_never_is_rejected(problems) -> None:
    assert problems(f'[[children]]\nid = "a"\n{BOMB}\nrestart = "transient"\nsignificant = true\n') == [
        't.toml:5: significant = true needs the supervisor "root" to set auto_shutdown = "any_significant" '
        'or "all_significant" (it is "never")']


def test_a_significant_transient_child_under_auto_shutdown_is_accepted(tree) -> None:
    built = tree(f'auto_shutdown = "all_significant"\n[[children]]\nid = "a"\n{BOMB}\n'
                 'restart = "transient"\nsignificant = true\n')
    assert built.root.children[0].significant is True


# ---------------------------------------------------------------- worker or supervisor


def test_a_child_must_be_a_worker_or_a_supervisor(problems) -> None:
    assert problems('[[children]]\nid = "a"\nrestart = "transient"\n') == [
        't.toml:1: this child is neither a worker nor a supervisor: give it worker = "..." (e.g. "bomb") or '
        "[[children]]"]


def test_supervisor_keys_on_a_worker_are_rejected(problems) -> None:
    assert problems(f'[[children]]\nid = "a"\n{BOMB}\nstrategy = "one_for_all"\n') == [
        "t.toml:4: strategy applies only to supervisors, and this child is a worker"]


def test_worker_keys_on_a_supervisor_are_rejected(problems) -> None:
    assert problems('[[children]]\nid = "a"\nkind = "supervisor"\nargs = { bomb_time = 1 }\n') == [
        "t.toml:4: args applies only to workers, and this child is a supervisor"]


def test_max_children_is_for_dynamic_supervisors_only(problems) -> None:
    assert problems("max_children = 3\n") == [
        't.toml:1: max_children applies only to kind = "dynamic" supervisors']


def test_a_dynamic_supervisor_is_one_for_one_only_and_respects_max_children(problems) -> None:
    assert problems(f'kind = "dynamic"\nstrategy = "one_for_all"\nmax_children = 1\n'
                    f'[[children]]\nid = "a"\n{BOMB}\n[[children]]\nid = "b"\n{BOMB}\n') == [
        't.toml:2: a dynamic supervisor only supports strategy = "one_for_one", found "one_for_all"',
        "t.toml:3: max_children is 1 but 2 children are listed to start with",
    ]


# ---------------------------------------------------------------- module:Class workers


def test_a_worker_module_that_does_not_import(problems) -> None:
    assert problems('[[children]]\nid = "a"\nworker = "no_such_module_xyz:Foo"\n') == [
        't.toml:3: worker "no_such_module_xyz:Foo": cannot import module "no_such_module_xyz" (No module '
        "named 'no_such_module_xyz')"]


def test_a_worker_module_that_fails_while_importing(problems, tmp_path) -> None:
    (tmp_path / "treefile_broken_mod.py").write_text("raise ValueError('boom')\n")
    assert problems('[[children]]\nid = "a"\nworker = "treefile_broken_mod:Foo"\n', base_dir=tmp_path) == [
        't.toml:3: worker "treefile_broken_mod:Foo": importing module "treefile_broken_mod" failed with '
        "ValueError: boom"]


def test_a_worker_class_missing_from_its_module(problems) -> None:
    assert problems('[[children]]\nid = "a"\nworker = "suptui.workers:Bombb"\n') == [
        't.toml:3: worker "suptui.workers:Bombb": module "suptui.workers" has no "Bombb" '
        '(did you mean "Bomb"?)']


def test_a_worker_that_is_not_a_class(problems) -> None:
    assert problems('[[children]]\nid = "a"\nworker = "os:getcwd"\n') == [
        't.toml:3: worker "os:getcwd" is not a class (it is a builtin_function_or_method): a worker must '
        "be a subclass of suptui.engine.Actor"]


def test_a_worker_class_that_is_not_an_actor(problems) -> None:
    assert problems('[[children]]\nid = "a"\nworker = "pathlib:Path"\n') == [
        't.toml:3: worker "pathlib:Path" is a class but not a worker: it must subclass suptui.engine.Actor']


def test_a_supervisor_class_is_not_a_worker(problems) -> None:
    assert problems('[[children]]\nid = "a"\nworker = "suptui.engine:Supervisor"\n') == [
        't.toml:3: worker "suptui.engine:Supervisor" is a supervisor: describe supervisors with strategy and '
        "[[children]] instead"]


def test_a_malformed_module_class_reference(problems) -> None:
    assert problems('[[children]]\nid = "a"\nworker = "pkg:"\n') == [
        't.toml:3: worker "pkg:" must be written "package.module:Class"']


def test_a_worker_class_beside_the_tree_file_is_found_and_its_signature_checks_args(problems, tree,
                                                                                      tmp_path) -> None:
    (tmp_path / "treefile_my_workers.py").write_text(
        "from suptui.engine import Actor\n\n"
        "class Pinger(Actor):\n"
        "    def __init__(self, target: str, every: int = 100) -> None:\n"
        "        self.target = target\n")
    good = tree('[[children]]\nid = "p"\nworker = "treefile_my_workers:Pinger"\nargs = { target = "x" }\n',
                base_dir=tmp_path)
    assert good.root.children[0].actor.__name__ == "Pinger"
    assert problems('[[children]]\nid = "p"\nworker = "treefile_my_workers:Pinger"\n'
                    'args = { evry = 5 }\n', base_dir=tmp_path) == [
        't.toml:4: unknown arg "evry" for worker "treefile_my_workers:Pinger" (did you mean "every"?)',
        't.toml:4: worker "treefile_my_workers:Pinger" needs arg(s) target',
    ]


# ---------------------------------------------------------------- built-in worker args


def test_unknown_worker_args_get_a_did_you_mean_or_the_list(problems) -> None:
    assert problems('[[children]]\nid = "a"\nworker = "bomb"\n'
                    'args = { bomb_tim = 1, colour = "red" }\n') == [
        't.toml:4: unknown arg "bomb_tim" for worker "bomb" (did you mean "bomb_time"?)',
        't.toml:4: unknown arg "colour" for worker "bomb"; it takes name, bomb_time, ignore, ignore_from',
    ]


@pytest.mark.parametrize(("args", "message"), [
    ('bomb_time = "2000"', 'arg bomb_time must be an integer, found a string "2000"'),
    ("bomb_time = true", "arg bomb_time must be an integer, found a boolean true"),
    ("bomb_time = 2.5", "arg bomb_time must be an integer, found a float 2.5"),
    ("name = 3", "arg name must be a string, found an integer 3"),
])
def test_worker_args_of_the_wrong_type(problems, args, message) -> None:
    [found] = problems(f'[[children]]\nid = "a"\nworker = "bomb"\nargs = {{ {args} }}\n')
    assert found.startswith(f"t.toml:4: {message} (")


def test_worker_args_out_of_bounds(problems) -> None:
    assert problems('[[children]]\nid = "f"\nworker = "flaky"\nargs = { p = 1.5, interval = 0 }\n') == [
        "t.toml:4: arg p must be at most 1.0, found 1.5 (p: probability of crashing on each tick)",
        "t.toml:4: arg interval must be at least 1, found 0 (interval: ms between ticks)",
    ]


def test_a_bool_arg_must_be_a_boolean(problems) -> None:
    [found] = problems('[[children]]\nid = "s"\nworker = "slow_start"\nargs = { fail_start = 1 }\n')
    assert found.startswith("t.toml:4: arg fail_start must be true or false, found an integer 1")


# ---------------------------------------------------------------- script


SCRIPT_TREE = f"""\
[[children]]
id = "bomb1"
{BOMB}
[[children]]
id = "pool"
kind = "dynamic"
"""


def test_a_script_step_with_an_unknown_action(problems) -> None:
    assert problems(SCRIPT_TREE + '[[script]]\nat = 1\naction = "explode"\ntarget = "root/bomb1"\n') == [
        't.toml:9: unknown action "explode": expected kill, exit, set_strategy, start_child, '
        "terminate_child, restart_child or delete_child"]


def test_a_script_target_that_names_no_node(problems) -> None:
    assert problems(SCRIPT_TREE + '[[script]]\nat = 1\naction = "kill"\ntarget = "root/bomb2"\n'
                    '[[script]]\nat = 2\naction = "kill"\ntarget = "bomb1"\n') == [
        't.toml:10: target "root/bomb2" names no node in this file (did you mean "root/bomb1"?)',
        't.toml:14: target "bomb1" names no node in this file (did you mean "root/bomb1"? paths start at the '
        "root's id)",
    ]


def test_script_targets_must_suit_the_action(problems) -> None:
    assert problems(SCRIPT_TREE + """\
[[script]]
at = 1
action = "start_child"
target = "root/bomb1"
child = { id = "x", worker = "sleeper" }
[[script]]
at = 2
action = "terminate_child"
target = "root"
[[script]]
at = 3
action = "set_strategy"
target = "root"
""") == [
        't.toml:10: start_child needs a supervisor as target, and "root/bomb1" is a worker',
        't.toml:15: terminate_child asks the parent supervisor, and "root" is the root: it has none (use '
        "exit or kill)",
        "t.toml:16: this script step has no strategy = ... (expected one of one_for_one, one_for_all or "
        "rest_for_one)",
    ]


def test_a_step_may_target_a_child_that_an_earlier_start_child_adds(tree, problems) -> None:
    adds = '[[script]]\nat = 1000\naction = "start_child"\ntarget = "root/pool"\nchild = { id = "job", ' \
           'worker = "ticker" }\n'
    kill = '[[script]]\nat = {at}\naction = "terminate_child"\ntarget = "root/pool/job"\n'
    built = tree(SCRIPT_TREE + kill.format(at=2000) + adds)
    assert [(s.at, s.action, s.target) for s in built.script] == [
        (1000, "start_child", "root/pool"), (2000, "terminate_child", "root/pool/job")]
    assert built.script[0].child is not None and built.script[0].child.path == "root/pool/job"
    assert problems(SCRIPT_TREE + kill.format(at=500) + adds) == [
        't.toml:10: target "root/pool/job" names no node in this file (did you mean "root/pool"?)']


def test_a_dynamic_supervisor_has_no_restart_or_delete_child(problems) -> None:
    assert problems(SCRIPT_TREE + """\
[[script]]
at = 1
action = "start_child"
target = "root/pool"
child = { id = "job", worker = "sleeper" }
[[script]]
at = 2
action = "restart_child"
target = "root/pool/job"
""") == ['t.toml:14: restart_child is not available under the dynamic supervisor "root/pool": a '
         "DynamicSupervisor only has terminate_child"]


def test_script_fields_that_do_not_fit_the_action(problems) -> None:
    assert problems(SCRIPT_TREE + '[[script]]\nat = 1\naction = "kill"\ntarget = "root/bomb1"\n'
                    'reason = "crash"\nwhen = 3\n') == [
        't.toml:11: reason applies only to action = "exit"',
        't.toml:12: unknown key "when"; expected one of: action, at, child, reason, strategy, target',
    ]


def test_a_script_child_is_checked_like_any_child(problems) -> None:
    assert problems(SCRIPT_TREE + '[[script]]\nat = 1\naction = "start_child"\ntarget = "root/pool"\n'
                    'child = { id = "j", worker = "bomb", count = 2, args = { bomb_time = "1" } }\n') == [
        "t.toml:11: count is not supported in a script's child: start_child starts one child",
        't.toml:11: arg bomb_time must be an integer, found a string "1" (bomb_time: ms from each start to '
        "the explosion)",
    ]


def test_a_script_step_missing_its_fields(problems) -> None:
    assert problems(SCRIPT_TREE + '[[script]]\naction = "start_child"\ntarget = "root/pool"\n') == [
        "t.toml:7: this script step has no at = ... (ms since the tree started)",
        't.toml:7: start_child needs child = { id = "...", worker = "..." }',
    ]


# ---------------------------------------------------------------- finding the file


def test_a_missing_file_or_unknown_bundled_name() -> None:
    with pytest.raises(TreeFileError) as info:
        load_tree("bomsb")
    assert str(info.value).startswith('bomsb: no such file, and no bundled tree of that name (did you mean '
                                      '"bombs"?) (bundled: workers, bombs,')
    with pytest.raises(TreeFileError) as info:
        load_tree("no/such/tree.toml")
    assert str(info.value) == "no/such/tree.toml: no such file"


def test_a_directory_is_not_a_tree_file(tmp_path) -> None:
    with pytest.raises(TreeFileError) as info:
        load_tree(tmp_path)
    assert str(info.value) == f"{tmp_path}: is not a file"


def test_a_file_that_is_not_utf8(tmp_path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('title = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(TreeFileError) as info:
        load_tree(path)
    assert str(info.value).startswith(f"{path}: is not UTF-8 text")


def test_problems_in_a_file_name_it_as_given(tmp_path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("max_seconds = 0\n")
    with pytest.raises(TreeFileError) as info:
        load_tree(str(path))
    assert str(info.value) == f"{path}:1: max_seconds must be at least 1 (whole seconds), found 0"


def test_parse_tree_never_lets_a_traceback_through_for_odd_values() -> None:
    odd = 'id = "r"\nstrategy = 1979-05-27\n[[children]]\nid = "a"\nworker = ["bomb"]\nargs = []\n'
    with pytest.raises(TreeFileError) as info:
        parse_tree(odd, "odd.toml")
    assert [str(p) for p in info.value.problems] == [
        "odd.toml:2: strategy must be one of one_for_one, one_for_all or rest_for_one, found a date/time "
        "1979-05-27",
        'odd.toml:5: worker must be a string, found an array',
        "odd.toml:6: args must be a table, like args = { ... }, found an array",
    ]
