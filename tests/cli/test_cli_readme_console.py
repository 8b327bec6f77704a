"""Every ``console`` block of the README is run and must print what it shows (a newcomer copies them:
one went stale once the glyphs and the words for restarts changed)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def console_blocks() -> list[str]:
    return re.findall(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def steps(block: str) -> list[tuple[str, list[str]]]:
    """(command, the lines shown after it) for each ``$ `` line of a block."""
    found: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            found.append((line[2:], []))
        else:
            found[-1][1].append(line)
    return found


def test_the_readme_has_console_blocks() -> None:
    assert len(console_blocks()) >= 3


@pytest.mark.parametrize("block", console_blocks(), ids=lambda block: block.split("\n", 1)[0][2:40])
def test_a_readme_console_block_prints_what_it_shows(block: str, tmp_path: Path) -> None:
    for command, shown in steps(block):
        words = shlex.split(command)
        if words[0] == "cat":  # the block shows a file's content: that is the file
            (tmp_path / words[1]).write_text("".join(f"{line}\n" for line in shown), encoding="utf-8")
            continue
        assert words[0] == "suptui", command
        target = None
        if ">" in words:
            words, target = words[:words.index(">")], words[words.index(">") + 1]
        run = subprocess.run([sys.executable, "-m", "suptui", *words[1:]], cwd=tmp_path, capture_output=True,
                             text=True, timeout=120)
        assert "Traceback" not in run.stderr, run.stderr
        if target is not None:
            (tmp_path / target).write_text(run.stdout, encoding="utf-8")
            continue
        assert run.stdout.splitlines() == shown, f"README's output of `{command}` is stale:\n{run.stdout}"
