using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using TextGameGen.Grains.Generation;
using TextGameGen.Silo;

namespace TextGameGen.Grains.Tests;

/// <summary>
/// A one-silo test cluster with the game's grains, their state in a SQLite file, and the tiny seeded model behind the
/// generation grain. Several clusters may share one file in turn (the restart test).
/// </summary>
public sealed class GameCluster : IAsyncDisposable
{
    private GameCluster(TestCluster cluster, string databasePath)
    {
        Cluster = cluster;
        DatabasePath = databasePath;
    }

    public TestCluster Cluster { get; }
    public string DatabasePath { get; }
    public IGrainFactory Grains => Cluster.Client;

    public static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), "tgg-tests", $"game-{Guid.NewGuid():N}.db");

    public static async Task<GameCluster> StartAsync(string? databasePath = null)
    {
        databasePath ??= NewDatabasePath();
        var builder = new TestClusterBuilder(1);
        builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [GameHostingExtensions.DatabaseKey] = databasePath,
            ["TextGameGen:Game:PassageTokens"] = "12",
        }));
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new GameCluster(cluster, databasePath);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddTextGameGenGame(siloBuilder.Configuration[GameHostingExtensions.DatabaseKey]!);
            siloBuilder.Services.AddSingleton(_ =>
            {
                var catalog = new GeneratorCatalog();
                catalog.Set(GenerationRequest.DefaultGenerator, ClusterFixture.Scheduler.Value, "test-v1");
                return catalog;
            });
        }
    }
}
