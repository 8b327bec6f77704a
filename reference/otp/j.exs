# Scenario j: exit signals sent from outside the tree with Process.exit/2, and {:shutdown, term}.
#   root one_for_one, max_restarts 10 (/5 s), order [plain, trap, tr, perm, q]:
#     plain: does not trap exits (permanent)        trap: traps exits (permanent)
#     tr:    transient, does not trap                perm: permanent, does not trap
#     q:     transient, exits {:shutdown, :done} by itself 500 ms after each start
#   1000  Process.exit(plain, :normal)        -> ignored (not trapping)
#   1200  Process.exit(trap, :normal)         -> an EXIT message; the worker ignores it
#   1400  Process.exit(trap, :shutdown)       -> an EXIT message too (not from its parent)
#   2000  Process.exit(tr, {:shutdown, :x})   -> dies, orderly: transient is not restarted
#   2200  Process.exit(perm, {:shutdown, :x}) -> dies, permanent: restarted
#   3000  Process.exit(plain, :kill)          -> killed, restarted
#   3200  Process.exit(trap, :kill)           -> killed even though it traps exits, restarted
#   4000  Process.exit(plain, :boom)          -> dies with boom, restarted
#   4500  which_children(root)
Code.require_file("common.exs", __DIR__)
children = [
  %{id: :plain, start: {W, :start_link, [[path: "root/plain"]]}},
  %{id: :trap, start: {W, :start_link, [[path: "root/trap", trap: true]]}},
  %{id: :tr, restart: :transient, start: {W, :start_link, [[path: "root/tr"]]}},
  %{id: :perm, start: {W, :start_link, [[path: "root/perm"]]}},
  %{id: :q, restart: :transient,
    start: {W, :start_link, [[path: "root/q", exit_after: 500, exit_reason: {:shutdown, :done}]]}}
]
signal = fn ms, id, reason ->
  Rec.at(ms, fn ->
    pid = Rec.child(:root, id)
    Rec.external(pid)
    Process.exit(pid, reason)
  end)
end
Rec.run("j", 5_000, fn ->
  {:ok, root} = Supervisor.start_link(children, strategy: :one_for_one, max_restarts: 10, name: :root)
  signal.(1000, :plain, :normal)
  signal.(1200, :trap, :normal)
  signal.(1400, :trap, :shutdown)
  signal.(2000, :tr, {:shutdown, :x})
  signal.(2200, :perm, {:shutdown, :x})
  signal.(3000, :plain, :kill)
  signal.(3200, :trap, :kill)
  signal.(4000, :plain, :boom)
  Rec.at(4500, fn -> Rec.snapshot(:root, "root") end)
  {:ok, root}
end)
