"""suptui benchmarks: how fast the engine heals and how much it holds. Prints a table.

    python benchmarks/run.py [--quick] [--json FILE] [--only NAME ...]

Each measurement runs in a fresh subprocess so memory figures are not polluted by earlier ones.
Latencies are taken inside the engine's own event stream (a subscriber stamps ``perf_counter`` when
the replacement's ``start`` event is emitted), not by polling. Not part of the test run.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from suptui.engine import (  # noqa: E402
    ChildSpec,
    Event,
    RealClock,
    Runtime,
    Start,
    Supervisor,
    SupervisorClient,
    SupFlags,
    VirtualClock,
    supervisor_spec,
)
from suptui.workers import Sleeper  # noqa: E402

NEVER_GIVE_UP = SupFlags("one_for_one", max_restarts=10**9, max_seconds=1)


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class StartWatch:
    """Stamps wall time when a watched path's replacement starts, from inside the event stream."""

    def __init__(self) -> None:
        self.path: str | None = None
        self.count = 0
        self.needed = 0
        self.stamp = 0.0
        self.done = threading.Event()

    def arm(self, path: str | None, needed: int = 1) -> None:
        self.path, self.count, self.needed = path, 0, needed
        self.done.clear()

    def __call__(self, event: Event) -> None:
        if isinstance(event, Start) and event.restart and (self.path is None or event.path == self.path):
            self.count += 1
            if self.count >= self.needed:
                self.stamp = time.perf_counter()
                self.done.set()


def restart_latency(siblings: int, kills: int) -> dict[str, float]:
    """Kill one worker at a time (real clock) and time kill → replacement started."""
    rt = Runtime(RealClock(), log_reports=False)  # (reports would time stderr, not the engine)
    watch = StartWatch()
    rt.events.subscribe(watch)
    children = [ChildSpec(f"w{i}", Sleeper) for i in range(siblings)]
    rt.start(Supervisor, {"flags": NEVER_GIVE_UP, "children": children}, path="root")
    samples = []
    for n in range(kills):
        path = f"root/w{n % siblings}"
        pid = rt.whereis(path)
        watch.arm(path)
        began = time.perf_counter()
        rt.kill(pid)
        if not watch.done.wait(5):
            raise RuntimeError(f"{path} was not restarted")
        samples.append((watch.stamp - began) * 1e6)
    rt.shutdown()
    return {"p50_us": statistics.median(samples), "p99_us": percentile(samples, 0.99), "n": len(samples)}


def one_for_all(children: int, repeats: int) -> dict[str, float]:
    """One crash under one_for_all until every child is running again (real clock)."""
    rt = Runtime(RealClock(), log_reports=False)  # (reports would time stderr, not the engine)
    watch = StartWatch()
    rt.events.subscribe(watch)
    flags = SupFlags("one_for_all", max_restarts=10**9, max_seconds=1)
    rt.start(Supervisor, {"flags": flags, "children": [ChildSpec(f"w{i}", Sleeper) for i in range(children)]},
             path="root")
    samples = []
    for _ in range(repeats):
        watch.arm(None, needed=children)
        began = time.perf_counter()
        rt.kill(rt.whereis("root/w0"))
        if not watch.done.wait(60):
            raise RuntimeError("one_for_all restart did not finish")
        samples.append((watch.stamp - began) * 1e3)
    rt.shutdown()
    return {"median_ms": statistics.median(samples), "max_ms": max(samples), "n": len(samples)}


