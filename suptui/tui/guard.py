"""``guarded``: an action that raises becomes a red log line, because the app must outlive the tree.

Its own module so that every group of keys (the app's, the timeline's, predict and compare) wraps its
actions the same way.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

log = logging.getLogger("suptui.tui.app")

F = TypeVar("F", bound=Callable[..., Any])


class Notes(Protocol):
    def note(self, text: str, kind: str = "note") -> None: ...


def guarded(method: F) -> F:
    """Turn any exception in an action into a red log line: the app must outlive the tree."""

    @functools.wraps(method)
    def wrapper(self: Notes, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            log.debug("action %s failed", method.__name__, exc_info=True)
            self.note(f"{method.__name__.removeprefix('action_')} failed: {exc!r}", "error")
            return None

    return wrapper  # type: ignore[return-value]
