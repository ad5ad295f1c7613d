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
var root = new RootCommand("Load test: simulated players over real SignalR connections; reports acknowledgement latency, time to first token, tokens/s, errors and disconnects.")
{
    url, gmKey, faultAt, faultCommand, clients, actions, think, rampUp, commands, serverArgs, warmup, spread, json, world, passagesFile,
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
    if (parse.GetValue(passagesFile) is { } passagesPath)
        await File.WriteAllLinesAsync(passagesPath, report.Passages.Select(p => JsonSerializer.Serialize(p)), cancel);
    if (app is not null) await app.StopAsync(CancellationToken.None);
    // With a fault done on purpose, errors are expected; what must hold is that no acknowledged turn was lost and no passage hung.
    bool faulted = options.Fault is not null;
    return report.AcknowledgedTurnsMissing == 0 && report.PassagesHung == 0 && (faulted || (report.PassagesIncomplete == 0 && report.Errors == 0)) ? 0 : 1;
});
return await root.Parse(args).InvokeAsync();
