# Extra scenario g2: like g but the ROOT has max_restarts 2 (max_seconds 5), so the third
# escalation from inner (at ~6 s, root stamps [6,4,2]) makes the root give up too. Run 8 s.
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
Rec.run("g2", 8_000, fn ->
  Supervisor.start_link([%{id: :inner, type: :supervisor, start: {G, :start_inner, []}}],
    strategy: :one_for_one, max_restarts: 2, max_seconds: 5, name: :root)
end, names: %{root: "root", inner: "root/inner"})
