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

RSS alone cannot tell a leak from an allocator that keeps freed memory (fragmentation), and a
sample taken at a random moment of a run counts that run's timeline (up to ~10 MB here). So each
minute's sample waits for the next tree restart (at most ``SAMPLE_WAIT_S``), is taken once the
fresh tree is up and before it is killed, after a full ``gc.collect()``, and records next to RSS
the live heap: bytes in Python's small-object blocks plus bytes malloc has handed out (glibc), i.e.
what the program holds, not what the allocators keep. The verdict fits a least-squares slope (MB
per minute) to both from minute 1 on: a leak shows as a growing heap; a growing RSS over a flat
heap is memory the allocators keep (the ``malloc free`` and ``py arenas`` columns say which).
"""

from __future__ import annotations

import argparse
import gc
import itertools
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
SAMPLE_WAIT_S = 20.0
"""A minute's sample waits this long at most for a fresh tree (then it is taken mid-storm)."""
FLAT_RSS_MB_PER_MIN = 0.5
"""Flat: RSS grows less than this after the first minute (a 10-minute soak: under 5 MB in all)."""
FLAT_HEAP_MB_PER_MIN = 0.2
"""And the live heap less than this (its samples are phase-aligned, so their noise is ~0.5 MB)."""


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def os_threads() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return -1


def _libc() -> Any:
    import ctypes

    libc = ctypes.CDLL(None)

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
            "keepcost")]

    libc.mallinfo2.restype = MallInfo2
    libc.open_memstream.restype = ctypes.c_void_p
    libc.open_memstream.argtypes = [ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_size_t)]
    libc.fclose.argtypes = [ctypes.c_void_p]
    libc.free.argtypes = [ctypes.c_void_p]
    ctypes.pythonapi._PyObject_DebugMallocStats.argtypes = [ctypes.c_void_p]
    return libc


def heap_stats() -> dict[str, float]:
    """What the allocators hand out and keep (glibc and CPython's pymalloc; {} elsewhere), in MB.

    ``py_mb``: bytes in pymalloc's allocated blocks (objects up to 512 bytes); ``py_arenas``: its
    1 MiB arenas (an arena goes back to the OS only when it is empty); ``malloc_mb``: bytes malloc
    handed out (bigger objects, C code); ``malloc_free_mb``: free bytes malloc keeps in its arenas.
    """
    import ctypes

    try:
        libc = _libc()
        info = libc.mallinfo2()
        buf, size = ctypes.c_char_p(), ctypes.c_size_t()
        out = libc.open_memstream(ctypes.byref(buf), ctypes.byref(size))
        ctypes.pythonapi._PyObject_DebugMallocStats(out)  # to a memory stream: the terminal is the app's
        libc.fclose(out)
        text = ctypes.string_at(buf, size.value).decode()
        libc.free(ctypes.cast(buf, ctypes.c_void_p))
    except (OSError, AttributeError, ValueError):
        return {}
    stats = {}
    for line in text.splitlines():
        name, _, value = line.partition("=")
        stats[name.strip("# ").strip()] = value.replace(",", "").strip()
    try:
        py = int(stats["bytes in allocated blocks"])
        arenas = int(stats["arenas allocated current"])
    except (KeyError, ValueError):
        return {}
    malloc = info.uordblks + info.hblkhd
    return {"heap_mb": round((py + malloc) / 2**20, 2), "py_mb": round(py / 2**20, 2), "py_arenas": arenas,
            "malloc_mb": round(malloc / 2**20, 2), "malloc_free_mb": round(info.fordblks / 2**20, 2)}


def _split_cache_size() -> int | None:
    """Entries in Rich's ``Segment._split_cells`` LRU (16,384 at most, ~1 KB each when they are log
    lines): the log used to fill it with every line it drew (see suptui/tui/logview.py)."""
    from rich.segment import Segment

    info = getattr(Segment._split_cells, "cache_info", None)
    return info().currsize if info is not None else None


def slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of ``(minute, value)`` points: value units per minute."""
    if len(points) < 3:
        return None
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in points) / sxx


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
            self.sample_due: float | None = None
            self.peak_heap: float | None = None
            self.longest_run = 0
            self.fresh = False
            """The tree was restarted and not killed since."""
            self.set_interval(args.kill_every_ms / 1000, self.storm)
            self.set_interval(args.sample_every_s, self.sample)
            self.set_timer(5, lambda: self.write_sample("start"))  # the baseline: nothing leaked yet
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
                    self.run_ended(run.feed.received)
                    self.events_before += run.feed.received
                    self.down_since = None
                    self.tree_restarts += 1
                    self.action_restart_tree()
                    self.fresh = True
                return
            if self.sample_due is not None:
                if self.fresh and run.up.is_set():
                    self.write_sample("restart")
                elif time.monotonic() - self.sample_due > SAMPLE_WAIT_S:
                    self.write_sample("storm")
            self.fresh = False
            due = int((time.monotonic() - self.started) * 1000 / args.kill_every_ms) - self.kills
            running = [path for path, node in self.model.nodes.items()
                       if node.running and not node.is_supervisor]
            for path in self.rng.sample(running, min(len(running), due, MAX_KILLS_PER_TICK)):
                self.select_node(path)
                self.action_kill()
                self.kills += 1
            self.skipped = max(0, due - MAX_KILLS_PER_TICK)

        def run_ended(self, events: int) -> None:
            """A run's live set peaks as it ends (its timeline keeps every event until the restart)."""
            peak = heap_stats().get("heap_mb")
            if peak is not None:
                self.peak_heap = max(self.peak_heap or 0.0, peak)
            self.longest_run = max(self.longest_run, events)

        def sample(self) -> None:
            """A minute is up: sample at the next fresh tree (see the module docstring)."""
            self.sample_due = self.sample_due or time.monotonic()

        def write_sample(self, phase: str) -> None:
            self.sample_due = None
            run = self.live
            rss = rss_mb()
            gc.collect()
            record = {
                "minute": round((time.monotonic() - self.started) / 60, 2),
                "phase": phase,
                "rss_mb": round(rss, 1),
                **heap_stats(),
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
                "run_peak_heap_mb": self.peak_heap,
                "longest_run_events": self.longest_run,
                "rich_split_cache": _split_cache_size(),
            }
            self.peak_heap, self.longest_run = None, 0
            with report.open("a") as out:
                out.write(json.dumps(record) + "\n")

        def finish(self) -> None:
            self.write_sample("end")
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
    print(f"{'min':>5} {'phase':>7} {'RSS MB':>7} {'heap MB':>7} {'py MB':>6} {'py arenas':>9} "
          f"{'malloc MB':>9} {'malloc free':>11} {'threads':>7} {'ours':>4} {'OS':>3} {'gc objects':>10} "
          f"{'kills':>7} {'restarts':>8} {'events':>9} {'procs':>5} {'run peak MB':>11} "
          f"{'longest run':>11} {'rich cache':>10}", flush=True)
    while time.monotonic() < deadline:
        lines = report.read_text().splitlines() if report.exists() else []
        for line in lines[seen:]:
            record = json.loads(line)
            if record.get("done"):
                return records
            records.append(record)
            print(f"{record['minute']:>5.1f} {record.get('phase', ''):>7} {record['rss_mb']:>7.1f} "
                  f"{_mb(record, 'heap_mb', 7)} {_mb(record, 'py_mb', 6)} {record.get('py_arenas', '-'):>9} "
                  f"{_mb(record, 'malloc_mb', 9)} {_mb(record, 'malloc_free_mb', 11)} {record['threads']:>7} "
                  f"{record['suptui_threads']:>4} {record['os_threads']:>3} {record['gc_objects']:>10} "
                  f"{record['kills']:>7} {record['tree_restarts']:>8} {record['events']:>9} "
                  f"{record['processes']:>5} {_mb(record, 'run_peak_heap_mb', 11)} "
                  f"{record.get('longest_run_events', 0):>11} {record.get('rich_split_cache', '-'):>10}",
                  flush=True)
        seen = len(lines)
        if not alive():
            break
        time.sleep(1)
    return records


