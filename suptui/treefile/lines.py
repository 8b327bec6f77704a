"""Where each key of a TOML document is written, for error messages.

``tomllib`` returns values without positions, so after it has accepted a document this light scanner
walks the source once and records the line of every key path, in the loader's notation:
``children[2].args.bomb_time``. It understands headers (``[a.b]``, ``[[a.b]]``), dotted keys, inline
tables, arrays and all four string forms; it is only ever run on valid TOML, and if it is confused
anyway it returns what it found so far (errors then fall back to the nearest known key).
"""

from __future__ import annotations

import contextlib
import json
import re

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = set(",]}#\r\n")
_INDEX = re.compile(r"\[\d+\]$")


def join_key(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def parent_key(key: str) -> str:
    """``children[2].args`` → ``children[2]`` → ``children`` → ``""``."""
    if _INDEX.search(key):
        return key[: key.rindex("[")]
    return key.rsplit(".", 1)[0] if "." in key else ""


class KeyLines:
    """Key path → line number, with lookup that falls back to the nearest enclosing key."""

    def __init__(self, text: str) -> None:
        scanner = _Scanner(text)
        with contextlib.suppress(IndexError, ValueError):
            scanner.document()
        self.lines = scanner.lines

    def line_of(self, key: str) -> int | None:
        while key:
            line = self.lines.get(key)
            if line is not None:
                return line
            key = parent_key(key)
        return None


class _Scanner:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.line = 1
        self.lines: dict[str, int] = {}
        self.arrays: dict[str, int] = {}

    # -- characters

    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < len(self.s) else ""

    def advance(self, n: int = 1) -> None:
        for _ in range(n):
            if self.i >= len(self.s):
                raise IndexError("end of document")
            if self.s[self.i] == "\n":
                self.line += 1
            self.i += 1

    def skip_blank(self) -> None:
        while self.peek() in (" ", "\t"):
            self.advance()

    def skip_trivia(self) -> None:
        while True:
            c = self.peek()
            if c in (" ", "\t", "\r", "\n"):
                self.advance()
            elif c == "#":
                while self.peek() not in ("\n", ""):
                    self.advance()
            else:
                return

    def expect(self, text: str) -> None:
        if not self.s.startswith(text, self.i):
            raise ValueError(f"expected {text!r} at line {self.line}")
        self.advance(len(text))

    def record(self, key: str, line: int) -> None:
        self.lines.setdefault(key, line)

    # -- structure

    def document(self) -> None:
        table = ""
        while True:
            self.skip_trivia()
            if self.i >= len(self.s):
                return
            line = self.line
            if self.s.startswith("[[", self.i):
                self.advance(2)
                parts = self.key_parts()
                self.skip_blank()
                self.expect("]]")
                table = self.open_array(parts, line)
            elif self.peek() == "[":
                self.advance()
                parts = self.key_parts()
                self.skip_blank()
                self.expect("]")
                table = self.resolve(parts)
                self.record(table, line)
            else:
                self.key_value(table)

    def resolve(self, parts: list[str]) -> str:
        """A header's path, where each array of tables named on the way means its latest element."""
        path = ""
        for part in parts:
            path = join_key(path, part)
            if path in self.arrays:
                path = f"{path}[{self.arrays[path] - 1}]"
        return path

    def open_array(self, parts: list[str], line: int) -> str:
        path = join_key(self.resolve(parts[:-1]), parts[-1])
        index = self.arrays.get(path, 0)
        self.arrays[path] = index + 1
        self.record(path, line)
        element = f"{path}[{index}]"
        self.record(element, line)
        return element

    def key_value(self, table: str) -> None:
        line = self.line
        path = table
        for part in self.key_parts():
            path = join_key(path, part)
            self.record(path, line)
        self.skip_blank()
        self.expect("=")
        self.skip_blank()
        self.value(path)

    def key_parts(self) -> list[str]:
        parts: list[str] = []
        while True:
            self.skip_blank()
            c = self.peek()
            if c in ('"', "'"):
                parts.append(self.string())
            else:
                match = _BARE_KEY.match(self.s, self.i)
                if match is None:
                    raise ValueError(f"expected a key at line {self.line}")
                parts.append(match.group())
                self.advance(len(match.group()))
            self.skip_blank()
            if self.peek() != ".":
                return parts
            self.advance()

    # -- values

    def value(self, path: str) -> None:
        c = self.peek()
        if c in ('"', "'"):
            self.string()
        elif c == "{":
            self.inline_table(path)
        elif c == "[":
            self.array(path)
        else:
            start = self.i
            while self.peek() not in _SCALAR_END and self.peek() != "":
                self.advance()
            if self.i == start:
                raise ValueError(f"expected a value at line {self.line}")

    def inline_table(self, path: str) -> None:
        self.expect("{")
        while True:
            self.skip_trivia()
            if self.peek() == "}":
                self.advance()
                return
            self.key_value(path)
            self.skip_trivia()
            if self.peek() == ",":
                self.advance()

    def array(self, path: str) -> None:
        self.expect("[")
        index = 0
        while True:
            self.skip_trivia()
            if self.peek() == "]":
                self.advance()
                return
            element = f"{path}[{index}]"
            self.record(element, self.line)
            self.value(element)
            index += 1
            self.skip_trivia()
            if self.peek() == ",":
                self.advance()

    def string(self) -> str:
        """Consume any TOML string and return its text (escapes decoded well enough for keys)."""
        quote = self.peek()
        if self.s.startswith(quote * 3, self.i):
            self.advance(3)
            start = self.i
            while not self.s.startswith(quote * 3, self.i):
                self.advance(2 if quote == '"' and self.peek() == "\\" else 1)
            # a closing run may be up to five quotes long: the extra ones belong to the string
            while self.s.startswith(quote * 4, self.i):
                self.advance()
            text = self.s[start:self.i]
            self.advance(3)
            return text
        self.advance()
        start = self.i
        while self.peek() != quote:
            if self.peek() in ("\n", ""):
                raise ValueError(f"unterminated string at line {self.line}")
            self.advance(2 if quote == '"' and self.peek() == "\\" else 1)
        raw = self.s[start:self.i]
        self.advance()
        if quote == '"' and "\\" in raw:
            try:
                return json.loads(f'"{raw}"')
            except ValueError:
                return raw
        return raw
