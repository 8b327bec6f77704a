"""The rules of supervision in plain words: the sentences the predict explanations and the why view
share, so a rule is worded once and both say it alike.

Every function takes plain values (paths, numbers, reasons), never a model or an event, so any
reader can use it; names are made relative to the root with :func:`suptui.paths.relative`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..paths import relative

DIED = {"crash": "crashed", "exit": "exited", "kill": "was killed", "give_up": "gave up", "unknown": "died"}
"""A death's kind as the past tense a sentence needs."""

TEMPORARY = "it is temporary: a temporary child is never restarted, whatever its exit reason"

HOW = {
    "in_time": "it ended within its shutdown time",
    "timeout": "it did not end within its shutdown time, so it was killed",
    "brutal_kill": "its shutdown is brutal_kill: it was killed at once",
    "infinity": "its shutdown is infinity: it was waited for as long as it took",
}
"""How a stop ended (a terminate's ``how``)."""


def secs(t_ms: int) -> str:
    """``6000`` → ``6 s``, ``2500`` → ``2.5 s``."""
    return f"{t_ms / 1000:g} s"


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``11th``, ``23rd``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def in_order(paths: Sequence[str]) -> str:
    """``bomb3 then bomb2``: an order, not a set."""
    return " then ".join(relative(path) for path in paths)


def kill_rule(by: str | None) -> str:
    """A kill from outside the tree, and why it is a death like no other."""
    return f"the {by or 'user'} killed it: a kill cannot be trapped, so it died at once (reason killed)"


def group_rule(strategy: str | None, cause: str, died: str, supervisor: str, stopped: Sequence[str],
               started: Sequence[str]) -> str:
    """What a strategy did because ``cause`` died: whom it stopped and started again, in which order."""
    cause_name, supervisor_name = relative(cause), relative(supervisor)
    stops, starts = in_order(stopped), in_order(started)
    once = "; the whole group counts as one restart in the window"
    if strategy == "one_for_all":
        return (f"one_for_all restarts every child when one dies: when {cause_name} {died}, "
                f"{supervisor_name} stopped {stops} (reverse start order), then started {starts} "
                f"(start order){once}")
    if strategy == "rest_for_one":
        return (f"rest_for_one restarts every child started after {cause_name}: {supervisor_name} stopped "
                f"{stops} (reverse start order), then started {starts} (start order){once}")
    return f"{supervisor_name} ({strategy}) restarted it because {cause_name} {died}"


def budget(used: int, limit: int, period: int) -> str:
    """Where a restart left the window: ``that was restart 3 of the 5 allowed within 5 s``."""
    return f"that was restart {used} of the {limit} allowed within {period} s"


def give_up_rule(restarts: Sequence[int], limit: int, period: int, child: str) -> str:
    """Why a supervisor gave up: its window (newest stamp first) held one restart too many."""
    text = (f"{len(restarts)} restarts within {period} s exceed max_restarts {limit}: the "
            f"{ordinal(len(restarts))}, for {relative(child)}, was one too many")
    if restarts:
        now_s, oldest = restarts[0], restarts[-1]
        stamps = ", ".join(str(s) for s in reversed(restarts))
        text += (f" (stamps at {stamps} s; a stamp counts while the current whole second minus it is "
                 f"at most {period}, and {now_s} − {oldest} = {now_s - oldest})")
    return text


def gave_up_instead(supervisor: str, restarts: int, limit: int, period: int) -> str:
    """A child not restarted because restarting it was the one restart too many."""
    return (f"{relative(supervisor)} gave up instead: restarting it would have been restart "
            f"{restarts} within {period} s, more than max_restarts {limit}")


def transient_orderly(reason: str) -> str:
    """A transient child that ended in order is left stopped."""
    return (f"it is transient, and a transient child is restarted only after an abnormal exit; "
            f"it exited with reason {reason}, an orderly one")


def stop_how(how: str | None, reason: str) -> str:
    """How one stop ended, with its reason: ``it ended within its shutdown time (reason shutdown)``."""
    return f"{HOW.get(how or '', 'it was stopped')} (reason {reason})"


def plural(count: int | None, noun: str) -> str:
    """``1 restart``, ``6 restarts``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def intensity(restarts: int, max_seconds: int, max_restarts: int) -> str:
    """A give-up's restarts against its limit, e.g. "6 restarts in 5 s > 5"."""
    return f"{plural(restarts, 'restart')} in {max_seconds} s > {max_restarts}"
