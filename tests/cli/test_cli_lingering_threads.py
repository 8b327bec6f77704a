"""A worker's own non-daemon thread that never ends must not keep the command alive after the run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WORKER = '''
import threading
import time

from suptui.engine import Actor


class Lingers(Actor):
    def init(self):
        def forever():
            while True:
                time.sleep(0.5)
        threading.Thread(target=forever, name="forever", daemon=False).start()
'''


def test_the_headless_command_ends_and_names_the_thread_it_leaves(tmp_path: Path) -> None:
    (tmp_path / "lingering.py").write_text(WORKER, encoding="utf-8")
    tree = tmp_path / "tree.toml"
    tree.write_text('id = "root"\n[[children]]\nid = "w"\nworker = "lingering:Lingers"\n', encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "suptui", str(tree), "--headless", "--until", "1000"],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "start      root/w" in run.stdout
    assert "not waiting for 1 thread(s) a worker started and left running: forever" in run.stderr
