"""Every bad command line or tree file: exit code 2, a clear message on stderr, never a traceback."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.support.cli import Capsys
from tests.support.cli import run_refused as run


@pytest.mark.parametrize(("argv", "message"), [
    (["bombs", "--headless", "--until", "-5"],
     "argument --until: expected a positive whole number of milliseconds, got '-5'"),
    (["bombs", "--headless", "--until", "0"],
     "argument --until: expected a positive whole number of milliseconds, got '0'"),
    (["bombs", "--headless", "--until", "2.5s"],
     "argument --until: expected a positive whole number of milliseconds, got '2.5s'"),
    (["bombs", "--speed", "0"], "argument --speed: expected a number from 0.125 to 16, got '0'"),
    (["bombs", "--speed", "nan"], "argument --speed: expected a number from 0.125 to 16, got 'nan'"),
    (["bombs", "--speed", "100"], "argument --speed: expected a number from 0.125 to 16, got '100'"),
    (["bombs", "--headless", "--format", "xml"],
     "argument --format: invalid choice: 'xml' (choose from 'text', 'jsonl', 'summary', 'svg')"),
    (["--seed", "x", "bombs"], "argument --seed: invalid int value: 'x'"),
    (["bombs", "--bogus"], "unrecognized arguments: --bogus"),
    (["bombs", "--headless", "--speed", "2"], "--speed is for the app; it has no effect with --headless"),
    (["bombs", "--headless", "--paused"], "--paused is for the app; it has no effect with --headless"),
    (["bombs", "--until", "5"], "--until only applies with --headless"),
    (["bombs", "--format", "jsonl"], "--format only applies with --headless"),
    (["bombs", "--realtime"], "--realtime only applies with --headless"),
    (["--headless"], "--headless needs a TREE: a tree file or a bundled name (see suptui --list)"),
    (["--list", "bombs"], "--list takes no TREE"),
])
def test_bad_arguments(capsys: Capsys, argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out, err) == (2, "", f"suptui: error: {message}\n")


def test_a_huge_file_is_refused_before_reading(capsys: Capsys, tmp_path: Path) -> None:
    huge = tmp_path / "huge.toml"
    with huge.open("wb") as f:
        f.truncate(5 * 1024 * 1024 + 1)   # sparse: no disk, no time
    code, _, err = run(capsys, str(huge), "--headless")
    assert (code, err) == (2, f"suptui: error: {huge} is 5,242,881 bytes; a tree file may be at most 5 MB\n")


def tree_file(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "t.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


@pytest.mark.parametrize(("make", "expected"), [
    (lambda tmp: tmp, "{tmp}: is not a file"),
    (lambda tmp: (os.mkfifo(tmp / "fifo"), tmp / "fifo")[1], "{tmp}/fifo: is not a file"),
    (lambda tmp: tmp / "missing.toml", "{tmp}/missing.toml: no such file"),
    (lambda tmp: tree_file(tmp, b"\xff\xfeid = 1"), "{tmp}/t.toml: is not UTF-8 text"),
    (lambda tmp: tree_file(tmp, ""), "{tmp}/t.toml: the file is empty"),
    (lambda tmp: tree_file(tmp, 'strategy = "one_for_none"\n'), "{tmp}/t.toml:1: "),
    (lambda tmp: tree_file(tmp, "[[children]\n"), "{tmp}/t.toml:1: TOML syntax error"),
])
def test_tree_file_problems(capsys: Capsys, tmp_path: Path, make, expected: str) -> None:
    path = make(tmp_path)
    code, out, err = run(capsys, str(path), "--headless")
    assert (code, out) == (2, "")
    assert err.startswith(expected.format(tmp=tmp_path)), err


def test_an_unreadable_file(capsys: Capsys, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests may run as root, who can read anything: the refusal is simulated at the read."""
    path = tree_file(tmp_path, 'id = "root"\n')

    def refuse(self: Path, *args, **kwargs) -> str:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    code, _, err = run(capsys, str(path), "--headless")
    assert (code, err) == (2, f"{path}: cannot be read: Permission denied\n")


def test_an_unknown_bundled_name_suggests_one(capsys: Capsys) -> None:
    code, _, err = run(capsys, "bomb", "--headless")
    assert code == 2
    assert err.startswith('bomb: no such file, and no bundled tree of that name (did you mean "bombs"?)')


def test_every_problem_of_a_file_is_reported(capsys: Capsys, tmp_path: Path) -> None:
    path = tree_file(tmp_path, 'strategy = "one_for_none"\n[[children]]\nid = "a"\nworker = "bomm"\n')
    code, _, err = run(capsys, str(path), "--headless")
    lines = err.splitlines()
    assert code == 2 and len(lines) == 2
    assert all(re.match(rf"{re.escape(str(path))}:\d+: ", line) for line in lines), lines
