"""The key-line scanner: where each key path of a TOML document is written."""

from __future__ import annotations

import tomllib

from suptui.treefile.lines import KeyLines, parent_key

DOC = '''\
# a comment with [brackets] and = signs
title = "has # and [ ] inside"
notes = """
[[children]]
id = "not a real child"
"""
id = "root"

[[children]]
id = "a"
args = { name = "A", nested = { deep = 1 }, "quoted key" = 2 }
dotted.key = 3

[[children]]
id = "b"
  [[children.children]]
  id = "b1"
  [[children.children]]
  id = "b2"
  [children.children.args]
  bomb_time = 5

[[script]]
at = 10
child = { id = "x", args = { bomb_time = 1 } }
list = [
  { id = "e0" },
  { id = "e1" },
]
literal = 'C:\\path "quoted"'
after = 1
'''


def test_the_document_is_valid_toml() -> None:
    assert tomllib.loads(DOC)["children"][1]["children"][1]["args"] == {"bomb_time": 5}


def test_every_key_path_has_its_line() -> None:
    lines = KeyLines(DOC).lines
    expected = {
        "title": 2, "notes": 3, "id": 7,
        "children": 9, "children[0]": 9, "children[0].id": 10, "children[0].args": 11,
        "children[0].args.name": 11, "children[0].args.nested.deep": 11, "children[0].args.quoted key": 11,
        "children[0].dotted": 12, "children[0].dotted.key": 12,
        "children[1]": 14, "children[1].id": 15, "children[1].children[0]": 16,
        "children[1].children[0].id": 17, "children[1].children[1]": 18, "children[1].children[1].id": 19,
        "children[1].children[1].args": 20, "children[1].children[1].args.bomb_time": 21,
        "script[0]": 23, "script[0].at": 24, "script[0].child.args.bomb_time": 25,
        "script[0].list[0].id": 27, "script[0].list[1]": 28, "script[0].literal": 30, "script[0].after": 31,
    }
    assert {key: lines.get(key) for key in expected} == expected
    assert not any("not a real child" in key for key in lines)
    assert "children[2]" not in lines


def test_multi_line_literal_strings_may_end_in_extra_quotes() -> None:
    text = "a = \'\'\'\nb = 1 \'\'\'\'\nc = 2\n"
    assert tomllib.loads(text) == {"a": "b = 1 '", "c": 2}
    assert KeyLines(text).lines == {"a": 1, "c": 3}


def test_unknown_keys_fall_back_to_the_nearest_enclosing_key() -> None:
    keys = KeyLines(DOC)
    assert keys.line_of("children[1].children[0].args.bomb_time") == 16
    assert keys.line_of("children[0].restart") == 9
    assert keys.line_of("nothing.here") is None


def test_parent_key_walks_up_through_indexes_and_dots() -> None:
    assert parent_key("children[2].args.bomb_time") == "children[2].args"
    assert parent_key("children[2].args") == "children[2]"
    assert parent_key("children[2]") == "children"
    assert parent_key("children") == ""


def test_a_scan_that_cannot_finish_keeps_what_it_found() -> None:
    keys = KeyLines('a = 1\nb = "unterminated\n')
    assert keys.lines == {"a": 1, "b": 2}
