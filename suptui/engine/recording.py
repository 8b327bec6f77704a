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

import contextlib
import json
import os
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
    stream = RecordingStream(lines, source)
    return Recording(stream.header, stream.rest())


class RecordingStream:
    """A recording read as it goes: its header at once, then its events a chunk at a time.

    For a reader that shows a long recording before it has all of it (the app's replay opens on the
    first chunk while the rest is read on a thread); :func:`parse_lines` is this read to the end, so
    the rules and the messages are the same whichever way a recording is read. Made from lines, or
    by :func:`open_recording` from a file (then ``fraction`` says how far it has got, and it must be
    closed). Not thread-safe: one reader at a time.
    """

    def __init__(self, lines: Iterable[bytes | str], source: str = "<recording>", *,
                 handle: IO[bytes] | None = None, size: int = 0) -> None:
        self.source = source
        self._lines = enumerate(lines, start=1)
        self._handle = handle
        self._size = size
        self.count = 0
        """Events read so far."""
        self._last_t = 0
        self.header = self._read_header()

    def _read_header(self) -> Header:
        with self._errors():
            for number, raw in self._lines:
                obj = self._load(raw, number)
                if obj is _EMPTY:
                    raise RecordingError(self.source, number, "empty line where the header was expected")
                return header_from_dict(obj, self.source, number)
        raise RecordingError(self.source, None, "empty file: a recording starts with its header line")

    def _load(self, raw: bytes | str, number: int) -> Any:
        """A line's JSON value, or ``_EMPTY`` for a blank line."""
        obj: Any = _fast_loads(raw) if len(raw) <= MAX_LINE_BYTES else _FAILED
        if obj is _FAILED:  # the exact rules and messages: empty lines, bad UTF-8, cut-short JSON
            text = _decode(raw, self.source, number)
            if not text.strip():
                return _EMPTY
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                cut = not text.endswith("\n")
                hint = " (the line is cut short: was the recording interrupted?)" if cut else ""
                raise RecordingError(self.source, number, f"not JSON: {exc.msg}{hint}") from None
            except RecursionError:  # (arrays in arrays thousands deep: no event is shaped so)
                raise RecordingError(self.source, number, "a JSON value nested too deeply to read") from None
        return obj

    def chunks(self, size: int) -> Iterator[list[Event]]:
        """The events not read yet, ``size`` at a time (the last chunk may be shorter, none is empty);
        :class:`RecordingError` at the first bad line, after a chunk of the events before it (a reader
        that shows what it has keeps every good event)."""
        chunk: list[Event] = []
        try:
            yield from self._chunks(size, chunk)
        except RecordingError:
            if chunk:
                yield chunk
            raise
        if chunk:
            yield chunk

    def _chunks(self, size: int, chunk: list[Event]) -> Iterator[list[Event]]:
        """The full chunks; ``chunk`` holds the events read since the last one."""
        source, load, fast, limit = self.source, self._load, _fast_loads, MAX_LINE_BYTES
        with self._errors():
            for number, raw in self._lines:
                obj: Any = fast(raw) if len(raw) <= limit else _FAILED
                if obj is _FAILED:
                    obj = load(raw, number)
                    if obj is _EMPTY:
                        continue
                try:
                    event = from_dict(obj, self.count + 1)
                except ProtocolError as exc:
                    raise RecordingError(source, number, str(exc)) from None
                if event.t < self._last_t:
                    raise RecordingError(source, number,
                                         f"time goes backwards: t = {event.t} after t = {self._last_t}")
                self._last_t = event.t
                self.count += 1
                chunk.append(event)
                if len(chunk) >= size:
                    yield chunk[:]
                    chunk.clear()

    def rest(self) -> list[Event]:
        """Every event not read yet, in one list."""
        events: list[Event] = []
        for chunk in self.chunks(1 << 62):
            events.extend(chunk)
        return events

    def fraction(self) -> float:
        """How much of the file has been read, 0 to 1 (1 for lines that are not a file)."""
        if self._handle is None or self._size <= 0:
            return 1.0
        try:
            return min(1.0, self._handle.tell() / self._size)
        except (OSError, ValueError):
            return 1.0

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()

    def __enter__(self) -> RecordingStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _errors(self) -> contextlib.AbstractContextManager[None]:
        """A file's read errors as :class:`RecordingError` (lines from elsewhere raise what they raise)."""
        return _file_errors(self.source) if self._handle is not None else contextlib.nullcontext()


_EMPTY = object()
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
    with _file_errors(source), open(path, "rb") as handle:
        return parse_lines(_bounded_lines(handle, source), source)


def open_recording(path: str | Path) -> RecordingStream:
    """Open a recording file and read its header (a bad one is a :class:`RecordingError` now); the
    events are read by :meth:`RecordingStream.chunks`, with the same errors as :func:`read_recording`
    (raised when the chunk that holds the bad line is read). Close it, or use it as a context manager."""
    source = str(path)
    with _file_errors(source):
        handle = open(path, "rb")  # noqa: SIM115  (the stream owns it: closed by its close())
        try:
            size = os.fstat(handle.fileno()).st_size
            return RecordingStream(_bounded_lines(handle, source), source, handle=handle, size=size)
        except BaseException:
            handle.close()
            raise


@contextlib.contextmanager
def _file_errors(source: str) -> Iterator[None]:
    """What the operating system says about a file, as a :class:`RecordingError`."""
    try:
        yield
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
