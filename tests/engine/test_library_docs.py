"""Every example in docs/library.md runs, and prints what its comments say it prints.

A line ``print(...)  # expected`` in an example must print exactly ``expected``."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

DOC = Path(__file__).parents[2] / "docs" / "library.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def _expected(block: str) -> list[str]:
    out = []
    for line in block.splitlines():
        match = re.match(r"\s*print\(.*\)\s+#\s*(.+)$", line)
        if match:
            out.append(match.group(1).strip())
    return out


def test_the_guide_has_examples() -> None:
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_example_runs_and_prints_what_it_says(index: int) -> None:
    block = BLOCKS[index]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block, f"{DOC.name}[example {index + 1}]", "exec"), {"__name__": f"example{index}"})
    lines = printed.getvalue().splitlines()
    expected = _expected(block)
    assert [line for line, _ in zip(lines, expected, strict=False)] == expected
