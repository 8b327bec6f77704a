"""Tree files loaded off the UI thread, under a time limit (issue 11, class 6).

Loading a tree imports the worker modules it names (``worker = "module:Class"``). A module imported
for the first time runs its top-level code, which may sleep, loop or block for ever, so the app never
calls the loader itself: a daemon thread does, and hands the tree (or the error) back to the UI thread
with ``call_from_thread``. A UI-side timer gives up after :data:`LIMIT_S`; an answer that comes later
is dropped. Nothing waits for the thread: a load that never ends dies with the process, and quitting
never hangs on it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from textual.app import App

from ..treefile.model import Tree

LIMIT_S = 5.0
"""Wall-clock seconds a tree load may take before the app gives up on it and keeps the current run."""

Loader = Callable[[str], Tree]
Done = Callable[[Tree | Exception], None]


class TooSlow(Exception):
    """The load did not finish within :data:`LIMIT_S`; its text is the one line the app shows."""


class TreeLoads:
    """At most one load waited for at a time; its outcome reaches ``done`` on the UI thread."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._token: object | None = None
        self.waiting: str | None = None
        """The source of the load the app is waiting for, if any."""

    def start(self, loader: Loader, source: str, done: Done) -> None:
        """Load ``source`` on a daemon thread; ``done`` gets the tree, the load's error, or
        :class:`TooSlow` at the time limit. UI thread; the caller checks :attr:`waiting` first."""
        token = self._token = object()
        self.waiting = source
        limit = LIMIT_S

        def finish(outcome: Tree | Exception) -> None:
            if self._token is not token:  # too late, or the app moved on
                return
            self._token = self.waiting = None
            timer.stop()
            done(outcome)

        timer = self._app.set_timer(limit, lambda: finish(TooSlow(
            f"loading {source} took longer than {limit:g} s: a worker module blocks at import?")))
        threading.Thread(target=self._load, args=(loader, source, finish), name=f"suptui-load {source}",
                         daemon=True).start()

    def abandon(self) -> None:
        """Stop waiting: whatever the thread brings back is dropped (the app is stopping)."""
        self._token = self.waiting = None

    def _load(self, loader: Loader, source: str, finish: Callable[[Tree | Exception], None]) -> None:
        try:
            outcome: Tree | Exception = loader(source)
        except Exception as exc:
            outcome = exc
        except BaseException as exc:  # the loader turns these into TreeFileError; never end a thread of ours
            outcome = RuntimeError(f"{type(exc).__name__} while loading")
        if not self._app.is_running:
            return
        with contextlib.suppress(Exception):  # the app stopped meanwhile: nobody is waiting
            self._app.call_from_thread(finish, outcome)
