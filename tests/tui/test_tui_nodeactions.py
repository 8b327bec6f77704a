"""The node actions' table, without a terminal: each row's key, rule, confirm question and one engine call."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

import pytest
from textual.actions import parse

from suptui.session import ActionOutcome
from suptui.treefile import load_tree
from suptui.tui.bindings import NODE, SECTIONS, key_label
from suptui.tui.feed import EventFeed, Later, Note
from suptui.tui.model import TreeModel
from suptui.tui.nodeactions import NODE_ACTIONS, Act, Sent
from suptui.tui.rules import LIVE_ONLY, Situation, why_not


class FakeSession:
    """Records the one call a row makes; replies at once."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def _future(self, *call: Any) -> Future:
        self.calls.append(call)
        future: Future = Future()
        future.set_result("ok")
        return future

    def kill(self, path: str) -> ActionOutcome:
        self.calls.append(("kill", path))
        return ActionOutcome(True, f"killed {path}")

    def exit(self, path: str, reason: str) -> ActionOutcome:
        self.calls.append(("exit", path, reason))
        return ActionOutcome(True, f"sent {path} an exit signal ({reason})")

    def set_strategy(self, path: str, strategy: str) -> Future:
        return self._future("set_strategy", path, strategy)

    def start_child(self, path: str, child: Any) -> Future:
        return self._future("start_child", path, child.path)

    def restart_child(self, path: str) -> Future:
        return self._future("restart_child", path)

    def terminate_child(self, path: str) -> Future:
        return self._future("terminate_child", path)

    def delete_child(self, path: str) -> Future:
        return self._future("delete_child", path)


def running(tree: str = "nested") -> TreeModel:
    model = TreeModel(load_tree(tree))
    for node in model.nodes.values():
        node.status = "running"
    return model


def situation(model: TreeModel, path: str) -> Situation:
    return Situation(model, model.nodes[path], running=True, paused=False, has_source=True)


def test_every_node_key_is_one_row_and_the_rows_keys_are_the_bindings() -> None:
    bindings = dict(SECTIONS)[NODE]
    keys: dict[str, list[str]] = {}
    for binding in bindings:
        keys.setdefault(parse(binding.action)[1], []).append(key_label(binding))
    assert list(keys) == list(NODE_ACTIONS)
    for name, row in NODE_ACTIONS.items():
        assert row.key.split() == keys[name], name
    assert set(NODE_ACTIONS) <= set(LIVE_ONLY)


def test_the_rows_rules_are_what_why_not_says() -> None:
    model = running()
    assert why_not("kill", (), situation(model, "root/db")) is None
    model.nodes["root/db"].status = "stopped"
    assert why_not("kill", (), situation(model, "root/db")) == "db is not running"
    assert why_not("restart_child", (), situation(model, "root/db")) is None
    assert why_not("terminate_child", (), situation(model, "root")) == \
        "the root has no supervisor to terminate it; use k or x"
    strategy = model.nodes["root"].strategy
    assert why_not("set_strategy", (strategy,), situation(model, "root")) == f"root already uses {strategy}"
    past = Situation(model, model.nodes["root"], running=True, paused=True, has_source=True, past_t=1500)
    assert why_not("kill", (), past) == "you are looking at the past (t = 1.500 s): n returns to now"


def test_a_supervisor_is_confirmed_and_a_worker_is_not() -> None:
    model = running()
    worker = next(n for n in model.nodes.values() if not n.is_supervisor)
    kill, terminate = NODE_ACTIONS["kill"], NODE_ACTIONS["terminate_child"]
    exit_ = NODE_ACTIONS["exit_reason"]
    assert kill.confirm is not None and kill.confirm(Act(model, worker)) is None
    assert kill.confirm(Act(model, model.nodes["root"])) == \
        "Kill the whole tree? (untrappable; reason killed)"
    assert kill.confirm(Act(model, model.nodes["root/db"])) == \
        "Kill db and its subtree? (untrappable; reason killed)"
    assert terminate.confirm is not None and terminate.confirm_label == "Terminate"
    assert terminate.confirm(Act(model, model.nodes["root/db"])) == "Terminate db and its subtree?"
    assert exit_.confirm is not None
    assert (exit_.confirm(Act(model, model.nodes["root/db"], answers=("shutdown",))) or "").startswith(
        "Send db an exit signal (shutdown)?")


