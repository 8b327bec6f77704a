"""The app's terminal is given back in a usable state, however the app's process ends.

Textual puts the terminal in raw mode, switches to the alternate screen, hides the cursor and turns
on mouse reporting, and undoes all that when the app ends. It cannot when the process dies without
unwinding: a worker calling ``os._exit``, SIGTERM or SIGKILL, a segfault. Handlers inside the dying
process (atexit, signal handlers, wrapping ``os._exit``) do not run for SIGKILL or a crash, so
suptui runs the app in a child process, on the same terminal (Textual sees the real tty), and the
process the user started only waits for it:

* the child writes ``clean`` to a pipe once it ends by unwinding normally (Textual has restored the
  terminal by then); any other end is abnormal, and the parent writes the reset sequences, restores
  the terminal modes it saved before the child started, and says how the app ended;
* SIGTERM, SIGHUP and SIGINT sent to the parent are passed on to the child;
* the exit status is the child's (128 + N when signal N ended it);
* the child's ``faulthandler`` writes to a file the parent shows after a crash, because a dump
  written on the alternate screen would vanish with it.

What it cannot do: if the parent itself is SIGKILLed (or the whole process group is), nothing is
left to restore the terminal; ``reset`` (or ``stty sane; tput rmcup``) does it by hand.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from typing import IO, Any

CHILD_ENV = "SUPTUI_APP_CHILD"
"""Set for the app's process: ``CLEAN_FD,CRASH_FD`` (``-`` runs the app directly, unwatched)."""
CLEAN = b"clean"
RESET = ("\x1b[?1049l"  # leave the alternate screen
         "\x1b[?25h"  # show the cursor
         "\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"  # mouse reporting off
         "\x1b[?2004l"  # bracketed paste off
         "\x1b[?1004l"  # focus events off
         "\x1b[<u"  # kitty keyboard protocol: pop the mode Textual pushed
         "\x1b[0m")  # attributes back to normal
FORWARDED = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
CRASH_LINES = 60
"""At most this many lines of the child's faulthandler dump are shown after an abnormal end."""

_crash_file: IO[bytes] | None = None
"""The child's faulthandler file, kept open (and referenced) for as long as the process lives."""


_is_app_child = False
"""Set by :func:`child_channel` in the app's own process: it must never start another one."""


def should_watch() -> bool:
    """True for the process the user started, on a terminal, on a system with termios."""
    if _is_app_child or CHILD_ENV in os.environ or os.name != "posix":
        return False
    try:
        return all(os.isatty(fd) for fd in (0, 1, 2))
    except OSError:
        return False


def run_watched(argv: Sequence[str]) -> int:
    """Run ``suptui ARGV`` (the app) in a child process and restore the terminal if it dies; its status."""
    import termios

    saved = None
    with contextlib.suppress(termios.error, OSError):
        saved = termios.tcgetattr(0)
    clean_read, clean_write = os.pipe()
    with tempfile.TemporaryFile() as crash, contextlib.ExitStack() as stack:
        env = {**os.environ, CHILD_ENV: f"{clean_write},{crash.fileno()}"}
        try:
            child = subprocess.Popen([sys.executable, "-m", "suptui", *argv], env=env,
                                     pass_fds=(clean_write, crash.fileno()))
        finally:
            os.close(clean_write)
        stack.callback(os.close, clean_read)
        previous = {signum: signal.signal(signum, _forward_to(child)) for signum in FORWARDED}
        try:
            status = child.wait()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if _read_all(clean_read) != CLEAN:
            _restore(saved)
            _report(status, crash)
    return 128 - status if status < 0 else status


def _forward_to(child: subprocess.Popen[bytes]) -> Any:
    def forward(signum: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signum)

    return forward


def _read_all(fd: int) -> bytes:
    """What the child wrote to the pipe (its end is closed once it has ended)."""
    data = b""
    with contextlib.suppress(OSError):
        while chunk := os.read(fd, 64):
            data += chunk
    return data


def _restore(saved: list[Any] | None) -> None:
    """Undo what the app did to the terminal, as far as escape sequences and termios can."""
    with contextlib.suppress(OSError):
        os.write(2, RESET.encode("ascii"))
    if saved is not None:
        import termios

        with contextlib.suppress(termios.error, OSError):
            termios.tcsetattr(0, termios.TCSADRAIN, saved)


def _report(status: int, crash: IO[bytes]) -> None:
    """Say how the app ended (and show the crash dump, if the interpreter wrote one)."""
    if status < 0:
        try:
            how = f"was killed by {signal.Signals(-status).name}"
        except ValueError:
            how = f"was killed by signal {-status}"
    else:
        how = f"ended abnormally (exit status {status})"
    lines = []
    with contextlib.suppress(OSError):
        crash.seek(0)
        lines = crash.read().decode("utf-8", "replace").splitlines()[-CRASH_LINES:]
    text = "".join(line + "\n" for line in lines)
    text += f"suptui: the app {how}; the terminal was restored\n"
    with contextlib.suppress(OSError):
        os.write(2, text.encode("utf-8", "replace"))


# ---------------------------------------------------------------------------- in the child


def child_channel() -> int | None:
    """In the app's process: take the watcher's settings; returns the fd to write ``clean`` to.

    The variable is removed from the environment, so that processes started by workers are not
    taken for the app. The crash file becomes faulthandler's output.
    """
    global _crash_file, _is_app_child
    value = os.environ.pop(CHILD_ENV, None)
    if value is None:
        return None
    _is_app_child = True
    if value == "-":
        return None
    try:
        clean, crash = (int(part) for part in value.split(","))
    except ValueError:
        return None
    with contextlib.suppress(OSError, ValueError):
        _crash_file = os.fdopen(crash, "wb", buffering=0)
        faulthandler.enable(file=_crash_file, all_threads=True)
        _screen_to_ourselves(crash)
    return clean


def _screen_to_ourselves(aside: int) -> None:
    """Keep the terminal for the app alone: worker code that writes to file descriptors 1 and 2
    (``os.write(1, …)``, a subprocess, a C library's ``printf``) would draw over the screen, escape
    sequences and all. Python's own ``print`` is caught by Textual; these are not.

    The app gets its own descriptor on the terminal (Textual draws on ``sys.__stderr__`` and takes the
    size from ``sys.__stdout__``), and 1 and 2 go to ``aside``, the crash file the watcher shows
    after an abnormal end. Only when all three are the terminal (the watched app on a tty).
    """
    if not all(os.isatty(fd) for fd in (0, 1, 2)):
        return
    terminal = os.dup(1)
    encoding = sys.__stdout__.encoding if sys.__stdout__ is not None else "utf-8"
    out = os.fdopen(terminal, "w", buffering=1, encoding=encoding, errors="replace")
    err = os.fdopen(os.dup(terminal), "w", buffering=1, encoding=encoding, errors="replace")
    os.dup2(aside, 1)
    os.dup2(aside, 2)
    sys.stdout = sys.__stdout__ = out
    sys.stderr = sys.__stderr__ = err


def mark_clean(fd: int) -> None:
    """Tell the watcher that this process is ending by unwinding: the terminal is already restored."""
    with contextlib.suppress(OSError):
        os.write(fd, CLEAN)
        os.close(fd)
