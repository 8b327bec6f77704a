"""suptui: a live OTP-style supervision tree in the terminal, and the supervision engine behind it.

``suptui.engine`` is the library (no dependencies); ``suptui.tui`` the app; ``suptui.headless`` the
printer. ``__version__`` is the installed package's version, looked up when first asked for (reading
the package metadata costs every start of the command 20 ms, and most runs never print it).
"""

from __future__ import annotations

from functools import cache


@cache
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("suptui")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _version()
    raise AttributeError(f"module 'suptui' has no attribute {name!r}")
