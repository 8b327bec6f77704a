# Scenario b: lesson bombs, one_for_all, 5/5, run 21 s
Code.require_file("common.exs", __DIR__)
children = LessonBombs.children([:bomb1, :bomb2, :bomb3])
Rec.run("b", 21_000, fn ->
  Supervisor.start_link(children, strategy: :one_for_all, max_restarts: 5, max_seconds: 5, name: :root)
end)
