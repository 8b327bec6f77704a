"""``--format jsonl`` writes a recording: the header line first, then the run's events, readable back."""

from __future__ import annotations

import json

from suptui.engine.recording import parse_lines
from suptui.headless import run_headless
from suptui.session import Session
from suptui.treefile import load_tree

from tests.support.cli import Capsys, run


def test_the_first_line_is_the_header_of_the_run(capsys: Capsys) -> None:
    code, out, err = run(capsys, "bombs", "--headless", "--format", "jsonl", "--until", "3001")
    assert (code, err) == (0, "")
    header = json.loads(out.splitlines()[0])
    assert header == Session(load_tree("bombs")).header().to_dict()
    assert list(header)[:5] == ["suptui", "protocol", "version", "title", "clock"]
    assert (header["suptui"], header["protocol"], header["clock"]) == ("recording", 1, "virtual")
    assert header["tree"]["root"]["children"][0]["id"] == "bomb1"


def test_the_output_reads_back_as_the_run(capsys: Capsys) -> None:
    _, out, _ = run(capsys, "nested", "--headless", "--format", "jsonl")
    recording = parse_lines(out.splitlines(keepends=True), "stdout")
    events = run_headless(load_tree("nested"))
    assert [e.to_json() for e in recording.events] == [e.to_json() for e in events]
    assert recording.header.title == load_tree("nested").title
    assert "".join(line + "\n" for line in recording.lines()) == out, "byte for byte"


def test_render_with_a_header_is_the_recording(capsys: Capsys) -> None:
    """``render(events, "jsonl", header=...)`` (a caller with the whole run) writes what the CLI streams."""
    from suptui.headless import render

    _, out, _ = run(capsys, "bombs", "--headless", "--format", "jsonl", "--until", "4001")
    headers = []
    events = run_headless(load_tree("bombs"), 4001, on_header=headers.append)
    assert render(events, "jsonl", header=headers[0]) == out
    assert render(events, "jsonl") == out.split("\n", 1)[1], "without a header: the events alone"
