# Scenario c: lesson bombs, rest_for_one, order [bomb1,bomb2,bomb3], 5/5, run 12 s
Code.require_file("common.exs", __DIR__)
children = (fn order ->
  specs = %{
    bomb1: %{id: :bomb1, start: {Bomb, :start_link, [[name: "Bomb 1", bomb_time: 2000, path: "root/bomb1"]]}},
    bomb2: %{id: :bomb2, start: {Bomb, :start_link, [[name: "Bomb 2", bomb_time: 3000, path: "root/bomb2"]]}},
    bomb3: %{id: :bomb3, start: {Bomb, :start_link, [[name: "Bomb 3", bomb_time: 5000, path: "root/bomb3"]]}}
  }
  Enum.map(order, &Map.fetch!(specs, &1))
end).([:bomb1, :bomb2, :bomb3])
Rec.run("c", 12_000, fn ->
  Supervisor.start_link(children, strategy: :rest_for_one, max_restarts: 5, max_seconds: 5, name: :root)
end)
