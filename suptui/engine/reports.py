"""Crash reports through Python's ``logging``, on by default, as OTP logs its supervisor reports.

A Python engineer who supervises threads with this engine should see a crash without subscribing to
anything: every crash, give-up, fault and zombie becomes one log record on the ``suptui.reports``
logger (crashes and faults at ERROR with their traceback, give-ups and zombies at WARNING, starts
and orderly exits at DEBUG). Standard logging configuration silences or redirects them
(``logging.getLogger("suptui.reports").setLevel(logging.CRITICAL)``), or pass
``Runtime(log_reports=False)``. Each record carries the typed event as ``record.event``.

The app and the headless printer show the stream themselves and turn these off.
"""

from __future__ import annotations

import logging

from .protocol import Crash, Event, Exit, Fault, GiveUp, Start, Terminate, Zombie

LOGGER_NAME = "suptui.reports"
log = logging.getLogger(LOGGER_NAME)


def report(event: Event) -> None:
    """The event bus subscriber: one record per fact worth a report (cheap when nothing is logged)."""
    match event:
        case Crash():
            if not log.isEnabledFor(logging.ERROR):
                return
            how = f" (killed by {event.killed_by})" if event.killed_by else ""
            phase = " while starting" if event.phase == "init" else ""
            message = f"crash report: {event.path} {event.pid} crashed{phase}{how}: {event.reason}"
            if event.traceback:
                message += "\n" + event.traceback.rstrip("\n")
            log.error(message, extra={"event": event})
        case GiveUp():
            log.warning("supervisor report: %s %s reached its restart intensity (%d restarts in %d s > %d) "
                        "after %s ended; shutting down", event.path, event.pid, len(event.restarts),
                        event.max_seconds, event.max_restarts, event.child, extra={"event": event})
        case Fault():
            if not log.isEnabledFor(logging.ERROR):
                return
            where = f"{event.path} {event.pid}" if event.path else "a worker"
            message = f"fault report: {where}: {event.what}: {event.reason}"
            if event.traceback:
                message += "\n" + event.traceback.rstrip("\n")
            log.error(message, extra={"event": event})
        case Zombie():
            log.warning("zombie report: %s %s is dead but its thread %s could not be stopped (stuck in C "
                        "code); it was abandoned", event.path, event.pid, event.thread,
                        extra={"event": event})
        case Start() if log.isEnabledFor(logging.DEBUG):
            log.debug("progress report: %s %s started%s", event.path, event.pid,
                      " (restart)" if event.restart else "", extra={"event": event})
        case Exit() | Terminate() if log.isEnabledFor(logging.DEBUG):
            log.debug("exit report: %s %s ended: %s", event.path, event.pid, event.reason,
                      extra={"event": event})
        case _:
            return
