"""Reading typed fields out of parsed TOML tables while collecting problems instead of raising.

Each getter checks one field and, when it is wrong, records a problem (expected vs found, with a
"did you mean" for misspellings) and returns a fallback so that checking can go on: a file's
mistakes are all reported at once.
"""

from __future__ import annotations

import datetime
import difflib
import json
from collections.abc import Collection, Iterable
from typing import Any

from .errors import Problem, TreeFileError
from .lines import KeyLines, join_key


class Problems:
    """The problems found in one file, with the line of each key they are about."""

    def __init__(self, file: str, text: str = "") -> None:
        self.file = file
        self.keys = KeyLines(text)
        self.found: list[Problem] = []

    def add(self, key: str, message: str, line: int | None = None) -> None:
        if line is None:
            line = self.keys.line_of(key)
        self.found.append(Problem(self.file, line, key, message))

    def line_of(self, key: str) -> int | None:
        return self.keys.line_of(key)

    def __len__(self) -> int:
        return len(self.found)

    def raise_if_any(self) -> None:
        if self.found:
            ordered = sorted(self.found, key=lambda p: p.line if p.line is not None else float("inf"))
            raise TreeFileError(ordered)


def did_you_mean(word: Any, choices: Iterable[str]) -> str:
    """`` (did you mean "x"?)`` for the closest choice, or an empty string."""
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def one_of(choices: Collection[str]) -> str:
    """``a, b or c``."""
    items = [str(c) for c in choices]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def describe(value: Any) -> str:
    """A value as TOML would show it, with its type: ``a string "5"``, ``a boolean true``."""
    if isinstance(value, bool):
        return f"a boolean {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"an integer {value}"
    if isinstance(value, float):
        return f"a float {value}"
    if isinstance(value, str):
        return f"a string {json.dumps(value)}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, datetime.date | datetime.time):
        return f"a date/time {value.isoformat()}"
    return repr(value)


def is_int(value: Any) -> bool:
    """TOML integers only: Python's bool is an int, a TOML boolean is not."""
    return isinstance(value, int) and not isinstance(value, bool)


class Table:
    """One TOML table at a key path (``children[2]``), read field by field."""

    def __init__(self, data: dict[str, Any], key: str, problems: Problems) -> None:
        self.data = data
        self.key = key
        self.problems = problems

    def __contains__(self, name: str) -> bool:
        return name in self.data

    def key_of(self, name: str) -> str:
        return join_key(self.key, name)

    def problem(self, name: str, message: str) -> None:
        self.problems.add(self.key_of(name) if name else self.key, message)

    def check_keys(self, allowed: Collection[str], hints: dict[str, str] | None = None) -> None:
        """Report keys not in ``allowed``: with a specific hint if given, else a "did you mean"."""
        for name in self.data:
            if name in allowed:
                continue
            if hints and name in hints:
                self.problem(name, hints[name])
            else:
                suggestion = did_you_mean(name, allowed)
                rest = "" if suggestion else f"; expected one of: {', '.join(sorted(allowed))}"
                self.problem(name, f'unknown key "{name}"{suggestion}{rest}')

    def string(self, name: str, default: str | None = None, *, choices: Collection[str] = (),
               what: str | None = None) -> str | None:
        if name not in self.data:
            return default
        value = self.data[name]
        label = what or name
        if not isinstance(value, str):
            expected = f"one of {one_of(choices)}" if choices else "a string"
            self.problem(name, f"{label} must be {expected}, found {describe(value)}")
            return default
        if choices and value not in choices:
            self.problem(name, f'unknown {label} "{value}": expected {one_of(choices)}'
                               f"{did_you_mean(value, choices)}")
            return default
        return value

    def integer(self, name: str, default: int | None, *, minimum: int | None = None,
                unit: str = "") -> int | None:
        if name not in self.data:
            return default
        value = self.data[name]
        unit_text = f" ({unit})" if unit else ""
        if not is_int(value):
            self.problem(name, f"{name} must be an integer{unit_text}, found {describe(value)}")
            return default
        if minimum is not None and value < minimum:
            if minimum == 0:
                self.problem(name, f"{name} must not be negative{unit_text}, found {value}")
            else:
                self.problem(name, f"{name} must be at least {minimum}{unit_text}, found {value}")
            return default
        return value

    def boolean(self, name: str, default: bool) -> bool:
        if name not in self.data:
            return default
        value = self.data[name]
        if not isinstance(value, bool):
            self.problem(name, f"{name} must be true or false, found {describe(value)}")
            return default
        return value

    def table(self, name: str) -> Table | None:
        if name not in self.data:
            return None
        value = self.data[name]
        if not isinstance(value, dict):
            self.problem(name, f"{name} must be a table, like {name} = {{ ... }}, "
                               f"found {describe(value)}")
            return None
        return Table(value, self.key_of(name), self.problems)

    def tables(self, name: str) -> list[Table]:
        """An array of tables (``[[name]]`` or ``name = [{...}, ...]``), element by element."""
        if name not in self.data:
            return []
        value = self.data[name]
        if isinstance(value, dict):
            self.problem(name, f"{name} must be an array of tables: write [[{name}]], not [{name}]")
            return []
        if not isinstance(value, list):
            self.problem(name, f"{name} must be an array of tables ([[{name}]]), found {describe(value)}")
            return []
        out: list[Table] = []
        for index, item in enumerate(value):
            key = f"{self.key_of(name)}[{index}]"
            if isinstance(item, dict):
                out.append(Table(item, key, self.problems))
            else:
                self.problems.add(key, f"each entry of {name} must be a table, found {describe(item)}")
        return out
