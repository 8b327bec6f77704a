"""Faults outside callbacks, told on the event stream instead of printed over the screen.

Two kinds of worker fault escape the runtime's callbacks: an exception in a thread a worker started
itself (``threading.excepthook``) and one ignored in a ``__del__`` or a weakref callback
(``sys.unraisablehook``). Python prints both as tracebacks on stderr, which tears through the app's
screen and hides the fault from every other view. :func:`install` takes over both hooks for the
whole process (it is opt-in: a library must not change a process's hooks unasked; the ``suptui``
command installs it) and turns each fault into a ``fault`` event on the runtime it belongs to.

A fault is blamed on the process whose callback was running on the thread, or, for a thread a
worker started, on the process that started it (``Thread.start`` is wrapped to remember that).
A fault no runtime can be blamed for goes to the previous hook, as before.
"""

from __future__ import annotations

import re
import sys
import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .reasons import safe_repr

if TYPE_CHECKING:
    from .pid import Pid
    from .runtime import Runtime

_runtimes: weakref.WeakSet[Runtime] = weakref.WeakSet()
_lock = threading.Lock()
_installed = False
_previous_excepthook: Callable[[Any], Any] = threading.excepthook
_previous_unraisablehook: Callable[[Any], Any] = sys.unraisablehook
_original_start: Callable[[threading.Thread], None] = threading.Thread.start

_ORIGIN = "_suptui_origin"
"""The attribute a thread started from a callback carries: (runtime ref, path, pid)."""

Origin = tuple["weakref.ReferenceType[Runtime]", str, "Pid"]


def register(runtime: Runtime) -> None:
    """Called by every ``Runtime``: faults on its threads can be blamed on its processes."""
    with _lock:
        _runtimes.add(runtime)


def install() -> None:
    """Route worker faults outside callbacks to the event stream, for this whole process. Idempotent."""
    global _installed, _previous_excepthook, _previous_unraisablehook
    with _lock:
        if _installed:
            return
        _installed = True
        _previous_excepthook = threading.excepthook
        _previous_unraisablehook = sys.unraisablehook
    threading.excepthook = _on_thread_exception
    sys.unraisablehook = _on_unraisable
    # Patching a stdlib method is the point here; mypy refuses any assignment to a method (and sees a
    # plain function as taking self twice), so the two codes are silenced for this line only.
    threading.Thread.start = _start_remembering_origin  # type: ignore[method-assign, assignment]


def uninstall() -> None:
    """Give the hooks back (tests)."""
    global _installed
    with _lock:
        if not _installed:
            return
        _installed = False
    threading.excepthook = _previous_excepthook
    sys.unraisablehook = _previous_unraisablehook
    threading.Thread.start = _original_start  # type: ignore[method-assign, assignment]  # (as in install)


def _current_origin() -> Origin | None:
    """The process whose callback runs on this thread, or the one that started this thread."""
    ident = threading.get_ident()
    for runtime in list(_runtimes):
        where = runtime.process_on_thread(ident)
        if where is not None:
            return weakref.ref(runtime), where[0], where[1]
    inherited = getattr(threading.current_thread(), _ORIGIN, None)
    return inherited if isinstance(inherited, tuple) else None


def _start_remembering_origin(thread: threading.Thread) -> None:
    origin = _current_origin()
    if origin is not None:
        setattr(thread, _ORIGIN, origin)
    _original_start(thread)


def _blame(origin: Origin | None) -> tuple[Runtime, tuple[str, Pid] | None] | None:
    if origin is not None:
        runtime = origin[0]()
        if runtime is not None:
            return runtime, (origin[1], origin[2])
    live = list(_runtimes)
    if len(live) == 1:  # one tree in this process: the fault is its, even if no process can be named
        return live[0], None
    return None


def _on_thread_exception(args: Any) -> None:
    if args.exc_type is SystemExit:
        return  # how a thread ends itself quietly, as Python's own hook treats it
    thread = args.thread
    origin = getattr(thread, _ORIGIN, None) if thread is not None else None
    blamed = _blame(origin if isinstance(origin, tuple) else _current_origin())
    if blamed is None:
        _previous_excepthook(args)
        return
    runtime, where = blamed
    name = thread.name if thread is not None else "?"
    runtime.report_fault(where, f"thread {name}", args.exc_value)


def _on_unraisable(unraisable: Any) -> None:
    blamed = _blame(_current_origin())
    if blamed is None:
        _previous_unraisablehook(unraisable)
        return
    runtime, where = blamed
    message = unraisable.err_msg or "Exception ignored in"
    what = f"{message}: {_no_address(safe_repr(unraisable.object, 120))}" if unraisable.object is not None \
        else message
    runtime.report_fault(where, what, unraisable.exc_value)


_ADDRESS = re.compile(r" at 0x[0-9A-Fa-f]+")


def _no_address(text: str) -> str:
    """``<function D.__del__ at 0x7f31…>`` without the address: it changes from run to run, and a run's
    events must be the same bytes every time (the object's kind and name say enough)."""
    return _ADDRESS.sub("", text)
