"""End to end: the real ``suptui trees/bombs.toml`` in a real terminal (tmux), a real ``k``.

It polls the pane until what it waits for shows up (with a deadline), because here the pacer runs
on wall time like it does for a user. Skips cleanly where tmux, the CLI or the trees are missing.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TREE = ROOT / "trees" / "bombs.toml"


def _suptui_command() -> list[str] | None:
    script = Path(sys.executable).with_name("suptui")
    if script.exists():
        return [str(script)]
    try:
        import suptui.cli  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "suptui"]


@pytest.fixture
def tmux() -> Iterator[Callable[..., str]]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    socket = f"suptui-test-{os.getpid()}"
    # The app must look as it does for a user: no theme or colour overrides from the test's environment.
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL") and k != "NO_COLOR"}
    env["TERM"] = "xterm-256color"

    def run(*args: str) -> str:
        done = subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, timeout=10,
                              env=env)
        return done.stdout

    yield run
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=10, env=env)


def _wait_for(read: Callable[[], str], needle: str, deadline_s: float = 15.0) -> str:
    end = time.monotonic() + deadline_s
    screen = read()
    while needle not in screen and time.monotonic() < end:
        time.sleep(0.1)
        screen = read()
    assert needle in screen, f"{needle!r} never showed up; the pane reads:\n{screen}"
    return screen


def test_k_in_a_real_terminal_shows_the_kill_in_the_log(tmux) -> None:
    command = _suptui_command()
    if command is None or not TREE.exists():
        pytest.skip("the suptui command or trees/bombs.toml is not there")
    tmux("new-session", "-d", "-s", "e2e", "-x", "120", "-y", "36", "-c", str(ROOT),
         shlex.join([*command, "trees/bombs.toml"]))

    def pane() -> str:
        return tmux("capture-pane", "-p", "-t", "e2e")

    _wait_for(pane, "root started")
    tmux("send-keys", "-t", "e2e", "Down", "Down")
    _wait_for(pane, "bomb2  ")  # the details pane now shows bomb2
    tmux("send-keys", "-t", "e2e", "k")
    screen = _wait_for(pane, "kill bomb2 (by user)")
    assert "bomb2 killed" in screen
    tmux("send-keys", "-t", "e2e", "q")
    end = time.monotonic() + 15
    while "e2e" in tmux("list-sessions", "-F", "#{session_name}") and time.monotonic() < end:
        time.sleep(0.1)
    assert "e2e" not in tmux("list-sessions", "-F", "#{session_name}"), "q did not end the app"
