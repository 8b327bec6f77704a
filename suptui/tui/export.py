"""``e``: the whole event stream as JSONL, in the same shape as the headless ``--format jsonl``.

The log on screen is capped and a crash storm makes tens of thousands of events a second, so the
stream is not kept in memory: each drained batch is appended to a spool file, and an export copies
the spool. The spool lives in the temp directory and is deleted with its run.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from ..engine import Event
from ..headless.jsonl import jsonl_lines


def export_path(directory: Path, tree_name: str, wall: float | None = None) -> Path:
    """``exports/bombs-20260101-120000.jsonl``; a suffix keeps two exports in one second apart."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(wall))
    path = directory / f"{tree_name}-{stamp}.jsonl"
    n = 2
    while path.exists():
        path = directory / f"{tree_name}-{stamp}-{n}.jsonl"
        n += 1
    return path


class EventSpool:
    """Every event of a run, appended as JSON lines to a temp file (UI thread writes, export copies)."""

    def __init__(self) -> None:
        self._file: IO[str] | None = None
        self._lock = threading.Lock()
        self.count = 0
        self.closed = False

    def write(self, events: Iterable[Event]) -> None:
        lines = jsonl_lines(list(events))
        if not lines:
            return
        with self._lock:
            if self.closed:
                return
            if self._file is None:
                self._file = tempfile.NamedTemporaryFile(  # noqa: SIM115 (lives as long as the run)
                    "w", encoding="utf-8", prefix="suptui-", suffix=".jsonl", delete=False)
            self._file.write("\n".join(lines) + "\n")
            self.count += len(lines)

    def export(self, path: Path) -> int:
        """Copy everything spooled so far to ``path``; returns the number of events. Any thread."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:  # only long enough to fix what "so far" is; the spool only grows
            count = self.count
            if self._file is None:
                path.write_text("", encoding="utf-8")
                return 0
            self._file.flush()
            size = self._file.tell()
            source = self._file.name
        with open(source, "rb") as src, open(path, "wb") as dst:
            while size > 0:
                chunk = src.read(min(size, 1 << 20))
                if not chunk:
                    break
                dst.write(chunk)
                size -= len(chunk)
        return count

    def close(self) -> None:
        """Delete the spool file."""
        with self._lock:
            self.closed = True
            if self._file is not None:
                self._file.close()
                Path(self._file.name).unlink(missing_ok=True)
                self._file = None
