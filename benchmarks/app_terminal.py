"""Drive the real app in a real terminal (tmux) on a big tree and print what a user would feel.

    .venv/bin/python benchmarks/app_terminal.py [--workers 10000 100000] [--size 200x60] [--keys 60]

For each tree size it writes a flat tree of N sleeping workers under one supervisor, starts
``suptui`` on it inside a detached tmux session of the given size, and reads the screen the way a
person would, from ``tmux capture-pane``:

* **first paint**: launch until the tree pane's title is on the screen;
* **all running**: launch until the details pane says the root is ``running`` (a supervisor is
  running only once every child of its start has started, as in OTP);
* **key → screen**: ``Down`` pressed, then the screen read until the details pane names the next
  worker; median, p90, p99 and the worst of ``--keys`` presses (the figure includes one screen read,
  about 2–5 ms);
* **held key**: ``PageDown`` sent 20 times as fast as tmux can, then the time until the screen
  shows the row the last press lands on;
* **frame gap**: with time running, the header's clock read every 10 ms for ``--watch`` seconds;
  the largest gap between two different clock readings is the longest the screen stood still:
  while ``Down`` is held (sent every 30 ms), during a kill storm (``k`` then ``Down`` every 20 ms:
  the selected worker killed and restarted, the next selected), and idle (the app redraws a clock
  that alone changes every 0.1 s, so idle is at least 100 ms);
* **idle CPU**: the app's process CPU over ``--idle`` seconds while nothing happens (the tree's
  workers sleep; the clock runs), and again paused; measured last, once the start's catch-up (the
  spool and timeline folding the start events a slice per drain) is long over;
* **RSS**: the app process's resident memory once every worker runs, and after the storm.

Needs ``tmux``. Nothing here is a test: run it by hand, on a quiet machine, and record the figures in
BENCHMARKS.md with the command line.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUPTUI = ROOT / ".venv" / "bin" / "suptui"
SESSION = os.environ.get("SUPTUI_BENCH_SESSION", "suptui-bench")
RUNNING = re.compile(r"\broot\b\s+\S+\s+running")
CLOCK = re.compile(r"t = (\d+\.\d+) s")
TICKS = os.sysconf("SC_CLK_TCK")


def tree_text(workers: int) -> str:
    """A flat tree: one supervisor with ``workers`` sleepers (the shape of the issue's 100k figure)."""
    return (f'title = "{workers} sleepers"\nid = "root"\nstrategy = "one_for_one"\n'
            f'max_restarts = 1000\nmax_seconds = 1\n\n[[children]]\nid = "worker"\n'
            f'count = {workers}\nworker = "sleeper"\n')


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


def wait_screen(test: re.Pattern[str] | str, timeout: float, poll: float = 0.02) -> float | None:
    """Read the screen until ``test`` is on it; the monotonic time it was seen, or None.

    Every read is a ``tmux capture-pane`` process (a few ms of CPU): waits of seconds poll every
    ``poll`` seconds, so the benchmark does not take the app's CPU while it measures the app."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        text = screen()
        found = test.search(text) if isinstance(test, re.Pattern) else test in text
        if found:
            return time.monotonic()
        time.sleep(poll)
    return None


def app_pid(tree: Path) -> int | None:
    """The app's own process (the child that runs Textual), found by its environment."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if str(tree).encode() in cmdline and b"SUPTUI_APP_CHILD=" in environ:
            return int(entry.name)
    return None


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_share(pid: int, seconds: float) -> float:
    before, start = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    return 100 * (cpu_seconds(pid) - before) / (time.monotonic() - start)


def selected_name() -> str | None:
    """The node the details pane describes: the first word of the line under its title."""
    lines = screen().splitlines()
    for number, line in enumerate(lines[:-1]):
        column = line.find("─ details")
        if column >= 0:
            words = lines[number + 1][column:].replace("│", " ").split()
            return words[0] if words else None
    return None


def key_latencies(presses: int) -> list[float]:
    """Press Down ``presses`` times; for each, the time until the details name the next worker."""
    out: list[float] = []
    for _ in range(presses):
        before = selected_name()
        start = time.monotonic()
        tmux("send-keys", "-t", SESSION, "Down")
        while time.monotonic() - start < 5:
            name = selected_name()
            if name and name != before:
                out.append(1000 * (time.monotonic() - start))
                break
            time.sleep(0.001)
        time.sleep(0.03)
    return out


def held_key() -> float:
    """20 PageDowns as fast as tmux sends them; ms until the selection stops moving."""
    start = time.monotonic()
    for _ in range(20):
        tmux("send-keys", "-t", SESSION, "PageDown")
    last, last_change = selected_name(), time.monotonic()
    while time.monotonic() - last_change < 0.5 and time.monotonic() - start < 30:
        name = selected_name()
        if name != last:
            last, last_change = name, time.monotonic()
        time.sleep(0.002)
    return 1000 * (last_change - start)


class Presser(threading.Thread):
    """Sends ``keys`` (one tmux call each) every ``every`` seconds until stopped: a held key, or a
    kill storm (``k`` then ``Down``: kill the selected worker, go to the next)."""

    def __init__(self, keys: list[str], every: float) -> None:
        super().__init__(daemon=True)
        self.keys, self.every, self.sent = keys, every, 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(self.every):
            tmux("send-keys", "-t", SESSION, *self.keys)
            self.sent += 1


def frame_gap(seconds: float, poll: float = 0.01) -> float:
    """The longest time (ms) the header's clock stood still while time runs (read every ``poll`` s).

    While nothing but time passes the app redraws its clock every 0.1 s, so this is at least 100 ms
    then; under keys or events the clock follows every drain (30 a second)."""
    gaps: list[float] = []
    last_text, last_change = None, time.monotonic()
    end = last_change + seconds
    while time.monotonic() < end:
        match = CLOCK.search(screen())
        text = match.group(1) if match else None
        now = time.monotonic()
        if text != last_text:
            if last_text is not None:
                gaps.append(now - last_change)
            last_text, last_change = text, now
        time.sleep(poll)
    return 1000 * max(gaps, default=float("nan"))


def under(keys: list[str], every: float, seconds: float) -> tuple[float, int]:
    """The longest frame gap (ms) while ``keys`` are sent every ``every`` s; and how many were sent."""
    presser = Presser(keys, every)
    presser.start()
    try:
        return frame_gap(seconds), presser.sent
    finally:
        presser.stop.set()
        presser.join()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def measure(workers: int, size: str, keys: int, idle: float, watch: float) -> dict[str, float]:
    columns, rows = size.split("x")
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / f"sleepers-{workers}.toml"
        tree.write_text(tree_text(workers))
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
        start = time.monotonic()
        tmux("new-session", "-d", "-s", SESSION, "-x", columns, "-y", rows, f"{SUPTUI} {tree}")
        try:
            painted = wait_screen("supervision tree", 120)
            running = wait_screen(RUNNING, 300)
            pid = app_pid(tree)
            figures: dict[str, float] = {
                "first paint s": (painted - start) if painted else float("nan"),
                "all running s": (running - start) if running else float("nan"),
            }
            if pid is None or running is None:
                return figures
            time.sleep(1.0)
            figures["RSS MB"] = rss_mb(pid)
            latencies = key_latencies(keys)
            if latencies:
                figures["key median ms"] = statistics.median(latencies)
                figures["key p90 ms"] = percentile(latencies, 0.9)
                figures["key p99 ms"] = percentile(latencies, 0.99)
                figures["key worst ms"] = max(latencies)
            figures["held PageDown ms"] = held_key()
            figures["frame gap, Down held ms"], _ = under(["Down"], 0.03, watch)
            before = time.monotonic()
            figures["frame gap, kill storm ms"], kills = under(["k", "Down"], 0.02, watch)
            figures["kills sent /s"] = kills / (time.monotonic() - before)
            figures["RSS after storm MB"] = rss_mb(pid)
            time.sleep(2.0)  # the storm's last restarts drawn
            figures["frame gap, idle ms"] = frame_gap(watch)
            figures["idle CPU % (running)"] = cpu_share(pid, idle)
            tmux("send-keys", "-t", SESSION, "space")
            time.sleep(1.0)
            figures["idle CPU % (paused)"] = cpu_share(pid, idle)
            return figures
        finally:
            subprocess.run(["tmux", "send-keys", "-t", SESSION, "q"], capture_output=True)
            time.sleep(1.0)
            subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--size", default="200x60", help="terminal COLUMNSxROWS (default 200x60)")
    parser.add_argument("--keys", type=int, default=60, help="Down presses to time (default 60)")
    parser.add_argument("--idle", type=float, default=10.0, help="seconds of idle CPU sampling")
    parser.add_argument("--watch", type=float, default=10.0, help="seconds of frame-gap watching")
    args = parser.parse_args(argv)
    if shutil.which("tmux") is None:
        print("app_terminal: tmux is not installed (apt-get install tmux)", file=sys.stderr)
        return 2
    if not SUPTUI.exists():
        print(f"app_terminal: {SUPTUI} is missing (run make setup)", file=sys.stderr)
        return 2
    for workers in args.workers:
        figures = measure(workers, args.size, args.keys, args.idle, args.watch)
        print(f"\n{workers:,} workers at {args.size}")
        for name, value in figures.items():
            print(f"  {name:<22} {value:10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
