# Scenario l: DynamicSupervisor shutdown. Every child traps exits and is slow to stop.
#   root one_for_one (3/5) -> dyn (DynamicSupervisor, shutdown :infinity as a supervisor)
#   added to dyn at 10 ms with start_child, in this order:
#     c100:   terminate/2 sleeps 3000 ms, shutdown 100          -> killed at +100
#     c2000:  terminate/2 sleeps 3000 ms, shutdown 2000         -> killed at +2000
#     c500:   terminate/2 sleeps 200 ms,  shutdown 500          -> ends shutdown at +200
#     brutal: terminate/2 sleeps 3000 ms, shutdown :brutal_kill -> killed at once
#     busy:   transient; at 900 ms it is busy 400 ms, then stops {:shutdown, :done} by itself,
#             with the supervisor's shutdown signal still in its mailbox (shutdown 1000)
#   1000  Supervisor.terminate_child(root, :dyn)
Code.require_file("common.exs", __DIR__)
defmodule L do
  def start_dyn do
    {:ok, pid} = DynamicSupervisor.start_link(strategy: :one_for_one, name: :dyn)
    Rec.started("root/dyn", pid, :sup)
    {:ok, pid}
  end

  def add(id, shutdown, opts, restart \\ :permanent) do
    spec = %{id: id, restart: restart, shutdown: shutdown,
             start: {W, :start_link, [[path: "root/dyn/#{id}", trap: true] ++ opts]}}
    {:ok, _} = DynamicSupervisor.start_child(:dyn, spec)
  end
end
Rec.run("l", 4_000, fn ->
  {:ok, root} = Supervisor.start_link([%{id: :dyn, type: :supervisor, start: {L, :start_dyn, []}}],
                                      strategy: :one_for_one, name: :root)
  Rec.at(10, fn ->
    L.add(:c100, 100, term_sleep: 3000)
    L.add(:c2000, 2000, term_sleep: 3000)
    L.add(:c500, 500, term_sleep: 200)
    L.add(:brutal, :brutal_kill, term_sleep: 3000)
    L.add(:busy, 1000, [busy_at: 890, busy_for: 400, busy_reason: {:shutdown, :done}], :transient)
  end)
  Rec.at(1000, fn -> :ok = Supervisor.terminate_child(:root, :dyn) end)
  {:ok, root}
end, names: %{root: "root", dyn: "root/dyn"})
