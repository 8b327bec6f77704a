"""The client: the app's reconnecting Attachment, the environment opt-in, and 'suptui attach' on the
command line (one-line errors with exit 2, text and jsonl streams)."""

from __future__ import annotations

import io
import os
import threading

import pytest

from suptui.attach import AttachError, Attachment, Closed, Connected, Disconnected, Events, Reconnecting
from suptui.cli import main
from suptui.engine import ChildSpec, RealClock, Runtime
from suptui.engine.recording import parse_lines
from suptui.engine.serve import serve
from suptui.headless.attached import attach_headless

from tests.attach.conftest import Idle, start_tree


def _until(attachment: Attachment, kind: type, timeout: float = 5.0) -> list:
    seen = []
    while True:
        update = attachment.get(timeout)
        assert update is not None, f"no {kind.__name__} within {timeout} s; saw {seen}"
        seen.append(update)
        if isinstance(update, kind):
            return seen


def test_attachment_reports_disconnect_reconnects_and_starts_from_a_fresh_snapshot(short_dir):
    address = str(short_dir / "s.sock")
    first = Runtime(RealClock(), log_reports=False)
    start_tree(first, ChildSpec("w", Idle))
    serve(first, address, announce=False)
    calls = []
    attachment = Attachment(address, retry_s=0.05, on_update=calls.append)
    try:
        connected = attachment.connect()
        assert attachment.state == "connected" and connected.snapshot.node("root/w") is not None
        assert attachment.kill("root/w").result(5).ok
        assert any(isinstance(u, Events) for u in _until(attachment, Events))
        first.shutdown(5)
        seen = _until(attachment, Reconnecting)
        ended = next(u for u in seen if isinstance(u, Disconnected))
        assert ended.program_ended and attachment.state == "reconnecting"
        assert isinstance(attachment.exit("root/w", "{shutdown, done}").exception(1), AttachError)
        second = Runtime(RealClock(), log_reports=False)  # the program comes back
        try:
            start_tree(second, ChildSpec("v", Idle))
            serve(second, address, announce=False)
            again = _until(attachment, Connected, timeout=10)[-1]
            assert attachment.state == "connected"
            assert again.snapshot.node("root/v") is not None and again.snapshot.node("root/w") is None
        finally:
            second.shutdown(5)
    finally:
        attachment.close()
    assert isinstance(_until(attachment, Closed)[-1], Closed) and attachment.state == "closed"
    assert isinstance(calls[0], Connected)


def test_attachment_first_connect_failure_is_an_error_at_once(short_dir):
    with pytest.raises(AttachError, match="no such socket"):
        Attachment(str(short_dir / "none.sock")).connect()


def test_suptui_serve_in_the_environment_serves_a_runtime(short_dir, monkeypatch, capfd):
    monkeypatch.setenv("SUPTUI_SERVE", str(short_dir / "env.sock"))
    rt = Runtime(RealClock(), log_reports=False)
    try:
        assert os.path.exists(short_dir / "env.sock")
        assert "suptui attach" in capfd.readouterr().err
    finally:
        rt.shutdown(5)
    assert not os.path.exists(short_dir / "env.sock")
    monkeypatch.setenv("SUPTUI_SERVE", "tcp://0.0.0.0:0")  # refused: the program runs unserved
    rt = Runtime(RealClock(), log_reports=False)
    rt.shutdown(5)
    assert "not serving" in capfd.readouterr().err


@pytest.mark.parametrize(("argv", "message"), [
    (["attach"], "attach needs an address"),
    (["attach", "tcp://nowhere", "--headless"], "bad address"),
    (["attach", "/tmp/sa-no-such-dir/x.sock", "--headless"], "no such socket"),
    (["attach", "/tmp/sa-no-such-dir/x.sock"], "no such socket"),  # the app: refused before it opens
    (["attach", "/tmp/x.sock", "--format", "jsonl"], "--format only applies with --headless"),
])
def test_cli_errors_are_one_line_and_exit_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_cli_refused_tcp_is_one_line(capsys):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, not listening: refused
        assert main(["attach", f"tcp://127.0.0.1:{port}", "--headless"]) == 2
    assert "connection refused" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["jsonl", "text"])
def test_headless_stream_until_the_program_ends(runtime, short_dir, fmt):
    start_tree(runtime, ChildSpec("w", Idle))
    server = serve(runtime, str(short_dir / "s.sock"), announce=False, title="demo")
    out, err = io.StringIO(), io.StringIO()
    done = []
    thread = threading.Thread(target=lambda: done.append(attach_headless(str(server.address), None, fmt,
                                                                         out, err)))
    thread.start()
    from tests.support.waiting import wait_for

    assert wait_for(lambda: server.client_count() == 1)
    runtime.kill(runtime.whereis("root/w"))
    assert wait_for(lambda: runtime.whereis("root/w") is not None)
    runtime.shutdown(5)
    thread.join(10)
    assert done == [0], err.getvalue()
    if fmt == "jsonl":
        recording = parse_lines(out.getvalue().splitlines(keepends=True))
        assert recording.header.title == "demo" and recording.header.clock == "real"
        kinds = [(e.kind, e.path) for e in recording.events]
        assert kinds[:2] == [("start", "root/w"), ("start", "root")]  # what ran when it attached
        assert ("kill", "root/w") in kinds and kinds[-1] == ("exit", "root")
    else:
        lines = out.getvalue().splitlines()
        assert "kill" in lines[2] and "root/w" in lines[2] and "by user" in lines[2]
        assert lines[-1].split()[1:5] == ["○", "exit", "root", "<0.1.0>"]


IMPORTS = """
import sys
import suptui.attach
ours = sorted(m for m in sys.modules if m.startswith("suptui.")
              and not m.startswith(("suptui.engine", "suptui.attach")))
assert not ours, ours
import suptui.cli, suptui.headless.attached
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith(("textual.", "suptui.tui")))
assert not loaded, loaded
"""


def test_the_client_imports_only_the_engine_and_the_headless_attach_no_textual():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", IMPORTS], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_attachment_started_before_the_program_connects_when_it_comes(short_dir):
    address = str(short_dir / "later.sock")
    attachment = Attachment(address, retry_s=0.05)
    attachment.start()
    try:
        first = _until(attachment, Reconnecting)[-1]
        assert first.attempt == 1 and attachment.state == "reconnecting"
        rt = Runtime(RealClock(), log_reports=False)
        try:
            start_tree(rt, ChildSpec("w", Idle))
            serve(rt, address, announce=False)
            connected = _until(attachment, Connected, timeout=10)[-1]
            assert connected.snapshot.node("root/w") is not None
        finally:
            rt.shutdown(5)
    finally:
        attachment.close()
