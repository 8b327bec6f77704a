"""A headless run's output: suptui's own stdout, kept apart from workers, and streamed as events happen.

Workers are user code. Whatever they print, from Python, from C or from a subprocess they start,
must not land in ``--format jsonl`` (or any other format: the output is a product). So, for the
whole run, :func:`private_stdout` keeps the real stdout on a private descriptor for suptui alone and
points descriptor 1 (and ``sys.stdout``) at stderr, where a worker's prints are still seen.

A run killed from outside must not lose what it printed, so ``jsonl`` (a recording: its header line,
then one line per event) is written line by line as events happen, and ``text`` goes, line by line,
to a printer process that prints it aligned when the run ends or dies (see ``printer``).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol, TextIO

from ..engine import Event
from ..engine.recording import Header, RecordingWriter, event_line
from . import printer
from .text import text_row

PIPE_BYTES = 1 << 20
"""The printer's pipe holds this much (where the system allows), so a burst of events never waits."""
STREAMED_FORMATS = ("text", "jsonl")
"""The formats printed as the run goes; ``summary`` and ``svg`` tell the whole run, so they wait for it."""


class Output:
    """suptui's own stdout during a headless run: a private descriptor, or (in-process) a text stream."""

    def __init__(self, fd: int | None, stream: TextIO, encoding: str) -> None:
        self.fd = fd
        self.stream = stream
        self.encoding = encoding
        self.broken = False
        """True once the reader went away (``| head``): later output is dropped quietly."""

    def write(self, text: str) -> None:
        """Write all of ``text`` now; unencodable characters degrade to ``?`` instead of failing."""
        if self.broken or not text:
            return
        if self.fd is None:
            self._write_stream(text)
            return
        view = memoryview(text.encode(self.encoding, "replace"))
        try:
            while view:
                view = view[os.write(self.fd, view):]
        except OSError:  # EPIPE and friends: the reader is gone
            self.broken = True

    def _write_stream(self, text: str) -> None:
        try:
            try:
                self.stream.write(text)
            except UnicodeEncodeError:  # a terminal that cannot show "←": degrade, do not fail
                self.stream.write(text.encode(self.encoding, "replace").decode(self.encoding))
            self.stream.flush()
        except (BrokenPipeError, ValueError):
            self.broken = True

    def event_stream(self, fmt: str) -> EventStream:
        """A subscriber that prints ``fmt`` (``text`` or ``jsonl``) as events come; close it after the run."""
        if fmt == "jsonl":
            return EventStream(_RecordingSink(self.write))
        if fmt == "text":
            if self.fd is not None:
                with contextlib.suppress(OSError):
                    return EventStream(_PrinterSink(self.fd, self.encoding))
            return EventStream(_CollectedText(self.write))
        raise ValueError(f"format {fmt!r} is not streamed")


@contextlib.contextmanager
def private_stdout() -> Iterator[Output]:
    """For the duration: fd 1 and ``sys.stdout`` go to stderr; the yielded :class:`Output` is the real stdout.

    Done at the descriptor level, so C extensions and subprocesses are covered too. Where stdout is
    no real descriptor (an in-process caller, a test capturing ``sys.stdout``), only ``sys.stdout``
    is redirected. Everything is restored afterwards.
    """
    original = sys.stdout
    encoding = getattr(original, "encoding", None) or "utf-8"
    with contextlib.suppress(Exception):
        original.flush()
    fd = _fileno(original)
    if fd != 1:
        sys.stdout = sys.stderr
        try:
            yield Output(None, original, encoding)
        finally:
            sys.stdout = original
        return
    private = os.dup(1)  # not inheritable: subprocesses of workers never get it
    _point_fd1_at_stderr()
    sys.stdout = sys.stderr
    output = Output(private, original, encoding)
    try:
        yield output
    finally:
        for stream in (sys.stdout, sys.__stdout__, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()  # whatever a worker left buffered goes to stderr, not our stdout
        sys.stdout = original
        if output.broken:  # as before: the interpreter's last flush must not fail on a closed pipe
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.close(devnull)
        else:
            os.dup2(private, 1)
        os.close(private)


def _fileno(stream: TextIO) -> int | None:
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is both
        return None


def _point_fd1_at_stderr() -> None:
    """fd 1 becomes a copy of fd 2 (or /dev/null when there is no stderr to copy)."""
    try:
        os.dup2(2, 1)
    except OSError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)


