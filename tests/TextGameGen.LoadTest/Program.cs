using System.CommandLine;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using TextGameGen.LoadTest;
using TextGameGen.WebFront.Hosting;

// tgg-load: N SignalR players against a game server (--url), or against one started here in embedded mode.
var url = new Option<string?>("--url") { Description = "A running game server, or several front ends of one cluster separated by commas (players spread over them); omitted: start one in this process (embedded, bundled model)" };
var gmKey = new Option<string?>("--gm-key") { Description = "The server's GM key, to read its own acknowledgement times (/api/admin/acks); set for the server started here" };
var faultAt = new Option<double>("--fault-at") { DefaultValueFactory = _ => 20, Description = "Seconds after measuring starts when --fault-command runs" };
var faultCommand = new Option<string?>("--fault-command") { Description = "A shell command run during the test (e.g. \"tools/cluster.sh kill-silo 1\"); the report gives the errors around it and the recovery time" };
var clients = new Option<int>("--clients") { DefaultValueFactory = _ => 200, Description = "Simulated players" };
var actions = new Option<int>("--actions") { DefaultValueFactory = _ => 5, Description = "Actions per player" };
var think = new Option<double>("--think-seconds") { DefaultValueFactory = _ => 3, Description = "Pause between a passage and the next action (plus up to half again)" };
var rampUp = new Option<double>("--ramp-up-seconds") { DefaultValueFactory = _ => 10, Description = "Players join over this long" };
var commands = new Option<string?>("--commands") { Description = "Commands to pick from, separated by ';' (default: story actions and game verbs)" };
var serverArgs = new Option<string[]>("--server-arg") { Description = "Configuration for the in-process server, e.g. --server-arg TextGameGen:Inference:IntraOpThreads=1", AllowMultipleArgumentsPerToken = false };
var warmup = new Option<int>("--warmup-actions") { DefaultValueFactory = _ => 1, Description = "Actions per client sent first and not counted" };
var spread = new Option<bool>("--spread-rooms") { Description = "spread the players over the four rooms around the start (default: all in the start room, where every action goes to everyone)" };
var json = new Option<string?>("--json") { Description = "Also write the report as JSON to this file" };
var world = new Option<string?>("--world") { Description = "The world the players join (default: the server's default world)" };
var passagesFile = new Option<string?>("--passages") { Description = "Also write every model passage received (text, generator, version) to this JSON Lines file" };
var duration = new Option<double?>("--duration") { Description = "Soak: minutes the players keep acting (then --actions is ignored); writes a per-interval series and a chart" };
var seriesInterval = new Option<double>("--series-interval-seconds") { DefaultValueFactory = _ => 60, Description = "Soak: length of one point of the series" };
var seriesFile = new Option<string>("--series") { DefaultValueFactory = _ => "soak.json", Description = "Soak: the series as JSON" };
var chartFile = new Option<string>("--chart") { DefaultValueFactory = _ => "soak.png", Description = "Soak: the series as a PNG chart" };
var database = new Option<string?>("--database") { Description = "Soak against a server elsewhere: its database file, to chart its size" };
var root = new RootCommand("Load test: simulated players over real SignalR connections; reports acknowledgement latency, time to first token, tokens/s, errors and disconnects.")
{
    url, gmKey, faultAt, faultCommand, duration, seriesInterval, seriesFile, chartFile, database, clients, actions, think, rampUp, commands, serverArgs, warmup, spread, json, world, passagesFile,
};
root.SetAction(async (parse, cancel) =>
{
    var options = new LoadTestOptions
    {
        Clients = parse.GetValue(clients),
        ActionsPerClient = parse.GetValue(actions),
        Think = TimeSpan.FromSeconds(parse.GetValue(think)),
        RampUp = TimeSpan.FromSeconds(parse.GetValue(rampUp)),
        WarmupActions = parse.GetValue(warmup),
        SpreadOverRooms = parse.GetValue(spread),
        World = parse.GetValue(world),
        Commands = parse.GetValue(commands) is { } list ? list.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : null,
    };
    if (options.Clients < 1 || options.ActionsPerClient < 1)
    {
        Console.Error.WriteLine("error: --clients and --actions must be at least 1");
        return 2;
    }
    WebApplication? app = null;
    Uri[] servers;
    string? key = parse.GetValue(gmKey);
    string? databasePath = parse.GetValue(database);
    if (parse.GetValue(url) is { } given)
    {
        servers = [.. given.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(u => new Uri(u))];
    }
    else
    {
        var db = Path.Combine(Path.GetTempPath(), $"tgg-load-{Guid.NewGuid():N}.db");
        app = GameServer.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", $"--TextGameGen:Storage:Database={db}",
            "--TextGameGen:Hosting:GmKey=load-test", "--TextGameGen:Hosting:SignInsPerMinute=100000", $"--TextGameGen:Cluster:SiloPort={FreePort.Next()}", $"--TextGameGen:Cluster:GatewayPort={FreePort.Next()}",
            .. (parse.GetValue(serverArgs) ?? []).Select(a => "--" + a)]);
        await app.StartAsync(cancel);
        servers = [new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First())];
        key = "load-test";
        databasePath = db;
        Console.WriteLine($"server started in this process at {servers[0]} (embedded silo, database {db})");
    }
    Console.WriteLine($"{options.Clients} clients x {options.ActionsPerClient} actions, think {options.Think.TotalSeconds} s, commands: {string.Join("; ", options.Commands ?? LoadTestRunner.DefaultCommands)}, rooms: {(options.SpreadOverRooms ? "spread over 4" : "all in one")}, machine: {Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}");
    using var serverSide = key is null ? null : new ServerAckReader(servers, key);
    if (serverSide is not null) await serverSide.SignInAsync(cancel);
    else Console.WriteLine("no --gm-key: acknowledgement times are reported as the clients saw them only");
    // With the server in another process, keep this process's own garbage collector out of the figures: its pauses
    // (tens of milliseconds on two busy cores) would be counted as server latency. Reported either way.
    bool noGc = false;
    options = options with
    {
        OnMeasuring = async () =>
        {
            if (serverSide is not null) await serverSide.ResetAsync(cancel);
            if (app is null)
            {
                try
                {
                    noGc = GC.TryStartNoGCRegion(240L << 20);
                }
                catch (ArgumentOutOfRangeException)
                {
                    noGc = false;
                }
            }
        },
    };
    using var allocations = Environment.GetEnvironmentVariable("TGG_LOAD_ALLOCATIONS") == "1" ? new AllocationSampler() : null;
    if (parse.GetValue(duration) is { } minutes)
    {
        if (minutes <= 0 || parse.GetValue(seriesInterval) <= 0)
        {
            Console.Error.WriteLine("error: --duration and --series-interval-seconds must be above 0");
            return 2;
        }
        var reader = serverSide;
        options = options with
        {
            Duration = TimeSpan.FromMinutes(minutes), SeriesInterval = TimeSpan.FromSeconds(parse.GetValue(seriesInterval)),
            CreateSeries = connected => new SoakSeries(servers, reader, databasePath, connected),
        };
        if (app is not null) Console.WriteLine("note: the server runs in this process; give --url for a server in its own process (its memory figures are then its own)");
    }
    if (parse.GetValue(faultCommand) is { } command)
        options = options with { FaultAt = TimeSpan.FromSeconds(parse.GetValue(faultAt)), Fault = token => FaultCommand.RunAsync(command, token) };
    var report = await LoadTestRunner.RunAsync(servers, options, cancel);
    if (noGc && System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
    if (app is null) Console.WriteLine(noGc ? "load clients ran without garbage collection while measuring (a no-GC region)" : "load clients: no no-GC region (their GC pauses are in the figures)");
    Console.WriteLine(report);
    if (serverSide is not null) Console.WriteLine(await serverSide.SummaryAsync(cancel));
    Console.WriteLine($"this process: GC gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, total GC pause {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms, allocated {GC.GetTotalAllocatedBytes() / (1 << 20)} MiB");
    if (allocations is not null) Console.WriteLine("allocations by type (sampled):\n" + allocations.Top(15));
    if (parse.GetValue(json) is { } file) await File.WriteAllTextAsync(file, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }), cancel);
    if (report.Series.Count > 0)
    {
        string seriesPath = parse.GetValue(seriesFile)!, chartPath = parse.GetValue(chartFile)!;
        var numbers = new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
        await File.WriteAllTextAsync(seriesPath, JsonSerializer.Serialize(report.Series, numbers), cancel);
        SoakChart.Save(chartPath, $"tgg-load soak: {options.Clients} players, {parse.GetValue(duration)} min", report.Series);
        Console.WriteLine($"soak series ({report.Series.Count} points) in {seriesPath}, chart in {chartPath}");
        foreach (var p in report.Series)
            Console.WriteLine(System.FormattableString.Invariant($"  min {p.Minute,6:F1}: ack p50/p99 {p.AckP50Ms:F1}/{p.AckP99Ms:F1} ms, server {p.ServerAckP50Ms:F1}/{p.ServerAckP99Ms:F1} ms, TTFT p50/p99 {p.FirstTokenP50Ms:F0}/{p.FirstTokenP99Ms:F0} ms, passages {p.PassagesCompleted} busy {p.PassagesBusy} ({100 * p.BusyShare:F1}%) failed {p.PassagesFailed}, clients {p.ConnectedClients}, RSS {p.ServerRssMiB:F0} MiB, heap {p.ServerGcHeapMiB:F0} MiB, GC {p.ServerGcCollections:F0} collections {p.ServerGcPauseMs:F0} ms paused, pool queue {p.ThreadPoolQueue:F0}"));
    }
    if (parse.GetValue(passagesFile) is { } passagesPath)
        await File.WriteAllLinesAsync(passagesPath, report.Passages.Select(p => JsonSerializer.Serialize(p)), cancel);
    if (app is not null) await app.StopAsync(CancellationToken.None);
    // With a fault done on purpose, errors are expected; what must hold is that no acknowledged turn was lost and no passage hung.
    bool faulted = options.Fault is not null;
    return report.AcknowledgedTurnsMissing == 0 && report.PassagesHung == 0 && (faulted || (report.PassagesIncomplete == 0 && report.Errors == 0)) ? 0 : 1;
});
return await root.Parse(args).InvokeAsync();
