"""The app dies without cleaning up (a worker calls ``os._exit``, SIGKILL): the terminal is given back.

Runs the real ``suptui TREE`` in a real terminal (tmux), from a shell that then prints the exit
status and whether the terminal's modes (``stty -g``) are what they were, and asks tmux about the
pane once the app is gone: main screen, cursor shown, mouse reporting off, and a one-line report.
Polls with deadlines, since the app runs on wall time here. Skips where tmux is missing (CI
installs it).
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

WORKER = '''
import os

from suptui.engine import Actor


class Exits(Actor):
    """Ends the whole process with os._exit(3) at 1.5 s, nothing cleaned up."""

    def init(self):
        self.send_after(1500, "go")

    def handle_info(self, msg):
        os._exit(3)
'''

Tmux = Callable[..., str]


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed (CI installs it): the terminal's modes cannot be checked")
    socket = f"suptui-restore-{os.getpid()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL") and k != "NO_COLOR"}
    env["TERM"] = "xterm-256color"

    def run(*args: str) -> str:
        return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True, timeout=10,
                              env=env).stdout

    yield run
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, timeout=10, env=env)


def _start(tmux: Tmux, tmp_path: Path, tree_text: str) -> None:
    (tmp_path / "exiting_worker.py").write_text(WORKER)
    (tmp_path / "tree.toml").write_text(textwrap.dedent(tree_text))
    command = shlex.join([sys.executable, "-m", "suptui", "tree.toml"])
    script = (f'modes=$(stty -g); {command}; echo "EXIT=$?"; '
              '[ "$(stty -g)" = "$modes" ] && echo "TTY=same" || echo "TTY=changed"; sleep 600')
    tmux("new-session", "-d", "-s", "app", "-x", "120", "-y", "36", "-c", str(tmp_path), script)


def _fmt(tmux: Tmux, variable: str) -> str:
    return tmux("display-message", "-p", "-t", "app", f"#{{{variable}}}").strip()


def _wait(what: Callable[[], bool], describe: Callable[[], str], deadline_s: float = 30.0) -> None:
    end = time.monotonic() + deadline_s
    while not what():
        assert time.monotonic() < end, describe()
        time.sleep(0.1)


def _pane(tmux: Tmux) -> str:
    return tmux("capture-pane", "-p", "-t", "app")


def _wait_for_the_end(tmux: Tmux) -> str:
    """The pane once the shell has printed the exit status and the terminal-modes check."""
    _wait(lambda: "TTY=" in _pane(tmux), lambda: f"the app did not end:\n{_pane(tmux)}")
    return _pane(tmux)


def _assert_terminal_is_back(tmux: Tmux, pane: str) -> None:
    assert "TTY=same" in pane, "the terminal's modes (raw mode, echo) are what they were"
    modes = {name: _fmt(tmux, name) for name in ("alternate_on", "cursor_flag", "mouse_any_flag",
                                                 "mouse_sgr_flag", "keypad_cursor_flag")}
    assert modes["alternate_on"] == "0", modes
    assert modes["cursor_flag"] == "1", modes
    assert modes["mouse_any_flag"] == "0", modes
    assert modes["mouse_sgr_flag"] == "0", modes


def _app_is_up(tmux: Tmux) -> None:
    _wait(lambda: _fmt(tmux, "alternate_on") == "1" and "root started" in _pane(tmux),
          lambda: f"the app never showed its tree:\n{_pane(tmux)}")


def test_a_worker_calling_os_exit_leaves_the_terminal_usable(tmux: Tmux, tmp_path: Path) -> None:
    _start(tmux, tmp_path, '''
        [[children]]
        id = "exits"
        worker = "exiting_worker:Exits"
    ''')
    _app_is_up(tmux)
    assert _fmt(tmux, "mouse_any_flag") == "1" or _fmt(tmux, "mouse_button_flag") == "1"
    pane = _wait_for_the_end(tmux)
    _assert_terminal_is_back(tmux, pane)
    assert "EXIT=3" in pane, "the app's exit status is the command's"
    assert "suptui: the app ended abnormally (exit status 3); the terminal was restored" in pane


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def test_sigkill_of_the_app_leaves_the_terminal_usable(tmux: Tmux, tmp_path: Path) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to find the app's process")
    _start(tmux, tmp_path, '''
        [[children]]
        id = "sleeps"
        worker = "sleeper"
    ''')
    _app_is_up(tmux)
    pane_pid = int(_fmt(tmux, "pane_pid"))
    apps = [pid for pid in _descendants(pane_pid) if b"suptui" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert apps, "the app's process was not found"
    os.kill(apps[-1], signal.SIGKILL)  # the deepest one runs the app
    pane = _wait_for_the_end(tmux)
    _assert_terminal_is_back(tmux, pane)
    assert f"EXIT={128 + signal.SIGKILL}" in pane
    assert "suptui: the app was killed by SIGKILL; the terminal was restored" in pane


def test_quitting_normally_says_nothing_and_exits_zero(tmux: Tmux, tmp_path: Path) -> None:
    _start(tmux, tmp_path, '''
        [[children]]
        id = "sleeps"
        worker = "sleeper"
    ''')
    _app_is_up(tmux)
    tmux("send-keys", "-t", "app", "q")
    pane = _wait_for_the_end(tmux)
    _assert_terminal_is_back(tmux, pane)
    assert "EXIT=0" in pane
    assert "suptui:" not in pane


SCRIBBLER = '''
import os

from suptui.engine import Actor


class Scribbles(Actor):
    """Writes to file descriptors 1 and 2 behind Python's back (as a subprocess or C code would),
    escape sequences included, every 100 ms; and once to each in its init."""

    def init(self):
        os.write(1, b"FD-ONE-INIT\\n")
        os.write(2, b"FD-TWO-INIT\\n")
        self.send_after(100, "go")

    def handle_info(self, msg):
        os.write(1, b"FD-ONE\\x1b[41mRED\\x1b[2J\\n")
        os.write(2, b"FD-TWO\\x1b[?1049l\\n")
        self.send_after(100, "go")
'''


def test_a_worker_writing_to_fds_1_and_2_does_not_draw_over_the_app(tmux: Tmux, tmp_path: Path) -> None:
    (tmp_path / "scribbler.py").write_text(SCRIBBLER)
    (tmp_path / "tree.toml").write_text('[[children]]\nid = "s"\nworker = "scribbler:Scribbles"\n')
    command = shlex.join([sys.executable, "-m", "suptui", "tree.toml"])
    script = (f'modes=$(stty -g); {command}; echo "EXIT=$?"; '
              '[ "$(stty -g)" = "$modes" ] && echo "TTY=same" || echo "TTY=changed"; sleep 600')
    tmux("new-session", "-d", "-s", "app", "-x", "120", "-y", "36", "-c", str(tmp_path), script)
    _app_is_up(tmux)
    time.sleep(1.0)  # ten rounds of scribbles (wall time: the app is paced)
    pane = _pane(tmux)
    assert "FD-ONE" not in pane and "FD-TWO" not in pane and "RED" not in pane, pane
    assert _fmt(tmux, "alternate_on") == "1", "a worker's escape left the app's screen"
    assert "suptui · tree" in pane and "root started" in pane, pane  # the app's own screen, whole
    tmux("send-keys", "-t", "app", "q")
    pane = _wait_for_the_end(tmux)
    _assert_terminal_is_back(tmux, pane)
    assert "EXIT=0" in pane and "FD-ONE" not in pane, pane