@pytest.mark.parametrize(("name", "path", "params", "answers", "call"), [
    ("kill", "root/db", (), (), ("kill", "root/db")),
    ("exit_reason", "root/db", (), ("crash",), ("exit", "root/db", "crash")),
    ("set_strategy", "root/db", ("rest_for_one",), (), ("set_strategy", "root/db", "rest_for_one")),
    ("restart_child", "root/db", (), (), ("restart_child", "root/db")),
    ("terminate_child", "root/db", (), (), ("terminate_child", "root/db")),
    ("delete_child", "root/db", (), (), ("delete_child", "root/db")),
])
def test_each_row_makes_exactly_one_engine_call(name: str, path: str, params: tuple[Any, ...],
                                                answers: tuple[str, ...], call: tuple[Any, ...]) -> None:
    model = running()
    session = FakeSession()
    row = NODE_ACTIONS[name]
    target = row.target(model, model.nodes[path])
    assert target is not None
    sent = row.call(session, Act(model, target, params, answers))  # type: ignore[arg-type]
    assert session.calls == [call]
    if name == "delete_child":
        assert sent.forget == path and sent.report_ok and sent.what == "delete_child db"


def test_s_cycles_from_the_supervisors_strategy_and_a_adds_a_numbered_child() -> None:
    model = running()
    session = FakeSession()
    worker = next(n for n in model.nodes.values() if not n.is_supervisor)
    sup = NODE_ACTIONS["cycle_strategy"].target(model, worker)
    assert sup is not None and sup.is_supervisor
    sent = NODE_ACTIONS["cycle_strategy"].call(session, Act(model, sup))  # type: ignore[arg-type]
    assert session.calls[-1][2] != sup.strategy and sent.what.startswith("set_strategy")
    add = NODE_ACTIONS["add_child"]
    sent = add.call(session, Act(model, sup, answers=("bomb", "temporary")))  # type: ignore[arg-type]
    assert sent.expect is not None and sent.expect.restart == "temporary"
    assert session.calls[-1] == ("start_child", sup.path, f"{sup.path}/bomb1")


def test_set_strategy_ignores_what_is_not_a_strategy() -> None:
    row = NODE_ACTIONS["set_strategy"]
    assert row.params_ok(("one_for_all",)) and not row.params_ok(("one_for_none",)) and not row.params_ok(())


def test_a_reply_is_told_through_the_feed_as_the_row_says() -> None:
    feed = EventFeed()
    Sent(ActionOutcome(True, "killed root/a")).tell(feed)
    Sent(ActionOutcome(False, "root/a is not running")).tell(feed)
    Sent(ActionOutcome(True, "root/a ignored the exit signal"), report_ok=True).tell(feed)
    assert [(item.text, item.kind) for item in feed.drain() if isinstance(item, Note)] == [
        ("root/a is not running", "error"), ("root/a ignored the exit signal", "note")]
    done: Future = Future()
    refused: Future = Future()
    forgotten: list[str] = []
    Sent(done, "delete_child a", report_ok=True).tell(feed, then=lambda: forgotten.append("a"))
    Sent(refused, "restart_child a").tell(feed, then=lambda: forgotten.append("never"))
    done.set_result("ok")
    refused.set_result(("error", "running"))
    items = feed.drain()
    assert [(item.text, item.kind) for item in items if isinstance(item, Note)] == [
        ("delete_child a: ok", "ok"), ("restart_child a: {error, running}", "error")]
    for item in items:
        if isinstance(item, Later):
            item.fn()
    assert forgotten == ["a"]


def test_every_node_binding_goes_down_the_one_path() -> None:
    from suptui.tui.app import SuptuiApp

    taken: list[tuple[str, tuple[Any, ...]]] = []

    class Recorder:
        def node_action(self, name: str, params: tuple[Any, ...] = ()) -> None:
            taken.append((name, params))

    for binding in dict(SECTIONS)[NODE]:
        _, name, params = parse(binding.action)
        getattr(SuptuiApp, f"action_{name}")(Recorder(), *params)
        assert taken[-1] == (name, tuple(params)), binding.action
    assert len(taken) == len(dict(SECTIONS)[NODE])
