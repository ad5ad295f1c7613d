using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using TextGameGen.WebFront.Hosting;

namespace TextGameGen.WebFront.Tests;

/// <summary>
/// The real game server (Kestrel on a free loopback port, embedded silo, SQLite file, a test model) for a test class.
/// </summary>
public abstract class GameServerFixture : IAsyncLifetime
{
    public const string GmKeyValue = "test-gm-key";

    public WebApplication App { get; private set; } = null!;
    public Uri Address { get; private set; } = null!;
    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), "tgg-tests", $"web-{Guid.NewGuid():N}.db");

    protected abstract string ModelPath { get; }

    /// <summary>This server's world definition files (worlds/default.json, the village, written by "default").</summary>
    public string WorldsRoot => _worldsRoot ??= TestWorlds.Folder(Worlds);

    private string? _worldsRoot;

    /// <summary>The worlds this server has: (id, generator).</summary>
    protected virtual (string Id, string Generator)[] Worlds => [("default", "default")];

    /// <summary>Extra configuration, as command-line arguments.</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    public async Task InitializeAsync()
    {
        var model = ModelPath;
        App = GameServer.Build([
            "--urls", "http://127.0.0.1:0",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Orleans=Error",
            $"--TextGameGen:Storage:Database={DatabasePath}",
            $"--TextGameGen:Hosting:GmKey={GmKeyValue}",
            // Every test player signs in from this one address; the limit is tested on a server of its own.
            "--TextGameGen:Hosting:SignInsPerMinute=10000",
            $"--TextGameGen:Cluster:SiloPort={FreePort.Next()}",
            $"--TextGameGen:Cluster:GatewayPort={FreePort.Next()}",
            $"--TextGameGen:Inference:Generators:default={model}",
            $"--TextGameGen:Game:WorldsRoot={WorldsRoot}",
            "--TextGameGen:Game:DefaultWorld=default",
            .. ExtraArguments,
        ]);
        await App.StartAsync();
        Address = new Uri(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>A server with the tiny random model: fast passages for hub and load tests.</summary>
public sealed class TinyGameServer : GameServerFixture
{
    protected override string ModelPath => TestModels.TinyRandom;
}

/// <summary>A server whose model writes markup, sampled greedily: for the browser tests.</summary>
public sealed class HostileGameServer : GameServerFixture
{
    protected override string ModelPath => TestModels.Hostile;
    protected override IEnumerable<string> ExtraArguments => ["--TextGameGen:Game:Sampler:Temperature=0", "--TextGameGen:Game:PassageTokens=30", "--TextGameGen:Game:StreamInterval=00:00:00"];
}

/// <summary>The markup-writing model sampled greedily with no repetition penalty: it writes the same passage every time.</summary>
public sealed class RepeatingGameServer : GameServerFixture
{
    protected override string ModelPath => TestModels.Hostile;
    protected override IEnumerable<string> ExtraArguments => ["--TextGameGen:Game:Sampler:Temperature=0", "--TextGameGen:Game:Sampler:RepetitionPenalty=1", "--TextGameGen:Game:PassageTokens=30"];
}

/// <summary>Two worlds on one server, each written by its own generator: "first" by the random model, "second" by the markup one.</summary>
public sealed class TwoWorldsGameServer : GameServerFixture
{
    protected override string ModelPath => TestModels.TinyRandom;
    protected override (string Id, string Generator)[] Worlds => [("default", "default"), ("first", "default"), ("second", "second")];
    protected override IEnumerable<string> ExtraArguments => [$"--TextGameGen:Inference:Generators:second={TestModels.Hostile}"];
}

/// <summary>The tiny model with a small outbox per browser connection: for the test of a browser that stops reading.</summary>
public sealed class SmallOutboxGameServer : GameServerFixture
{
    public const int Limit = 64;
    protected override string ModelPath => TestModels.TinyRandom;
    // Room lines go out as the room sends them (no gathering window), so a loud room fills a stuck browser's outbox by
    // message count within the test's few seconds.
    protected override IEnumerable<string> ExtraArguments => [$"--TextGameGen:Hosting:ClientQueueLimit={Limit}", "--TextGameGen:Hosting:RoomLineWindowMs=0", "--TextGameGen:Hosting:RoomLineMsPerPlayer=0"];
}

/// <summary>The tiny model with a single batch row: passages queue up behind each other (fair queueing, places in line).</summary>
public sealed class OneRowGameServer : GameServerFixture
{
    // Passages of 200 tokens on the slower model: eight of them keep the one row busy for seconds, so a player that
    // acts after them is still waiting when told its place and when it leaves.
    protected override string ModelPath => TestModels.SlowRandom;
    protected override IEnumerable<string> ExtraArguments => ["--TextGameGen:Inference:Scheduler:MaxBatchSize=1", "--TextGameGen:Game:MinPassageTokens=0", "--TextGameGen:Game:PassageTokens=200"];
}

/// <summary>The tiny model with no room in the storyteller's line: every passage is answered "busy".</summary>
public sealed class FullLineGameServer : GameServerFixture
{
    public static readonly TimeSpan WriteDelay = TimeSpan.FromSeconds(1);
    protected override string ModelPath => TestModels.TinyRandom;
    protected override IEnumerable<string> ExtraArguments =>
        ["--TextGameGen:Inference:Scheduler:MaxQueueLength=0", $"--TextGameGen:Game:BusyAnswerWriteDelay={WriteDelay}"];
}
