# Scenario e: single {Bomb, bomb_time: 1000} (child_spec sugar -> id Bomb), Elixir defaults 3/5, run 6 s
Code.require_file("common.exs", __DIR__)
Rec.run("e", 6_000, fn ->
  Supervisor.start_link([{Bomb, name: "Syntax Sugar Bomb", bomb_time: 1000, path: "root/Bomb"}],
    strategy: :one_for_one, name: :root)
end)
