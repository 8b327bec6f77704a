"""How the screens count restarts, worded once: the give-up banner, the log, compare, the budget in
the details and the headless text all say the same number for the same thing.

A supervisor's restart window (docs/semantics.md §R3) counts *restart decisions*: one stamp per
child death it decides to restart, so a ``one_for_all`` group restart of three children is one
restart, and the decision that made it give up is counted too (``6/5 · gave up``). The children
started again are a different number; where a screen shows it, it is called "child restarts".
"""

from __future__ import annotations

from .sentences import plural

GROUP_ONCE = "a group restart counts once"
"""Why the window's count is smaller than the number of children started again."""


def window_count(restarts: int, max_seconds: int) -> str:
    """``6 restarts in 5 s``: restarts as the supervisor's window counts them."""
    return f"{plural(restarts, 'restart')} in {max_seconds} s"


def over_limit(restarts: int, max_seconds: int, max_restarts: int) -> str:
    """``6 restarts in 5 s > max_restarts 5``: why a supervisor gave up."""
    return f"{window_count(restarts, max_seconds)} > max_restarts {max_restarts}"


def child_restarts(count: int) -> str:
    """``12 child restarts``: the children started again, each counted (not the window's number)."""
    return plural(count, "child restart")


BUDGET_NOTE = ("A budget such as 3/5 restarts in 5 s counts restarts as the supervisor's window does: "
               f"one per restart decision ({GROUP_ONCE}), the one that made it give up included (6/5). "
               "OTP counts whole seconds: a restart stamped at second s leaves the window at the first "
               "instant whose whole second is more than s + max_seconds, so a 5 s window can say "
               "\"next frees in 6.0 s\".")
"""The budget and "next frees in" explained once, for the help screen under the legend."""


def frees_rule(max_seconds: int) -> str:
    """OTP's whole-second rule, told where "next frees in …" is shown.

    A stamp is the whole second ``s`` of its decision and counts while ``now - s <= max_seconds`` in
    whole seconds (docs/semantics.md §R3.3, §R3.9), so it leaves the window at the first instant
    whose whole second is more than ``max_seconds`` after it: up to ``max_seconds + 1`` seconds after
    the decision, which is why a 5 s window can say "next frees in 6.0 s".
    """
    return (f"OTP counts whole seconds: a restart stamped at second s leaves the window at the first "
            f"instant whose whole second is more than s + {max_seconds}, up to {max_seconds + 1} s later")
