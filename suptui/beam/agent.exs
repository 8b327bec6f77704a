# suptui's BEAM agent (docs/beam.md). suptui runs it as
#
#     elixir --sname suptui_<random> agent.exs TARGET VERSION
#
# with the target's cookie, if one was given, in SUPTUI_BEAM_COOKIE (never on the command line). It
# joins TARGET over Erlang distribution and speaks suptui's attach wire (docs/protocol.md, "Attach")
# on stdin/stdout: newline-delimited JSON, the same messages a served Python program sends.
#
# Nothing is loaded on the target: the code that must run there (the tracer, the scan for
# supervisors, the logger filter) is Erlang source below, parsed here and evaluated there by erl_eval
# (its abstract form is plain data, so it runs on any OTP release). The tracer monitors this agent:
# when the agent ends or its node disconnects, the tracer turns its trace flags off, removes its
# logger filter and ends.

defmodule SuptuiAgent.Json do
  @moduledoc false
  import Bitwise

  def encode(nil), do: "null"
  def encode(true), do: "true"
  def encode(false), do: "false"
  def encode(n) when is_integer(n), do: Integer.to_string(n)
  def encode(f) when is_float(f), do: Float.to_string(f)
  def encode(s) when is_binary(s), do: [?", escape(s), ?"]
  def encode(a) when is_atom(a), do: encode(Atom.to_string(a))
  def encode(l) when is_list(l), do: [?[, Enum.intersperse(Enum.map(l, &encode/1), ?,), ?]]

  def encode(m) when is_map(m) do
    pairs = for {k, v} <- m, v != nil, do: [encode(to_string(k)), ?:, encode(v)]
    [?{, Enum.intersperse(pairs, ?,), ?}]
  end

  defp escape(s) do
    s = if String.valid?(s), do: s, else: inspect(s)
    for <<c::utf8 <- s>>, into: "", do: esc(c)
  end

  defp esc(?"), do: "\\\""
  defp esc(?\\), do: "\\\\"
  defp esc(?\n), do: "\\n"
  defp esc(c) when c < 0x20 or c == 0x7F, do: u4(c)
  defp esc(c) when c < 0x80, do: <<c>>
  defp esc(c) when c < 0x10000, do: u4(c)

  defp esc(c) do
    c = c - 0x10000
    u4(0xD800 + (c >>> 10)) <> u4(0xDC00 + (c &&& 0x3FF))
  end

  defp u4(c), do: "\\u" <> String.pad_leading(Integer.to_string(c, 16), 4, "0")

  # A small decoder for the requests suptui sends (objects, arrays, text, numbers, literals).
  def decode(bin) do
    {v, rest} = value(ws(bin), 0)
    "" = ws(rest)
    {:ok, v}
  rescue
    _ -> :error
  end

  defp ws(<<c, r::binary>>) when c in ' \t\r\n', do: ws(r)
  defp ws(b), do: b

  defp value(_, depth) when depth > 20, do: raise("too deep")
  defp value("{" <> r, d), do: object(ws(r), %{}, d + 1)
  defp value("[" <> r, d), do: array(ws(r), [], d + 1)
  defp value("\"" <> r, _), do: string(r, [])
  defp value("true" <> r, _), do: {true, r}
  defp value("false" <> r, _), do: {false, r}
  defp value("null" <> r, _), do: {nil, r}
  defp value(r, _), do: number(r)

  defp object("}" <> r, acc, _), do: {acc, r}

  defp object("\"" <> r, acc, d) do
    {k, r} = string(r, [])
    ":" <> r = ws(r)
    {v, r} = value(ws(r), d)
    acc = Map.put(acc, k, v)

    case ws(r) do
      "," <> r -> object(ws(r), acc, d)
      "}" <> r -> {acc, r}
    end
  end

  defp array("]" <> r, acc, _), do: {Enum.reverse(acc), r}

  defp array(r, acc, d) do
    {v, r} = value(r, d)

    case ws(r) do
      "," <> r -> array(ws(r), [v | acc], d)
      "]" <> r -> {Enum.reverse([v | acc]), r}
    end
  end

  defp string("\"" <> r, acc), do: {IO.iodata_to_binary(Enum.reverse(acc)), r}

  defp string("\\u" <> <<h::binary-4, r::binary>>, acc),
    do: string(r, [<<String.to_integer(h, 16)::utf8>> | acc])

  defp string("\\" <> <<c, r::binary>>, acc) do
    ch =
      case c do
        ?n -> "\n"
        ?t -> "\t"
        ?r -> "\r"
        ?b -> "\b"
        ?f -> "\f"
        other -> <<other>>
      end

    string(r, [ch | acc])
  end

  defp string(<<c, r::binary>>, acc), do: string(r, [<<c>> | acc])

  defp number(r) do
    case Integer.parse(r) do
      {_, <<c, _::binary>>} when c in '.eE' -> Float.parse(r)
      {i, rest} -> {i, rest}
    end
  end
end

defmodule SuptuiAgent do
  @moduledoc false

  @max_line 65_536
  @rate_limit 2000
  @call_timeout 5_000
  @max_children 5_000

  # ------------------------------------------------------------------ code that runs on the target

  # The tracer: traces the supervisors it is told (procs and receive, nothing else), forwards what
  # suptui needs (children's EXIT and DOWN, spawns, the supervisor's own exit) at most Limit
  # messages a second, gets give-ups from a logger primary filter, and cleans up when the agent goes.
  @tracer ~S"""
  Self = self(),
  Ref = erlang:monitor(process, Agent),
  T0 = erlang:monotonic_time(),
  Flags = [procs, 'receive', monotonic_timestamp],
  Ms = fun(N) -> erlang:convert_time_unit(N - T0, native, millisecond) end,
  Cut = fun(Term) ->
      case erts_debug:flat_size(Term) > 4000 of
          true -> {suptui_cut, iolist_to_binary(io_lib:format("~0P", [Term, 30]))};
          false -> Term
      end
  end,
  Filter = fun(#{msg := {report, #{label := {supervisor, shutdown}, report := Rep}},
                 meta := #{pid := P}}, To) ->
                  To ! {suptui_give_up, erlang:monotonic_time(), P, Rep},
                  ignore;
              (_, _) -> ignore
           end,
  FilterOk = logger:add_primary_filter(Fid, {Filter, Self}),
  Off = fun(Traced) ->
      lists:foreach(fun(P) ->
          case catch erlang:trace_info(P, tracer) of
              {tracer, Self} -> catch erlang:trace(P, false, Flags);
              _ -> ok
          end
      end, Traced)
  end,
  Cleanup = fun(Traced) ->
      catch logger:remove_primary_filter(Fid),
      Off(Traced)
  end,
  Drain = fun Drain(N) ->
      receive
          {trace_ts, _, _, _, _} -> Drain(N + 1);
          {trace_ts, _, _, _, _, _} -> Drain(N + 1)
      after 0 -> N
      end
  end,
  %% At most Limit messages a second go to the agent. Past that, all tracing is turned off at once and
  %% what is queued is dropped: the agent resynchronises (a fresh snapshot traces again) a second later.
  Fwd = fun(Msg, Traced, {W, C}) ->
      Now = erlang:monotonic_time(millisecond),
      {W1, C1} = case Now - W >= 1000 of
          true -> {Now, 0};
          false -> {W, C}
      end,
      case C1 < Limit of
          true ->
              Agent ! Msg,
              {Traced, {W1, C1 + 1}};
          false ->
              Off(Traced),
              Agent ! {suptui_dropped, 1 + Drain(0)},
              {[], {W1, C1}}
      end
  end,
  Agent ! {suptui_ready, Self, FilterOk},
  Loop = fun Loop({Traced, R}) ->
      receive
          {trace_ts, P, 'receive', {'EXIT', From, Why}, Ts} ->
              Loop(Fwd({suptui_ev, Ms(Ts), P, 'EXIT', From, Cut(Why)}, Traced, R));
          {trace_ts, P, 'receive', {'DOWN', _, process, From, Why}, Ts} ->
              Loop(Fwd({suptui_ev, Ms(Ts), P, 'DOWN', From, Cut(Why)}, Traced, R));
          {trace_ts, P, spawn, Child, _, Ts} ->
              Loop(Fwd({suptui_ev, Ms(Ts), P, spawn, Child, none}, Traced, R));
          {trace_ts, P, exit, Why, Ts} ->
              Loop(Fwd({suptui_ev, Ms(Ts), P, exit, P, Cut(Why)}, lists:delete(P, Traced), R));
          {trace_ts, _, _, _, _} -> Loop({Traced, R});
          {trace_ts, _, _, _, _, _} -> Loop({Traced, R});
          {suptui_give_up, Ts, P, Rep} ->
              Loop(Fwd({suptui_give_up, Ms(Ts), P, Cut(Rep)}, Traced, R));
          {suptui_trace, Pids} ->
              New = [P || P <- Pids, not lists:member(P, Traced),
                          (catch erlang:trace(P, true, [{tracer, Self} | Flags])) =:= 1],
              Loop({New ++ Traced, R});
          {suptui_stop, From} ->
              Cleanup(Traced),
              From ! {suptui_stopped, Self};
          {'DOWN', Ref, process, _, _} ->
              Cleanup(Traced)
      end
  end,
  Loop({[], {erlang:monotonic_time(millisecond), 0}}).
  """

  # Every supervisor on the node: its pid, kind, callback module, registered name and parent (the
  # process that started it, from proc_lib's '$ancestors').
  @scan ~S"""
  Parent = fun(D) ->
      case lists:keyfind('$ancestors', 1, D) of
          {_, [A | _]} when is_pid(A) -> A;
          {_, [A | _]} when is_atom(A) -> whereis(A);
          _ -> undefined
      end
  end,
  lists:foldl(fun(P, Acc) ->
      case erlang:process_info(P, [dictionary, registered_name]) of
          [{dictionary, D}, {registered_name, N}] ->
              case lists:keyfind('$initial_call', 1, D) of
                  {_, {supervisor, M, _}} -> [{P, supervisor, M, N, Parent(D)} | Acc];
                  {_, {'Elixir.DynamicSupervisor', _, _}} ->
                      [{P, dynamic, 'Elixir.DynamicSupervisor', N, Parent(D)} | Acc];
                  _ -> Acc
              end;
          _ -> Acc
      end
  end, [], erlang:processes()).
  """

  # The applications' top supervisors: [{TopPid, App}].
  @apps ~S"""
  lists:foldl(fun({App, _, _}, Acc) ->
      case catch application_controller:get_master(App) of
          M when is_pid(M) ->
              case catch application_master:get_child(M) of
                  {P, _} when is_pid(P) -> [{P, App} | Acc];
                  _ -> Acc
              end;
          _ -> Acc
      end
  end, [], application:which_applications(5000)).
  """

  # Which of Roots (bound) belong to an application of the OTP or Elixir distribution: [Pid]. A root
  # belongs to the application of its group leader (none for one started by hand from iex or a
  # script). Where the application's code lives decides: under Elixir's own lib directory (the parent
  # of elixir's) is Elixir's; under the root's lib directory is OTP's if OTP's list of what it installed
  # (releases/REL/installed_application_versions) names it, or, without that list (a release, whose
  # root holds the user's applications too), if its .app declares runtime_dependencies, as each of
  # OTP's does. Elixir's applications copied under the root (a release) are known by name. An
  # application whose code is not found (defined in memory) is the user's.
  @system ~S"""
  Norm = fun(Dir) ->
      lists:reverse(lists:foldl(fun("..", [_ | Acc]) -> Acc; (".", Acc) -> Acc; (S, Acc) -> [S | Acc] end,
                                [], filename:split(filename:absname(Dir))))
  end,
  LibDir = fun(App) ->
      case catch code:lib_dir(App) of
          D when is_list(D) -> Norm(D);
          _ -> none
      end
  end,
  Root = code:root_dir(),
  OtpLib = Norm(filename:join(Root, "lib")),
  ElixirLib = case LibDir(elixir) of
      none -> none;
      E -> lists:droplast(E)
  end,
  Manifest = case catch file:read_file(filename:join([Root, "releases", erlang:system_info(otp_release),
                                                       "installed_application_versions"])) of
      {ok, Bin} -> [hd(string:split(L, "-", trailing)) || L <- string:lexemes(binary_to_list(Bin), "\r\n")];
      _ -> none
  end,
  ElixirApps = [elixir, logger, iex, mix, eex, ex_unit],
  Declares = fun(App, Dir) ->
      case catch file:consult(filename:join(Dir ++ ["ebin", atom_to_list(App) ++ ".app"])) of
          {ok, [{application, _, Keys}]} when is_list(Keys) -> lists:keymember(runtime_dependencies, 1, Keys);
          _ -> false
      end
  end,
  System = fun(App) ->
      case LibDir(App) of
          none -> false;
          Dir ->
              case {ElixirLib =/= none andalso ElixirLib =/= OtpLib andalso lists:prefix(ElixirLib, Dir),
                    lists:prefix(OtpLib, Dir)} of
                  {true, _} -> true;
                  {false, false} -> false;
                  {false, true} when Manifest =:= none -> Declares(App, Dir) orelse lists:member(App, ElixirApps);
                  {false, true} -> lists:member(atom_to_list(App), Manifest) orelse lists:member(App, ElixirApps)
              end
      end
  end,
  [P || P <- Roots,
        case catch application:get_application(P) of
            {ok, App} -> System(App);
            _ -> false
        end].
  """

  # What the fixture-free check needs: does any process still have a tracer, is the filter there.
  defp parse(source) do
    {:ok, tokens, _} = :erl_scan.string(String.to_charlist(source))
    {:ok, exprs} = :erl_parse.parse_exprs(tokens)
    exprs
  end

  defp remote_eval(node, source, bindings \\ [], timeout \\ 10_000) do
    case :rpc.call(node, :erl_eval, :exprs, [parse(source), bindings], timeout) do
      {:value, value, _} -> {:ok, value}
      other -> {:error, other}
    end
  end

  # ------------------------------------------------------------------ wire

  def out(map), do: IO.binwrite(:stdio, [SuptuiAgent.Json.encode(map), ?\n])

  defp fail(code, message) do
    out(%{type: "error", error: code, message: message})
    System.halt(2)
  end

  # ------------------------------------------------------------------ main

  def main([target_text, version]) do
    :logger.set_primary_config(:level, :none)
    target = String.to_atom(target_text)
    cookie = System.get_env("SUPTUI_BEAM_COOKIE")
    System.delete_env("SUPTUI_BEAM_COOKIE")
    if cookie not in [nil, ""], do: Node.set_cookie(target, String.to_atom(cookie))
    connect(target, target_text, cookie not in [nil, ""])
    me = self()
    reader = spawn_link(fn -> read_stdin(me) end)
    _ = reader

    out(%{suptui: "attach", protocol: 1, version: version, pid: nil, title: target_text,
          clock: "real", auth: "none", control: true})

    receive do
      {:line, line} ->
        case SuptuiAgent.Json.decode(line) do
          {:ok, %{"type" => "hello", "protocol" => 1}} -> :ok
          _ -> fail("protocol", "expected a hello for protocol 1")
        end

      :eof ->
        System.halt(0)
    after
      10_000 -> fail("protocol", "no hello from suptui")
    end

    Node.monitor(target, true)
    fid = String.to_atom("suptui_" <> Atom.to_string(node()))
    bindings = [{:Agent, me}, {:Fid, fid}, {:Limit, @rate_limit}]
    tracer = Node.spawn(target, :erl_eval, :exprs, [parse(@tracer), bindings])

    receive do
      {:suptui_ready, ^tracer, _filter} -> :ok
    after
      10_000 -> fail("tracer", "the tracer did not start on #{target_text}")
    end

    Process.monitor(tracer)
    t0 = System.monotonic_time(:millisecond)

    st = %{
      target: target, tracer: tracer, t0: t0, seq: 0, last_t: 0, out: [],
      nodes: %{}, order: [], pids: %{}, killed: %{}, api: %{}, decision: 0,
      last_crash: %{}, stopping: MapSet.new(), suspended: false
    }

    st = snapshot(st)
    send(self(), :roots)
    loop(st)
  end

  defp connect(target, text, with_cookie) do
    [name, host] = String.split(text, "@", parts: 2)

    case Node.connect(target) do
      true ->
        :ok

      _ ->
        case :erl_epmd.names(String.to_charlist(host)) do
          {:ok, names} ->
            if Enum.any?(names, fn {n, _} -> List.to_string(n) == name end) do
              hint = if with_cookie, do: "the cookie may be wrong", else: "the cookie may be wrong: pass --cookie"
              fail("refused", "#{text} is running but refused the connection (#{hint})")
            else
              known = names |> Enum.map(fn {n, _} -> "#{n}@#{host}" end) |> Enum.join(", ")
              known = if known == "", do: "none", else: known
              fail("unreachable", "no node #{text} is running (nodes on #{host}: #{known})")
            end

          _ ->
            fail("unreachable", "cannot reach #{host}: no Erlang port mapper (epmd) answers there")
        end
    end
  end

  defp read_stdin(agent) do
    case IO.binread(:stdio, :line) do
      :eof ->
        send(agent, :eof)

      {:error, _} ->
        send(agent, :eof)

      line when byte_size(line) > @max_line ->
        send(agent, {:too_long})
        read_stdin(agent)

      line ->
        send(agent, {:line, String.trim_trailing(line, "\n")})
        read_stdin(agent)
    end
  end

  defp loop(st) do
    receive do
      msg ->
        st = handle(msg, st) |> flush()
        loop(st)
    end
  end

  # ------------------------------------------------------------------ time and events

  defp now(st), do: max(System.monotonic_time(:millisecond) - st.t0, st.last_t)

  defp emit(st, event) do
    t = max(event.t, st.last_t)
    %{st | out: [%{event | t: t} | st.out], last_t: t}
  end

  defp flush(%{out: []} = st), do: st

  defp flush(st) do
    events = Enum.reverse(st.out)

    st =
      events
      |> Enum.chunk_every(64)
      |> Enum.reduce(st, fn chunk, st ->
        out(%{type: "events", seq: st.seq + 1, events: chunk})
        %{st | seq: st.seq + length(chunk)}
      end)

    %{st | out: []}
  end

  # ------------------------------------------------------------------ discovery

  defp snapshot(st) do
    {:ok, sups} = ok_or_fail(remote_eval(st.target, @scan), "scanning the node's processes")
    apps = case remote_eval(st.target, @apps) do
      {:ok, list} -> Map.new(list)
      _ -> %{}
    end

    infos = for {pid, kind, mod, name, _} <- sups, into: %{}, do: {pid, {kind, mod, name}}
    children = for {pid, _, _, _, _} <- sups, into: %{}, do: {pid, which_children(pid)}

    owned =
      for {_, list} <- children, list != :error, {_, cpid, _, _} <- list, is_pid(cpid),
          into: MapSet.new(), do: cpid

    roots = for {pid, _, _, _, _} <- sups, not MapSet.member?(owned, pid), do: pid
    roots = user_first(st.target, Enum.sort(roots))

    t = now(st)

    {st, _} =
      Enum.reduce(roots, {st, MapSet.new()}, fn pid, {st, used} ->
        {_kind, _mod, name} = infos[pid]

        id =
          cond do
            name != [] -> fmt_id(name)
            Map.has_key?(apps, pid) -> fmt_id(apps[pid])
            true -> pid_text(pid)
          end

        id = if MapSet.member?(used, id), do: id <> pid_text(pid), else: id
        st = add_sup(st, pid, id, nil, %{id: id, restart: nil, shutdown: nil}, t, :snapshot)
        {st, MapSet.put(used, id)}
      end)

    send_snapshot(st, t)
  end

  # The node's own trees first, then those of OTP's and Elixir's applications (kernel, stdlib, logger,
  # elixir, iex, …), each group in start (pid) order: the trees a user came to see are at the top.
  defp user_first(target, roots) do
    case remote_eval(target, @system, [{:Roots, roots}]) do
      {:ok, system} when is_list(system) ->
        system = MapSet.new(system)
        {sys, user} = Enum.split_with(roots, &MapSet.member?(system, &1))
        user ++ sys

      _ ->
        roots
    end
  end

  defp ok_or_fail({:ok, v}, _), do: {:ok, v}
  defp ok_or_fail(other, what), do: fail("node", "#{what} failed: #{inspect(other, limit: 10)}")

  defp send_snapshot(st, t) do
    nodes =
      st.order
      |> Enum.reverse()
      |> Enum.map(fn path -> wire_node(st.nodes[path]) end)

    out(%{type: "snapshot", seq: st.seq, t: t, nodes: nodes})
    %{st | last_t: max(st.last_t, t)}
  end

  defp wire_node(n) do
    %{path: n.path, pid: pid_text(n.pid), state: n.state, since: n.since, type: n.type,
      actor: n.actor, restart: to_text(n[:restart]), reason: n.reason,
      strategy: n[:strategy], max_restarts: n[:max_restarts], max_seconds: n[:max_seconds],
      stamps: if(n.type == "supervisor", do: n.stamps, else: nil)}
  end

  # Adds the supervisor at pid and everything below it (children first, as the engine orders
  # starts); mode :snapshot only records, mode {:start, fields} also emits start events.
  defp add_sup(st, pid, id, parent, spec, t, mode) do
    path = if parent, do: parent <> "/" <> id, else: id
    info = sup_info(pid)
    kids = which_children(pid)
    kids = if kids == :error, do: [], else: Enum.take(kids, @max_children)
    dynamic = info.dynamic

    st =
      Enum.reduce(Enum.reverse(kids), st, fn {cid, cpid, ctype, mods}, st ->
        if is_pid(cpid) do
          cid_text = if dynamic or cid == :undefined, do: pid_text(cpid), else: fmt_id(cid)
          cspec = child_spec(pid, cid, cpid, info)

          if ctype == :supervisor do
            add_sup(st, cpid, cid_text, path, Map.put(cspec, :id, cid), t, child_mode(mode))
          else
            add_node(st, cpid, cid_text, path, Map.merge(cspec, %{id: cid, type: "worker", actor: actor(mods)}),
              t, child_mode(mode))
          end
        else
          st
        end
      end)

    fields = %{
      id: spec.id, type: "supervisor", actor: if(dynamic, do: "DynamicSupervisor", else: sup_actor(info.module)),
      restart: spec[:restart], shutdown: spec[:shutdown], strategy: info.strategy,
      max_restarts: info.intensity, max_seconds: info.period, dynamic: dynamic
    }

    st = add_node(st, pid, id, parent, fields, t, mode)
    send(st.tracer, {:suptui_trace, [pid]})
    st
  end

  defp child_mode(:snapshot), do: :snapshot
  defp child_mode({:start, _}), do: {:start, %{}}

  defp add_node(st, pid, id, parent, fields, t, mode) do
    path = if parent, do: parent <> "/" <> id, else: id
    known = Map.has_key?(st.nodes, path)
    old = Map.get(st.nodes, path, %{stamps: []})

    node =
      Map.merge(fields, %{
        path: path, pid: pid, state: "running", since: t, reason: nil, parent: parent,
        stamps: Map.get(old, :stamps, [])
      })

    st = %{st | nodes: Map.put(st.nodes, path, node), pids: Map.put(st.pids, pid, path)}
    st = if known, do: st, else: %{st | order: [path | st.order]}

    case mode do
      :snapshot ->
        st

      {:start, extra} ->
        event =
          Map.merge(
            %{t: t, event: "start", path: path, pid: pid_text(pid), restart: known, type: fields.type,
              actor: fields.actor, strategy: fields[:strategy], max_restarts: fields[:max_restarts],
              max_seconds: fields[:max_seconds]},
            extra
          )

        emit(st, event)
    end
  end

  defp sup_info(pid) do
    state =
      try do
        :sys.get_state(pid, @call_timeout)
      catch
        _, _ -> nil
      end

    case state do
      %{__struct__: DynamicSupervisor} = s ->
        %{dynamic: true, strategy: to_text(Map.get(s, :strategy)), intensity: int(Map.get(s, :max_restarts)),
          period: int(Map.get(s, :max_seconds)), module: DynamicSupervisor,
          children: Map.get(s, :children, %{})}

      # OTP's #state{name, strategy, children, dynamics, intensity, period, restarts, ...}
      s when is_tuple(s) and tuple_size(s) >= 8 and elem(s, 0) == :state ->
        strategy = elem(s, 2)
        module = if tuple_size(s) >= 11, do: elem(s, tuple_size(s) - 2), else: nil

        %{dynamic: strategy == :simple_one_for_one, strategy: to_text(strategy), intensity: int(elem(s, 5)),
          period: int(elem(s, 6)), module: module, children: %{}}

      _ ->
        %{dynamic: false, strategy: nil, intensity: nil, period: nil, module: nil, children: %{}}
    end
  end

  defp child_spec(sup, cid, cpid, info) do
    if info.dynamic do
      case Map.get(info.children, cpid) do
        {_mfa, restart, shutdown, _type, _mods} -> %{restart: restart, shutdown: shutdown}
        _ -> %{restart: nil, shutdown: nil}
      end
    else
      case call(sup, {:get_childspec, cid}) do
        {:ok, %{} = spec} -> %{restart: Map.get(spec, :restart, :permanent), shutdown: Map.get(spec, :shutdown)}
        {:ok, spec} when is_tuple(spec) -> %{restart: elem(spec, 2), shutdown: elem(spec, 3)}
        _ -> %{restart: nil, shutdown: nil}
      end
    end
  end

  defp which_children(pid) do
    case call(pid, :which_children) do
      list when is_list(list) -> list
      _ -> :error
    end
  end

  defp call(pid, msg) do
    try do
      GenServer.call(pid, msg, @call_timeout)
    catch
      :exit, _ -> :error
    end
  end

  defp int(n) when is_integer(n), do: n
  defp int(_), do: nil
  defp to_text(nil), do: nil
  defp to_text(a) when is_atom(a), do: Atom.to_string(a)
  defp to_text(_), do: nil

  defp actor([m | _]) when is_atom(m), do: mod_text(m)
  defp actor(:dynamic), do: "dynamic"
  defp actor(_), do: nil

  defp sup_actor(nil), do: "Supervisor"
  defp sup_actor(Supervisor.Default), do: "Supervisor"
  defp sup_actor(m) when is_atom(m), do: mod_text(m)
  defp sup_actor(_), do: "Supervisor"

  defp mod_text(m) do
    case Atom.to_string(m) do
      "Elixir." <> rest -> rest
      text -> text
    end
  end

  def fmt_id(id) when is_atom(id), do: mod_text(id) |> safe_id()
  def fmt_id(id) when is_binary(id), do: safe_id(id)
  def fmt_id(id), do: inspect(id, limit: 10, printable_limit: 100) |> safe_id()
  defp safe_id(text), do: text |> String.slice(0, 200) |> String.replace("/", "|")

  # A pid as the node itself shows it (`<0.140.0>`, as in iex), not as a remote pid (`<17170.140.0>`).
  def pid_text(pid) do
    case String.split(List.to_string(:erlang.pid_to_list(pid)), ".") do
      ["<" <> _, b, c] -> "<0.#{b}.#{c}"
      _ -> List.to_string(:erlang.pid_to_list(pid))
    end
  end

  # ------------------------------------------------------------------ reasons

  def reason_text({:suptui_cut, text}), do: text
  def reason_text(r) when r in [:normal, :shutdown, :killed], do: Atom.to_string(r)
  def reason_text({:shutdown, x}), do: "{shutdown, #{term_text(x)}}"

  def reason_text({%{__exception__: true} = e, stack}) when is_list(stack) do
    message =
      try do
        Exception.message(e)
      rescue
        _ -> inspect(Map.get(e, :message, e), limit: 20)
      end

    "#{mod_text(e.__struct__)}: #{message}"
  end

  def reason_text(r), do: term_text(r)

  defp term_text(a) when is_atom(a), do: Atom.to_string(a)
  defp term_text(x), do: inspect(x, limit: 30, printable_limit: 500) |> String.slice(0, 2000)

  defp traceback({%{__exception__: true}, stack}) when is_list(stack), do: stack_text(stack)

  defp traceback({_reason, [{m, f, a, _} | _] = stack}) when is_atom(m) and is_atom(f) and (is_integer(a) or is_list(a)),
    do: stack_text(stack)

  defp traceback(_), do: nil

  # A stack trace as Elixir prints it; nil when it cannot be formatted (a term that only looks like one).
  defp stack_text(stack) do
    try do
      Exception.format_stacktrace(stack)
    rescue
      _ -> nil
    end
  end

  defp orderly?(r), do: r in [:normal, :shutdown] or match?({:shutdown, _}, r)

  # ------------------------------------------------------------------ what the tracer tells

  defp handle({:suptui_ev, _, _, _, _, _}, %{suspended: true} = st), do: st
  defp handle({:suptui_give_up, _, _, _}, %{suspended: true} = st), do: st

  defp handle({:suptui_ev, t, sup, :EXIT, child, why}, st) do
    spath = st.pids[sup]
    cpath = st.pids[child]

    cond do
      spath == nil ->
        st

      cpath != nil and st.nodes[cpath].parent == spath ->
        # since OTP 25 a supervisor stops its children while still linked, so its own stops come as
        # EXIT too: while it stops (it gave up, or its parent stops it), for terminate_child, or within
        # a one_for_all/rest_for_one decision, a shutdown or kill is its doing
        if by_supervisor?(st, spath, cpath, why, t),
          do: terminated(st, spath, cpath, child, why, t),
          else: ended(st, cpath, child, why, t, true)

      true ->
        # an exit signal from its parent (for a root: from whoever started it): the supervisor stops;
        # one from anyone else (suptui's exit request, say) it ignores
        node = st.nodes[spath]
        parent = node.parent && st.nodes[node.parent]

        if child == self() or (parent != nil and parent.pid != child),
          do: st,
          else: %{st | stopping: MapSet.put(st.stopping, spath)}
    end
  end

  defp handle({:suptui_ev, t, sup, :DOWN, child, why}, st) do
    spath = st.pids[sup]
    cpath = st.pids[child]

    if spath != nil and cpath != nil and st.nodes[cpath].parent == spath do
      terminated(st, spath, cpath, child, why, t)
    else
      st
    end
  end

  defp handle({:suptui_ev, t, sup, :spawn, child, _}, st) do
    case st.pids[sup] do
      nil -> st
      spath -> rescan(st, sup, spath, child, t)
    end
  end

  defp handle({:suptui_ev, t, sup, :exit, _, why}, st) do
    case st.pids[sup] do
      nil ->
        st

      spath ->
        node = st.nodes[spath]
        # its parent, if traced, tells the end from its side (EXIT or DOWN); a root tells it here
        st = if node.parent == nil, do: ended(st, spath, sup, why, t, false), else: st
        %{st | stopping: MapSet.delete(st.stopping, spath)}
    end
  end

  defp handle({:suptui_give_up, t, sup, report}, st) do
    with spath when spath != nil <- st.pids[sup],
         true <- is_list(report),
         :reached_max_restart_intensity <- Keyword.get(report, :reason) do
      node = st.nodes[spath]
      offender = Keyword.get(report, :offender, [])
      cid = if is_list(offender), do: Keyword.get(offender, :id), else: nil
      cpid = if is_list(offender), do: Keyword.get(offender, :pid), else: nil

      child =
        Enum.find_value(st.nodes, spath, fn {p, n} ->
          if n.parent == spath and (n.id == cid or n.pid == cpid), do: p
        end)

      stamps = [div(t, 1000) | node.stamps]

      st =
        emit(st, %{t: t, event: "give_up", path: spath, pid: pid_text(sup), child: child,
                   reason: "reached_max_restart_intensity", restarts: stamps,
                   max_restarts: node.max_restarts || 0, max_seconds: node.max_seconds || 0})

      %{st | stopping: MapSet.put(st.stopping, spath)}
    else
      _ -> st
    end
  end

  # Supervisors started by hand after the snapshot (from iex, say) have no traced supervisor to see
  # them start: the node is scanned for them again, every second, or less often on a node where a
  # scan takes long (at most 1/50 of the agent's time on the node).
  defp handle(:roots, %{suspended: true} = st) do
    Process.send_after(self(), :roots, 1000)
    st
  end

  defp handle(:roots, st) do
    began = System.monotonic_time(:millisecond)

    st =
      case remote_eval(st.target, @scan) do
        {:ok, sups} ->
          new = for {pid, _, _, _, _} = sup <- sups, not Map.has_key?(st.pids, pid), do: sup
          fresh = MapSet.new(for {pid, _, _, _, _} <- new, do: pid)

          Enum.reduce(Enum.sort(new), st, fn {pid, _, _, name, parent}, st ->
            owner = st.pids[parent] && st.nodes[st.pids[parent]]

            cond do
              MapSet.member?(fresh, parent) -> st
              owner != nil and owner.type == "supervisor" -> st
              Map.has_key?(st.pids, pid) -> st
              true ->
                id = if name != [], do: fmt_id(name), else: pid_text(pid)
                add_sup(st, pid, id, nil, %{id: id, restart: nil, shutdown: nil}, now(st), {:start, %{}})
            end
          end)

        _ ->
          st
      end

    took = System.monotonic_time(:millisecond) - began
    Process.send_after(self(), :roots, max(1000, 50 * took))
    st
  end

  defp handle({:suptui_dropped, n}, st) do
    # the tracer stopped tracing past its rate limit: tell suptui at once, and start again from a fresh
    # snapshot (which traces again) a second later
    out(%{type: "overflow", dropped: n, seq: st.seq})
    if not st.suspended, do: Process.send_after(self(), :resync, 1000)
    %{st | suspended: true, out: []}
  end

  defp handle(:resync, st) do
    st = %{st | nodes: %{}, order: [], pids: %{}, out: [], suspended: false, last_crash: %{},
                stopping: MapSet.new()}
    snapshot(st)
  end

  defp handle({:line, line}, st), do: request(line, st)
  defp handle({:too_long}, st), do: (out(%{type: "reply", id: nil, ok: false, error: "too_long", message: "line too long"}); st)
  defp handle(:eof, st), do: leave(st, 0)
  defp handle({:suptui_traced, _}, st), do: st

  defp handle({:nodedown, _}, st) do
    _ = flush(st)
    out(%{type: "bye", reason: "nodedown"})
    System.halt(0)
  end

  defp handle({:DOWN, _, :process, tracer, _}, %{tracer: tracer} = st) do
    _ = flush(st)
    out(%{type: "error", error: "tracer", message: "the tracer on the node ended"})
    System.halt(1)
  end

  defp handle(_, st), do: st

  defp by_supervisor?(st, spath, cpath, why, t) do
    sup = st.nodes[spath]

    cond do
      Map.get(st.api, cpath) == :terminate -> true
      why not in [:shutdown, :killed] -> false
      MapSet.member?(st.stopping, spath) -> true
      sup.strategy in ["one_for_all", "rest_for_one"] ->
        case Map.get(st.last_crash, spath) do
          {_, _, _, at} -> t - at <= 10_000
          _ -> false
        end
      true -> false
    end
  end

  defp leave(st, code) do
    st = flush(st)
    send(st.tracer, {:suptui_stop, self()})

    receive do
      {:suptui_stopped, _} -> :ok
    after
      5_000 -> :ok
    end

    out(%{type: "bye", reason: "detached"})
    _ = st
    System.halt(code)
  end

  # A child of a traced supervisor ended by itself (crash or exit); the decision that follows is
  # numbered so that the restart's start can name its cause.
  defp ended(st, path, pid, why, t, in_sup) do
    node = st.nodes[path]

    if node == nil or node.pid != pid or node.state != "running" do
      st
    else
      {killed_by, st} =
        case Map.pop(st.killed, pid) do
          {nil, _} -> {nil, st}
          {_, killed} -> {"user", %{st | killed: killed}}
        end

      text = reason_text(why)
      kind = if orderly?(why), do: "exit", else: "crash"

      event = %{t: t, event: kind, path: path, pid: pid_text(pid), reason: text,
                killed_by: if(why == :killed, do: killed_by), traceback: traceback(why)}

      st = emit(st, event)
      st = mark_ended(st, path, if(kind == "exit", do: "exited", else: "crashed"), text, t)
      st = if node.type == "supervisor", do: orphans(st, path, why, t), else: st

      if in_sup do
        decision = st.decision + 1
        %{st | decision: decision, last_crash: Map.put(st.last_crash, node.parent, {path, decision, false, t})}
      else
        st
      end
    end
  end

  # A supervisor that ended without stopping its children (killed, say) took them along through its
  # links: each child still running ends with its reason, the deepest first. (Its own traced
  # children's later EXIT/DOWN, if any, are then about processes already told as ended.)
  defp orphans(st, path, why, t) do
    prefix = path <> "/"
    text = reason_text(why)
    kind = if orderly?(why), do: "exit", else: "crash"

    st.nodes
    |> Enum.filter(fn {p, n} -> String.starts_with?(p, prefix) and n.state == "running" end)
    |> Enum.sort_by(fn {p, _} -> -length(String.split(p, "/")) end)
    |> Enum.reduce(st, fn {p, n}, st ->
      st = emit(st, %{t: t, event: kind, path: p, pid: pid_text(n.pid), reason: text})
      mark_ended(st, p, if(kind == "exit", do: "exited", else: "crashed"), text, t)
    end)
  end

  defp terminated(st, spath, path, pid, why, t) do
    node = st.nodes[path]

    if node.pid != pid or node.state != "running" do
      st
    else
      sup = st.nodes[spath]
      {api, st} = pop_api(st, path, :terminate)

      {why_text, extra} =
        cond do
          api -> {"api", %{}}
          MapSet.member?(st.stopping, spath) -> {"shutdown", %{}}
          sup.strategy in ["one_for_all", "rest_for_one"] and Map.has_key?(st.last_crash, spath) ->
            {cause, decision, _, _} = st.last_crash[spath]
            {"strategy", %{cause: cause, by_strategy: sup.strategy, decision: decision}}
          true -> {"shutdown", %{}}
        end

      how =
        cond do
          why == :killed and node[:shutdown] == :brutal_kill -> "brutal_kill"
          why == :killed -> "timeout"
          node[:shutdown] == :infinity -> "infinity"
          true -> "in_time"
        end

      text = reason_text(why)

      event =
        Map.merge(%{t: t, event: "terminate", path: path, pid: pid_text(pid), reason: text, why: why_text,
                    how: how, shutdown_error: if(why == :killed and how == "timeout", do: true)}, extra)

      st = emit(st, event)
      mark_ended(st, path, "terminated", text, t)
    end
  end

  defp pop_api(st, path, op) do
    case st.api do
      %{^path => ^op} -> {true, %{st | api: Map.delete(st.api, path)}}
      _ -> {false, st}
    end
  end

  defp mark_ended(st, path, state, text, t) do
    node = st.nodes[path]
    node = %{node | state: state, reason: text, since: t}
    %{st | nodes: Map.put(st.nodes, path, node), pids: Map.delete(st.pids, node.pid)}
  end

  # The supervisor spawned: ask it for its children (the call is answered once the start is done)
  # and report the ones not seen running before.
  defp rescan(st, sup, spath, spawned, t) do
    case which_children(sup) do
      :error ->
        # it no longer answers (it gave up at once, say): a restart after a crash is of the crashed
        # child, which is enough to name the new process
        with {cause, _, _, _} <- Map.get(st.last_crash, spath),
             %{state: state, type: "worker"} = old when state != "running" <- st.nodes[cause] do
          {extra, st} = start_fields(st, spath, cause, t)
          fields = Map.take(old, [:id, :type, :actor, :restart, :shutdown])
          add_node(st, spawned, List.last(String.split(cause, "/")), spath, fields, t, {:start, extra})
        else
          _ -> st
        end

      kids ->
        sup_node = st.nodes[spath]
        info = if sup_node.dynamic, do: sup_info(sup), else: %{dynamic: false, children: %{}}

        # (which_children lists the latest started first: starts are told in start order)
        Enum.reduce(Enum.reverse(Enum.take(kids, @max_children)), st, fn {cid, cpid, ctype, mods}, st ->
          if is_pid(cpid) and not Map.has_key?(st.pids, cpid) do
            cid_text = if sup_node.dynamic or cid == :undefined, do: pid_text(cpid), else: fmt_id(cid)
            cpath = spath <> "/" <> cid_text
            {extra, st} = start_fields(st, spath, cpath, t)
            cspec = child_spec(sup, cid, cpid, info)

            if ctype == :supervisor do
              add_sup(st, cpid, cid_text, spath, Map.put(cspec, :id, cid), t, {:start, extra})
            else
              fields = Map.merge(cspec, %{id: cid, type: "worker", actor: actor(mods)})
              add_node(st, cpid, cid_text, spath, fields, t, {:start, extra})
            end
          else
            st
          end
        end)
    end
  end

  defp start_fields(st, spath, cpath, t) do
    {api, st} = pop_api(st, cpath, :restart)
    sup = st.nodes[spath]

    cond do
      api ->
        {%{why: "api"}, st}

      Map.has_key?(st.last_crash, spath) and Map.has_key?(st.nodes, cpath) ->
        {cause, decision, counted, at} = st.last_crash[spath]
        stamps = if counted, do: sup.stamps, else: window([div(t, 1000) | sup.stamps], div(t, 1000), sup.max_seconds)
        sup = %{sup | stamps: stamps}
        st = %{st | nodes: Map.put(st.nodes, spath, sup), last_crash: Map.put(st.last_crash, spath, {cause, decision, true, at})}
        {%{cause: cause, by_strategy: sup.strategy, stamps: stamps, decision: decision}, st}

      true ->
        {%{}, st}
    end
  end

  defp window(stamps, now, period) when is_integer(period), do: Enum.filter(stamps, &(now - &1 <= period))
  defp window(stamps, _, _), do: Enum.take(stamps, 100)

  # ------------------------------------------------------------------ requests

  defp request(line, st) do
    case SuptuiAgent.Json.decode(line) do
      {:ok, %{"type" => "request", "op" => op, "path" => path} = req} when is_binary(path) ->
        id = Map.get(req, "id")
        {reply, st} = run(op, path, req, st)
        st = flush(st)

        case reply do
          {:ok, result} -> out(%{type: "reply", id: id, ok: true, result: result})
          {:error, code, message} -> out(%{type: "reply", id: id, ok: false, error: code, message: message})
        end

        st

      _ ->
        out(%{type: "reply", id: nil, ok: false, error: "bad_request", message: "not a request"})
        st
    end
  end

  defp run(op, path, req, st) do
    node = st.nodes[path]
    parent = node && node.parent && st.nodes[node.parent]

    cond do
      node == nil or (node.state != "running" and op not in ["restart_child", "delete_child"]) ->
        {{:error, "noproc", "#{op} #{path}: nothing runs there"}, st}

      op == "kill" ->
        st = emit(st, %{t: now(st), event: "kill", path: path, pid: pid_text(node.pid), by: "user"})
        st = %{st | killed: Map.put(st.killed, node.pid, true)}
        Process.exit(node.pid, :kill)
        {{:ok, "killed"}, st}

      op == "exit" ->
        case reason_term(Map.get(req, "reason")) do
          :kill -> run("kill", path, req, st)
          nil -> {{:error, "bad_request", "exit: a reason is text or an array"}, st}
          reason ->
            # as Process.exit/2 from outside: a process that traps exits gets a message, and `normal`
            # is ignored by one that does not
            traps =
              case :rpc.call(st.target, :erlang, :process_info, [node.pid, :trap_exit], @call_timeout) do
                {:trap_exit, flag} -> flag
                _ -> false
              end

            Process.exit(node.pid, reason)
            result = cond do
              traps -> "trapped"
              reason == :normal -> "ignored"
              true -> "exited"
            end

            {{:ok, result}, st}
        end

      op in ["terminate_child", "restart_child", "delete_child"] and parent == nil ->
        {{:error, "noproc", "#{op} #{path}: no supervisor above it"}, st}

      op == "terminate_child" ->
        key = if parent.dynamic, do: node.pid, else: node.id
        st = %{st | api: Map.put(st.api, path, :terminate)}
        sup_reply(call(parent.pid, {:terminate_child, key}), op, path, st)

      op in ["restart_child", "delete_child"] and parent.dynamic ->
        {{:error, "dynamic_supervisor", "#{op} #{path}: a dynamic supervisor does not do that"}, st}

      op == "restart_child" ->
        st = %{st | api: Map.put(st.api, path, :restart)}
        sup_reply(call(parent.pid, {:restart_child, node.id}), op, path, st)

      op == "delete_child" ->
        sup_reply(call(parent.pid, {:delete_child, node.id}), op, path, st)

      op == "set_strategy" ->
        {{:error, "unsupported", "set_strategy: an OTP supervisor's strategy cannot change while it runs"}, st}

      op == "start_child" ->
        {{:error, "unknown_actor", "start_child: not offered on a BEAM node"}, st}

      true ->
        {{:error, "unknown_op", "unknown op #{inspect(op)}"}, st}
    end
  end

  defp sup_reply(:ok, _, _, st), do: {{:ok, "ok"}, st}
  defp sup_reply({:ok, pid}, _, _, st) when is_pid(pid), do: {{:ok, pid_text(pid)}, st}
  defp sup_reply({:ok, pid, _}, _, _, st) when is_pid(pid), do: {{:ok, pid_text(pid)}, st}
  defp sup_reply({:ok, other}, _, _, st), do: {{:ok, term_text(other)}, st}
  defp sup_reply({:error, e}, op, path, st) do
    text = term_text(e)
    {{:error, text, "#{op} #{path}: #{text}"}, %{st | api: Map.delete(st.api, path)}}
  end
  defp sup_reply(:error, op, path, st), do: {{:error, "timeout", "#{op} #{path}: no answer"}, %{st | api: Map.delete(st.api, path)}}
  defp sup_reply(other, op, path, st), do: {{:error, term_text(other), "#{op} #{path}"}, st}

  defp reason_term(text) when is_binary(text) and byte_size(text) in 1..200 do
    case Regex.run(~r/^\{\s*shutdown\s*,\s*(.+?)\s*\}$/s, text) do
      [_, inner] -> {:shutdown, String.to_atom(inner)}
      _ -> String.to_atom(text)
    end
  end

  defp reason_term(list) when is_list(list) and length(list) in 1..8 do
    items = Enum.map(list, fn
      x when is_integer(x) -> x
      x -> reason_term(x)
    end)
    if Enum.any?(items, &is_nil/1), do: nil, else: List.to_tuple(items)
  end

  defp reason_term(_), do: nil
end

SuptuiAgent.main(System.argv())
