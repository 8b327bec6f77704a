"""A client that never reads cannot slow the program; who may connect (socket modes, loopback, token)."""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
import time

import pytest

from suptui.attach import AttachError, open_connection
from suptui.engine import ChildSpec, EventRecorder, SupervisorClient
from suptui.engine.listen import AddressError, parse_address, private_dir
from suptui.engine.protocol import Start
from suptui.engine.serve import serve

from tests.attach.conftest import Crasher, Idle, start_tree
from tests.support.waiting import wait_for


def _restarts(recorder: EventRecorder) -> int:
    return sum(1 for e in recorder.snapshot() if isinstance(e, Start) and e.path == "root/loop")


def _raw_client(address: str) -> tuple[socket.socket, object]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # fills at once
    sock.connect(address)
    reader = sock.makefile("rb")
    reader.readline()
    sock.sendall(b'{"type": "hello", "protocol": 1}\n')
    return sock, reader


def test_a_client_that_never_reads_does_not_slow_the_restart_loop_and_is_resynchronised(runtime, short_dir):
    recorder = EventRecorder()
    runtime.events.subscribe(recorder)
    server = serve(runtime, str(short_dir / "s.sock"), announce=False, queue_limit=100)
    sock, reader = _raw_client(str(server.address))
    assert wait_for(lambda: server.client_count() == 1)
    start_tree(runtime, ChildSpec("idle", Idle), ChildSpec("loop", Crasher), max_restarts=10**9)
    client = server._clients[0]
    assert wait_for(lambda: client.overflowed, timeout=10)  # it fell behind: its queue was dropped
    before, started = _restarts(recorder), time.monotonic()
    assert wait_for(lambda: _restarts(recorder) >= before + 2000, timeout=10)  # the loop goes on
    assert time.monotonic() - started < 10
    assert len(client.events) <= 100  # bounded however far behind it is
    SupervisorClient(runtime, runtime.whereis("root")).terminate_child("loop")  # the storm ends
    runtime.kill(runtime.whereis("root/idle"))  # one last, known event
    last = next(e.seq for e in reversed(recorder.snapshot()) if e.kind == "kill")
    # it reads at last: whatever was in flight, then overflow and a fresh snapshot (perhaps more than
    # once), and from the last snapshot on every event in order, until the last one is covered
    expected, overflows = None, 0
    sock.settimeout(10)  # (a hang fails the test)
    while expected is None or expected <= last:
        message = json.loads(reader.readline())
        if message["type"] == "overflow":
            overflows += 1
            snapshot = json.loads(reader.readline())
            assert snapshot["type"] == "snapshot" and snapshot["seq"] == message["seq"]
            assert message["dropped"] > 0
            expected = snapshot["seq"] + 1
        elif message["type"] == "events" and expected is not None:
            assert message["seq"] == expected
            expected += len(message["events"])
    assert overflows >= 1
    sock.close()


def test_default_socket_is_owner_only_in_an_owner_only_directory(runtime, short_dir, monkeypatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(short_dir))
    server = serve(runtime, announce=False)
    path = server.address.path
    assert path == str(short_dir / "suptui" / f"{os.getpid()}.sock")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and stat.S_ISSOCK(os.stat(path).st_mode)
    assert stat.S_IMODE(os.stat(short_dir / "suptui").st_mode) == 0o700
    assert not [name for name in os.listdir(short_dir / "suptui") if name.startswith(".suptui-")]
    server.close()
    assert not os.path.exists(path)


def test_a_socket_directory_open_to_others_or_not_a_directory_is_refused(short_dir):
    loose = short_dir / "loose"
    loose.mkdir()
    os.chmod(loose, 0o755)
    with pytest.raises(AddressError, match="open to other users"):
        private_dir(loose)
    (short_dir / "target").mkdir(mode=0o700)
    os.symlink(short_dir / "target", short_dir / "link")
    with pytest.raises(AddressError, match="not a directory"):
        private_dir(short_dir / "link")


def test_a_live_socket_is_not_taken_over_and_a_stale_one_is_replaced(runtime, short_dir):
    first = serve(runtime, str(short_dir / "s.sock"), announce=False)
    with pytest.raises(AddressError, match="another program is serving"):
        serve(runtime, str(short_dir / "s.sock"), announce=False)
    first._listener.shutdown(socket.SHUT_RDWR)  # as if the program died: the file stays, nobody answers
    first._listener.close()
    again = serve(runtime, str(short_dir / "s.sock"), announce=False)
    connection = open_connection(str(again.address))
    assert connection.snapshot.seq >= 0
    connection.close()