def start_and_shutdown(workers: int, levels: int) -> dict[str, float]:
    """Start ``workers`` idle workers (flat, or spread over a 3-level tree), then shut it all down."""
    if levels == 1:
        children = [ChildSpec(f"w{i}", Sleeper) for i in range(workers)]
    else:
        fan = round(workers ** (1 / 3))
        children = [supervisor_spec(f"s{a}", [supervisor_spec(f"s{a}_{b}", [
            ChildSpec(f"w{c}", Sleeper) for c in range(workers // fan // fan)]) for b in range(fan)])
            for a in range(fan)]
    gc.collect()
    rt = Runtime(VirtualClock(), log_reports=False)
    before = rss_bytes()
    began = time.perf_counter()
    root = rt.start(Supervisor, {"flags": SupFlags(), "children": children}, path="root")
    started = time.perf_counter() - began
    grown = rss_bytes() - before
    count = rt.process_count()
    threads = len(rt.threads())
    assert SupervisorClient(rt, root).count_children()["specs"] == len(children)
    began = time.perf_counter()
    rt.shutdown()
    return {"start_s": started, "bytes_per_process": grown / count, "processes": count,
            "threads": threads, "shutdown_s": time.perf_counter() - began}


def simulate(tree: str, virtual_ms: int) -> dict[str, float]:
    """Run a bundled tree headless on the unpaced virtual clock."""
    from suptui.session import Session
    from suptui.treefile.loader import load_tree

    session = Session(load_tree(tree))
    began = time.perf_counter()
    session.start()
    session.run_until(virtual_ms)
    wall = time.perf_counter() - began
    events = len(session.recorder.events) if session.recorder else 0
    session.stop()
    return {"wall_s": wall, "events": events, "events_per_s": events / wall, "virtual_s": virtual_ms / 1000}


def replay_1m(seeks: int) -> dict[str, float]:
    """A 1,000,000-event recording: open it in the app (first screen, fully loaded), then seek
    (benchmarks/replay.py)."""
    from benchmarks.replay import replay_1m as measure

    return measure(seeks=seeks)


def measurements(quick: bool) -> dict[str, Callable[[], dict[str, float]]]:
    kills = 300 if quick else 2000
    return {
        "restart_10": lambda: restart_latency(10, kills),
        "restart_1000": lambda: restart_latency(1000, kills),
        "one_for_all_1000": lambda: one_for_all(1000, 5 if quick else 20),
        "start_10k": lambda: start_and_shutdown(10_000, 1),
        "start_100k": lambda: start_and_shutdown(100_000, 1),
        "start_100k_3_levels": lambda: start_and_shutdown(100_000, 3),
        "sim_hour_bombs_one_for_all": lambda: simulate("bombs_one_for_all", 3_600_000),
        **{f"scale_restart_{n}": (lambda n=n: restart_latency(n, 200 if quick else 500))
           for n in (10, 100, 1000, 10_000)},
        **{f"scale_start_{n}": (lambda n=n: start_and_shutdown(n, 1)) for n in (100, 1000)},
        "sim_big": lambda: simulate("big", 60_000 if quick else 300_000),
        "replay_1m": lambda: replay_1m(seeks=50 if quick else 200),
    }


def run_isolated(name: str, quick: bool) -> dict[str, float]:
    args = [sys.executable, __file__, "--child", name] + (["--quick"] if quick else [])
    out = subprocess.run(args, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"}
    return json.loads(out.stdout)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{platform.node()} · {os.cpu_count()} cores · {cpu} · Python {platform.python_version()}"


def summary(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    def get(name: str, key: str) -> Any:
        return results.get(name, {}).get(key)

    return {
        "restart_p50_us": get("restart_1000", "p50_us"),
        "restart_p99_us": get("restart_1000", "p99_us"),
        "restart10_p50_us": get("restart_10", "p50_us"),
        "restart10_p99_us": get("restart_10", "p99_us"),
        "one_for_all_1000_ms": get("one_for_all_1000", "median_ms"),
        "start_100k_s": get("start_100k", "start_s"),
        "bytes_per_worker": get("start_100k", "bytes_per_process"),
        "shutdown_100k_s": get("start_100k", "shutdown_s"),
        "sim_hour_bombs_s": get("sim_hour_bombs_one_for_all", "wall_s"),
        "sim_big_events_per_s": get("sim_big", "events_per_s"),
        "key_to_screen_p99_ms": None,
        "replay_first_screen_1m_s": get("replay_1m", "first_screen_s"),
        "replay_loaded_1m_s": get("replay_1m", "loaded_s"),
        "replay_seek_p50_ms": get("replay_1m", "seek_p50_ms"),
        "replay_seek_max_ms": get("replay_1m", "seek_max_ms"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (under a minute)")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--only", nargs="*", metavar="NAME", help="run only these measurements")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    table = measurements(args.quick)
    if args.child:
        print(json.dumps(table[args.child]()))
        return 0
    names = args.only or list(table)
    print(machine())
    print(f"{'measurement':<28} result")
    results: dict[str, dict[str, Any]] = {}
    for name in names:
        results[name] = run_isolated(name, args.quick)
        shown = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                          for k, v in results[name].items())
        print(f"{name:<28} {shown}", flush=True)
    if args.json:
        report = {"machine": machine(), **summary(results), "raw": results}
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
