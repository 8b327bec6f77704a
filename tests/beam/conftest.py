"""A real Elixir node for the BEAM attach tests: the lesson's fixture (fixtures/lesson_node.exs) under a
random name and cookie, and its stdin/stdout to command it ("bombs", "check"). Skipped with a reason
when ``elixir`` is not installed (CI installs it)."""

from __future__ import annotations

import contextlib
import os
import queue
import secrets
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

FIXTURE = Path(__file__).with_name("fixtures") / "lesson_node.exs"

if shutil.which("elixir") is None and os.environ.get("SUPTUI_BEAM_TESTS") == "required":
    raise RuntimeError("SUPTUI_BEAM_TESTS=required (CI) but elixir is not on PATH: the real-node tests "
                       "must run (apt-get install elixir)")
needs_elixir = pytest.mark.skipif(shutil.which("elixir") is None,
                                  reason="elixir is not installed (apt-get install elixir); CI installs it")


@dataclass
class LessonNode:
    name: str
    cookie: str
    process: subprocess.Popen[str]
    lines: queue.Queue[str | None] = field(default_factory=queue.Queue)

    def start_reading(self) -> None:
        """A thread reads the node's stdout into :attr:`lines` (select on a buffered pipe would miss
        lines already read into its buffer)."""
        def read() -> None:
            assert self.process.stdout is not None
            with self.process.stdout:
                for line in self.process.stdout:
                    self.lines.put(line)
            self.lines.put(None)

        threading.Thread(target=read, name="lesson-node-stdout", daemon=True).start()

    def command(self, line: str, expect: str, timeout: float = 10.0) -> str:
        """Send a command; the first line of its answer that starts with ``expect``."""
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return self.read_until(expect, timeout)

    def read_until(self, expect: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            if line.startswith(expect):
                return line.strip()
        raise AssertionError(f"the lesson node did not answer {expect!r} within {timeout} s")

    def check(self) -> str:
        """``check tracers=N filters=… handlers=…``: what tracing and logging the node has now."""
        return self.command("check", "check ")


def start_lesson_node(long_name: bool = False) -> LessonNode:
    """The fixture node, named ``lesson_<random>@<short host>`` (or ``…@127.0.0.1`` with ``long_name``)."""
    name = f"lesson_{secrets.token_hex(4)}"
    cookie = secrets.token_hex(12)
    naming = ["--name", f"{name}@127.0.0.1"] if long_name else ["--sname", name]
    process = subprocess.Popen(["elixir", *naming, "--cookie", cookie, str(FIXTURE)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True, start_new_session=True)
    node = LessonNode("", cookie, process)
    node.start_reading()
    ready = node.read_until("ready ", 30.0)
    node.name = ready.split()[1]
    assert node.name.startswith(name + "@"), ready
    return node


def stop_lesson_node(node: LessonNode) -> None:
    if node.process.stdin is not None:
        with contextlib.suppress(OSError):
            node.process.stdin.close()
    try:
        node.process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(node.process.pid, 9)
        node.process.wait(5)


@pytest.fixture(scope="module")
def lesson() -> Iterator[LessonNode]:
    node = start_lesson_node()
    try:
        yield node
    finally:
        stop_lesson_node(node)


def short_host() -> str:
    return socket.gethostname().split(".")[0]
