#!/bin/sh
# Runs every scenario in parallel (each is a separate BEAM VM, real time, ~30 s wall in total).
# Outputs: out/<scenario>.jsonl (the timeline), out/<scenario>.log (stdout: Elixir Logger crash/
# supervisor reports + the same timeline). All scenario clocks start together at REC_START_AT,
# a few seconds in the future, after every VM has booted, compiled common.exs and warmed up.
# Run a single scenario with:  elixir <scenario>.exs
cd "$(dirname "$0")"
mkdir -p out
SCENARIOS="${*:-a b c d e f g g2 h h2_phase02 h2_phase07 i j k l}"
REC_START_AT=$(( $(date +%s%3N) + 8000 )); export REC_START_AT
for s in $SCENARIOS; do
  elixir "$s.exs" > "out/$s.log" 2>&1 &
done
wait
for s in $SCENARIOS; do grep -h '^# ' "out/$s.log"; done
