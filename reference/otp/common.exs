# Shared recorder / instrumentation for the reference scenarios.
# Each scenario script does `Code.require_file("common.exs", __DIR__)` and calls `Rec.run/3`.
#
# Event sources (all funnel into ONE recorder process, in arrival order):
#   start     - sent synchronously (GenServer.call) by the child from inside its init/1, or, for
#               supervisors, by the start wrapper right after Supervisor.start_link/2 returned.
#   crash/exit (child's own) - sent synchronously from the child's terminate/2 *before* it dies
#               (a GenServer runs terminate/2 when its callback raises or returns {:stop, ...}).
#   terminate - the recorder monitors every started pid; a DOWN for a pid that did not report its
#               own exit means it was stopped from outside (by its supervisor). Trapping children
#               also report when their terminate/2 *began* ("since").
#   give_up   - a :logger handler (runs inside the supervisor process, synchronously, before the
#               supervisor stops its children) forwards the `reached_max_restart_intensity` report.
#   supervisor exit - DOWN of a supervisor pid: "exit" if it gave up since its last start,
#               otherwise "terminate" (stopped by its parent) or "crash".
# Times: ms since t0 = just before the root Supervisor.start_link call (monotonic clock),
# stamped by the process where the fact happens (DOWN: stamped on receipt by the recorder).

