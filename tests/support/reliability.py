"""Shared by the reliability tests: tree files around one hostile worker, polling, stream checks,
and for the app: typed keys and how its log words an internal error."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual import events
from textual.keys import REPLACED_KEYS, _get_unicode_name_from_key

from suptui.engine import Event

from tests.support.streams import check_stream
from tests.support.waiting import wait_for

__all__ = ["INTERNAL_ERROR", "check_stream", "hostile_tree", "internal_errors", "key_event", "lines", "step",
           "wait_for"]

ROOT_FLAGS = "max_restarts = 100\nmax_seconds = 1"


def hostile_tree(folder: Path, cls: str, node: str = "", *, root: str = ROOT_FLAGS, script: str = "",
                 hostile_first: bool = False) -> Path:
    """A tree file: a calm ticker and ``h``, a ``hostile_workers:<cls>`` worker (after the ticker unless
    ``hostile_first``); an optional script."""
    path = folder / f"{cls.lower()}.toml"
    calm = '[[children]]\nid = "calm"\nworker = "ticker"\nargs = { interval = 100 }\n\n'
    hostile = f'[[children]]\nid = "h"\nworker = "tests.support.hostile_workers:{cls}"\n{node}\n\n'
    children = hostile + calm if hostile_first else calm + hostile
    path.write_text(f'id = "root"\n{root}\n\n{children}{script}\n')
    return path


def step(at: int, action: str, target: str = "root/h", **extra: str) -> str:
    fields = "".join(f'{key} = "{value}"\n' for key, value in extra.items())
    return f'[[script]]\nat = {at}\naction = "{action}"\ntarget = "{target}"\n{fields}\n'


def lines(events: Iterable[Event], path: str | None = None) -> list[str]:
    """Events as ``t kind path reason`` strings (reason only for ends), for exact assertions."""
    out = []
    for e in events:
        if path is not None and e.path != path:
            continue
        reason = f" {e.get('reason')}" if e.kind in ("crash", "exit", "terminate") else ""
        restart = " restart" if e.kind == "start" and e.get("restart") else ""
        out.append(f"{e.t} {e.kind} {e.path}{restart}{reason}")
    return out


INTERNAL_ERROR = re.compile(r"\b\w+ failed: |display update failed|engine error|event subscriber|"
                            r"could not start|Traceback")
"""How the app words its own failures (a guarded action, a drain, the engine's log, a start)."""


def internal_errors(app: Any) -> list[str]:
    return [line.text for line in app.event_log.lines if INTERNAL_ERROR.search(line.text)]


def key_event(app: Any, key: str) -> events.Key:
    """The event a terminal sends for ``key`` (built as the pilot builds it, with its character)."""
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
    except KeyError:
        char = key if len(key) == 1 else None
    event = events.Key(key, char)
    event.set_sender(app)
    return event
