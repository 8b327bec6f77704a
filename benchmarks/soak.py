"""Soak: the real app on big.toml for minutes, with a kill every 10 ms; memory and threads each minute.

    python benchmarks/soak.py [--minutes 10] [--kill-every-ms 10] [--tree big] [--headless]

By default the app runs in a real terminal, inside a detached tmux session (its own server socket),
paced on wall time exactly as for a user. Every ``--kill-every-ms`` it picks a running worker at
random and kills it the way the ``k`` key does (select the node, ``action_kill``: the key's path
through the app, the session and the engine). Under that storm the tree's supervisors give up, so
whenever the root has been down for half a second the tree is restarted from its file, as ``R``
does; those restarts are counted (each one stops and starts the whole tree, which is a leak test
of its own). Each minute the app appends one JSON line to a report file: RSS, threads (Python's,
ours, the OS's), gc objects, kills, tree restarts, events; this script prints them as they arrive
and a verdict at the end. ``--headless`` runs the same app object with Textual's headless driver
in this process instead (no tmux needed). Not part of the test run.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MAX_KILLS_PER_TICK = 50
"""A slow tick catches up with the kill schedule, but never with more than this many kills at once."""


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def os_threads() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return -1


def soak_app(args: argparse.Namespace, report: Path) -> Any:
    """The real SuptuiApp (paced runs, the default for users), plus the storm and the sampler."""
    from suptui.treefile import load_tree
    from suptui.tui.app import SuptuiApp

    class SoakApp(SuptuiApp):
        CSS_PATH = str(Path(sys.modules[SuptuiApp.__module__].__file__ or "").parent
                       / str(SuptuiApp.CSS_PATH))

        def on_mount(self) -> None:
            # No super(): Textual runs SuptuiApp.on_mount as well (calling it here started two trees).
            self.rng = random.Random(args.seed)
            self.kills = 0
            self.tree_restarts = 0
            self.events_before = 0
            self.down_since: float | None = None
            self.skipped = 0
            self.started = time.monotonic()
            self.set_interval(args.kill_every_ms / 1000, self.storm)
            self.set_interval(args.sample_every_s, self.sample)
            self.set_timer(5, self.sample)  # the baseline: the tree is up, nothing leaked yet
            self.set_timer(args.minutes * 60 + 5, self.finish)

        def storm(self) -> None:
            """Catch up with the schedule (one kill per ``kill_every_ms`` since the start), as ``k`` would."""
            run = self.live
            if run is None:
                return
            if not run.session.root_alive:
                now = time.monotonic()
                self.down_since = self.down_since or now
                if now - self.down_since > 0.5:
                    self.events_before += run.feed.received
                    self.down_since = None
                    self.tree_restarts += 1
                    self.action_restart_tree()
                return
            due = int((time.monotonic() - self.started) * 1000 / args.kill_every_ms) - self.kills
            running = [path for path, node in self.model.nodes.items()
                       if node.running and not node.is_supervisor]
            for path in self.rng.sample(running, min(len(running), due, MAX_KILLS_PER_TICK)):
                self.select_node(path)
                self.action_kill()
                self.kills += 1
            self.skipped = max(0, due - MAX_KILLS_PER_TICK)

        def sample(self) -> None:
            run = self.live
            record = {
                "minute": round((time.monotonic() - self.started) / 60, 2),
                "rss_mb": round(rss_mb(), 1),
                "threads": threading.active_count(),
                "suptui_threads": sum(t.name.startswith("suptui") for t in threading.enumerate()),
                "os_threads": os_threads(),
                "gc_objects": len(gc.get_objects()),
                "kills": self.kills,
                "behind": self.skipped,
                "tree_restarts": self.tree_restarts,
                "events": self.events_before + (run.feed.received if run is not None else 0),
                "processes": run.session.runtime.process_count() if run is not None else 0,
                "log_lines": len(self.event_log.lines),
                "t_ms": int(run.clock.now_ms()) if run is not None else 0,
            }
            with report.open("a") as out:
                out.write(json.dumps(record) + "\n")

        def finish(self) -> None:
            self.sample()
            with report.open("a") as out:
                out.write(json.dumps({"done": True}) + "\n")
            self.teardown()
            self.exit(0)

    tree = load_tree(args.tree)
    return SoakApp(tree, args.tree, speed=args.speed, seed=args.seed, export_dir=tempfile.mkdtemp())


def inside(args: argparse.Namespace) -> int:
    app = soak_app(args, Path(args.report))
    try:
        if args.headless:
            app.run(headless=True, size=(160, 50))
        else:
            app.run()
    finally:
        app.teardown()
    return app.return_code or 0


def follow(report: Path, deadline: float, alive: Any) -> list[dict[str, Any]]:
    """Print each record as it arrives; stop at ``done``, at the deadline, or when the app is gone."""
    records: list[dict[str, Any]] = []
    seen = 0
    print(f"{'min':>5} {'RSS MB':>8} {'threads':>7} {'ours':>5} {'OS':>4} {'gc objects':>10} {'kills':>8} "
          f"{'tree restarts':>13} {'events':>9} {'procs':>6}", flush=True)
    while time.monotonic() < deadline:
        lines = report.read_text().splitlines() if report.exists() else []
        for line in lines[seen:]:
            record = json.loads(line)
            if record.get("done"):
                return records
            records.append(record)
            print(f"{record['minute']:>5.1f} {record['rss_mb']:>8.1f} {record['threads']:>7} "
                  f"{record['suptui_threads']:>5} {record['os_threads']:>4} {record['gc_objects']:>10} "
                  f"{record['kills']:>8} {record['tree_restarts']:>13} {record['events']:>9} "
                  f"{record['processes']:>6}", flush=True)
        seen = len(lines)
        if not alive():
            break
        time.sleep(1)
    return records


def verdict(records: list[dict[str, Any]]) -> int:
    if len(records) < 3:
        print("soak: too few samples", flush=True)
        return 1
    first, after_one, last = records[0], records[1], records[-1]
    rss = [r["rss_mb"] for r in records[1:]]
    threads = {r["threads"] for r in records}
    print(f"\nRSS: {first['rss_mb']} MB at start, {after_one['rss_mb']} MB after a minute, "
          f"{last['rss_mb']} MB "
          f"at the end (max {max(rss)}); threads: {sorted(threads)}; {last['kills']} kills, "
          f"{last['tree_restarts']} tree restarts, {last['events']} events", flush=True)
    growth = last["rss_mb"] - after_one["rss_mb"]
    flat = growth < max(20.0, 0.1 * after_one["rss_mb"]) and len(threads) == 1
    print("flat" if flat else "NOT flat", flush=True)
    return 0 if flat else 1


def outside(args: argparse.Namespace) -> int:
    report = Path(tempfile.mkdtemp()) / "soak.jsonl"
    command = [sys.executable, str(Path(__file__).resolve()), "--inside", "--report", str(report),
               "--minutes", str(args.minutes), "--kill-every-ms", str(args.kill_every_ms),
               "--tree", args.tree, "--seed", str(args.seed), "--speed", str(args.speed),
               "--sample-every-s", str(args.sample_every_s)]
    deadline = time.monotonic() + args.minutes * 60 + 120
    if args.headless:
        child = subprocess.Popen([*command, "--headless"], cwd=ROOT)
        try:
            records = follow(report, deadline, lambda: child.poll() is None)
        finally:
            child.terminate()
        return verdict(records)
    if shutil.which("tmux") is None:
        print("soak: tmux is not installed; use --headless", file=sys.stderr)
        return 2
    socket = f"suptui-soak-{os.getpid()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")} | {"TERM": "xterm-256color"}
    tmux = ["tmux", "-L", socket]
    subprocess.run([*tmux, "new-session", "-d", "-x", "160", "-y", "50", "-s", "soak", " ".join(
        _quote(part) for part in command)], check=True, env=env, cwd=ROOT)
    print(f"soak: the app runs in tmux (attach with: tmux -L {socket} attach); report {report}", flush=True)

    def alive() -> bool:
        done = subprocess.run([*tmux, "has-session", "-t", "soak"], capture_output=True, env=env)
        return done.returncode == 0

    try:
        records = follow(report, deadline, alive)
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, env=env)
    return verdict(records)


def _quote(part: str) -> str:
    import shlex

    return shlex.quote(part)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--kill-every-ms", type=float, default=10.0)
    parser.add_argument("--tree", default="big")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--sample-every-s", type=float, default=60.0)
    parser.add_argument("--headless", action="store_true", help="Textual's headless driver, no tmux")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--report", help=argparse.SUPPRESS)
    args = parser.parse_args()
    return inside(args) if args.inside else outside(args)


if __name__ == "__main__":
    sys.exit(main())
