"""``suptui replay RUN.jsonl``: a recording printed as any run, opened in the app through one function,
and every file that is not a recording refused as ``FILE:LINE: message`` with exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from suptui.engine.protocol import PROTOCOL_VERSION
from suptui.engine.recording import MAX_LINE_BYTES, Recording

from tests.support.cli import Capsys, run, run_refused


def _record(capsys: Capsys, tmp_path: Path, tree: str = "bombs", *extra: str) -> Path:
    code, out, _ = run(capsys, tree, "--headless", "--format", "jsonl", *extra)
    assert code == 0
    path = tmp_path / f"{tree}.jsonl"
    path.write_text(out)
    return path


@pytest.mark.parametrize("fmt", ["text", "summary", "jsonl", "svg"])
def test_a_replay_prints_what_the_run_printed(capsys: Capsys, tmp_path: Path, fmt: str) -> None:
    recording = _record(capsys, tmp_path, "bombs_reordered")
    live = run(capsys, "bombs_reordered", "--headless", "--format", fmt, "--until", "9001")
    replayed = run(capsys, "replay", str(recording), "--headless", "--format", fmt, "--until", "9001")
    assert replayed == live
    assert live[0] == 0 and live[1]


def test_jsonl_of_a_replay_is_the_recording_byte_for_byte(capsys: Capsys, tmp_path: Path) -> None:
    recording = _record(capsys, tmp_path, "nested")
    assert run(capsys, "replay", str(recording), "--headless", "--format", "jsonl") == (
        0, recording.read_text(), "")


def test_text_is_the_default_and_until_cuts_it(capsys: Capsys, tmp_path: Path) -> None:
    recording = _record(capsys, tmp_path)
    code, out, _ = run(capsys, "replay", str(recording), "--headless", "--until", "3001")
    assert code == 0
    assert out == run(capsys, "bombs", "--headless", "--until", "3001")[1]
    assert out.splitlines()[-1].split()[:4] == ["3.000", "↻", "start", "root/bomb2"]


def test_a_replay_imports_no_worker_and_no_textual(tmp_path: Path) -> None:
    """The tree's own worker module prints when imported; a replay never imports it (nor Textual).

    (suptui's built-in worker classes are imported with the tree-file package, as for any command;
    none of them runs.)
    """
    (tmp_path / "loud_worker.py").write_text(
        "print('LOUD-IMPORT')\n"
        "from suptui.engine import Actor\n"
        "class Loud(Actor):\n"
        "    def init(self):\n"
        "        self.send_after(1000, 'x')\n"
        "    def handle_info(self, msg):\n"
        "        raise RuntimeError('loud')\n")
    (tmp_path / "loud.toml").write_text('[[children]]\nid = "loud"\nworker = "loud_worker:Loud"\n')
    record = subprocess.run([sys.executable, "-m", "suptui", str(tmp_path / "loud.toml"), "--headless",
                             "--format", "jsonl", "--until", "2001"],
                            capture_output=True, text=True, timeout=60)
    assert record.returncode == 0 and "LOUD-IMPORT" in record.stderr
    recording = tmp_path / "loud.jsonl"
    recording.write_text(record.stdout)
    (tmp_path / "loud_worker.py").unlink()  # a replay needs neither the tree file nor its workers
    (tmp_path / "loud.toml").unlink()
    script = f"""
import sys
import suptui.cli
for argv in (["--format", "text"], ["--format", "summary"], ["--format", "svg"], ["--at", "1500"]):
    code = suptui.cli.main(["replay", {str(recording)!r}, "--headless", *argv])
    assert code == 0, code
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith(("textual.", "rich", "loud_worker")))
assert not loaded, loaded
tui = sorted(m for m in sys.modules if m.startswith("suptui.tui"))
assert tui == ["suptui.tui", "suptui.tui.model"], tui
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "LOUD-IMPORT" not in done.stdout + done.stderr
    assert "root/loud" in done.stdout and "RuntimeError: loud" in done.stdout
    assert "  loud  <0.3.0>  ● running  restarted 1×" in done.stdout


