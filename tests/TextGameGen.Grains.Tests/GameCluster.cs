using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using TextGameGen.Grains.Game;
using TextGameGen.Storage;
using Orleans.TestingHost;
using TextGameGen.Silo.Hosting;

namespace TextGameGen.Grains.Tests;

/// <summary>
/// A one-silo test cluster with the game's grains, their state in a SQLite file, and the tiny seeded model behind the
/// generation grain. Several clusters may share one file in turn (the restart test).
/// </summary>
public sealed class GameCluster : IAsyncDisposable
{
    private readonly string _schedulerId;

    private GameCluster(TestCluster cluster, string databasePath, string schedulerId)
    {
        Cluster = cluster;
        DatabasePath = databasePath;
        _schedulerId = schedulerId;
    }

    public TestCluster Cluster { get; }
    public string DatabasePath { get; }
    public IGrainFactory Grains => Cluster.Client;

    /// <summary>A player's state as stored in the database file (JSON), read directly, not through the grain.</summary>
    public static async Task<string> StoredStateOf(string databasePath, string playerId)
    {
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={databasePath}");
        await db.OpenAsync();
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT data FROM grain_state WHERE grain_id LIKE $id AND state_name = 'player'";
        cmd.Parameters.AddWithValue("$id", $"%/{playerId}");
        return (string?)await cmd.ExecuteScalarAsync() ?? "";
    }

    public static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), "tgg-tests", $"game-{Guid.NewGuid():N}.db");

    /// <summary>World files every game cluster reads: "tale", written by the "alpha" generator.</summary>
    public static readonly string WorldsRoot = WriteWorlds();

    private static string WriteWorlds()
    {
        var folder = Directory.CreateTempSubdirectory("tgg-grain-worlds-").FullName;
        File.WriteAllText(Path.Combine(folder, "tale.json"), """
            {
              // A world of its own, written by another generator.
              "id": "tale", "title": "A Tale", "description": "Two rooms.", "generator": "alpha", "sampler_preset": null,
              "start_room": "gate", "memory": "You are a knight.", "authors_note": "Be brief.",
              "rooms": [
                { "id": "gate", "name": "The Gate", "description": "An iron gate.", "exits": { "in": "hall" }, "items": ["torch"], "npcs": ["guard"] },
                { "id": "hall", "name": "The Hall", "description": "A long hall.", "exits": { "out": "gate" }, "items": [], "npcs": [] },
              ],
            }
            """);
        return folder;
    }

    /// <summary>The storage with injected write failures, when the cluster was started with <c>faultyStorage</c>.</summary>
    public FaultyGrainStorage Faults => (FaultyGrainStorage)Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(GameStorage.Name);

    public static async Task<GameCluster> StartAsync(string? databasePath = null, bool faultyStorage = false)
    {
        databasePath ??= NewDatabasePath();
        var (schedulerId, _) = TestGenerators.Create();
        var builder = new TestClusterBuilder(1);
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{StorageOptions.Section}:Database"] = databasePath,
            ["TextGameGen:Game:PassageTokens"] = "12",
            [TestGenerators.IdKey] = schedulerId,
            ["TextGameGen:Game:WorldsRoot"] = WorldsRoot,
            ["TextGameGen:Game:DefaultWorld"] = "default",
            [FaultyKey] = faultyStorage ? "true" : "false",
        }));
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddSiloBuilderConfigurator<TestGenerators.SiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new GameCluster(cluster, databasePath, schedulerId);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await TestGenerators.ReleaseAsync(_schedulerId);
    }

    private const string FaultyKey = "Test:FaultyStorage";

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddTextGameGenGame();
            if (siloBuilder.Configuration[FaultyKey] == "true")
                siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(GameStorage.Name, (sp, _) => new FaultyGrainStorage(new SqlGrainStorage(sp.GetRequiredService<GameDatabase>())));
        }
    }
}
