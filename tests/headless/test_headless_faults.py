"""Faults outside callbacks (an exception in a worker's own thread, in a ``__del__``) are events of the
worker that caused them: one aligned line in ``text``, an object in ``jsonl``, no traceback on the
terminal, and no change to the lesson's ``summary``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import Capsys, run

TREE = '''
[[children]]
id = "threads"
worker = "tests.support.fault_workers:Threads"
[[children]]
id = "dels"
worker = "tests.support.fault_workers:Dels"
'''


def _tree(tmp_path: Path) -> str:
    (tmp_path / "tree.toml").write_text(TREE)
    return str(tmp_path / "tree.toml")


def test_text_shows_each_fault_as_one_aligned_line(capsys: Capsys, tmp_path: Path) -> None:
    code, out, err = run(capsys, _tree(tmp_path), "--headless", "--until", "2000")
    assert code == 0
    assert "went wrong" not in err, "told on the event stream, not printed on the terminal"
    lines = out.splitlines()
    faults = [line for line in lines if line.split()[2] == "fault"]
    assert [line.split()[:4] for line in faults] == [["1.000", "⚠", "fault", "root/threads"],
                                                      ["1.500", "⚠", "fault", "root/dels"]]
    assert faults[0].endswith("thread suptui-test-boom: ValueError: thread went wrong")
    assert "RuntimeError: del went wrong" in faults[1] and "Leaky" in faults[1]
    assert " at 0x" not in faults[1], "no memory address: the same run prints the same bytes"
    assert len({line.index("<0.") for line in lines}) == 1, "aligned with the other lines"


def test_jsonl_carries_the_fault_and_its_traceback(capsys: Capsys, tmp_path: Path) -> None:
    _, out, _ = run(capsys, _tree(tmp_path), "--headless", "--until", "2000", "--format", "jsonl")
    header, *events = map(json.loads, out.splitlines())
    assert header["suptui"] == "recording"
    faults = [obj for obj in events if obj["event"] == "fault"]
    assert [(f["t"], f["path"]) for f in faults] == [(1000, "root/threads"), (1500, "root/dels")]
    assert faults[0]["what"] == "thread suptui-test-boom"
    assert faults[0]["reason"] == "ValueError: thread went wrong"
    assert "Traceback" in faults[0]["traceback"]


def test_summary_leaves_faults_out(capsys: Capsys, tmp_path: Path) -> None:
    _, out, _ = run(capsys, _tree(tmp_path), "--headless", "--until", "2000", "--format", "summary")
    assert out == "- 0 seconds: root starts threads and dels\n"