def _mb(record: dict[str, Any], key: str, width: int) -> str:
    value = record.get(key)
    return f"{value:>{width}.1f}" if isinstance(value, int | float) else f"{'-':>{width}}"


def _biggest_step(records: list[dict[str, Any]]) -> str:
    """The largest rise of RSS between two samples, and the biggest run that ended in between (a run's
    timeline keeps all its events until the root gives up, so a long run sets a new high-water mark)."""
    before, after = max(itertools.pairwise(records), key=lambda pair: pair[1]["rss_mb"] - pair[0]["rss_mb"])
    text = (f"largest step: RSS {after['rss_mb'] - before['rss_mb']:+.1f} MB between minutes "
            f"{before['minute']} and {after['minute']}")
    if after.get("run_peak_heap_mb"):
        others = [r["run_peak_heap_mb"] for r in records if r is not after and r.get("run_peak_heap_mb")]
        text += (f", where a run of {after['longest_run_events']} events peaked at "
                 f"{after['run_peak_heap_mb']:.1f} MB live (elsewhere at most "
                 f"{max(others, default=0):.1f} MB)")
    return text


def verdict(records: list[dict[str, Any]]) -> int:
    """Flat: after the first minute (warm-up: caches fill, the allocators find their working set) RSS
    grows under ``FLAT_RSS_MB_PER_MIN``, the live heap under ``FLAT_HEAP_MB_PER_MIN`` (least-squares
    slopes over at least three samples; ten minutes make a sound fit), and the thread count never
    changes."""
    if len(records) < 3:
        print("soak: too few samples", flush=True)
        return 1
    first, last = records[0], records[-1]
    warm = [r for r in records if r["minute"] >= 1.0]
    threads = {r["threads"] for r in records}
    # Samples taken on a fresh tree are alike; the last one (and any taken mid-storm) also counts the
    # current run's timeline, so it is left out of the slopes when there are enough of the others.
    aligned = [r for r in warm if r.get("phase") == "restart"]
    fit = aligned if len(aligned) >= 3 else warm
    rss_slope = slope([(r["minute"], r["rss_mb"]) for r in fit])
    heap_slope = slope([(r["minute"], r["heap_mb"]) for r in fit if "heap_mb" in r])
    print(f"\nRSS: {first['rss_mb']} MB at start, {warm[0]['rss_mb'] if warm else '?'} MB after a minute, "
          f"{last['rss_mb']} MB at the end (max {max(r['rss_mb'] for r in records)}); "
          f"threads: {sorted(threads)}; {last['kills']} kills, {last['tree_restarts']} tree restarts, "
          f"{last['events']} events", flush=True)
    if rss_slope is None:
        print(f"soak: too few samples after the first minute ({len(warm)}) for a slope; run --minutes 4 "
              "or more", flush=True)
        return 1
    heap_text = f"{heap_slope:+.2f} MB/min" if heap_slope is not None else "unknown (not glibc/pymalloc)"
    print(f"after minute 1: RSS {rss_slope:+.2f} MB/min, live heap {heap_text} "
          f"(flat below {FLAT_RSS_MB_PER_MIN} and {FLAT_HEAP_MB_PER_MIN} MB/min)", flush=True)
    leaking = heap_slope is not None and heap_slope >= FLAT_HEAP_MB_PER_MIN
    growing = rss_slope >= FLAT_RSS_MB_PER_MIN
    if leaking:
        print("the live heap grows: something reachable accumulates (a leak)", flush=True)
    elif growing:
        print("RSS grows over a flat live heap: memory the allocators keep after a peak (pymalloc frees an "
              "arena only once it is empty, glibc keeps free chunks), not a leak", flush=True)
        print(_biggest_step(fit), flush=True)
    if len(threads) != 1:
        print("the thread count changed", flush=True)
    flat = not leaking and not growing and len(threads) == 1
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
