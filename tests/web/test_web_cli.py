"""``suptui serve``'s command line: loopback unless asked, a warning when asked, one line and exit 2
for a port it cannot use. The server itself is replaced where only the command line is tested."""

from __future__ import annotations

import socket
import sys

import pytest

from suptui.web import command, server

from tests.support.cli import Capsys, run, run_refused

Calls = list[tuple[str | None, str, int]]


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str | None, str, int]]:
    calls: list[tuple[str | None, str, int]] = []
    monkeypatch.setattr(server, "serve", lambda tree, host, port: calls.append((tree, host, port)))
    return calls


def test_loopback_by_default_and_no_warning(capsys: Capsys, served: Calls) -> None:
    code, _, err = run(capsys, "serve", "bombs", "--port", "8123")
    assert code == 0
    assert served == [("bombs", "127.0.0.1", 8123)]
    assert err == ""


def test_the_picker_without_a_tree(capsys: Capsys, served: Calls) -> None:
    assert run(capsys, "serve")[0] == 0
    assert served == [(None, "127.0.0.1", command.DEFAULT_PORT)]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_another_host_only_when_asked_with_a_warning(capsys: Capsys, served: Calls, host: str) -> None:
    code, _, err = run(capsys, "serve", "bombs", "--host", host, "--port", "8124")
    assert code == 0
    assert served == [("bombs", host, 8124)]
    assert err.startswith(f"suptui: warning: serving on {host}:8124, not loopback: anyone who can reach")
    assert "run its trees" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("port", ["0", "65536", "-1", "http", "80.5"])
def test_a_bad_port_is_one_line_and_exit_2(capsys: Capsys, served: Calls,
                                           port: str) -> None:
    code, out, err = run_refused(capsys, "serve", "bombs", "--port", port)
    assert code == 2
    assert out == "" and served == []
    assert err.startswith("suptui: error: argument --port: expected a port number from 1 to 65535")
    assert err.count("\n") == 1


def test_a_port_in_use_is_one_line_and_exit_2(capsys: Capsys) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = run_refused(capsys, "serve", "bombs", "--port", str(port))
    assert code == 2
    assert out == ""
    assert err == f"suptui: error: cannot serve on 127.0.0.1:{port}: the port is in use (another server, " \
                  "or another suptui serve?); pick another with --port\n"


def test_a_bad_tree_is_refused_before_serving(capsys: Capsys, served: Calls) -> None:
    code, _, err = run_refused(capsys, "serve", "no_such_tree")
    assert code == 2
    assert served == []
    assert "no_such_tree" in err


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.1.2.3", True), ("[::1]", True),
    ("0.0.0.0", False), ("::", False), ("10.0.0.1", False), ("example.org", False),
])
def test_is_loopback(host: str, loopback: bool) -> None:
    assert server.is_loopback(host) is loopback


def test_each_tab_runs_this_python_on_the_tree(tmp_path: object) -> None:
    assert server.app_command(None) == f"exec {sys.executable} -m suptui"
    tree = server.app_command("trees/bombs.toml")
    assert tree.startswith(f"exec {sys.executable} -m suptui /")
    assert tree.endswith("/trees/bombs.toml")
    assert server.app_command("bombs").endswith(" -m suptui bombs")