defmodule Rec do
  use GenServer

  # ---------- time ----------
  def now_ms do
    t0 = :persistent_term.get({Rec, :t0})
    System.convert_time_unit(System.monotonic_time() - t0, :native, :microsecond) / 1000
  end

  # ---------- client API ----------
  def started(path, pid, kind \\ :worker),
    do: GenServer.call(__MODULE__, {:started, path, pid, kind, now_ms()}, :infinity)

  # the child's own orderly exit or crash, reported from terminate/2 before dying
  def self_exit(path, reason),
    do: GenServer.call(__MODULE__, {:self_exit, path, self(), reason, now_ms(), mono_s()}, :infinity)

  # a trapping child's terminate/2 began because its supervisor sent an exit signal
  def terminating(path, reason),
    do: GenServer.call(__MODULE__, {:terminating, path, self(), reason, now_ms()}, :infinity)

  # a child whose init returned :ignore (a gen_server then exits normal without ever running)
  def ignored(path),
    do: GenServer.call(__MODULE__, {:ignored, path, now_ms()}, :infinity)

  # the next exit signal to this pid comes from outside (Process.exit/2 by the driver), so its
  # DOWN is the process's own end (exit/crash by reason), not a stop by its supervisor
  def external(pid), do: GenServer.call(__MODULE__, {:external, pid}, :infinity)

  # which_children of a supervisor, as one string: "id:state,..." in OTP's order
  # (reverse start order for static supervisors; ids are "undefined" under a DynamicSupervisor)
  def snapshot(sup, path) do
    kids =
      Enum.map_join(Supervisor.which_children(sup), ",", fn {id, child, _, _} ->
        state = cond do
          is_pid(child) -> "running"
          child == :restarting -> "restarting"
          true -> "undefined"
        end
        fmt(id) <> ":" <> state
      end)
    GenServer.call(__MODULE__, {:snapshot, path, kids, now_ms()}, :infinity)
  end

  # run fun in its own process at ms since t0 (a driver for actions from outside the tree)
  def at(ms, fun) do
    spawn(fn ->
      Process.sleep(max(round(ms - now_ms()), 0))
      fun.()
    end)
  end

  # the pid of a supervisor's child by id
  def child(sup, id) do
    Enum.find_value(Supervisor.which_children(sup), fn {i, p, _, _} -> if i == id, do: p end)
  end

  def give_up(sup_name, offender, sup_pid),
    do: send(__MODULE__, {:give_up, sup_name, offender, sup_pid, now_ms(), mono_s()})

  # the supervisor's intensity stamp (erlang:monotonic_time(1)) relative to the stamp of t0
  def mono_s, do: :erlang.monotonic_time(:second) - :persistent_term.get({Rec, :t0_s})

  # ---------- recorder ----------
  def init(names), do: {:ok, %{events: [], pids: %{}, seen: MapSet.new(), gave_up: MapSet.new(), names: names, reports: []}}

  def handle_call({:started, path, pid, kind, t}, _from, s) do
    Process.monitor(pid)
    restart = MapSet.member?(s.seen, path)
    ev = [t: t, event: "start", path: path] ++ if(restart, do: [restart: true], else: [])
    s = %{s | seen: MapSet.put(s.seen, path), gave_up: MapSet.delete(s.gave_up, path),
              pids: Map.put(s.pids, pid, %{path: path, kind: kind, done: false, since: nil})}
    {:reply, :ok, add(s, ev)}
  end

  def handle_call({:self_exit, path, pid, reason, t, st}, _from, s) do
    ev = if orderly?(reason), do: "exit", else: "crash"
    extra = if ev == "crash", do: [stamp: st], else: []
    s = update_in(s.pids, &Map.update(&1, pid, %{path: path, kind: :worker, done: true, since: nil}, fn m -> %{m | done: true} end))
    {:reply, :ok, add(s, [t: t, event: ev, path: path, reason: fmt(reason)] ++ extra)}
  end

  def handle_call({:terminating, path, pid, _reason, t}, _from, s) do
    s = update_in(s.pids, &Map.update(&1, pid, %{path: path, kind: :worker, done: false, since: t}, fn m -> %{m | since: t} end))
    {:reply, :ok, s}
  end

  def handle_call({:ignored, path, t}, _from, s) do
    {:reply, :ok, add(s, [t: t, event: "exit", path: path, reason: "normal", phase: "ignore"])}
  end

  def handle_call({:external, pid}, _from, s) do
    {:reply, :ok, update_in(s.pids, &Map.update(&1, pid, %{path: "?", kind: :worker, done: false, since: nil, ext: true}, fn m -> Map.put(m, :ext, true) end))}
  end

  def handle_call({:snapshot, path, kids, t}, _from, s) do
    {:reply, :ok, add(s, [t: t, event: "children", path: path, children: kids])}
  end

  def handle_call(:dump, _from, s), do: {:reply, {Enum.reverse(s.events), Enum.reverse(s.reports)}, s}

  def handle_info({:give_up, sup_name, offender, sup_pid, t, ms}, s) do
    path = Map.get(s.names, sup_name) || (s.pids[sup_pid] && s.pids[sup_pid].path) || inspect(sup_name)
    s = %{s | gave_up: MapSet.put(s.gave_up, path)}
    {:noreply, add(s, [t: t, event: "give_up", path: path, child: fmt(offender), stamp: ms])}
  end

  def handle_info({:sup_report, t, sup, label, id, reason}, s) do
    path = Map.get(s.names, sup) || inspect(sup)
    ev = [t: t, event: "sup_report", path: path, label: fmt(label), child: fmt(id)] ++
           if(reason == nil, do: [], else: [reason: fmt(reason)])
    {:noreply, %{s | reports: [ev | s.reports]}}
  end

  def handle_info({:DOWN, _ref, :process, pid, reason}, s) do
    t = now_ms()
    case Map.pop(s.pids, pid) do
      {nil, _} -> {:noreply, s}
      {%{done: true}, pids} -> {:noreply, %{s | pids: pids}}
      {%{path: path, kind: kind, since: since} = m, pids} ->
        s = %{s | pids: pids}
        ev =
          cond do
            kind == :sup and MapSet.member?(s.gave_up, path) -> "exit"
            Map.get(m, :ext) -> if(orderly?(reason), do: "exit", else: "crash")
            reason in [:shutdown, :killed] or match?({:shutdown, _}, reason) -> "terminate"
            reason == :normal -> "exit"
            true -> "crash"
          end
        extra = if since, do: [since_ms: since], else: []
        {:noreply, add(s, [t: t, event: ev, path: path, reason: fmt(reason)] ++ extra)}
    end
  end

  defp add(s, ev), do: %{s | events: [ev | s.events]}

  def orderly?(r), do: r in [:normal, :shutdown] or match?({:shutdown, _}, r)

  def fmt({:shutdown, term}), do: "{shutdown, " <> fmt(term) <> "}"
  def fmt({%{__exception__: true} = e, _stack}), do: inspect(e.__struct__) <> ": " <> Exception.message(e)
  def fmt(a) when is_atom(a), do: Atom.to_string(a) |> String.replace_prefix("Elixir.", "")
  def fmt(b) when is_binary(b), do: b
  def fmt(other), do: inspect(other)

  # ---------- JSON Lines ----------
  def to_json(ev) do
    body =
      Enum.map_join(ev, ", ", fn
        {:t, ms} -> ~s("t": ) <> Integer.to_string(round(ms / 100) * 100)
        {k, v} -> ~s(") <> Atom.to_string(k) <> ~s(": ) <> jv(k, v)
      end)

    "{" <> body <> ", " <> ~s("ms": ) <> :erlang.float_to_binary(ev[:t] * 1.0, decimals: 1) <> "}"
  end

  defp jv(_, true), do: "true"
  defp jv(_, false), do: "false"
  defp jv(_, n) when is_integer(n), do: Integer.to_string(n)
  defp jv(_, f) when is_float(f), do: :erlang.float_to_binary(f, decimals: 1)
  defp jv(_, s) when is_binary(s) do
    esc = s |> String.replace("\\", "\\\\") |> String.replace("\"", "\\\"") |> String.replace("\n", "\\n")
    "\"" <> esc <> "\""
  end

  # ---------- scenario driver ----------
  # opts: names: %{registered_sup_name => path}, phase: 0.0..1.0 (start the root at that fraction
  # of a monotonic second, i.e. controls where erlang:monotonic_time(1) boundaries fall)
  def run(name, run_ms, start_fun, opts \\ []) do
    Process.flag(:trap_exit, true)
    names = Keyword.get(opts, :names, %{root: "root"})
    {:ok, _} = GenServer.start(__MODULE__, names, name: __MODULE__)
    warm_up()
    :ok = :logger.add_handler(:rec_handler, RecHandler, %{level: :all})

    # optional common start barrier (run_all.sh sets it so that all VMs have finished booting
    # and compiling before any scenario clock starts; keeps CPU contention out of the timings)
    case System.get_env("REC_START_AT") do
      nil -> :ok
      at -> Process.sleep(max(String.to_integer(at) - System.os_time(:millisecond), 0))
    end

    if phase = opts[:phase] do
      target = round(phase * 1000)
      wait_phase(target)
    end

    t0 = System.monotonic_time()
    :persistent_term.put({Rec, :t0}, t0)
    :persistent_term.put({Rec, :t0_s}, System.convert_time_unit(t0, :native, :second))
    phase_ms = Integer.mod(:erlang.monotonic_time(:millisecond), 1000)
    {:ok, root} = start_fun.()
    started("root", root, :sup)
    Process.sleep(run_ms + 500)
    {events, reports} = GenServer.call(__MODULE__, :dump)
    out = Path.join([__DIR__, "out", name <> ".jsonl"])
    File.mkdir_p!(Path.dirname(out))
    File.write!(out, Enum.map_join(events, "", &(to_json(&1) <> "\n")))
    File.write!(Path.join([__DIR__, "out", name <> ".sup_reports.jsonl"]),
                Enum.map_join(reports, "", &(to_json(&1) <> "\n")))

    IO.puts("# #{name}: #{length(events)} events -> #{out} (root started at monotonic-second phase #{phase_ms} ms)")
    Enum.each(events, &IO.puts(to_json(&1)))
    System.halt(0)
  end

  # Exercise every code path once (GenServer crash report, supervisor child_terminated and
  # reached_max_restart_intensity reports, Logger translation) before t0, so that first-time
  # module loading does not add ~10 ms latency to the first crash of the scenario.
  defp warm_up do
    {:ok, sup} = Supervisor.start_link([%{id: :warm, start: {WarmBomb, :start_link, []}}],
                                       strategy: :one_for_one, max_restarts: 0)
    ref = Process.monitor(sup)
    receive do
      {:DOWN, ^ref, :process, _, _} -> :ok
    after 5000 -> raise "warm-up failed"
    end
    receive do
      {:EXIT, ^sup, _} -> :ok
    after 0 -> :ok
    end
    Process.sleep(200)
  end

  defp wait_phase(target) do
    p = Integer.mod(:erlang.monotonic_time(:millisecond), 1000)
    d = Integer.mod(target - p, 1000)
    if d > 20, do: Process.sleep(d - 10)
    spin(target)
  end

  defp spin(target) do
    if Integer.mod(:erlang.monotonic_time(:millisecond), 1000) == target, do: :ok, else: spin(target)
  end
