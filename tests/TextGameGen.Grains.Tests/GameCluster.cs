using Microsoft.Extensions.Configuration;
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

    public static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), "tgg-tests", $"game-{Guid.NewGuid():N}.db");

    public static async Task<GameCluster> StartAsync(string? databasePath = null)
    {
        databasePath ??= NewDatabasePath();
        var (schedulerId, _) = TestGenerators.Create();
        var builder = new TestClusterBuilder(1);
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{StorageOptions.Section}:Database"] = databasePath,
            ["TextGameGen:Game:PassageTokens"] = "12",
            [TestGenerators.IdKey] = schedulerId,
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

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddTextGameGenGame();
    }
}
