"""Measure key → screen latency during a crash storm (not a test: run it by hand).

    .venv/bin/python benchmarks/app_latency.py [TREE] [--speed X] [--kills N]

Runs the real app (paced clock, real pacer thread) headless on TREE (default: a storm version of
``big.toml``: 1,020 workers, every flaky worker crashing often, budgets large enough never to give up).
It presses ``k`` on worker after worker and times, for each press, the wall time from the key event
entering the app to the end of the first screen refresh that shows that worker's ``killed`` crash.
It also reports how many engine events per second the UI absorbed and the process CPU share.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from textual import events

from suptui.treefile import load_tree, parse_tree
from suptui.tui.app import SuptuiApp
from suptui.tui.liverun import paced_runs

STORM = """
title = "Storm"
id = "root"
max_restarts = 100
max_seconds = 1
[[children]]
id = "region"
count = 4
max_restarts = 100
max_seconds = 1
  [[children.children]]
  id = "shard"
  count = 5
  strategy = "one_for_all"
  max_restarts = 100
  max_seconds = 1
    [[children.children.children]]
    id = "flaky"
    worker = "flaky"
    args = { interval = 50, p = 0.5 }
    [[children.children.children]]
    id = "worker"
    count = 50
    worker = "sleeper"
"""


async def probe(app: SuptuiApp, kills: int) -> tuple[list[float], float, float, int]:
    latencies: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await asyncio.sleep(1.0)  # let the storm build up
        assert app.live is not None
        received0, cpu0, wall0 = app.live.feed.received, time.process_time(), time.monotonic()
        targets = [p for p in app.model.nodes if p.endswith("/worker-7")][:kills]
        targets = targets or list(app.model.nodes)[-kills:]
        for path in targets:
            app.select_node(path)
            await pilot.pause()
            seen = asyncio.Event()
            applied = app.tree_view.apply

            def watch(changes, now=0.0, path=path, applied=applied, seen=seen):
                applied(changes, now)
                node = app.model.nodes.get(path)
                if node is not None and node.killed_by == "user" and not seen.is_set():
                    app.call_after_refresh(seen.set)

            app.tree_view.apply = watch
            start = time.perf_counter()
            app.post_message(events.Key("k", "k"))
            await asyncio.wait_for(seen.wait(), 5)
            latencies.append((time.perf_counter() - start) * 1000)
            app.tree_view.apply = applied
            await asyncio.sleep(0.2)
        rate = (app.live.feed.received - received0) / (time.monotonic() - wall0)
        cpu = (time.process_time() - cpu0) / (time.monotonic() - wall0)
        nodes = len(app.model.nodes)
    app.teardown()
    return latencies, rate, cpu, nodes


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("tree", nargs="?")
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--kills", type=int, default=20)
    args = parser.parse_args()
    tree = load_tree(args.tree) if args.tree else parse_tree(STORM, "storm.toml")
    app = SuptuiApp(tree, args.tree, run_factory=paced_runs(seed=1), speed=args.speed)
    latencies, rate, cpu, nodes = asyncio.run(probe(app, args.kills))
    latencies.sort()
    print(f"{Path(args.tree).name if args.tree else 'storm'}: {nodes} nodes, ×{args.speed:g}, "
          f"{rate:,.0f} engine events/s absorbed, process CPU {cpu:.0%} of one core")
    print(f"key → screen over {len(latencies)} kills: median {statistics.median(latencies):.1f} ms, "
          f"p90 {latencies[int(len(latencies) * 0.9) - 1]:.1f} ms, max {latencies[-1]:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
