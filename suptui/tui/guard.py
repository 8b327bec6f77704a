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


def exc_text(exc: BaseException) -> str:
    """``repr(exc)`` for an exception whose text is safe to build here, else its type's name.

    A built-in or suptui exception with plain arguments formats without running anyone's code; any
    other may come from a worker, whose ``__repr__``/``__str__`` could block, raise ``SystemExit``
    or return anything, and this runs on the UI thread (or inside an engine future's callback).
    """
    module = type(exc).__module__
    ours = module == "builtins" or module == "suptui" or module.startswith("suptui.")
    if ours and all(isinstance(arg, str | int | float) for arg in exc.args):
        return repr(exc)
    return f"<{type(exc).__name__}>"


def guarded(method: F) -> F:
    """Turn any exception in an action into a red log line: the app must outlive the tree."""

    @functools.wraps(method)
    def wrapper(self: Notes, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            log.debug("action %s failed", method.__name__, exc_info=True)
            self.note(f"{method.__name__.removeprefix('action_')} failed: {exc_text(exc)}", "error")
            return None

    return wrapper  # type: ignore[return-value]