end

defmodule RecHandler do
  # :logger handler callback, runs in the process that logs (here: the supervisor itself).
  def log(%{msg: {:report, %{label: {:supervisor, label}, report: rep}}}, _cfg) do
    sup =
      case rep[:supervisor] do
        {:local, n} -> n
        {pid, _mod} when is_pid(pid) -> pid
        other -> other
      end

    off = rep[:offender] || rep[:started]
    id = if is_list(off), do: off[:id], else: off
    # every supervisor error report goes to the side file out/<scenario>.sup_reports.jsonl
    send(Rec, {:sup_report, Rec.now_ms(), sup, label, id, rep[:reason]})
    if label == :shutdown and rep[:reason] == :reached_max_restart_intensity,
      do: Rec.give_up(sup, id, self())

    :ok
  end

  def log(_, _), do: :ok
end

# ---------------------------------------------------------------------------------------------
# The lesson's Bomb, verbatim behaviour (send_after in init, raise in handle_info) + reporting.
defmodule Bomb do
  use GenServer

  def start_link(opts), do: GenServer.start_link(__MODULE__, opts)

  @impl true
  def init(opts) do
    bomb_time = Keyword.get(opts, :bomb_time, 2000)
    name = Keyword.get(opts, :name, 2000)
    Process.send_after(self(), :explode, bomb_time)
    Process.put(:path, Keyword.fetch!(opts, :path))
    Rec.started(Process.get(:path), self())
    {:ok, name}
  end

  @impl true
  def handle_info(:explode, name) do
    Process.put(:self_stop, true)
    raise "#{name} Exploded!"
  end

  @impl true
  def terminate(reason, _name) do
    if Process.get(:self_stop), do: Rec.self_exit(Process.get(:path), reason)
    :ok
  end
