"""Headless runs: a tree on the virtual clock, printed as a timeline instead of drawn.

This package must never import Textual, directly or through ``suptui.tui``: the command line's
headless path has to work (and stay fast to start) where no terminal UI can run, e.g. in CI.
"""

from .formats import FORMATS, render
from .runner import DEFAULT_UNTIL_MS, run_headless

__all__ = ["DEFAULT_UNTIL_MS", "FORMATS", "render", "run_headless"]