# ---------------------------------------------------------------------------- the app


class FakeApp(ModuleType):
    """Stands in for ``suptui.tui.app`` with its replay entry point."""

    def __init__(self, with_replay: bool) -> None:
        super().__init__("suptui.tui.app")
        self.calls: list[tuple[Any, ...]] = []
        if with_replay:
            self.run_replay = self._run_replay

    def _run_replay(self, recording: Recording, source: str) -> int:
        self.calls.append((recording.header.title, len(recording.events), source))
        return 4


def test_without_headless_the_app_gets_the_recording(capsys: Capsys, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    recording = _record(capsys, tmp_path, "bombs", "--until", "3001")
    app = FakeApp(with_replay=True)
    monkeypatch.setitem(sys.modules, "suptui.tui.app", app)
    assert run(capsys, "replay", str(recording)) == (4, "", "")
    assert app.calls == [("Bombs (one_for_one)", 8, str(recording))]


def test_an_app_without_replay_says_so_in_one_line(capsys: Capsys, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    recording = _record(capsys, tmp_path)
    monkeypatch.setitem(sys.modules, "suptui.tui.app", FakeApp(with_replay=False))
    assert run(capsys, "replay", str(recording)) == (
        1, "", f"suptui: replaying in the app is not available yet; use 'suptui replay {recording} "
               "--headless' to print the recording\n")


def test_a_bad_recording_is_refused_before_the_app_opens(capsys: Capsys, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    app = FakeApp(with_replay=True)
    monkeypatch.setitem(sys.modules, "suptui.tui.app", app)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"t": 0}\n')
    assert run(capsys, "replay", str(bad))[0] == 2
    assert app.calls == []


# ---------------------------------------------------------------------------- not a recording


def _header(**changes: Any) -> str:
    header = {"suptui": "recording", "protocol": PROTOCOL_VERSION, "version": "0.1.0", "title": "T",
              "clock": "virtual"}
    return json.dumps({**header, **changes})


START = '{"t": 0, "event": "start", "path": "root", "pid": "<0.1.0>", "restart": false}'

NOT_RECORDINGS: list[tuple[str, bytes, str]] = [
    ("another JSON", b'{"name": "package", "version": "1.0"}\n',
     "FILE:1: not a suptui recording: the first line must be its header"),
    ("a JSON array", b"[1, 2, 3]\n", "FILE:1: not a suptui recording"),
    ("an old jsonl without header", (START + "\n").encode(), "FILE:1: not a suptui recording"),
    ("a truncated last line", (_header() + "\n" + START + "\n" + START[:30]).encode(),
     "FILE:3: not JSON: "),
    ("a newer protocol", (_header(protocol=PROTOCOL_VERSION + 1, version="9.0") + "\n").encode(),
     f"FILE:1: recorded with protocol {PROTOCOL_VERSION + 1} (suptui 9.0); this suptui reads protocol "
     f"{PROTOCOL_VERSION} and older: upgrade suptui"),
    ("binary junk", bytes(range(256)) * 4, "FILE:1: not"),
    ("a PNG", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "FILE:1: not"),
    ("an empty file", b"", "FILE: empty file: a recording starts with its header line"),
    ("an unknown kind", (_header() + "\n" + START.replace('"start"', '"explode"') + "\n").encode(),
     "FILE:2: unknown event kind 'explode'"),
    ("a missing field", (_header() + "\n" + '{"t": 0, "event": "crash", "path": "a", "pid": "<0.1.0>"}\n')
     .encode(), "FILE:2: crash: missing field 'reason'"),
    ("a wrong type", (_header() + "\n" + START.replace('"t": 0', '"t": "0"') + "\n").encode(),
     "FILE:2: start: field 't' must be a whole number, got '0'"),
    ("an extra field", (_header() + "\n" + START.replace("}", ', "colour": "red"}') + "\n").encode(),
     "FILE:2: start: unknown field 'colour'"),
    ("time going backwards", (_header() + "\n" + START.replace('"t": 0', '"t": 5') + "\n" + START + "\n")
     .encode(), "FILE:3: time goes backwards: t = 0 after t = 5"),
    ("a huge line", (_header() + "\n").encode() + b'{"t": 0, "pad": "' + b"x" * (MAX_LINE_BYTES + 10),
     f"FILE:2: line longer than {MAX_LINE_BYTES} bytes"),
    ("a tree that is no skeleton", (_header(tree={"root": 5}) + "\n").encode(),
     "FILE:1: the header's tree: the tree must be an object with a root node"),
]


@pytest.mark.parametrize(("content", "expected"), [(c, e) for _, c, e in NOT_RECORDINGS],
                         ids=[name for name, _, _ in NOT_RECORDINGS])
@pytest.mark.parametrize("mode", [(), ("--at", "1000"), ("--format", "summary")])
def test_a_file_that_is_not_a_recording(capsys: Capsys, tmp_path: Path, content: bytes, expected: str,
                                        mode: tuple[str, ...]) -> None:
    path = tmp_path / "run.jsonl"
    path.write_bytes(content)
    code, out, err = run_refused(capsys, "replay", str(path), "--headless", *mode)
    if "the header's tree" in expected and mode[:1] != ("--at",):
        assert code == 0  # only --at lays the skeleton out; printing the events needs none
        return
    assert (code, out) == (2, "")
    assert err.startswith(expected.replace("FILE", str(path))), err
    assert err.count("\n") == 1, "one line"


@pytest.mark.parametrize(("name", "expected"), [("missing.jsonl", "no such file"),
                                                (".", "is a directory, not a recording")])
def test_a_path_that_is_no_file(capsys: Capsys, tmp_path: Path, name: str, expected: str) -> None:
    path = tmp_path / name
    assert run_refused(capsys, "replay", str(path), "--headless") == (2, "", f"{path}: {expected}\n")


# ---------------------------------------------------------------------------- the command line


@pytest.mark.parametrize(("argv", "message"), [
    ((), "replay needs a recording: suptui replay RUN.jsonl [--headless]"),
    (("--headless",), "replay needs a recording"),
    (("r.jsonl", "--format", "text"), "--format only applies with --headless"),
    (("r.jsonl", "--until", "5"), "--until only applies with --headless"),
    (("r.jsonl", "--at", "5"), "--at only applies with --headless"),
    (("r.jsonl", "--headless", "--at", "5", "--format", "text"), "--format does not apply with --at"),
    (("r.jsonl", "--headless", "--until", "0"), "argument --until: expected a positive whole number"),
    (("r.jsonl", "--headless", "--format", "xml"), "argument --format: invalid choice: 'xml'"),
    (("r.jsonl", "--speed", "2"), "unrecognized arguments: --speed 2"),
    (("a.jsonl", "b.jsonl"), "unrecognized arguments: b.jsonl"),
])
def test_replay_usage_errors(capsys: Capsys, argv: tuple[str, ...], message: str) -> None:
    code, out, err = run_refused(capsys, "replay", *argv)
    assert (code, out) == (2, "")
    assert err.startswith(f"suptui: error: {message}"), err


def test_replay_help(capsys: Capsys) -> None:
    code, out, _ = run(capsys, "replay", "--help")
    assert code == 0 and "usage: suptui replay" in out and "--at MS" in out
    assert "suptui replay RUN.jsonl" in " ".join(run(capsys, "--help")[1].split())


def test_replay_is_the_subcommand_even_next_to_a_tree_file_called_replay(
        capsys: Capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a command means never depends on the current directory: ./replay.toml is opened by path."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "replay.toml").write_text('[[children]]\nid = "only"\nworker = "sleeper"\n')
    code, _, err = run_refused(capsys, "replay", "--headless")
    assert code == 2 and "replay needs a recording" in err
    code, out, _ = run(capsys, "./replay.toml", "--headless", "--format", "summary")
    assert (code, out) == (0, "- 0 seconds: root starts only\n")
    assert run(capsys, "bombs", "--headless", "--until", "1")[0] == 0, "other trees are untouched"
