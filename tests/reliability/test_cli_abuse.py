"""Command-line abuse that tests/cli does not already cover: every bad value ends in one clear line
on stderr and exit code 2 — never a traceback, never a hang."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from suptui.cli import main
from suptui.treefile import TreeFileError, load_tree
from suptui.treefile.loader import MAX_TREE_BYTES

from tests.support.cli import Capsys
from tests.support.cli import run_refused as run


def one_line(err: str) -> str:
    assert err.endswith("\n") and err.count("\n") == 1, err
    return err.strip()


@pytest.mark.parametrize(("argv", "message"), [
    (["bombs", "--headless", "--until", "1e3"],
     "argument --until: expected a positive whole number of milliseconds, got '1e3'"),
    (["bombs", "--headless", "--until", ""],
     "argument --until: expected a positive whole number of milliseconds, got ''"),
    (["bombs", "--headless", "--until"], "argument --until: expected one argument"),
    (["bombs", "--speed", "inf"], "argument --speed: expected a number from 0.125 to 16, got 'inf'"),
    (["bombs", "--speed", "-1"], "argument --speed: expected a number from 0.125 to 16, got '-1'"),
    (["bombs", "--speed", "1e400"], "argument --speed: expected a number from 0.125 to 16, got '1e400'"),
    (["bombs", "--headless", "--format", ""],
     "argument --format: invalid choice: '' (choose from 'text', 'jsonl', 'summary', 'svg')"),
    (["bombs", "--seed", "1.5"], "argument --seed: invalid int value: '1.5'"),
    (["bombs", "--headless", "--predict"], "--predict without FILE opens the app in predict mode; with "
                                           "--headless, give it the prediction FILE to score"),
])
def test_more_bad_values(capsys: Capsys, argv: list[str], message: str) -> None:
    assert run(capsys, *argv) == (2, "", f"suptui: error: {message}\n")


def test_a_50_mb_tree_file_is_refused_before_reading(capsys: Capsys, tmp_path: Path) -> None:
    huge = tmp_path / "huge.toml"
    with huge.open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # sparse: no disk, no time
    code, out, err = run(capsys, str(huge), "--headless")
    assert (code, out) == (2, "")
    assert one_line(err) == f"suptui: error: {huge} is 52,428,800 bytes; a tree file may be at most 5 MB"


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_a_file_that_cannot_be_read_even_by_root(capsys: Capsys) -> None:
    """/proc/self/mem is a regular file whose read fails (EIO) whoever you are: a real unreadable file."""
    code, out, err = run(capsys, "/proc/self/mem", "--headless")
    assert (code, out, one_line(err)) == (2, "", "/proc/self/mem: cannot be read: Input/output error")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_a_chmod_000_file(capsys: Capsys, tmp_path: Path) -> None:
    path = tmp_path / "locked.toml"
    path.write_text('id = "root"\n')
    path.chmod(0)
    code, _, err = run(capsys, str(path), "--headless")
    assert (code, one_line(err)) == (2, f"{path}: cannot be read: Permission denied")


def test_an_empty_tree_argument(capsys: Capsys) -> None:
    code, out, err = run(capsys, "", "--headless")
    assert (code, out) == (2, "")
    assert one_line(err).startswith("'': expected a tree file path or a bundled tree name "
                                    "(bundled: workers, bombs, ")


def test_a_symlink_loop(capsys: Capsys, tmp_path: Path) -> None:
    loop = tmp_path / "loop.toml"
    loop.symlink_to(loop)
    code, out, err = run(capsys, str(loop), "--headless")
    assert (code, out) == (2, "")
    assert one_line(err).startswith(f"{loop}: ")


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs Linux /proc")
def test_a_prediction_file_that_cannot_be_read(capsys: Capsys) -> None:
    code, out, err = run(capsys, "bombs", "--predict", "/proc/self/mem")
    assert (code, out) == (2, "")
    assert one_line(err).startswith("/proc/self/mem: cannot read it: ")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_prediction_file_that_never_ends(capsys: Capsys) -> None:
    code, out, err = run(capsys, "bombs", "--predict", "/dev/zero")
    assert (code, out) == (2, "")
    assert one_line(err) == "/dev/zero: is not a regular file; expected a prediction text file"


def test_a_tree_file_read_is_bounded_even_when_its_size_lies(tmp_path: Path) -> None:
    """The CLI refuses a big file by its size; the loader itself stops reading past the limit too."""
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * (MAX_TREE_BYTES + 10))
    with pytest.raises(TreeFileError, match=r"is more than 5 MB; a tree file is a page of TOML"):
        load_tree(big)


def test_a_deeply_nested_tree_file(capsys: Capsys, tmp_path: Path) -> None:
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 1000 + "]" * 1000 + "\n")
    code, out, err = run(capsys, str(deep), "--headless")
    assert (code, out) == (2, "")
    assert one_line(err).startswith(f"{deep}:")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_prediction_file_that_is_a_fifo(capsys: Capsys, tmp_path: Path) -> None:
    fifo = tmp_path / "prediction"
    os.mkfifo(fifo)
    result: list[int] = []
    worker = threading.Thread(target=lambda: result.append(main(["bombs", "--predict", str(fifo)])),
                              daemon=True)
    worker.start()
    worker.join(1.0)
    hung = worker.is_alive()
    if hung:  # let the blocked open() go: a writer comes and leaves at once
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(5.0)
    _, err = capsys.readouterr()
    assert not hung, "suptui --predict FIFO blocked"
    assert result == [2]
    assert one_line(err).startswith(f"{fifo}: ")
