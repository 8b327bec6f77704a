"""Whole runs on the wire: a recording is a header line, then one event per line (JSON Lines).

    {"suptui": "recording", "protocol": 1, "version": "0.1.0", "title": "Bombs", "clock": "virtual", ...}
    {"t": 0, "event": "start", "path": "root/bomb1", "pid": "<0.2.0>", "restart": false, ...}
    ...

The header says what reads the rest: the protocol version (a reader refuses a newer one rather than
guess), the suptui version that wrote it, the run's title and clock (``virtual``: replayable to the
millisecond; ``real``: wall time), and optionally the tree's skeleton (``tree``: an opaque JSON value
the writer chose, for faces that show more than events say, e.g. restart types). Reading never
trusts the file: anything that is not such a recording is a :class:`RecordingError` naming the
line and what was expected. No pickle, no eval: JSON only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .protocol import PROTOCOL_VERSION, Event, ProtocolError, from_dict

_orjson_loads: Callable[[bytes | str], Any] | None
try:
    from orjson import loads as _orjson_loads
except ImportError:  # the engine has no dependencies; orjson only makes long recordings open faster
    _orjson_loads = None

MAGIC = "recording"
"""The header's ``suptui`` field."""
MAX_LINE_BYTES = 1 << 20
"""A longer line is refused (a real event is a few hundred bytes; a traceback at most tens of KB)."""


def _suptui_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("suptui")
    except PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True, slots=True)
class Header:
    """The first line of a recording."""

    title: str | None = None
    clock: str = "virtual"
    tree: Any = None
    """The tree's skeleton as the writer describes it (JSON), or None."""
    protocol: int = PROTOCOL_VERSION
    version: str = field(default_factory=_suptui_version)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"suptui": MAGIC, "protocol": self.protocol, "version": self.version,
                               "title": self.title, "clock": self.clock}
        if self.tree is not None:
            out["tree"] = self.tree
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=True)


class RecordingError(ValueError):
    """A file that is not a readable suptui recording: ``FILE:LINE: message``."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


@dataclass
class Recording:
    """A header and its events, in stream order (``seq`` 1, 2, …)."""

    header: Header
    events: list[Event]

    def lines(self) -> Iterator[str]:
        """The wire form, line by line (no newlines)."""
        yield self.header.to_json()
        for event in self.events:
            yield event.to_json()

    def write(self, out: IO[str]) -> None:
        for line in self.lines():
            out.write(line + "\n")


class RecordingWriter:
    """Writes a recording while the run goes on: the header line at once, then each event as it comes.

    A recording is worth most when the run it records went wrong, so nothing is held back: every
    call hands whole lines (newline included) to ``write`` in one call, and a run cut short leaves a
    file that is the recording so far (at worst its last line cut, which reading reports). The lines
    are ASCII, so ``write`` may encode them any way it likes (``lambda s: f.write(s.encode())``).
    Whoever writes a recording uses this: the headless ``--format jsonl`` and the app's export.
    """

    def __init__(self, write: Callable[[str], None], header: Header) -> None:
        self._write = write
        self.count = 0
        """Events written so far."""
        write(header.to_json() + "\n")

    def event(self, event: Event) -> None:
        """One event's line."""
        self._write(event_line(event))
        self.count += 1

    def events(self, events: Iterable[Event]) -> None:
        """Several events in one ``write`` (a drained batch)."""
        lines = [event_line(event) for event in events]
        if lines:
            self._write("".join(lines))
            self.count += len(lines)


def event_line(event: Event) -> str:
    """An event's line of the wire form, newline included.

    ``Event.to_json``; if a value in the event cannot be written as JSON (an engine bug, not a
    worker's: every field is typed), the value is written as its text instead of losing the event.
    """
    try:
        return event.to_json() + "\n"
    except (TypeError, ValueError):
        return json.dumps(event.to_dict(), ensure_ascii=True, default=str) + "\n"


