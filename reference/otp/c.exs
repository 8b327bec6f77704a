# Scenario c: lesson bombs, rest_for_one, order [bomb1,bomb2,bomb3], 5/5, run 12 s
Code.require_file("common.exs", __DIR__)
children = LessonBombs.children([:bomb1, :bomb2, :bomb3])
Rec.run("c", 12_000, fn ->
  Supervisor.start_link(children, strategy: :rest_for_one, max_restarts: 5, max_seconds: 5, name: :root)
end)
