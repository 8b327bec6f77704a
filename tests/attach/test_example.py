"""examples/echo_service.py as a user runs it: a subprocess, attached headless and through the client,
its acceptor killed through the socket, a real TCP client served again, stopped by a signal."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from suptui.engine.protocol import Crash, Kill, Start

from tests.attach.conftest import Collector
from tests.support.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "echo_service.py"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _echo(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(data)
        return client.recv(1024)


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))  # (no SO_REUSEADDR: a listener anywhere would refuse it)
        except OSError:
            return False
        return True


@pytest.fixture
def service(short_dir):
    port = _free_port()
    address = str(short_dir / "echo.sock")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(EXAMPLE), "--port", str(port), "--serve", address],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    try:
        assert proc.stdout is not None
        assert f"127.0.0.1:{port}" in proc.stdout.readline()  # printed once it serves
        yield proc, port, address
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)  # (and closes the pipes)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_echo_service_attached_killed_through_the_socket_serves_again_and_stops_cleanly(service, stop):
    from suptui.attach import open_connection

    proc, port, address = service
    assert wait_for(lambda: _try_echo(port) == b"hello")
    watcher = Collector(open_connection(address))
    assert watcher.connection.hello.title == "echo service"
    acceptor = watcher.snapshot.node("root/acceptor")
    assert acceptor is not None and acceptor.state == "running"
    running = {n.path for n in watcher.snapshot.running()}
    assert running >= {"root", "root/handlers", "root/acceptor", "root/health"}

    reply = watcher.connection.request("kill", "root/acceptor").result(5)
    assert reply.ok
    watcher.wait(lambda c: any(isinstance(e, Start) and e.path == "root/acceptor" and e.restart
                               for e in c.events))
    kinds = [(type(e), e.path) for e in watcher.events]
    assert kinds[:2] == [(Kill, "root/acceptor"), (Crash, "root/acceptor")]
    assert _echo(port, b"again") == b"again"  # the restarted acceptor has the port

    proc.send_signal(stop)
    assert proc.wait(10) == 0
    watcher.wait(lambda c: c.ended() is not None)
    assert watcher.ended().program_ended
    assert _port_is_free(port)
    assert not os.path.exists(address)
    watcher.close()


def _try_echo(port: int) -> bytes | None:
    try:
        return _echo(port, b"hello")
    except OSError:
        return None


def test_echo_service_streamed_by_suptui_attach_headless(service):
    proc, port, address = service
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    attached = subprocess.Popen([sys.executable, "-m", "suptui", "attach", address, "--headless", "--format",
                                 "jsonl"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    assert attached.stdout is not None
    header = attached.stdout.readline()
    assert '"suptui": "recording"' in header and '"clock": "real"' in header
    assert wait_for(lambda: _try_echo(port) == b"hello")
    proc.send_signal(signal.SIGTERM)
    guard = threading.Timer(10, attached.kill)  # (a hang fails the test instead of the suite)
    guard.start()
    out = attached.stdout.read()  # (not communicate(): it would skip what readline() buffered)
    guard.cancel()
    assert attached.wait(10) == 0, attached.stderr.read()
    attached.stderr.close()
    attached.stdout.close()
    from suptui.engine.recording import parse_lines

    recording = parse_lines([header, *out.splitlines(keepends=True)])
    paths = [(e.kind, e.path) for e in recording.events]
    assert ("start", "root/acceptor") in paths and paths[-1] == ("exit", "root")
    assert proc.wait(10) == 0
