"""The headless command as a real process, against workers that write to stdout or end the process.

Workers' output (print, a raw write to fd 1, C's printf, a subprocess) never reaches the command's
own output, in any format; and what a run printed before it was cut short (``os._exit`` from a
worker, SIGKILL) is there afterwards, for ``jsonl`` and for ``text``. These run ``python -m suptui``
because descriptors, exits and signals are what is tested.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from suptui.engine import EVENT_KINDS
from suptui.engine.recording import parse_lines
from suptui.headless import printer

WORKERS = '''
import ctypes
import os
import subprocess
import sys

from suptui.engine import Actor

print("IMPORT-PRINT")
sys.stdout.flush()
os.write(1, b"IMPORT-FD1\\n")


class Noisy(Actor):
    """Writes to stdout every way a program can, at init and on every tick."""

    def init(self):
        self.noise("INIT")
        self.send_after(100, "tick")

    def handle_info(self, msg):
        self.noise("TICK")
        self.send_after(100, "tick")

    def noise(self, when):
        print(f"{when}-PRINT")
        sys.__stdout__.write(f"{when}-DUNDER\\n")
        os.write(1, f"{when}-FD1\\n".encode())
        libc = ctypes.CDLL(None)
        libc.printf(f"{when}-PRINTF\\n".encode())
        libc.fflush(None)
        subprocess.run(["echo", f"{when}-ECHO"], check=True)


class Exits(Actor):
    """Ends the whole process with os._exit(code) at ``at`` ms (no cleanup of any kind runs)."""

    def __init__(self, at=3000, code=3):
        self.at = at
        self.code = code

    def init(self):
        self.send_after(self.at, "go")

    def handle_info(self, msg):
        os._exit(self.code)


class Kills(Actor):
    """SIGKILLs its own process at ``at`` ms: as if killed from outside at that moment."""

    def __init__(self, at=3000):
        self.at = at

    def init(self):
        self.send_after(self.at, "go")

    def handle_info(self, msg):
        import signal
        os.kill(os.getpid(), signal.SIGKILL)
'''

BOMBS = '''
[[children]]
id = "bomb"
worker = "bomb"
args = { bomb_time = 2000 }
'''


def _tree(tmp_path: Path, extra: str) -> Path:
    (tmp_path / "faulty_workers.py").write_text(WORKERS)
    path = tmp_path / "tree.toml"
    path.write_text(textwrap.dedent(BOMBS) + textwrap.dedent(extra))
    return path


def _recorded(stdout: str) -> list[dict]:
    """The events of a ``--format jsonl`` output, which must be a whole, readable recording."""
    parse_lines(stdout.splitlines(keepends=True), "stdout")
    header, *events = (json.loads(line) for line in stdout.splitlines())
    assert header["suptui"] == "recording"
    return events


def _suptui(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "suptui", *args], capture_output=True, text=True,
                          timeout=timeout)


NOISY = '''
[[children]]
id = "noisy"
worker = "faulty_workers:Noisy"
'''


@pytest.mark.parametrize("fmt", ["jsonl", "text", "summary", "svg"])
def test_workers_writing_to_stdout_never_reach_the_output(tmp_path: Path, fmt: str) -> None:
    tree = _tree(tmp_path, NOISY)
    done = _suptui(str(tree), "--headless", "--format", fmt, "--until", "1001")
    assert done.returncode == 0, done.stderr
    for when in ("INIT", "TICK"):
        for how in ("PRINT", "DUNDER", "FD1", "PRINTF", "ECHO"):
            assert f"{when}-{how}" not in done.stdout
            assert f"{when}-{how}" in done.stderr, "a worker's output goes to stderr, where it is seen"
    assert "IMPORT-PRINT" in done.stderr and "IMPORT-FD1" in done.stderr
    assert "IMPORT" not in done.stdout
    lines = done.stdout.splitlines()
    if fmt == "jsonl":
        events = _recorded(done.stdout)
        assert [e["event"] for e in events].count("start") == 3
    elif fmt == "text":
        assert all(line.split()[2] in EVENT_KINDS for line in lines)
    elif fmt == "svg":
        assert done.stdout.startswith("<svg") or done.stdout.startswith("<?xml")
    else:
        assert lines[0] == "- 0 seconds: root starts bomb and noisy"


def test_a_bad_tree_file_printing_at_import_keeps_stdout_empty(tmp_path: Path) -> None:
    tree = _tree(tmp_path, NOISY)
    tree.write_text(tree.read_text() + 'typo = 1\n')
    done = _suptui(str(tree), "--headless", "--format", "jsonl")
    assert (done.returncode, done.stdout) == (2, "")
    assert "IMPORT-PRINT" in done.stderr and f"{tree}:" in done.stderr


EXITS = '''
[[children]]
id = "exits"
worker = "faulty_workers:Exits"
args = { at = 3000, code = 3 }
'''


def test_a_worker_calling_os_exit_keeps_the_jsonl_printed_so_far(tmp_path: Path) -> None:
    done = _suptui(str(_tree(tmp_path, EXITS)), "--headless", "--format", "jsonl")
    assert done.returncode == 3
    events = _recorded(done.stdout)
    assert [(e["t"], e["event"], e["path"]) for e in events if e["event"] != "start"] == [
        (2000, "crash", "root/bomb")]
    assert events[-1]["t"] == 2000 and events[-1]["event"] == "start", "bomb's restart at 2 s"


def test_a_worker_calling_os_exit_keeps_the_text_printed_so_far(tmp_path: Path) -> None:
    done = _suptui(str(_tree(tmp_path, EXITS)), "--headless")
    assert done.returncode == 3
    lines = done.stdout.splitlines()
    assert [line.split()[:4] for line in lines] == [
        ["0.000", "●", "start", "root/bomb"], ["0.000", "●", "start", "root/exits"],
        ["0.000", "●", "start", "root"], ["2.000", "✖", "crash", "root/bomb"],
        ["2.000", "↻", "start", "root/bomb"]]
    assert "Exploded!" in lines[3]
    assert len({line.index("<0.") for line in lines}) == 1, "aligned as a whole"
    assert "the run ended abnormally; the 5 events before that are printed" in done.stderr


KILLS = '''
[[children]]
id = "kills"
worker = "faulty_workers:Kills"
args = { at = 3000 }
'''


@pytest.mark.parametrize("fmt", ["jsonl", "text"])
def test_sigkill_keeps_what_was_printed(tmp_path: Path, fmt: str) -> None:
    done = _suptui(str(_tree(tmp_path, KILLS)), "--headless", "--format", fmt)
    assert done.returncode == -signal.SIGKILL
    lines = done.stdout.splitlines()
    if fmt == "jsonl":
        assert [e["event"] for e in _recorded(done.stdout)] == ["start", "start", "start", "crash", "start"]
    else:
        assert len(lines) == 5
        assert [line.split()[2] for line in lines] == ["start", "start", "start", "crash", "start"]


def test_sigkill_from_outside_during_a_realtime_run_keeps_the_jsonl(tmp_path: Path) -> None:
    """A run on the wall clock, killed from outside once its first crash (at 2 s) is out."""
    tree = _tree(tmp_path, "")
    seen: list[dict] = []
    with subprocess.Popen([sys.executable, "-m", "suptui", str(tree), "--headless", "--realtime",
                           "--until", "600000", "--format", "jsonl"],
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as process:
        assert process.stdout is not None
        deadline = time.monotonic() + 30
        try:
            while time.monotonic() < deadline:
                line = process.stdout.readline()
                if not line:
                    break
                seen.append(json.loads(line))
                if seen[-1].get("event") == "crash":
                    break
            process.send_signal(signal.SIGKILL)
        finally:
            process.kill()
            rest = process.stdout.read()
            process.wait(timeout=10)
    assert seen[0]["suptui"] == "recording" and seen[0]["clock"] == "real"
    assert [e["event"] for e in seen[1:]] == ["start", "start", "crash"], "printed as it happened"
    assert all(json.loads(line) for line in rest.splitlines())


def test_the_printer_and_the_text_format_agree_on_the_kind_column() -> None:
    assert max(len(kind) for kind in EVENT_KINDS) + len("■ ") == printer.KIND_WIDTH


def test_the_printer_ignores_what_is_not_a_row(tmp_path: Path) -> None:
    rows = [json.dumps(["0.000", "● start", "root", "<0.1.0>", "x"]), "garbage", json.dumps([1, 2]),
            json.dumps(["10.000", "✖ crash", "root/a", "<0.10.0>", "boom"]), "END"]
    done = subprocess.run([sys.executable, "-I", "-S", printer.__file__, "utf-8", str(os.getpid())],
                          input="\n".join(rows) + "\n", capture_output=True, text=True, timeout=30)
    assert done.stdout.splitlines() == [" 0.000  ● start      root    <0.1.0>   x",
                                        "10.000  ✖ crash      root/a  <0.10.0>  boom"]
    assert done.stderr == ""