end

defmodule WarmBomb do
  use GenServer
  def start_link, do: GenServer.start_link(__MODULE__, [])
  def init(_), do: (send(self(), :boom); {:ok, nil})
  def handle_info(:boom, _), do: raise("warm-up crash")
end

# Generic configurable worker.
#   path:        required
#   crash_after: ms -> raise (abnormal)         exit_after: ms -> {:stop, :normal}
#   trap:        trap exits (so terminate/2 runs on supervisor shutdown)
#   term_sleep:  ms spent inside terminate/2 when stopped by the supervisor
#   exit_reason: the reason for exit_after (default :normal), e.g. {:shutdown, :done}
#   ignore:      init returns :ignore (only for starts at or after ignore_from ms, default 0)
#   busy_at, busy_for, busy_reason: at busy_at ms it is busy busy_for ms inside handle_info (exit
#                signals wait in its mailbox meanwhile), then stops with busy_reason
defmodule W do
  use GenServer

  def start_link(opts), do: GenServer.start_link(__MODULE__, opts)

  @impl true
  def init(opts) do
    if opts[:ignore] && Rec.now_ms() >= Keyword.get(opts, :ignore_from, 0) do
      Rec.ignored(Keyword.fetch!(opts, :path))
      :ignore
    else
      init_running(opts)
    end
  end

  defp init_running(opts) do
    if opts[:trap], do: Process.flag(:trap_exit, true)
    if t = opts[:busy_at], do: Process.send_after(self(), :busy, t)
    if t = opts[:crash_after], do: Process.send_after(self(), :crash, t)
    if t = opts[:exit_after], do: Process.send_after(self(), :exit_normal, t)
    Process.put(:path, Keyword.fetch!(opts, :path))
    Rec.started(opts[:path], self())
    {:ok, Map.new(opts)}
  end

  @impl true
  def handle_info(:crash, s) do
    Process.put(:self_stop, true)
    raise "#{s.path} crashed"
  end

  def handle_info(:exit_normal, s) do
    Process.put(:self_stop, true)
    {:stop, Map.get(s, :exit_reason, :normal), s}
  end

  def handle_info(:busy, s) do
    Process.sleep(s.busy_for)
    {:stop, s.busy_reason, s}
  end

  def handle_info(_, s), do: {:noreply, s}

  @impl true
  def terminate(reason, s) do
    if Process.get(:self_stop) do
      Rec.self_exit(s.path, reason)
    else
      Rec.terminating(s.path, reason)
      if t = s[:term_sleep], do: Process.sleep(t)
    end

    :ok
  end
end

defmodule LessonBombs do
  # The lesson's three bombs (they explode 2, 3 and 5 s after each start), as child specs in `order`.
  def children(order) do
    specs = %{
      bomb1: %{id: :bomb1, start: {Bomb, :start_link, [[name: "Bomb 1", bomb_time: 2000, path: "root/bomb1"]]}},
      bomb2: %{id: :bomb2, start: {Bomb, :start_link, [[name: "Bomb 2", bomb_time: 3000, path: "root/bomb2"]]}},
      bomb3: %{id: :bomb3, start: {Bomb, :start_link, [[name: "Bomb 3", bomb_time: 5000, path: "root/bomb3"]]}}
    }
    Enum.map(order, &Map.fetch!(specs, &1))
  end
end
