"""Honest killing of callbacks that keep running after their process died (docs/semantics.md §R12).

It also watches for runaway callbacks: one that holds a scheduler thread for too long in real time
is detached (see ``Runtime._detach_runaway``), so a hostile worker cannot freeze virtual time.

Death itself is logical and instant. What is left is the thread: a callback still running for a dead
process first gets ``ProcessKilled`` thrown in asynchronously (it lands between bytecodes, so it
reaches pure-Python loops); a thread still stuck after that (blocked inside C) is abandoned, told on
the event stream as a ``zombie``, and a scheduler thread lost that way is replaced.

It is part of the runtime, not a user of it: it shares the runtime's lock and reads its private
thread bookkeeping (``_running``, ``_retired``, ``_threads``) and calls its private hooks, as
``context.py`` does. Processes themselves go through their public ``ProcessContext``.
"""

from __future__ import annotations

import ctypes
import threading
import time
from typing import TYPE_CHECKING, Any, cast

from .actor import Actor
from .reasons import ProcessKilled

if TYPE_CHECKING:
    from .process import ProcessState
    from .runtime import Runtime


def _throw_into(thread_id: int, exc_type: type[BaseException] | None) -> int:
    target = ctypes.py_object(exc_type) if exc_type is not None else None
    return cast(int, ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), target))


class Watchdog:
    """Watches dead processes whose callback is still on a thread. Created and used by the runtime."""

    def __init__(self, runtime: Runtime, grace_s: float, zombie_after_s: float, runaway_s: float) -> None:
        self._runtime = runtime
        self._grace = grace_s
        self._zombie_after = zombie_after_s
        self._runaway = runaway_s
        self._poll = min(0.1, grace_s / 2, runaway_s / 4)
        self._idle_poll = max(self._poll, runaway_s / 4)
        self._watched: dict[int, tuple[Any, int, float, bool]] = {}
        self._cond = threading.Condition(runtime._lock)
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="suptui-watchdog", daemon=True)
        runtime._threads.append(self._thread)
        self._thread.start()

    def watch(self, proc: ProcessState, thread_id: int) -> None:
        """Called with the runtime lock held when a process dies while one of its callbacks runs."""
        if thread_id == threading.get_ident():
            return  # it is dying from inside its own callback, which will return by itself
        self._watched[id(proc)] = (proc, thread_id, time.monotonic(), False)
        self._cond.notify()
        actor = proc.actor
        if actor is not None and type(actor).interrupt is not Actor.interrupt:
            threading.Thread(target=self._interrupt, args=(proc, actor), name=f"suptui-interrupt-{proc.pid}",
                             daemon=True).start()

    def _interrupt(self, proc: ProcessState, actor: Actor) -> None:
        """Run the actor's ``interrupt`` hook (user code) on its own thread: nothing of ours waits on it."""
        try:
            actor.interrupt()
        except BaseException as exc:
            self._runtime.report_fault((proc.path, proc.pid), "interrupt()", exc)

    def clear_pending(self, proc: ProcessState) -> None:
        """Called with the lock held by the thread whose callback just returned."""
        proc.thread = None
        self._watched.pop(id(proc), None)
        if proc.async_sent:
            proc.async_sent = False
            _throw_into(threading.get_ident(), None)

    def settle(self) -> None:
        """Before closing: give callbacks of killed processes time to be interrupted or declared zombies.

        Bounded by the zombie delay, so a shutdown never waits on a thread stuck in C for longer.
        """
        deadline = time.monotonic() + self._zombie_after + self._grace
        with self._cond:
            while any(not zombie for (_, _, _, zombie) in self._watched.values()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._cond.wait(min(remaining, self._poll))

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join(timeout=1.0)

    def _run(self) -> None:
        with self._cond:
            while not self._closed:
                now = time.monotonic()
                for key, (proc, thread_id, since, zombie) in list(self._watched.items()):
                    if proc.thread != thread_id:
                        del self._watched[key]
                        continue
                    age = now - since
                    if age >= self._grace and not proc.async_sent:
                        proc.async_sent = _throw_into(thread_id, ProcessKilled) == 1
                    if age >= self._zombie_after and not zombie:
                        self._watched[key] = (proc, thread_id, since, True)
                        self._runtime._zombie(proc, thread_id)
                for thread_id, stack in list(self._runtime._running.items()):
                    overdue = bool(stack) and now - stack[-1][1] >= self._runaway
                    if overdue and thread_id not in self._runtime._retired:
                        self._runtime._detach_runaway(list(stack), thread_id)
                # Fine-grained only while a death waits on a thread (the grace before the kill is
                # thrown is 50 ms); otherwise only runaways are watched for, and a quarter of their
                # limit is soon enough: an idle app's watchdog woke 40 times a second for nothing.
                self._cond.wait(self._poll if self._watched else self._idle_poll)
