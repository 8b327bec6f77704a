# Scenario k: a child whose init returns :ignore, at start and on a restart.
#   root one_for_one (3/5), order [ig, igt, ri, dyn]:
#     ig:  permanent, init returns :ignore        igt: temporary, init returns :ignore
#     ri:  permanent, raises 1000 ms after start; starts from 500 ms on return :ignore
#     dyn: a DynamicSupervisor (permanent)
#   at 10 ms, added to dyn with start_child: dig (init returns :ignore), then dri (like ri, but
#   raising 1300 ms after start, clear of ri's restart at 1000)
#   1500  which_children of root and of dyn
Code.require_file("common.exs", __DIR__)
defmodule K do
  def start_dyn do
    {:ok, pid} = DynamicSupervisor.start_link(strategy: :one_for_one, name: :dyn)
    Rec.started("root/dyn", pid, :sup)
    {:ok, pid}
  end
end
children = [
  %{id: :ig, start: {W, :start_link, [[path: "root/ig", ignore: true]]}},
  %{id: :igt, restart: :temporary, start: {W, :start_link, [[path: "root/igt", ignore: true]]}},
  %{id: :ri, start: {W, :start_link, [[path: "root/ri", crash_after: 1000, ignore: true, ignore_from: 500]]}},
  %{id: :dyn, type: :supervisor, start: {K, :start_dyn, []}}
]
Rec.run("k", 2_000, fn ->
  {:ok, root} = Supervisor.start_link(children, strategy: :one_for_one, name: :root)
  Rec.at(10, fn ->
    :ignore = DynamicSupervisor.start_child(:dyn, {W, [path: "root/dyn/dig", ignore: true]})
    {:ok, _} = DynamicSupervisor.start_child(:dyn,
      {W, [path: "root/dyn/dri", crash_after: 1300, ignore: true, ignore_from: 500]})
  end)
  Rec.at(1500, fn ->
    Rec.snapshot(:root, "root")
    Rec.snapshot(:dyn, "root/dyn")
  end)
  {:ok, root}
end, names: %{root: "root", dyn: "root/dyn"})
