"""suptui: a live OTP-style supervision tree in the terminal, and the supervision engine behind it.

``suptui.engine`` is the library (no dependencies); ``suptui.tui`` the app; ``suptui.headless`` the
printer. ``__version__`` is the installed package's version.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("suptui")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
