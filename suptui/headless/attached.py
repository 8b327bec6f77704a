"""``suptui attach ADDRESS --headless``: a live program's events on stdout, as they happen.

``jsonl`` writes a recording (``suptui replay`` reads it): the header, then one ``start`` for each
process running when the client attached (at the attach's time: the events before it happened
before anyone listened), then every event. ``text`` prints the headless text line of each event as it
comes (columns are not aligned across lines: a live stream cannot wait for the widest entry).
It ends when the program ends (exit 0), when the connection is lost (1), or on Ctrl-C (130). It runs
at a lower CPU priority (``nice``) than the program it watches.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import TextIO

from ..attach import AttachError, Connection, Disconnected, Events, Resynced, open_connection
from ..engine.mirror import Snapshot
from ..engine.protocol import Event, Start
from ..engine.recording import Header, RecordingWriter
from .printer import align
from .text import text_row

ATTACH_FORMATS = ("text", "jsonl")
NICE = 10
"""How much lower the client's CPU priority is: on a busy machine, parsing a storm of events must not
take the cores the program itself needs (a client that falls behind is resynchronised instead)."""


def snapshot_starts(snapshot: Snapshot) -> list[Start]:
    """A ``start`` for each running process of the snapshot, children before their supervisor (the
    engine's order), at the snapshot's time: what a recording of an attach begins with.

    One tree after another, in the snapshot's order of their roots (a node's own trees come before
    its system applications': the agent orders them so), each told deepest level first."""
    running = [node for node in snapshot.nodes if node.state == "running"]
    trees: dict[str, int] = {}
    for node in snapshot.nodes:
        trees.setdefault(node.path.split("/", 1)[0], len(trees))
    # (stable: first-seen order within a tree and a depth)
    running.sort(key=lambda node: (trees[node.path.split("/", 1)[0]], -node.path.count("/")))
    return [Start(seq=0, t=snapshot.t, path=node.path, pid=node.pid, restart=False,
                  child_type="supervisor" if node.type == "supervisor" else "worker"
                  if node.type is not None else None,
                  actor=node.actor, strategy=node.strategy, max_restarts=node.max_restarts,
                  max_seconds=node.max_seconds) for node in running]


def attach_headless(address: str, token: str | None, fmt: str, out: TextIO | None = None,
                    err: TextIO | None = None, *, nice: bool = False,
                    connect: Callable[[], Connection] | None = None) -> int:
    """Stream until the program ends; the exit code (2 when attaching failed, one line on ``err``).
    ``nice``: lower this process's CPU priority once attached (the command line does). ``connect``:
    how to get the connection, if not ``open_connection(address, token)`` (``--beam`` runs an agent)."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    try:
        connection = connect() if connect is not None else open_connection(address, token)
    except AttachError as exc:
        print(f"suptui: error: {exc}", file=err)
        return 2
    if nice:
        with contextlib.suppress(OSError, AttributeError):
            os.nice(NICE)  # the observer yields the machine to the observed program
    write_events = _jsonl(out, connection.hello.header()) if fmt == "jsonl" else _text(out)
    try:
        write_events(list(snapshot_starts(connection.snapshot)))
        for update in connection.updates():
            if isinstance(update, Events):
                write_events(update.events)
            elif isinstance(update, Resynced):
                print(f"suptui: attach: fell behind; {update.dropped} events were skipped (resynchronised)",
                      file=err, flush=True)
            elif isinstance(update, Disconnected):
                if update.program_ended:
                    return 0
                print(f"suptui: attach: {update.reason}", file=err, flush=True)
                return 1
        return 1
    except BrokenPipeError:  # (| head): the reader has all it wants
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())  # (no second error at exit's flush)
        return 0
    except KeyboardInterrupt:
        print("suptui: interrupted", file=err)
        return 130
    finally:
        connection.close()


def _jsonl(out: TextIO, header: Header) -> Callable[[list[Event]], None]:
    def write(text: str) -> None:
        out.write(text)
        out.flush()

    writer = RecordingWriter(write, header)
    return writer.events


def _text(out: TextIO) -> Callable[[list[Event]], None]:
    def write(events: list[Event]) -> None:
        if events:
            out.write("".join(line + "\n" for line in align([text_row(event) for event in events])))
            out.flush()

    return write
