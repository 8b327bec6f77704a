#!/usr/bin/env python3
"""Print a compact per-scenario summary of out/*.jsonl (markdown), grouping events with equal t."""
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
names = sys.argv[1:] or ["a", "b", "c", "d", "e", "f", "g", "g2", "h", "h2_phase02", "h2_phase07", "i",
                         "j", "k", "l"]
ABBR = {"start": "start", "crash": "CRASH", "exit": "exit", "terminate": "term", "give_up": "GIVE_UP",
        "children": "children"}
for n in names:
    with open(os.path.join(here, "out", n + ".jsonl")) as lines:
        ev = [json.loads(line) for line in lines]
    print(f"\n**{n}** ({len(ev)} events)\n\n| t (ms) | events in order |\n|---|---|")
    rows = []
    for e in ev:
        p = e["path"].removeprefix("root/") if e["path"] != "root" else "root"
        s = f'{ABBR[e["event"]]} {p}'
        if e["event"] == "start" and e.get("restart"):
            s += "*"
        if e["event"] in ("terminate", "exit"):
            s += f' ({e["reason"]}{", ignore" if e.get("phase") == "ignore" else ""})'
        if e["event"] == "children":
            s += f' [{e["children"]}]'
        if e["event"] == "crash" and "stamp" not in e:  # an exit signal from outside, not its own crash
            s += f' ({e["reason"]})'
        if e["event"] == "crash" and "stamp" in e:
            s += f' [stamp {e["stamp"]}]'
        if e["event"] == "give_up":
            s += f' (offender {e["child"]})'
        if rows and rows[-1][0] == e["t"]:
            rows[-1][1].append(s)
        else:
            rows.append((e["t"], [s]))
    for t, ss in rows:
        print(f"| {t} | {', '.join(ss)} |")
