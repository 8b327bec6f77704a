"""The program side of attach: snapshot then events with no gap and no duplicate, control requests,
bad requests that never disturb the program, closing with the runtime."""

from __future__ import annotations

import json
import os
import socket
import threading

from suptui.attach import Disconnected, Events
from suptui.engine import ChildSpec, DynamicSupervisor, EventRecorder, SupFlags
from suptui.engine.mirror import Mirror
from suptui.engine.protocol import Crash, Exit, Kill, Start, StrategyChanged
from suptui.engine.serve import serve

from tests.attach.conftest import Crasher, Idle, fold, start_tree
from tests.support.waiting import wait_for


def _reference(events, upto):
    mirror = Mirror()
    for event in events:
        if event.seq > upto:
            break
        mirror.fold(event)
    return mirror.nodes


def _comparable(nodes):
    """Node states without what the snapshot adds from the specs (restart types) or the runtime (a
    top-level supervisor's start says nothing of its window: the snapshot reads it, empty or not)."""
    return {path: (n.pid, n.state, n.reason, n.since, tuple(n.stamps or ()))
            for path, n in nodes.items()}


def test_snapshot_then_events_have_no_gap_and_no_duplicate_under_a_restart_storm(runtime, short_dir, attach):
    recorder = EventRecorder()
    runtime.events.subscribe(recorder)
    server = serve(runtime, str(short_dir / "s.sock"), announce=False)
    start_tree(runtime, ChildSpec("idle", Idle), ChildSpec("loop", Crasher), max_restarts=10**9)
    clients = []
    for _ in range(4):  # attach at different moments of the storm
        clients.append(attach(str(server.address)))
        threading.Event().wait(0.02)
    for client in clients:
        client.wait(lambda c: len(c.events) >= 300)
    runtime.kill(runtime.whereis("root/idle"))
    for client in clients:
        snapshot, events = client.snapshot, list(client.events)
        every = recorder.snapshot()  # (after: it holds at least what the client has seen)
        assert [e.seq for e in events] == list(range(snapshot.seq + 1, snapshot.seq + 1 + len(events)))
        at_snapshot = _reference(every, snapshot.seq)
        assert _comparable({n.path: n for n in snapshot.nodes}) == _comparable(at_snapshot)
        last = events[-1].seq
        assert [e.to_dict() for e in events] == [e.to_dict() for e in every[snapshot.seq:last]]
        assert _comparable(fold(snapshot, events)) == _comparable(_reference(every, last))
    assert server.client_count() == 4


def test_snapshot_tells_supervisors_restart_types_and_a_late_serve_sees_what_already_runs(runtime, short_dir,
                                                                                       attach):
    start_tree(runtime, ChildSpec("a", Idle, restart="transient"),
               ChildSpec("pool", DynamicSupervisor, {"flags": SupFlags()}, type="supervisor"))
    server = serve(runtime, str(short_dir / "s.sock"), announce=False)  # after the tree started
    client = attach(str(server.address))
    nodes = {n.path: n for n in client.snapshot.nodes}
    assert set(nodes) == {"root", "root/a", "root/pool"}
    assert nodes["root/a"].restart == "transient" and nodes["root/a"].state == "running"
    assert nodes["root"].strategy == "one_for_one" and nodes["root"].max_restarts == 1000
    assert nodes["root/pool"].type == "supervisor" and nodes["root/pool"].actor == "DynamicSupervisor"
    assert nodes["root/a"].pid == str(runtime.whereis("root/a"))
    assert client.snapshot.seq == runtime.events._seq


def _reply(client, op, path, **fields):
    return client.connection.request(op, path, **fields).result(5)


