"""The engine against real Erlang/OTP, in the same sitting: prints each figure and its ratio.

    python benchmarks/engine_vs_beam.py [--rounds N] [--quick] [--json FILE] [--no-beam]

Figures (issue 15's targets in brackets): restart p50 and p99 with 1,000 siblings [≤ 1.5× and
≤ 3× BEAM], one_for_all over 1,000 children [≤ 2.5×], start and shutdown of 100,000 idle workers
[≤ 2×], bytes per process [≤ BEAM's], and a headless run of a 100,000-worker tree for 60 s of tree
time [≤ 3 s wall, engine only].

The machine is shared and noisy, so rounds alternate engine and BEAM (each measurement in a fresh
process, a fresh VM for the BEAM), and the table gives the median of the rounds, their ratio, and
the paired ratio (the median of each round's own engine ÷ BEAM, which a busy spell skews least).
The BEAM side is ``engine_vs_beam.exs`` next to this file, run with ``elixir`` when it is on PATH
(plain OTP, no Hex packages); without it only the engine's figures are printed. Not part of the test run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import machine, run_isolated  # noqa: E402

BIG_TREE = HERE / "trees" / "big100k.toml"
HEADLESS_MS = 60_000

FIGURES: tuple[tuple[str, str, str, str, float | None], ...] = (
    # (label, measurement, key, unit, target ratio engine/BEAM)
    ("restart p50, 1,000 siblings", "restart_1000", "p50_us", "µs", 1.5),
    ("restart p99, 1,000 siblings", "restart_1000", "p99_us", "µs", 3.0),
    ("one_for_all, 1,000 children", "one_for_all_1000", "median_ms", "ms", 2.5),
    ("start 100,000 workers", "start_100k", "start_s", "s", 2.0),
    ("shutdown 100,000 workers", "start_100k", "shutdown_s", "s", 2.0),
    ("bytes per process (RSS growth)", "start_100k", "bytes_per_process", "B", 1.0),
)
ENGINE_MEASUREMENTS = ("restart_1000", "one_for_all_1000", "start_100k")


def engine_round(quick: bool) -> dict[str, dict[str, Any]]:
    """Each of the engine's measurements in a fresh interpreter (benchmarks/run.py --child)."""
    return {name: run_isolated(name, quick) for name in ENGINE_MEASUREMENTS}


def beam_round(quick: bool) -> dict[str, dict[str, Any]]:
    """The same measurements on a fresh BEAM (engine_vs_beam.exs), one JSON line each."""
    args = ["elixir", str(HERE / "engine_vs_beam.exs")] + (["--quick"] if quick else [])
    out = subprocess.run(args, capture_output=True, text=True, check=False, timeout=600)
    results: dict[str, dict[str, Any]] = {}
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            results[row["name"]] = row["result"]
    if out.returncode != 0 or not results:
        tail = out.stderr.strip().splitlines()[-1:] or ["failed"]
        return {name: {"error": tail[0]} for name in ENGINE_MEASUREMENTS}
    return results


def headless_round() -> dict[str, Any]:
    """Wall time of ``suptui --headless`` on the 100,000-worker tree for 60 s of tree time (the
    summary format, printed to nowhere): loading, starting, running and stopping it."""
    began = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "suptui", "--headless", "--until", str(HEADLESS_MS),
                          "--format", "summary", str(BIG_TREE)], cwd=ROOT, capture_output=True,
                         text=True, check=False)
    wall = time.perf_counter() - began
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
    return {"wall_s": wall}


def median_of(rounds: list[dict[str, dict[str, Any]]], name: str, key: str) -> float | None:
    values = [r[name][key] for r in rounds if isinstance(r.get(name, {}).get(key), (int, float))]
    return statistics.median(values) if values else None


def paired_ratio(engine: list[dict[str, dict[str, Any]]], beam: list[dict[str, dict[str, Any]]], name: str,
                 key: str) -> float | None:
    """The median over rounds of engine ÷ BEAM within each round: the two sides of one round ran
    back to back, so a round taken while the machine was busier weighs on both alike."""
    ratios = []
    for ours, theirs in zip(engine, beam, strict=False):
        a, b = ours.get(name, {}).get(key), theirs.get(name, {}).get(key)
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b:
            ratios.append(a / b)
    return statistics.median(ratios) if ratios else None


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "B":
        return f"{value:,.0f} B"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:.1f} {unit}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternating engine/BEAM rounds (default 3)")
    parser.add_argument("--quick", action="store_true", help="fewer kills and repeats per round")
    parser.add_argument("--json", metavar="FILE", help="also write every round's raw figures as JSON")
    parser.add_argument("--no-beam", action="store_true", help="the engine's figures only")
    parser.add_argument("--no-headless", action="store_true", help="skip the headless 100k run")
    args = parser.parse_args()
    beam = not args.no_beam and shutil.which("elixir") is not None
    print(machine())
    if not beam:
        print("(no BEAM side: elixir is not on PATH)" if not args.no_beam else "(no BEAM side: --no-beam)")
    engine_rounds: list[dict[str, dict[str, Any]]] = []
    beam_rounds: list[dict[str, dict[str, Any]]] = []
    headless: list[dict[str, Any]] = []
    for n in range(args.rounds):
        # Alternate which side goes first, so neither always runs on a machine the other warmed up.
        sides = ["engine", "beam"] if n % 2 == 0 else ["beam", "engine"]
        for side in sides:
            if side == "engine":
                engine_rounds.append(engine_round(args.quick))
            elif beam:
                beam_rounds.append(beam_round(args.quick))
        if not args.no_headless:
            headless.append(headless_round())
        print(f"round {n + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    print(f"\nmedians of {args.rounds} rounds{' (quick)' if args.quick else ''}")
    print(f"{'figure':<32} {'engine':>12} {'BEAM':>12} {'ratio':>7} {'paired':>7}  target")
    for label, name, key, unit, target in FIGURES:
        ours = median_of(engine_rounds, name, key)
        theirs = median_of(beam_rounds, name, key) if beam else None
        ratio = f"{ours / theirs:.2f}×" if ours is not None and theirs else "—"
        paired = paired_ratio(engine_rounds, beam_rounds, name, key) if beam else None
        shown = f"{paired:.2f}×" if paired is not None else "—"
        print(f"{label:<32} {fmt(ours, unit):>12} {fmt(theirs, unit):>12} {ratio:>7} {shown:>7}"
              f"  ≤ {target:g}×")
    if headless:
        walls = [h["wall_s"] for h in headless if "wall_s" in h]
        shown = f"{statistics.median(walls):.2f} s" if walls else headless[-1].get("error", "—")
        print(f"{'headless 100k, 60 s of tree time':<32} {shown:>12} {'':>12} {'':>7} {'':>7}  ≤ 3 s")
    sides = (("engine", engine_rounds), ("beam", beam_rounds))
    errors = [(side, name, r[name]["error"]) for side, rounds in sides
              for r in rounds for name in r if "error" in r[name]]
    for side, name, error in errors[:5]:
        print(f"error ({side} {name}): {error}")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "engine": engine_rounds,
                                               "beam": beam_rounds, "headless": headless}, indent=2))
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
