"""What the loader says about a bad tree file: every problem, each with where it is.

A tree file is hand-written, so all of its mistakes are collected and reported at once, each as a
line a terminal and an editor understand (``FILE:LINE: message``), never as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..safetext import visible


@dataclass(frozen=True)
class Problem:
    """One mistake: the file, the line when known, the key path (``children[2].args.bomb_time``)."""

    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        message = _one_line(self.message)
        if self.line is not None:
            return f"{self.file}:{self.line}: {message}"
        if self.key:
            return f"{self.file}: {_one_line(self.key)}: {message}"
        return f"{self.file}: {message}"


def _one_line(text: str) -> str:
    """Escape control characters (a newline typed inside a value, a terminal escape in an id) so a
    problem stays one line and prints as text."""
    return visible(text)


class TreeFileError(Exception):
    """A tree file could not be loaded; ``problems`` lists every mistake found, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)
