"""Exit reasons as a tree file spells them: a string, or ``["shutdown", "term"]`` for ``{shutdown, term}``.

OTP has three orderly reasons, ``normal``, ``shutdown`` and ``{shutdown, Term}``; the last is how a
process says "I stopped on purpose, and here is why" without a transient supervisor restarting it.
TOML has no tuples, so a two-element array stands for one. One reader serves every place a file
gives a reason (the ``quitter`` worker's ``reason`` arg, the script's ``exit`` action), so they
accept the same spellings and reject the same mistakes with the same words.
"""

from __future__ import annotations

from typing import Any

from ..engine.reasons import SHUTDOWN, Reason

REASON_FORMS = ('a string ("normal", "shutdown", or any other word for a crash), or ["shutdown", "<term>"] '
                "for the orderly reason {shutdown, <term>}")
"""What a reason may look like in a tree file, for help texts and error messages."""


def reason_problem(value: Any) -> str | None:
    """Why ``value`` is not a reason a tree file may give, or None when it is one."""
    if isinstance(value, str):
        return "it must not be empty" if not value else None
    if isinstance(value, tuple | list):
        if len(value) != 2:
            return f"an array reason has exactly two elements, found {len(value)}"
        head, term = value
        if head != SHUTDOWN:
            shown = f'"{head}"' if isinstance(head, str) else "a non-string"
            return (f'an array reason is ["shutdown", "<term>"] for {{shutdown, <term>}}; its first element '
                    f'must be "shutdown", found {shown}')
        if not isinstance(term, str) or not term:
            return 'the term in ["shutdown", "<term>"] must be a non-empty string'
        return None
    return f"a reason is {REASON_FORMS}"


def to_reason(value: Any) -> Reason:
    """The engine's reason for an accepted spelling: arrays become tuples, strings stay as they are."""
    if isinstance(value, list):
        return tuple(value)
    return value


class _ExitReasonType(type):
    """``isinstance(value, ExitReason)`` asks whether ``value`` is a reason a tree file may give."""

    def __instancecheck__(cls, value: Any) -> bool:
        return reason_problem(value) is None


class ExitReason(metaclass=_ExitReasonType):
    """The declared type of a worker arg that holds an exit reason (see :data:`REASON_FORMS`).

    Not instantiated: it is a check. The tree-file loader tests args with ``isinstance``, so an arg
    of this type accepts both spellings and refuses anything else at load time, as ``FILE:LINE``.
    """


ExitReason.__name__ = 'reason: a string, or ["shutdown", "<term>"] for {shutdown, <term>}'
