"""``projector = true`` at the top level: a demo tree opens in projector mode, as ``--projector`` does."""

from __future__ import annotations

import textwrap

import pytest

import suptui.tui.app as app_module
from suptui.gcpolicy import Collector
from suptui.treefile import parse_tree

TREE = 'id = "root"\n[[children]]\nid = "a"\nworker = "bomb"\n'


def test_projector_is_false_unless_set() -> None:
    assert parse_tree(TREE, "t.toml").projector is False


def test_projector_true_is_read() -> None:
    assert parse_tree("projector = true\n" + TREE, "t.toml").projector is True


def test_a_projector_that_is_not_a_boolean_names_its_line(problems) -> None:
    assert problems(textwrap.dedent("""\
        title = "x"
        projector = 1
        [[children]]
        id = "a"
        worker = "bomb"
        """)) == ["t.toml:2: projector must be true or false, found an integer 1"]


class _LeaveTheCollectorAlone:
    """The app is not run here, so nothing would give the collector back: run_app must not touch it."""

    def isenabled(self) -> bool:
        return True

    def enable(self) -> None: ...
    def disable(self) -> None: ...
    def freeze(self) -> None: ...
    def unfreeze(self) -> None: ...

    def collect(self, generation: int = 2) -> int:
        return 0

    def get_freeze_count(self) -> int:
        return 0


@pytest.mark.parametrize(("in_file", "flag", "expected"),
                         [(False, False, False), (True, False, True), (False, True, True)])
def test_the_app_opens_in_projector_mode_from_the_file_or_the_flag(
        monkeypatch: pytest.MonkeyPatch, in_file: bool, flag: bool, expected: bool) -> None:
    opened: list[bool] = []
    monkeypatch.setattr(app_module, "Collector", lambda: Collector(gc=_LeaveTheCollectorAlone()))
    monkeypatch.setattr(app_module, "_run_to_the_end", lambda app: opened.append(app.projector) or 0)
    tree = parse_tree(("projector = true\n" if in_file else "") + TREE, "t.toml")
    assert app_module.run_app(tree, "t.toml", projector=flag) == 0
    assert opened == [expected]
