# Scenario i: shutdown timeouts under one_for_all (default 3/5), order [a, b, c], run 4 s.
#   a: traps exits, terminate/2 takes 300 ms,  shutdown 1000 -> finishes in time (reason shutdown)
#   b: traps exits, terminate/2 takes 2000 ms, shutdown 500  -> killed after 500 ms (reason killed)
#   c: bomb, raises 1000 ms after each start (ordered last)
Code.require_file("common.exs", __DIR__)
children = [
  %{id: :a, shutdown: 1000, start: {W, :start_link, [[path: "root/a", trap: true, term_sleep: 300]]}},
  %{id: :b, shutdown: 500, start: {W, :start_link, [[path: "root/b", trap: true, term_sleep: 2000]]}},
  %{id: :c, start: {W, :start_link, [[path: "root/c", crash_after: 1000]]}}
]
Rec.run("i", 4_000, fn ->
  Supervisor.start_link(children, strategy: :one_for_all, name: :root)
end)
