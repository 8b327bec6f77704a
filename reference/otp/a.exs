# Scenario a: lesson bombs, one_for_one, 5/5, run 10 s
Code.require_file("common.exs", __DIR__)
children = LessonBombs.children([:bomb1, :bomb2, :bomb3])
Rec.run("a", 10_000, fn ->
  Supervisor.start_link(children, strategy: :one_for_one, max_restarts: 5, max_seconds: 5, name: :root)
end)
