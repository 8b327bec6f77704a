# Scenario f: one_for_all, max_restarts 10 (max_seconds default 5).
#   tr   : transient worker that exits :normal 1000 ms after each start
#   bomb : permanent worker that raises 1500 ms after each start
# Question: is the transient child (not running after its normal exit) started again by the group restart?
Code.require_file("common.exs", __DIR__)
children = [
  %{id: :tr, restart: :transient, start: {W, :start_link, [[path: "root/tr", exit_after: 1000]]}},
  %{id: :bomb, start: {W, :start_link, [[path: "root/bomb", crash_after: 1500]]}}
]
Rec.run("f", 5_000, fn ->
  Supervisor.start_link(children, strategy: :one_for_all, max_restarts: 10, name: :root)
end)
