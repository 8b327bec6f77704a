# Scenario d: lesson bombs, rest_for_one, order [bomb3,bomb1,bomb2], 5/5, run 21 s
Code.require_file("common.exs", __DIR__)
children = LessonBombs.children([:bomb3, :bomb1, :bomb2])
Rec.run("d", 21_000, fn ->
  Supervisor.start_link(children, strategy: :rest_for_one, max_restarts: 5, max_seconds: 5, name: :root)
end)
