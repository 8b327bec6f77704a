"""The attach wire's own forms: reasons, requests, replies and snapshots survive their round trips,
and anything else is refused with a code and a reason."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suptui.engine.mirror import STATES, Mirror, NodeState, Snapshot
from suptui.engine.protocol import Crash, GiveUp, Start, StrategyChanged, Terminate
from suptui.engine.reasons import format_reason
from suptui.engine.wire import (
    MAX_CLIENT_LINE,
    Reply,
    Request,
    WireError,
    decode,
    encode,
    parse_request,
    reason_from_wire,
)


@pytest.mark.parametrize(("wire", "reason"), [
    ("normal", "normal"), ("shutdown", "shutdown"), ("kill", "kill"), ("oops", "oops"),
    ("exit", "exit"),  # the lesson's Process.exit(pid, :exit): an abnormal reason
    ("{shutdown, done}", ("shutdown", "done")), (["shutdown", "done"], ("shutdown", "done")),
    (["a", ["b", 1]], ("a", ("b", 1))),
])
def test_reasons_from_the_wire(wire, reason):
    assert reason_from_wire(wire) == reason


@pytest.mark.parametrize("wire", ["", 3, None, {}, [], True, [[[[[[[[[["deep"]]]]]]]]]]])
def test_bad_reasons(wire):
    with pytest.raises(WireError):
        reason_from_wire(wire)


words = st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=8)
terms = st.recursive(words | st.integers(0, 1000), lambda inner: st.lists(inner, min_size=1, max_size=3),
                     max_leaves=6)


@given(words)
def test_an_orderly_reason_the_events_print_can_be_sent_back(term):
    """A client that read ``{shutdown, X}`` in an event can send that text back: it is the same reason."""
    reason = ("shutdown", term)
    assert reason_from_wire(format_reason(reason)) == reason
    assert reason_from_wire(term) == term


@given(terms.filter(lambda term: isinstance(term, list)))
def test_array_reasons_are_the_tuples_they_print_as(term):
    reason = reason_from_wire(term)
    assert isinstance(reason, tuple)
    assert format_reason(reason) == json.dumps(term).replace("[", "{").replace("]", "}").replace('"', "")


@given(st.sampled_from(["kill", "exit", "set_strategy", "terminate_child", "restart_child", "delete_child"]),
       st.integers(0, 1 << 40) | words, words)
def test_requests_round_trip(op, ident, path):
    extra = {"exit": {"reason": ["shutdown", "x"]}, "set_strategy": {"strategy": "one_for_all"}}.get(op, {})
    request = parse_request(decode(encode({"type": "request", "id": ident, "op": op, "path": path, **extra}),
                                   MAX_CLIENT_LINE))
    assert parse_request(json.loads(json.dumps(request.to_dict()))) == request


def test_replies_round_trip():
    for reply in (Reply(1, True, "killed"), Reply("x", False, None, "not_found", "restart_child a: x")):
        assert Reply.from_dict(json.loads(encode(reply.to_dict()))) == reply


def test_a_line_too_long_or_not_an_object_is_refused():
    with pytest.raises(WireError, match="longer than"):
        decode(b"x" * (MAX_CLIENT_LINE + 1), MAX_CLIENT_LINE)
    for line in (b"[1]", b"nope", b"\xff"):
        with pytest.raises(WireError):
            decode(line, MAX_CLIENT_LINE)
    assert isinstance(parse_request({"type": "request", "id": 1, "op": "kill", "path": "a"}), Request)


nodes = st.builds(
    NodeState, path=words, pid=words.map(lambda w: f"<0.{len(w)}.0>"), state=st.sampled_from(STATES),
    type=st.none() | st.sampled_from(["worker", "supervisor"]), actor=st.none() | words,
    restart=st.none() | st.sampled_from(["permanent", "transient", "temporary"]), reason=st.none() | words,
    since=st.integers(0, 10**9), strategy=st.none() | words, max_restarts=st.none() | st.integers(0, 100),
    max_seconds=st.none() | st.integers(1, 100),
    stamps=st.none() | st.lists(st.integers(0, 10**6)).map(tuple))


@given(st.integers(0, 10**9), st.integers(0, 10**9), st.lists(nodes, max_size=5))
def test_snapshots_round_trip(seq, t, items):
    snapshot = Snapshot(seq, t, tuple(items))
    assert Snapshot.from_dict(json.loads(encode(snapshot.to_dict()))) == snapshot


def test_the_mirror_folds_what_each_kind_says():
    mirror = Mirror()
    events = [
        Start(seq=1, t=0, path="r/a", pid="<0.2.0>", child_type="worker", actor="A"),
        Start(seq=2, t=0, path="r", pid="<0.1.0>", child_type="supervisor", actor="S", strategy="one_for_one",
              max_restarts=1, max_seconds=5),
        Crash(seq=3, t=1000, path="r/a", pid="<0.2.0>", reason="boom"),
        Start(seq=4, t=1000, path="r/a", pid="<0.3.0>", restart=True, cause="r/a", by_strategy="one_for_one",
              stamps=(1,), decision=1),
        StrategyChanged(seq=5, t=1500, path="r", pid="<0.1.0>", strategy="one_for_all",
                        previous="one_for_one"),
        Crash(seq=6, t=2000, path="r/a", pid="<0.3.0>", reason="boom"),
        GiveUp(seq=7, t=2000, path="r", pid="<0.1.0>", child="r/a", restarts=(2, 1), max_restarts=1,
               max_seconds=5),
        Terminate(seq=8, t=2000, path="r/b", pid="<0.4.0>", reason="shutdown", why="shutdown"),
    ]
    for event in events:
        mirror.fold(event)
    snap = mirror.snapshot()
    assert (snap.seq, snap.t) == (8, 2000)
    a, root, b = snap.node("r/a"), snap.node("r"), snap.node("r/b")
    assert (a.pid, a.state, a.reason, a.since, a.actor) == ("<0.3.0>", "crashed", "boom", 2000, "A")
    assert (root.strategy, root.stamps, root.state) == ("one_for_all", (2, 1), "running")
    assert (b.state, b.reason) == ("terminated", "shutdown")


def _storm_events():
    from suptui.engine.intensity import Window

    window = Window(((7, 3000), (6, 2)))
    return [
        Start(seq=1, t=7000, path="r/a", pid="<0.9.0>", restart=True, cause="r/a", by_strategy="one_for_one",
              stamps=window, decision=3, child_type="worker", actor="A"),
        GiveUp(seq=2, t=7000, path="r", pid="<0.1.0>", child="r/a", restarts=window, max_restarts=1,
               max_seconds=5),
        Crash(seq=3, t=7000, path="r/\ud800odd", pid="<0.9.0>", reason="é \x1b[2J", traceback="tb"),
    ]


@pytest.mark.parametrize("orjson", [True, False])
def test_the_servers_fast_event_lines_are_the_protocols_wire_objects(orjson, monkeypatch):
    from suptui.engine import serve

    if not orjson:
        monkeypatch.setattr(serve, "_orjson_dumps", None)
    events = _storm_events()
    line = serve._encode_events(events)
    assert line.endswith(b"\n")
    message = json.loads(line)
    assert message["seq"] == 1
    assert message["events"] == [event.to_dict() for event in events]
