"""``paused = true`` at the top level: the tree opens paused (issue 14: demos that start on space)."""

from __future__ import annotations

import textwrap

from suptui.treefile import parse_tree


def test_paused_is_false_unless_set() -> None:
    assert parse_tree('id = "root"\n[[children]]\nid = "a"\nworker = "bomb"\n', "t.toml").paused is False


def test_paused_true_opens_the_tree_paused() -> None:
    text = 'paused = true\nid = "root"\n[[children]]\nid = "a"\nworker = "bomb"\n'
    assert parse_tree(text, "t.toml").paused is True


def test_a_paused_that_is_not_a_boolean_names_its_line(problems) -> None:
    assert problems(textwrap.dedent("""\
        title = "x"
        paused = "yes"
        [[children]]
        id = "a"
        worker = "bomb"
        """)) == ['t.toml:2: paused must be true or false, found a string "yes"']