def test_control_requests_act_and_reply_with_otp_errors(runtime, short_dir, attach):
    start_tree(runtime, ChildSpec("w", Idle), ChildSpec("t", Idle, restart="transient"),
               ChildSpec("pool", DynamicSupervisor, {"flags": SupFlags()}, type="supervisor"))
    server = serve(runtime, str(short_dir / "s.sock"), announce=False)
    client = attach(str(server.address))
    old = runtime.whereis("root/w")

    reply = _reply(client, "kill", "root/w")
    assert reply.ok and reply.result == "killed"
    client.wait(lambda c: any(isinstance(e, Start) and e.path == "root/w" and e.restart for e in c.events))
    kill = next(e for e in client.events if isinstance(e, Kill))
    assert (kill.path, kill.pid, kill.by) == ("root/w", str(old), "user")

    reply = _reply(client, "exit", "root/t", reason="{shutdown, done}")
    assert reply.ok and reply.result == "exited"
    client.wait(lambda c: any(isinstance(e, Exit) and e.path == "root/t" for e in c.events))
    assert next(e for e in client.events if isinstance(e, Exit)).reason == "{shutdown, done}"
    assert runtime.whereis("root/t") is None  # transient, orderly: not restarted

    assert _reply(client, "exit", "root/w", reason=["crashed", "by", "me"]).ok
    client.wait(lambda c: any(isinstance(e, Crash) and e.reason == "{crashed, by, me}" for e in c.events))
    assert wait_for(lambda: runtime.whereis("root/w") is not None)
    assert _reply(client, "exit", "root/w", reason="exit").result == "exited"  # the lesson's :exit
    client.wait(lambda c: any(isinstance(e, Crash) and e.reason == "exit" for e in c.events))
    assert _reply(client, "exit", "root/pool", reason="normal").result == "trapped"  # a supervisor traps

    assert _reply(client, "set_strategy", "root", strategy="one_for_all").ok
    client.wait(lambda c: any(isinstance(e, StrategyChanged) for e in c.events))
    bad = _reply(client, "set_strategy", "root", strategy="one_for_none")
    assert (bad.ok, bad.error) == (False, "{invalid_strategy, one_for_none}")

    assert _reply(client, "restart_child", "root/w").error == "running"
    assert _reply(client, "delete_child", "root/w").error == "running"
    assert _reply(client, "restart_child", "root/nope").error == "not_found"
    assert _reply(client, "terminate_child", "root/w").ok
    assert runtime.whereis("root/w") is None
    assert _reply(client, "restart_child", "root/w").ok
    assert runtime.whereis("root/w") is not None
    assert _reply(client, "terminate_child", "root/w").ok
    assert _reply(client, "delete_child", "root/w").ok
    assert _reply(client, "restart_child", "root/w").error == "not_found"

    unknown = _reply(client, "start_child", "root/pool", spec={"id": "x", "actor": "Idle"})
    assert unknown.error == "unknown_actor"
    assert _reply(client, "kill", "root/gone").error == "noproc"


def test_start_child_takes_only_actors_the_program_offers(runtime, short_dir, attach):
    start_tree(runtime, ChildSpec("pool", DynamicSupervisor, {"flags": SupFlags()}, type="supervisor"))
    server = serve(runtime, str(short_dir / "s.sock"), announce=False, actors={"Idle": Idle})
    client = attach(str(server.address))
    spec = {"id": "job", "actor": "Idle", "restart": "temporary"}
    reply = _reply(client, "start_child", "root/pool", spec=spec)
    assert reply.ok and reply.result == str(runtime.whereis("root/pool/job"))
    assert _reply(client, "restart_child", "root/pool/job").error == "dynamic_supervisor"
    assert _reply(client, "terminate_child", "root/pool/job").ok
    assert runtime.whereis("root/pool/job") is None
    bad = _reply(client, "start_child", "root/pool", spec={"id": "job", "actor": "Idle", "restart": "often"})
    assert not bad.ok and "invalid_restart_type" in bad.error


