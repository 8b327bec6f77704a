# Scenario h: intensity boundary. One permanent child crashing 5000 ms after each start,
# max_restarts 1, max_seconds 5, run 11 s. Crashes at ~5 s and ~10 s (5 s apart).
Code.require_file("common.exs", __DIR__)
Rec.run("h", 11_000, fn ->
  Supervisor.start_link([%{id: :bomb, start: {W, :start_link, [[path: "root/bomb", crash_after: 5000]]}}],
    strategy: :one_for_one, max_restarts: 1, max_seconds: 5, name: :root)
end)
