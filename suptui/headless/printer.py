"""The ``--format text`` printer: a small process that holds stdout and outlives the run if it must.

``text`` aligns its columns to the widest entry of the whole run, so no line can be printed before
the run is over. Printed by the run's own process at the end, a run killed from outside (SIGKILL, a
worker calling ``os._exit``, an interpreter crash) would lose every event. So the run streams each
event's columns here as it happens, and this process prints the aligned lines when its input ends,
whether the run closed it or died. It ignores SIGINT, SIGTERM and SIGHUP so that a signal sent to the
whole process group (Ctrl-C) does not take it down with the run.

This file is also run as a script (``python -I -S printer.py ENCODING``), so it imports nothing but
the standard library; ``suptui.headless.text`` takes :func:`align` from here so that both print the
same bytes.

Input: one JSON array of five strings per line (time, kind, path, pid, detail), then ``END`` when the
run closed the stream itself. Without ``END`` the run died: the lines so far are printed all the
same and one note goes to stderr.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import sys
import time
from collections.abc import Sequence

END = b"END\n"
GATHER_S = 0.01
"""After each read the printer waits this long, so that a fast run costs it a few reads, not one per
event (the run's writes stay one per event: that is what makes them survive its death)."""
PARENT_CHECK_S = 0.5
"""How often the printer checks that the run still exists, in case something else (a forked child of
a worker) holds the pipe open after the run died."""

Row = Sequence[str]
KIND_WIDTH = len("■ terminate")
"""The event kind column (a glyph, a space, the kind) is as wide as the longest kind name with its glyph
(a test keeps it in step with the engine)."""


def align(rows: Sequence[Row]) -> list[str]:
    """``time kind path pid detail`` per row, time right-aligned, columns padded to the widest entry."""
    if not rows:
        return []
    time_width = max(len(row[0]) for row in rows)
    path_width = max(len(row[2]) for row in rows)
    pid_width = max(len(row[3]) for row in rows)
    return [(f"{t:>{time_width}}  {kind:<{KIND_WIDTH}}  {path:<{path_width}}  {pid:<{pid_width}}  "
             f"{detail}").rstrip() for t, kind, path, pid, detail in rows]


def _read_all(parent: int) -> tuple[list[list[str]], bool]:
    """Every row until the input ends; True when it ended with ``END`` (the run closed it)."""
    rows: list[list[str]] = []
    pending = b""
    stdin = sys.stdin.fileno()
    while True:
        ready, _, _ = select.select([stdin], [], [], PARENT_CHECK_S)
        if not ready:
            if os.getppid() != parent:  # the run is gone, yet the pipe is open: stop waiting
                return rows, False
            continue
        chunk = os.read(stdin, 1 << 20)
        if not chunk:
            return rows, pending == END
        time.sleep(GATHER_S)  # let lines pile up: one wake-up per batch, not one per event
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            if line == END.rstrip():
                pending = END
                break
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, list) and len(row) == 5 and all(isinstance(cell, str) for cell in row):
                rows.append(row)
        if pending == END:
            return rows, True


def _write(data: bytes) -> None:
    """All of ``data`` to stdout; a reader that went away (``| head``) ends the output quietly."""
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(1, view):]
    except OSError:
        pass


def main(argv: Sequence[str]) -> int:
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    encoding = argv[0] if argv else "utf-8"
    parent = int(argv[1]) if len(argv) > 1 else os.getppid()
    rows, closed = _read_all(parent)
    text = "".join(line + "\n" for line in align(rows))
    _write(text.encode(encoding, "replace"))
    if not closed:
        note = f"suptui: the run ended abnormally; the {len(rows)} events before that are printed\n"
        _write_stderr(note)
    return 0


def _write_stderr(text: str) -> None:
    with contextlib.suppress(OSError):
        os.write(2, text.encode("utf-8", "replace"))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