def test_bad_requests_get_error_replies_and_never_disturb_the_program(runtime, short_dir, attach):
    start_tree(runtime, ChildSpec("w", Idle))
    server = serve(runtime, str(short_dir / "s.sock"), announce=False)
    pid = runtime.whereis("root/w")
    sock = socket.socket(socket.AF_UNIX)
    sock.connect(str(server.address))
    reader = sock.makefile("rb")
    reader.readline()
    sock.sendall(b'{"type": "hello", "protocol": 1}\n')
    reader.readline()
    cases = {
        b"garbage": "bad_request",
        b"[1, 2]": "bad_request",
        b'{"type": "request"}': "bad_request",
        b'{"type": "request", "id": 7, "op": "explode", "path": "x"}': "unknown_op",
        b'{"type": "request", "id": 8, "op": "kill"}': "bad_request",
        b'{"type": "request", "id": 9, "op": "exit", "path": "root/w", "reason": {"a": 1}}': "bad_request",
        b'{"type": "request", "id": 10, "op": "kill", "path": "root/w", "extra": 1}': "bad_request",
        b'{"type": "request", "id": 11, "op": "set_strategy", "path": "root/w", "strategy": "x"}':
            "not_a_supervisor",
        b'{"type": "request", "id": 12, "op": "exit", "path": "root/w", "reason": ' + b"[" * 50 + b"]" * 50
        + b"}": "bad_request",
        b"\xff\xfe": "bad_request",
        b"[" * 30000 + b"]" * 30000: "bad_request",
        b'{"type": "request", "id": 13, "op": "kill", "path": "root/absent"}': "noproc",
    }
    for line, code in cases.items():
        sock.sendall(line + b"\n")
        reply = json.loads(reader.readline())
        assert (reply["type"], reply["ok"], reply["error"]) == ("reply", False, code), line
    assert runtime.whereis("root/w") == pid and runtime.is_alive(pid)  # untouched
    sock.sendall(b"x" * (70 << 10) + b"\n")  # too long: the server says so and hangs up
    assert json.loads(reader.readline())["error"] == "too_long"
    assert reader.readline() == b""
    sock.close()
    assert runtime.is_alive(pid)
    again = attach(str(server.address))  # the server still serves
    assert again.snapshot.node("root/w").pid == str(pid)


def test_error_replies_echo_the_id_and_name_the_problem(runtime, short_dir):
    start_tree(runtime, ChildSpec("w", Idle))
    server = serve(runtime, str(short_dir / "s.sock"), announce=False)
    sock = socket.socket(socket.AF_UNIX)
    sock.connect(str(server.address))
    reader = sock.makefile("rb")
    assert b'"suptui":"attach"' in reader.readline()
    sock.sendall(b'{"type": "hello", "protocol": 1}\n')
    assert b'"type":"snapshot"' in reader.readline()
    sock.sendall(b'{"type": "request", "id": "a1", "op": "explode", "path": "root/w"}\n')
    line = reader.readline()
    assert b'"id":"a1"' in line and b'"error":"unknown_op"' in line
    sock.sendall(b'{"type": "request", "id": 2, "op": "set_strategy", "path": "root/w", "strategy": "x"}\n')
    line = reader.readline()
    assert b'"error":"not_a_supervisor"' in line
    sock.close()


def test_read_only_server_refuses_control(runtime, short_dir, attach):
    start_tree(runtime, ChildSpec("w", Idle))
    server = serve(runtime, str(short_dir / "s.sock"), announce=False, control=False)
    client = attach(str(server.address))
    assert client.connection.hello.control is False
    assert _reply(client, "kill", "root/w").error == "read_only"
    assert runtime.whereis("root/w") is not None


def test_runtime_shutdown_says_bye_closes_and_removes_the_socket(runtime, short_dir, attach):
    start_tree(runtime, ChildSpec("w", Idle))
    server = serve(runtime, str(short_dir / "s.sock"), announce=False)
    client = attach(str(server.address))
    runtime.shutdown(5)
    client.wait(lambda c: c.ended() is not None)
    ended = client.ended()
    assert isinstance(ended, Disconnected) and ended.program_ended
    assert any(e.path == "root" and isinstance(e, Exit) for e in client.events)  # the tree's last events
    assert not os.path.exists(server.address.path)
    assert wait_for(lambda: not [t for t in threading.enumerate() if t.name.startswith("suptui-serve")])


def test_several_clients_each_get_every_event(runtime, short_dir, attach):
    start_tree(runtime, ChildSpec("w", Idle))
    server = serve(runtime, str(short_dir / "s.sock"), announce=False)
    clients = [attach(str(server.address)) for _ in range(3)]
    for _ in range(5):
        old = runtime.whereis("root/w")
        runtime.kill(old)
        assert wait_for(lambda old=old: runtime.whereis("root/w") not in (None, old))
    for client in clients:
        client.wait(lambda c: sum(isinstance(e, Start) for e in c.events) == 5)
        assert [type(e).__name__ for e in client.events] == ["Kill", "Crash", "Start"] * 5
    assert all(isinstance(u, Events) for c in clients for u in c.updates)
