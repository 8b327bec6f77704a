"""What serving a tree costs the program: restart latency and restart rate, with and without a client.

    python benchmarks/attach_overhead.py [--kills N] [--rounds R]

Three set-ups, each on a fresh real-clock runtime, taken in turns (``rounds`` times each, so a noisy
moment of the machine does not land on one of them only):

* ``plain``: no server;
* ``served``: ``runtime.serve()`` and nobody attached (the mirror folds every event);
* ``attached``: and one ``suptui attach --headless --format jsonl`` attached, in its own process
  (the program's writer thread turns each event into JSON and writes it; the client parses it all);
* ``raw``: a client process that reads the bytes and discards them (the program's side alone).

Latency is kill → the replacement's ``start`` event, stamped by a subscriber that runs after the
server's (so the server's work on that event is inside the figure), over ``kills`` kills of 10
siblings one at a time. The rate is how many restarts a worker that crashes at once gets in one
second. ``CPU µs`` is the program's CPU time per kill in the latency run (all its threads: the
writer's work is in it, the client's process is not). Target (issue 16): attached within 10% of
plain. On a shared machine wall-clock figures move by ±15% from one run to the next; the CPU column
moves far less. Not part of the test run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from suptui.engine import (  # noqa: E402
    Actor,
    ChildSpec,
    Event,
    RealClock,
    Runtime,
    Start,
    Supervisor,
    SupFlags,
)
from suptui.workers import Sleeper  # noqa: E402

NEVER_GIVE_UP = SupFlags("one_for_one", max_restarts=10**9, max_seconds=1)


class Crasher(Actor):
    def init(self) -> None:
        self.send(self.pid, "boom")

    def handle_info(self, msg: Any) -> None:
        raise RuntimeError("boom")


class Watch:
    def __init__(self) -> None:
        self.path = ""
        self.stamp = 0.0
        self.starts = 0
        self.done = threading.Event()

    def __call__(self, event: Event) -> None:
        if isinstance(event, Start) and event.restart:
            self.starts += 1
            if event.path == self.path:
                self.stamp = time.perf_counter()
                self.done.set()


RAW_CLIENT = """
import socket, sys
sock = socket.socket(socket.AF_UNIX)
sock.connect(sys.argv[1])
sock.sendall(b'{"type": "hello", "protocol": 1}\\n')
while sock.recv(1 << 20):
    pass
"""
"""A client that reads and discards: what the program pays for serving, without a client's parsing
competing for the machine's cores."""


def _runtime(setup: str, where: str) -> tuple[Runtime, subprocess.Popen[bytes] | None]:
    """The runtime, and for ``attached`` the client: ``suptui attach --headless --format jsonl`` in a
    process of its own, as a user runs it (its parsing is not the program's cost)."""
    rt = Runtime(RealClock(), log_reports=False)
    client = None
    if setup != "plain":
        server = rt.serve(where, announce=False)
        command = ["-m", "suptui", "attach", str(server.address), "--headless", "--format", "jsonl"]
        if setup == "raw":
            command = ["-c", RAW_CLIENT, str(server.address)]
        if setup in ("attached", "raw"):
            client = subprocess.Popen([sys.executable, *command], stdout=subprocess.DEVNULL, cwd=ROOT)
            deadline = time.monotonic() + 10
            while server.client_count() == 0:
                if time.monotonic() > deadline:
                    raise RuntimeError("the client did not attach")
                time.sleep(0.01)
    return rt, client


def _done(rt: Runtime, client: subprocess.Popen[bytes] | None) -> None:
    rt.shutdown()
    if client is not None:
        client.wait(10)


def latency(setup: str, kills: int, where: str) -> tuple[list[float], float]:
    """Kill → replacement started, per kill (µs); and the program's CPU time per kill (µs: every
    thread of this process, user and system; the client's process is not counted), which the load
    of the rest of the machine disturbs far less than wall time."""
    rt, client = _runtime(setup, where)
    watch = Watch()
    rt.events.subscribe(watch)  # (after the server's subscriber: its work is inside the figure)
    children = [ChildSpec(f"w{i}", Sleeper) for i in range(10)]
    rt.start(Supervisor, {"flags": NEVER_GIVE_UP, "children": children})
    samples = []
    cpu = time.process_time()
    for n in range(kills):
        watch.path = f"root/w{n % 10}"
        watch.done.clear()
        pid = rt.whereis(watch.path)
        began = time.perf_counter()
        rt.kill(pid)
        if not watch.done.wait(5):
            raise RuntimeError(f"{watch.path} was not restarted")
        samples.append((watch.stamp - began) * 1e6)
    cpu_per_kill = (time.process_time() - cpu) / kills * 1e6
    _done(rt, client)
    return samples, cpu_per_kill


def rate(setup: str, seconds: float, where: str) -> float:
    rt, client = _runtime(setup, where)
    watch = Watch()
    rt.events.subscribe(watch)
    rt.start(Supervisor, {"flags": NEVER_GIVE_UP, "children": [ChildSpec("loop", Crasher)]})
    time.sleep(0.1)
    before, began = watch.starts, time.perf_counter()
    time.sleep(seconds)
    per_second = (watch.starts - before) / (time.perf_counter() - began)
    _done(rt, client)
    return per_second


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=0.5)
    args = parser.parse_args()
    setups = ("plain", "served", "attached", "raw")
    p50s: dict[str, list[float]] = {s: [] for s in setups}
    p99s: dict[str, list[float]] = {s: [] for s in setups}
    rates: dict[str, list[float]] = {s: [] for s in setups}
    cpus: dict[str, list[float]] = {s: [] for s in setups}
    with tempfile.TemporaryDirectory(prefix="sb-", dir="/tmp") as tmp:
        for round_ in range(args.rounds):
            for setup in setups:
                where = f"{tmp}/{setup}{round_}.sock"
                found, cpu = latency(setup, args.kills, where)
                ordered = sorted(found)
                cpus[setup].append(cpu)
                p50s[setup].append(statistics.median(ordered))
                p99s[setup].append(ordered[int(0.99 * (len(ordered) - 1))])
                rates[setup].append(rate(setup, args.seconds, where + "r"))
    print(f"{args.rounds} rounds; per round {args.kills} kills and {args.seconds:g} s of a restart loop "
          "per set-up;")
    print("'vs plain' is the median over rounds of each round's ratio (the machine's load changes between")
    print("rounds, not within one)\n")
    print(f"{'set-up':<10} {'p50 µs':>8} {'vs plain':>9} {'p99 µs':>8} {'CPU µs':>8} {'vs plain':>9} "
          f"{'restarts/s':>11} {'vs plain':>9}")

    def versus(values: dict[str, list[float]], setup: str) -> float:
        ratios = [a / b for a, b in zip(values[setup], values["plain"], strict=True)]
        return 100 * (statistics.median(ratios) - 1)

    for setup in setups:
        print(f"{setup:<10} {statistics.median(p50s[setup]):>8.1f} {versus(p50s, setup):>+8.1f}% "
              f"{statistics.median(p99s[setup]):>8.1f} {statistics.median(cpus[setup]):>8.1f} "
              f"{versus(cpus, setup):>+8.1f}% {statistics.median(rates[setup]):>11,.0f} "
              f"{versus(rates, setup):>+8.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
