"""Measure what the timeline lanes cost per frame on a big tree (not a test: run it by hand).

    .venv/bin/python benchmarks/lanes_frame.py [TREE] [--speed X] [--seconds S] [--size WxH]

Runs the real app (paced clock, real pacer thread) headless on TREE (default ``big``: 1,020 workers
under 24 supervisors) for S wall seconds without lanes, then with the lanes beside the tree, then
full screen (``T``), then full screen at 60 s across. For each phase it reports, per frame: the time
to paint the lanes widget (the ``rows()`` call for the visible lanes plus the strips), the time of the
whole screen update, and the time of a drain (folding the batch into the tree model and the timeline
model). Also the engine events absorbed per second and the process CPU share.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from textual._compositor import Compositor

from suptui.treefile import load_tree
from suptui.tui.app import SuptuiApp
from suptui.tui.lanes import LanesView
from suptui.tui.liverun import paced_runs


class Timer:
    """Wraps a callable and keeps its durations (ms)."""

    def __init__(self) -> None:
        self.ms: list[float] = []

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.ms.append((time.perf_counter() - start) * 1000)

        return timed

    def summary(self) -> str:
        if not self.ms:
            return "no samples"
        ms = sorted(self.ms)
        median, p90 = statistics.median(ms), ms[int(len(ms) * 0.9)]
        return f"{len(ms)} samples, median {median:.2f} ms, p90 {p90:.2f} ms, max {ms[-1]:.2f} ms"


async def phase(app: SuptuiApp, seconds: float, name: str) -> None:
    paint, screen, drain = Timer(), Timer(), Timer()
    originals = (LanesView.render_lines, Compositor.render_update, app.drain_now)
    LanesView.render_lines = paint.wrap(originals[0])  # type: ignore[method-assign]
    Compositor.render_update = screen.wrap(originals[1])  # type: ignore[method-assign]
    app.drain_now = drain.wrap(originals[2])  # type: ignore[method-assign]
    assert app.live is not None
    received0, cpu0, wall0 = app.live.feed.received, time.process_time(), time.monotonic()
    try:
        await asyncio.sleep(seconds)
    finally:
        LanesView.render_lines, Compositor.render_update = originals[:2]  # type: ignore[method-assign]
        app.drain_now = originals[2]  # type: ignore[method-assign]
    elapsed = time.monotonic() - wall0
    rate = (app.live.feed.received - received0) / elapsed
    cpu = (time.process_time() - cpu0) / elapsed
    print(f"{name}: t = {app.live.clock.now_ms() / 1000:.1f} s, {len(app.timeline.model)} lanes, "
          f"{rate:,.0f} events/s, CPU {cpu:.0%}")
    print(f"  lanes paint   {paint.summary()}")
    print(f"  screen update {screen.summary()}")
    print(f"  drain         {drain.summary()}")


async def probe(app: SuptuiApp, seconds: float, size: tuple[int, int]) -> None:
    async with app.run_test(size=size) as pilot:
        await asyncio.sleep(0.5)
        app.select_node(next(p for p in app.model.nodes if p.endswith("region-2/shard-3/worker-7")))
        await phase(app, seconds, "no lanes (for comparison)")
        await pilot.press("t")
        await phase(app, seconds, "lanes beside the tree")
        await pilot.press("T")
        await phase(app, seconds, "lanes full screen")
        await pilot.press("greater_than_sign", "greater_than_sign", "greater_than_sign")
        await phase(app, seconds, "full screen, 60 s across")
    app.teardown()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("tree", nargs="?", default="big")
    parser.add_argument("--speed", type=float, default=16.0)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--size", default="120x36")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    app = SuptuiApp(load_tree(args.tree), args.tree, run_factory=paced_runs(seed=1), speed=args.speed)
    print(f"{args.tree} at ×{args.speed:g}, {width}×{height}")
    asyncio.run(probe(app, args.seconds, (width, height)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
