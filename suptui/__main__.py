"""``python -m suptui``: the same command as the ``suptui`` console script."""

from .cli import run

run()