def header_from_dict(obj: Any, source: str = "<recording>", line: int = 1) -> Header:
    """The header a wire object describes; :class:`RecordingError` if it is not one."""
    if not isinstance(obj, dict) or obj.get("suptui") != MAGIC:
        raise RecordingError(source, line, 'not a suptui recording: the first line must be its header '
                             '({"suptui": "recording", "protocol": ...}); record one with '
                             "'suptui TREE --headless --format jsonl' or the app's e key")
    protocol = obj.get("protocol")
    if not isinstance(protocol, int) or isinstance(protocol, bool) or protocol < 1:
        raise RecordingError(source, line, f"the header's protocol must be a whole number, got {protocol!r}")
    if protocol > PROTOCOL_VERSION:
        raise RecordingError(source, line, f"recorded with protocol {protocol} (suptui "
                             f"{obj.get('version')}); this suptui reads protocol {PROTOCOL_VERSION} "
                             "and older: upgrade suptui")
    for name in ("title", "version"):
        if obj.get(name) is not None and not isinstance(obj.get(name), str):
            raise RecordingError(source, line, f"the header's {name} must be text, got {obj.get(name)!r}")
    clock = obj.get("clock", "virtual")
    if clock not in ("virtual", "real"):
        raise RecordingError(source, line, f'the header\'s clock must be "virtual" or "real", got {clock!r}')
    return Header(title=obj.get("title"), clock=clock, tree=obj.get("tree"), protocol=protocol,
                  version=obj.get("version") or "unknown")


def parse_lines(lines: Iterable[bytes | str], source: str = "<recording>") -> Recording:
    """Read a recording from its lines; raises :class:`RecordingError` at the first bad line.

    A last line without its newline is accepted only if it is whole JSON (a run cut off mid-write
    leaves a truncated last line: that is reported, not silently dropped).
    """
    header: Header | None = None
    events: list[Event] = []
    last_t = 0
    for number, raw in enumerate(lines, start=1):
        obj: Any = _fast_loads(raw) if len(raw) <= MAX_LINE_BYTES else _FAILED
        if obj is _FAILED:  # the exact rules and messages: empty lines, bad UTF-8, cut-short JSON
            text = _decode(raw, source, number)
            if not text.strip():
                if header is None:
                    raise RecordingError(source, number, "empty line where the header was expected")
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                cut = not text.endswith("\n")
                hint = " (the line is cut short: was the recording interrupted?)" if cut else ""
                raise RecordingError(source, number, f"not JSON: {exc.msg}{hint}") from None
        if header is None:
            header = header_from_dict(obj, source, number)
            continue
        try:
            event = from_dict(obj, len(events) + 1)
        except ProtocolError as exc:
            raise RecordingError(source, number, str(exc)) from None
        if event.t < last_t:
            raise RecordingError(source, number, f"time goes backwards: t = {event.t} after t = {last_t}")
        last_t = event.t
        events.append(event)
    if header is None:
        raise RecordingError(source, None, "empty file: a recording starts with its header line")
    return Recording(header, events)


_FAILED = object()


def _fast_loads(raw: bytes | str) -> Any:
    """orjson's parser when it is installed (about four times faster on a million lines); anything it
    refuses (and JSON it would read differently, such as an escaped lone surrogate) goes to ``json``."""
    if _orjson_loads is None:
        return _FAILED
    try:
        return _orjson_loads(raw)
    except Exception:
        return _FAILED


def _decode(raw: bytes | str, source: str, number: int) -> str:
    if isinstance(raw, str):
        if len(raw) > MAX_LINE_BYTES:
            raise RecordingError(source, number, f"line longer than {MAX_LINE_BYTES} characters")
        return raw
    if len(raw) > MAX_LINE_BYTES:
        raise RecordingError(source, number, f"line longer than {MAX_LINE_BYTES} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise RecordingError(source, number, "not text (invalid UTF-8): is this a binary file?") from None


def read_recording(path: str | Path) -> Recording:
    """Read a recording file; every problem is a :class:`RecordingError` (never another exception)."""
    source = str(path)
    try:
        with open(path, "rb") as handle:
            return parse_lines(_bounded_lines(handle, source), source)
    except RecordingError:
        raise
    except IsADirectoryError:
        raise RecordingError(source, None, "is a directory, not a recording") from None
    except FileNotFoundError:
        raise RecordingError(source, None, "no such file") from None
    except PermissionError:
        raise RecordingError(source, None, "permission denied") from None
    except OSError as exc:
        raise RecordingError(source, None, f"cannot read it: {exc.strerror or exc}") from None


def _bounded_lines(handle: IO[bytes], source: str) -> Iterator[bytes]:
    """Lines of a binary file, never reading more than one line's limit at a time."""
    number = 0
    while True:
        line = handle.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            raise RecordingError(source, number, f"line longer than {MAX_LINE_BYTES} bytes")
        yield line
