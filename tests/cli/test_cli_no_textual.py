"""The headless path never loads Textual: checked in a fresh interpreter, after a whole run."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
import suptui.cli, suptui.headless
code = suptui.cli.main(["bombs", "--headless", "--format", "summary"])
assert code == 0, code
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith(("textual.", "rich", "suptui.tui")))
assert not loaded, loaded
"""


def test_a_headless_run_imports_no_textual() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "root gives up" in result.stdout
