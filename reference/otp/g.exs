# Scenario g: nested escalation.
#   root  one_for_one, 3/5
#     inner (supervisor, permanent, one_for_one, max_restarts 1, max_seconds 5)
#       bomb    raises 1000 ms after each start
#       sleeper does nothing
Code.require_file("common.exs", __DIR__)
defmodule G do
  def start_inner do
    children = [
      %{id: :bomb, start: {W, :start_link, [[path: "root/inner/bomb", crash_after: 1000]]}},
      %{id: :sleeper, start: {W, :start_link, [[path: "root/inner/sleeper"]]}}
    ]
    {:ok, pid} = Supervisor.start_link(children, strategy: :one_for_one, max_restarts: 1, max_seconds: 5, name: :inner)
    Rec.started("root/inner", pid, :sup)
    {:ok, pid}
  end
end
Rec.run("g", 8_000, fn ->
  Supervisor.start_link([%{id: :inner, type: :supervisor, start: {G, :start_inner, []}}],
    strategy: :one_for_one, max_restarts: 3, max_seconds: 5, name: :root)
end, names: %{root: "root", inner: "root/inner"})
