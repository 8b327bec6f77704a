"""Input nested deeper than Python's parsers follow is one clear line and exit 2, not a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def suptui(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "suptui", *args], capture_output=True, text=True, timeout=60)


def test_a_tree_file_nested_hundreds_deep(tmp_path: Path) -> None:
    lines = ['id = "root"']
    for depth in range(1, 1001):
        lines += [f"[[{'.'.join(['children'] * depth)}]]", f'id = "s{depth}"', 'strategy = "one_for_all"']
    tree = tmp_path / "deep.toml"
    tree.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = suptui(str(tree), "--headless", "--until", "100")
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert run.stderr.strip().endswith("nested too deeply to read (supervisors within supervisors, "
                                       "hundreds deep)")


def test_a_recording_line_nested_thousands_deep(tmp_path: Path) -> None:
    good = tmp_path / "run.jsonl"
    made = suptui("bombs", "--headless", "--format", "jsonl", "--until", "100")
    header = made.stdout.splitlines()[0]
    deep = json.dumps({"t": 1, "event": "crash", "path": "root/bomb1", "pid": "<0.2.0>"})[:-1]
    good.write_text(f"{header}\n{deep}, \"reason\": {'[' * 5000}{']' * 5000}}}\n", encoding="utf-8")
    run = suptui("replay", str(good), "--headless")
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert run.stderr.strip() == f"{good}:2: a JSON value nested too deeply to read"
