# Extra scenario h2 (R3.5 phase dependence): like h but the child crashes 5500 ms after each start,
# i.e. crashes 5.5 s apart, and the root is started at a controlled phase (0.07 s) of the
# monotonic second, so the two integer-second stamps differ by 6 (phase 0.2) or 5 (phase 0.7).
Code.require_file("common.exs", __DIR__)
Rec.run("h2_phase07", 12_000, fn ->
  Supervisor.start_link([%{id: :bomb, start: {W, :start_link, [[path: "root/bomb", crash_after: 5500]]}}],
    strategy: :one_for_one, max_restarts: 1, max_seconds: 5, name: :root)
end, phase: 0.7)
