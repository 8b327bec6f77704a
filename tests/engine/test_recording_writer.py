"""The streaming recording writer: the header at once, each event as a whole line, readable back."""

from __future__ import annotations

import io

from suptui.engine.protocol import Crash, Start
from suptui.engine.recording import Header, Recording, RecordingWriter, event_line, parse_lines

HEADER = Header(title="T", clock="virtual", tree=None, version="0.1.0")
START = Start(seq=1, t=0, path="root/a", pid="<0.2.0>", child_type="worker", actor="Bomb")
CRASH = Crash(seq=2, t=2000, path="root/a", pid="<0.2.0>", reason="RuntimeError: é\x1b")


def test_the_header_is_written_before_any_event() -> None:
    written: list[str] = []
    RecordingWriter(written.append, HEADER)
    assert written == [HEADER.to_json() + "\n"]


def test_each_event_is_one_whole_line_in_one_write() -> None:
    written: list[str] = []
    writer = RecordingWriter(written.append, HEADER)
    writer.event(START)
    writer.events([CRASH])
    writer.events([])
    assert written[1:] == [START.to_json() + "\n", CRASH.to_json() + "\n"]
    assert writer.count == 2
    assert all(line.isascii() for line in written), "ASCII: any encoding, any pipe"


def test_what_it_writes_is_what_recording_write_writes_and_reads_back() -> None:
    out = io.StringIO()
    writer = RecordingWriter(out.write, HEADER)
    writer.events([START, CRASH])
    whole = io.StringIO()
    Recording(HEADER, [START, CRASH]).write(whole)
    assert out.getvalue() == whole.getvalue()
    back = parse_lines(out.getvalue().splitlines(keepends=True))
    assert back.header == HEADER and back.events == [START, CRASH]


def test_a_value_json_cannot_write_becomes_text_rather_than_losing_the_event() -> None:
    odd = Crash(seq=1, t=5, path="root/a", pid="<0.2.0>", reason=object())  # type: ignore[arg-type]
    line = event_line(odd)
    assert line.startswith('{"t": 5, "event": "crash", "path": "root/a", "pid": "<0.2.0>", '
                           '"reason": "<object')
    assert line.endswith("}\n")


def test_a_line_the_fast_parser_refuses_is_still_read_exactly() -> None:
    """An escaped lone surrogate is valid JSON that orjson refuses: the reader falls back to json."""
    from suptui.engine.recording import parse_lines

    header = '{"suptui": "recording", "protocol": 1, "version": "x", "title": null, "clock": "virtual"}'
    event = '{"t": 0, "event": "kill", "path": "root/\\ud800", "pid": "<0.2.0>", "by": "user"}'
    rec = parse_lines([header.encode() + b"\n", event.encode() + b"\n"], "mem")
    assert rec.events[0].path == "root/\ud800"
