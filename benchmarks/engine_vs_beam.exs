# The BEAM side of benchmarks/engine_vs_beam.py: the same five measurements on real Erlang/OTP
# supervisors, so the engine's figures can be read as ratios taken in the same sitting.
#
#   elixir benchmarks/engine_vs_beam.exs [--quick] [--only NAME,...]
#
# Prints one JSON object per measurement (one line each), in the shape the Python side prints.
# Plain Elixir and OTP (no Hex packages). Each measurement mirrors the engine's
# (benchmarks/run.py):
#
# - restart_1000: 1,000 idle workers under one one_for_one supervisor (max_restarts 10^9 in 1 s, as
#   the engine's NEVER_GIVE_UP); kill one at a time (exit(pid, :kill) from outside) and time from
#   the kill to the moment the replacement's init has finished (the child stamps it from its init,
#   as the engine's subscriber stamps its start event).
# - one_for_all_1000: the same under one_for_all: kill one, time until all 1,000 are running again.
# - start_100k: start_link of one supervisor with 100,000 idle workers, until it returns; bytes
#   per process is the growth of the OS process's resident set (/proc/self/statm, as the engine's)
#   over the processes it added.
# - shutdown_100k: Supervisor.stop of that tree (every worker stopped in reverse order).

defmodule Bench.Sleeper do
  @moduledoc "An idle worker; its init tells the benchmark when it has finished, if one listens."
  use GenServer

  def start_link(id), do: GenServer.start_link(__MODULE__, id)

  @impl true
  def init(id) do
    case :persistent_term.get(:bench_watch, nil) do
      nil -> :ok
      watcher -> send(watcher, {:started, id, self(), :erlang.monotonic_time(:nanosecond)})
    end

    {:ok, nil}
  end
end

defmodule Bench do
  @never_give_up [max_restarts: 1_000_000_000, max_seconds: 1]

  def children(n) do
    for i <- 0..(n - 1) do
      %{id: i, start: {Bench.Sleeper, :start_link, [i]}}
    end
  end

  def rss_bytes do
    [_size, resident | _] = File.read!("/proc/self/statm") |> String.split()
    String.to_integer(resident) * 4096
  end

  def percentile(values, q) do
    sorted = Enum.sort(values)
    Enum.at(sorted, min(length(sorted) - 1, trunc(q * length(sorted))))
  end

  def median(values) do
    sorted = Enum.sort(values)
    n = length(sorted)
    if rem(n, 2) == 1, do: Enum.at(sorted, div(n, 2)),
      else: (Enum.at(sorted, div(n, 2) - 1) + Enum.at(sorted, div(n, 2))) / 2
  end

  # Start a supervisor with n watched children; the pids of the children by id.
  defp watched_supervisor(n, strategy) do
    :persistent_term.put(:bench_watch, self())
    {:ok, sup} = Supervisor.start_link(children(n), [strategy: strategy] ++ @never_give_up)
    pids = collect_starts(n, %{})
    {sup, pids}
  end

  defp collect_starts(0, pids), do: pids

  defp collect_starts(left, pids) do
    receive do
      {:started, id, pid, _t} -> collect_starts(left - 1, Map.put(pids, id, pid))
    end
  end

  def restart_latency(siblings, kills) do
    {sup, pids} = watched_supervisor(siblings, :one_for_one)
    {samples, _pids} =
      Enum.reduce(0..(kills - 1), {[], pids}, fn n, {acc, pids} ->
        id = rem(n, siblings)
        began = :erlang.monotonic_time(:nanosecond)
        Process.exit(Map.fetch!(pids, id), :kill)
        receive do
          {:started, ^id, pid, t} -> {[(t - began) / 1000 | acc], Map.put(pids, id, pid)}
        after 5000 -> raise "#{id} was not restarted"
        end
      end)
    stop(sup)
    %{p50_us: median(samples), p99_us: percentile(samples, 0.99), n: length(samples)}
  end

  def one_for_all(children, repeats) do
    {sup, pids} = watched_supervisor(children, :one_for_all)
    {samples, _pids} =
      Enum.reduce(1..repeats, {[], pids}, fn _, {acc, pids} ->
        began = :erlang.monotonic_time(:nanosecond)
        Process.exit(Map.fetch!(pids, 0), :kill)
        {last, pids} = await_group(children, nil, pids)
        {[(last - began) / 1.0e6 | acc], pids}
      end)
    stop(sup)
    %{median_ms: median(samples), max_ms: Enum.max(samples), n: length(samples)}
  end

  defp await_group(0, last, pids), do: {last, pids}

  defp await_group(left, last, pids) do
    receive do
      {:started, id, pid, t} -> await_group(left - 1, later(last, t), Map.put(pids, id, pid))
    after 60_000 -> raise "one_for_all restart did not finish"
    end
  end

  # (monotonic time may be negative: no number is a safe start for max)
  defp later(nil, t), do: t
  defp later(last, t), do: max(last, t)

  def start_and_shutdown(workers) do
    :persistent_term.erase(:bench_watch)
    specs = children(workers)
    :erlang.garbage_collect()
    before_count = :erlang.system_info(:process_count)
    before_rss = rss_bytes()
    before_mem = :erlang.memory(:total)
    began = :erlang.monotonic_time(:nanosecond)
    {:ok, sup} = Supervisor.start_link(specs, strategy: :one_for_one)
    started = (:erlang.monotonic_time(:nanosecond) - began) / 1.0e9
    grown = rss_bytes() - before_rss
    grown_mem = :erlang.memory(:total) - before_mem
    count = :erlang.system_info(:process_count) - before_count
    %{specs: ^workers} = Supervisor.count_children(sup)
    began = :erlang.monotonic_time(:nanosecond)
    stop(sup)
    stopped = (:erlang.monotonic_time(:nanosecond) - began) / 1.0e9
    %{start_s: started, bytes_per_process: grown / count, vm_bytes_per_process: grown_mem / count,
      processes: count, shutdown_s: stopped}
  end

  defp stop(sup) do
    Process.unlink(sup)
    ref = Process.monitor(sup)
    Process.exit(sup, :shutdown)
    receive do
      {:DOWN, ^ref, _, _, _} -> :ok
    end
  end

  def to_json(map) do
    body =
      map
      |> Enum.sort()
      |> Enum.map_join(", ", fn {k, v} -> "\"#{k}\": #{json_value(v)}" end)
    "{" <> body <> "}"
  end

  defp json_value(v) when is_float(v), do: :erlang.float_to_binary(v, [:short])
  defp json_value(v), do: inspect(v)
end

{opts, _, _} = OptionParser.parse(System.argv(), strict: [quick: :boolean, only: :string])
quick = Keyword.get(opts, :quick, false)

table = [
  {"restart_1000", fn -> Bench.restart_latency(1000, if(quick, do: 300, else: 2000)) end},
  {"one_for_all_1000", fn -> Bench.one_for_all(1000, if(quick, do: 5, else: 20)) end},
  {"start_100k", fn -> Bench.start_and_shutdown(100_000) end}
]

only = case Keyword.get(opts, :only) do
  nil -> nil
  names -> String.split(names, ",")
end

for {name, fun} <- table, only == nil or name in only do
  IO.puts("{\"name\": \"#{name}\", \"result\": #{Bench.to_json(fun.())}}")
end