# ---------------------------------------------------------------------------- streaming


class _Sink(Protocol):
    def header(self, header: Header) -> None: ...

    def event(self, event: Event) -> None: ...

    def close(self) -> None: ...


class EventStream:
    """An event subscriber that prints each event as it is emitted, then :meth:`close` after the run.

    It writes from the emitting thread, with the engine's lock held, one ``write`` per event: once an
    event exists it is in the kernel's hands, so no way the process can end (``os._exit``, SIGKILL,
    a crash) loses it. That is cheap (one line's formatting and one system call) and does not block
    unless the reader stops reading: then the run waits for it, as any program in a pipeline does.
    A failure to format or write one event never reaches the engine.
    """

    def __init__(self, sink: _Sink) -> None:
        self._sink = sink
        self._closed = False

    def header(self, header: Header) -> None:
        """The run's recording header, given before its first event (only ``jsonl`` prints it)."""
        if not self._closed:
            self._sink.header(header)

    def __call__(self, event: Event) -> None:
        if self._closed:
            return
        try:
            self._sink.event(event)
        except Exception as exc:  # never the engine's problem
            _note(f"suptui: could not print an event: {type(exc).__name__}")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._sink.close()


def _note(text: str) -> None:
    with contextlib.suppress(OSError):
        os.write(2, (text + "\n").encode("utf-8", "replace"))


class _RecordingSink:
    """``jsonl``: the run as a recording, its header line first, then one line per event."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self._write_text = write
        self._writer: RecordingWriter | None = None

    def header(self, header: Header) -> None:
        if self._writer is None:
            self._writer = RecordingWriter(self._write_text, header)

    def event(self, event: Event) -> None:
        if self._writer is None:  # no header was given (a caller that does not know the session)
            self._write_text(event_line(event))
        else:
            self._writer.event(event)

    def close(self) -> None:
        pass


def _safe_row(event: Event) -> printer.Row:
    """The event's text columns, or (if a value in it cannot be turned into text) with no detail."""
    try:
        return text_row(event)
    except Exception as exc:
        return (f"{event.t / 1000:.3f}", event.kind, event.path, event.pid, f"({type(exc).__name__})")


class _CollectedText:
    """``text`` in-process (no descriptor to hand to a printer): aligned and written at the end."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self._rows: list[printer.Row] = []
        self._write = write

    def header(self, header: Header) -> None:
        pass

    def event(self, event: Event) -> None:
        self._rows.append(_safe_row(event))

    def close(self) -> None:
        self._write("".join(line + "\n" for line in printer.align(self._rows)))


class _PrinterSink:
    """``text`` through the printer process, which holds the real stdout and survives the run."""

    def __init__(self, fd: int, encoding: str) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-I", "-S", str(Path(printer.__file__)), encoding, str(os.getpid())],
            stdin=subprocess.PIPE, stdout=fd, close_fds=True)
        assert self._process.stdin is not None
        self._pipe = self._process.stdin.fileno()
        with contextlib.suppress(ImportError, AttributeError, OSError):  # Linux: room for a burst
            import fcntl

            fcntl.fcntl(self._pipe, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        self._broken = False

    def header(self, header: Header) -> None:
        pass

    def event(self, event: Event) -> None:
        self._send((json.dumps(_safe_row(event)) + "\n").encode("utf-8"))

    def _send(self, data: bytes) -> None:
        view = memoryview(data)
        try:
            while view and not self._broken:
                view = view[os.write(self._pipe, view):]
        except OSError:
            self._broken = True

    def close(self) -> None:
        self._send(printer.END)
        assert self._process.stdin is not None
        with contextlib.suppress(OSError):
            self._process.stdin.close()
        self._process.wait()
