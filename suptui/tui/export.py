"""``e``: the whole run as a recording (a header line, then one event per line), the form the
headless ``--format jsonl`` writes and ``suptui replay`` reads.

The log on screen is capped and a crash storm makes tens of thousands of events a second, so the
stream is not kept in memory for export: each drained batch is appended to a spool file (which
starts with the run's header), and an export copies the spool.

In a browser (``suptui serve``: the app under Textual's web driver) an export is not a file on the
server but a download in the browser: :func:`send_to_browser` writes it to a private temporary file
and hands that to ``App.deliver_binary``, which textual-serve turns into a download.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar

from ..engine import Event
from ..engine.recording import Header, event_line

if TYPE_CHECKING:
    from textual.app import App

T = TypeVar("T")
MIME_TYPES = {"jsonl": "application/x-ndjson", "svg": "image/svg+xml"}


def send_to_browser(app: App[object], filename: str, write: Callable[[Path], T]) -> T:
    """On a worker thread: ``write(path)`` a private temporary file, then give it to the browser as a
    download named ``filename`` (``App.deliver_binary``, on the UI thread); returns what ``write``
    returned. The file's name is gone when this returns: the open handle the delivery reads (and
    closes when done) is all that is left of it."""
    with tempfile.TemporaryDirectory(prefix="suptui-export-") as tmp:
        path = Path(tmp) / filename
        result = write(path)
        handle = path.open("rb")  # the delivery closes it
    suffix = filename.rsplit(".", 1)[-1]
    app.call_from_thread(app.deliver_binary, handle, save_filename=filename,
                         mime_type=MIME_TYPES.get(suffix, "application/octet-stream"))
    return result


def export_path(directory: Path, tree_name: str, wall: float | None = None, suffix: str = "jsonl") -> Path:
    """``exports/bombs-20260101-120000.jsonl`` (or ``.svg``); a suffix keeps two exports in one second
    apart."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(wall))
    path = directory / f"{tree_name}-{stamp}.{suffix}"
    n = 2
    while path.exists():
        path = directory / f"{tree_name}-{stamp}-{n}.{suffix}"
        n += 1
    return path


class EventSpool:
    """Every event of a run, appended as JSON lines to an unnamed temp file.

    The file has no name (the OS deletes it when the process ends, however it ends), the UI thread
    appends, and an export copies the first ``size`` bytes with ``pread`` on any thread, so it never
    moves the writer's position.

    Writing can wait: while :attr:`deferring` (a big tree starting: 100,000 start events, about a
    second of JSON) the events are only queued, and :meth:`catch_up` writes them a slice at a time
    once the app has drawn the tree; an export writes whatever is still queued first. The spool
    holds the events only: the header (which holds the tree's skeleton, 50 MB and half a second of
    JSON for 100,000 workers) is made by an export, from ``header`` if that is a function.
    """

    def __init__(self, header: Header | Callable[[], Header] | None = None) -> None:
        self._header = header
        self._file: IO[bytes] | None = None
        self._lock = threading.Lock()
        self._size = 0
        self.count = 0
        self.closed = False
        self.deferring = False
        """Queue what :meth:`write` gets instead of writing it (see the class docstring)."""
        self._pending: list[Event] = []

    @property
    def header(self) -> Header:
        """The recording's first line (``Session.header`` for a live run, the file's for a replay)."""
        header = self._header
        if header is None:
            return Header()
        return header() if callable(header) else header

    @property
    def pending(self) -> int:
        """Events queued and not written yet."""
        return len(self._pending)

    def write(self, events: Iterable[Event]) -> None:
        """Append ``events``; queued instead while deferring or while older ones wait (order kept)."""
        if self.closed:
            return
        if self.deferring or self._pending:
            with self._lock:
                self._pending.extend(events)
            return
        self._write(list(events))

    def catch_up(self, limit: int | None = None) -> int:
        """Write up to ``limit`` queued events (all with None); how many are still queued."""
        with self._lock:
            if not self._pending:
                return 0
            cut = len(self._pending) if limit is None else limit
            batch, self._pending = self._pending[:cut], self._pending[cut:]
            self._write_locked(batch)
            return len(self._pending)

    def _write(self, events: list[Event]) -> None:
        with self._lock:
            self._write_locked(events)

    def _write_locked(self, events: list[Event]) -> None:
        """Encode and append ``events`` (the lock held: an export's flush may run on another thread)."""
        if self.closed or not events:
            return
        data = "".join([event_line(event) for event in events]).encode("utf-8")
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="suptui-", suffix=".jsonl")  # noqa: SIM115
        self._file.write(data)
        self._size += len(data)
        self.count += len(events)

    def export(self, path: Path) -> int:
        """Copy everything spooled so far to ``path``; returns the number of events. Any thread."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.catch_up()  # what is still queued belongs to "so far"
        with self._lock:  # only long enough to fix what "so far" is; the spool only grows
            count, size, fd = self.count, self._size, -1
            if self._file is not None:
                self._file.flush()
                fd = self._file.fileno()
        with open(path, "wb") as out:
            # the header first (made now: it holds the tree's skeleton, too big to keep), then the events
            out.write((self.header.to_json() + "\n").encode("utf-8"))
            offset = 0
            while offset < size:
                chunk = os.pread(fd, min(size - offset, 1 << 20), offset)
                if not chunk:
                    break
                out.write(chunk)
                offset += len(chunk)
        return count

    def close(self) -> None:
        """Drop the spool (its file goes with it)."""
        with self._lock:
            self.closed = True
            self._pending = []
            if self._file is not None:
                self._file.close()
                self._file = None