def test_tcp_is_loopback_only_unless_asked(runtime):
    with pytest.raises(AddressError, match="not a loopback address"):
        serve(runtime, "tcp://0.0.0.0:0", announce=False)


def test_tcp_needs_the_token(runtime, monkeypatch, capsys):
    start_tree(runtime, ChildSpec("w", Idle))
    server = serve(runtime, "tcp://127.0.0.1:0")
    assert server._listener.getsockname()[0] == "127.0.0.1"
    announced = capsys.readouterr().err
    assert server.token and f"SUPTUI_TOKEN={server.token}" in announced and str(server.address) in announced
    monkeypatch.delenv("SUPTUI_TOKEN", raising=False)
    with pytest.raises(AttachError, match="asks for a token"):
        open_connection(str(server.address))
    with pytest.raises(AttachError, match="wrong token"):
        open_connection(str(server.address), "not-the-token")
    connection = open_connection(str(server.address), server.token)
    assert connection.snapshot.node("root/w") is not None
    connection.close()
    monkeypatch.setenv("SUPTUI_TOKEN", server.token)
    open_connection(str(server.address)).close()


def test_a_client_of_another_protocol_is_refused(runtime, short_dir):
    server = serve(runtime, str(short_dir / "s.sock"), announce=False)
    sock = socket.socket(socket.AF_UNIX)
    sock.connect(str(server.address))
    reader = sock.makefile("rb")
    reader.readline()
    sock.sendall(b'{"type": "hello", "protocol": 99}\n')
    refusal = json.loads(reader.readline())
    assert refusal["error"] == "protocol" and "protocol 1" in refusal["message"]
    assert reader.readline() == b""  # and hung up on
    sock.close()


def test_a_program_of_a_newer_protocol_is_refused_with_one_line(short_dir):
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(short_dir / "new.sock"))
    listener.listen()

    def fake_server() -> None:
        conn, _ = listener.accept()
        conn.sendall(b'{"suptui": "attach", "protocol": 2, "version": "9.0"}\n')
        conn.recv(100)
        conn.close()

    threading.Thread(target=fake_server, daemon=True).start()
    with pytest.raises(AttachError, match=r"speaks protocol 2 .*upgrade suptui"):
        open_connection(str(short_dir / "new.sock"))
    listener.close()


@pytest.mark.parametrize(("address", "expected"), [
    ("tcp://127.0.0.1:4040", ("tcp", "127.0.0.1", 4040)),
    ("tcp://[::1]:80", ("tcp", "::1", 80)),
    ("unix:/run/x.sock", ("unix", "/run/x.sock", 0)),
    ("/tmp/a.sock", ("unix", "/tmp/a.sock", 0)),
])
def test_addresses(address, expected):
    parsed = parse_address(address)
    assert (parsed.kind, parsed.host or parsed.path, parsed.port) == expected


@pytest.mark.parametrize("address", ["tcp://x", "tcp://:1", "tcp://h:99999", "http://h:1", ""])
def test_bad_addresses(address):
    with pytest.raises(AddressError, match="bad address"):
        parse_address(address)


def test_two_runtimes_of_one_process_serve_at_two_default_sockets(short_dir, monkeypatch):
    from suptui.engine import RealClock, Runtime

    monkeypatch.setenv("XDG_RUNTIME_DIR", str(short_dir))
    first, second = Runtime(RealClock(), log_reports=False), Runtime(RealClock(), log_reports=False)
    try:
        a, b = serve(first, announce=False), serve(second, announce=False)
        assert a.address.path.endswith(f"/{os.getpid()}.sock")
        assert b.address.path.endswith(f"/{os.getpid()}-2.sock")
    finally:
        first.shutdown(5)
        second.shutdown(5)
    assert os.listdir(short_dir / "suptui") == []


def test_a_forked_child_that_exits_leaves_the_parents_server_alone(runtime, short_dir):
    server = serve(runtime, str(short_dir / "s.sock"), announce=False)
    child = os.fork()
    if child == 0:  # the child: what its atexit would do, then leave
        try:
            server.close()
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    assert os.path.exists(server.address.path)
    connection = open_connection(str(server.address))
    assert connection.snapshot.seq >= 0
    connection.close()


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("127.8.9.1", True), ("::1", True),
                                                ("localhost", True), ("0.0.0.0", False), ("::", False),
                                                ("10.0.0.1", False), ("example.com", False)])
def test_what_counts_as_loopback(host, loopback):
    from suptui.engine.listen import is_loopback

    assert is_loopback(host) is loopback
