"""Worker-controlled text made safe to show: every face calls these before text reaches a screen.

Exception messages, exit reasons, ids and state descriptions come from user code and tree files, so
they may hold terminal escape sequences (``ESC [ 2 J`` clears a screen), carriage returns that draw
over a border, bidirectional overrides that reorder a line, or Rich markup (``[@click=app.quit]``).
The engine keeps such text raw (JSON Lines escapes it by itself); a face that draws it calls
:func:`visible` (plain text: headless text, SVG, logs) or :func:`markup_safe` (text that will be
parsed as Rich markup). Building ``rich.text.Text`` from :func:`visible` text needs no escaping.

Only pure functions over ``str``: no Textual or Rich import at module level, so the headless path and
the engine's own log lines can use them.
"""

from __future__ import annotations

import re

_BIDI_AND_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f"  # zero-width space/joiners, LRM/RLM
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings and overrides
    "\u2060\u2066\u2067\u2068\u2069"  # word joiner, isolates
    "\ufeff"  # zero-width no-break space (BOM)
    "\ufffe\uffff"  # noncharacters: not even legal in XML 1.0 (the SVG export)
)

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f"  # Cc: C0 and C1 controls, DEL
    "\ud800-\udfff"  # Cs: lone surrogates (undecodable bytes smuggled through surrogateescape)
    "\u2028\u2029"  # Zl, Zp: line and paragraph separators
    + "".join(sorted(_BIDI_AND_INVISIBLE))
    + "]"
)
"""Every character :func:`visible` escapes. One regex rather than a per-character Python test, so
the log pane can pass every line of a crash storm through it (the fast path is a C scan)."""
_UNSAFE_BUT_NEWLINE = re.compile(_UNSAFE.pattern.replace("\x00-\x1f", "\x00-\x09\x0b-\x1f"))


def _escape_char(char: str) -> str:
    code = ord(char)
    if char == "\n":
        return "\\n"
    if char == "\r":
        return "\\r"
    if char == "\t":
        return "\\t"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _escape_match(match: re.Match[str]) -> str:
    return _escape_char(match.group())


def visible(text: object, *, keep_newlines: bool = False, limit: int | None = None) -> str:
    """``text`` with every control character shown as a Python-style escape (``\\x1b``, ``\\r``, ``\\n``).

    ``keep_newlines`` leaves ``\\n`` alone, for multi-line text (tracebacks) that a face splits into
    lines itself. ``limit`` cuts the result to that many characters, ending in ``…``. Never raises:
    a non-``str`` argument is shown by its type name, since calling a user object's ``__str__`` is
    the caller's business (see ``suptui.engine.reasons.format_reason``).
    """
    if not isinstance(text, str):
        text = f"<{type(text).__name__}>"
    pattern = _UNSAFE_BUT_NEWLINE if keep_newlines else _UNSAFE
    out = pattern.sub(_escape_match, text) if pattern.search(text) else text
    if limit is not None and len(out) > limit:
        out = out[: max(0, limit - 1)] + "…"
    return out


def markup_safe(text: object, *, keep_newlines: bool = False) -> str:
    """:func:`visible`, then escaped for *Rich* markup: square brackets are shown, never parsed.

    Only for Rich's parser (``Text.from_markup``, a ``str`` cell of a Rich ``Table``). Textual's
    content markup is a different parser that this escaping does not fit (it reads ``[$accent]`` as
    a style and shows a doubled backslash before ``[`` as two), so a Textual widget is handed a
    ``textual.content.Content`` built from :func:`visible` text instead, which is never parsed.
    """
    shown = visible(text, keep_newlines=keep_newlines)
    # The same rule as rich.markup.escape: a backslash before "[" and doubled trailing backslashes.
    from rich.markup import escape

    return escape(shown)


def has_control(text: str) -> bool:
    """True if ``text`` holds a character :func:`visible` would escape (used to refuse such ids)."""
    return _UNSAFE.search(text) is not None
