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


AT_SCRIPT = """
import sys
import suptui.cli
code = suptui.cli.main(["bombs", "--headless", "--at", "5500"])
assert code == 0, code
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith(("textual.", "rich")))
assert not loaded, loaded
"""


def test_at_uses_the_apps_view_model_without_textual() -> None:
    """``--at`` folds events with the app's TreeModel, which lives in suptui.tui but imports no Textual."""
    result = subprocess.run([sys.executable, "-c", AT_SCRIPT], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "4/5 restarts in 5 s [5 4 3 2]" in result.stdout
