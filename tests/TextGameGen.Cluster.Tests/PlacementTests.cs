using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using TextGameGen.Grains.Game;
using TextGameGen.Silo.Generation;
using TextGameGen.Silo.Hosting;
using Xunit.Abstractions;

namespace TextGameGen.Cluster.Tests;

/// <summary>Passages go to the silos that serve their generator: game-only silos send them on; a burst spreads over the model silos.</summary>
public sealed class PlacementTests(StoreServers servers, ITestOutputHelper output) : IClassFixture<StoreServers>
{
    private static GeneratorCatalog Catalog(TestCluster cluster, SiloHandle silo) => cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<GeneratorCatalog>();

    private static long Completed(TestCluster cluster, SiloHandle silo) => Catalog(cluster, silo).All.Sum(g => g.Scheduler.Counts.Completed);

    private static async Task<int> BurstAsync(IGrainFactory grains, string prefix, int players)
    {
        var ids = Enumerable.Range(0, players).Select(i => $"{prefix}-{i}").ToList();
        await Task.WhenAll(ids.Select(id => grains.GetGrain<IPlayerGrain>(id).JoinAsync("P " + id, "keep")));
        var acks = await Task.WhenAll(ids.Select(id => grains.GetGrain<IPlayerGrain>(id).SubmitAsync("t-1", "do climb the tower")));
        Assert.All(acks, a => Assert.True(a.Accepted, a.Error));
        await Task.WhenAll(ids.Select(id => grains.GetGrain<IPlayerGrain>(id).WhenIdleAsync()));
        var views = await Task.WhenAll(ids.Select(id => grains.GetGrain<IPlayerGrain>(id).GetViewAsync()));
        Assert.All(views, v => Assert.Equal(PassageStatus.Complete, v.Story.Single().Status));
        return views.Length;
    }

    [Fact]
    public async Task With_a_game_only_silo_and_a_model_silo_every_passage_is_written_by_the_model_silo()
    {
        await using var cluster = await RedisGameCluster.StartAsync(servers.Redis, StateStore.Redis, silos: 2, modelSilos: "Secondary_0");
        var modelSilo = cluster.Cluster.GetActiveSilos().Single(s => s.Name == "Secondary_0");
        var gameOnly = cluster.Cluster.GetActiveSilos().Single(s => s.Name == "Secondary_1");
        Assert.Empty(Catalog(cluster.Cluster, gameOnly).All);
        Assert.NotEmpty(Catalog(cluster.Cluster, modelSilo).All);
        await Task.Delay(TimeSpan.FromSeconds(2)); // the model silo's first reports reach the directory

        int passages = await BurstAsync(cluster.Grains, "placed", 30);
        var players = await cluster.Grains.GetGrain<Orleans.Runtime.IManagementGrain>(0).GetSimpleGrainStatistics();
        output.WriteLine(string.Join("; ", players.Where(s => s.GrainType.Contains("PlayerGrain", StringComparison.Ordinal)).Select(s => $"{s.SiloAddress}: {s.ActivationCount} players")));

        Assert.True(players.Any(s => s.SiloAddress.Equals(gameOnly.SiloAddress) && s.GrainType.Contains("PlayerGrain", StringComparison.Ordinal) && s.ActivationCount > 0),
            "no player lived on the game-only silo, so nothing was sent across");
        Assert.Equal(passages, Completed(cluster.Cluster, modelSilo));
    }

    [Fact]
    public async Task With_two_model_silos_a_burst_from_a_game_only_silo_is_spread_over_both()
    {
        await using var cluster = await RedisGameCluster.StartAsync(servers.Redis, StateStore.Redis, silos: 3, modelSilos: "Secondary_1,Secondary_2");
        var models = cluster.Cluster.GetActiveSilos().Where(s => s.Name != "Secondary_0").ToList();
        Assert.Empty(Catalog(cluster.Cluster, cluster.Cluster.GetActiveSilos().Single(s => s.Name == "Secondary_0")).All);
        await Task.Delay(TimeSpan.FromSeconds(2));

        int passages = await BurstAsync(cluster.Grains, "burst", 40);
        var completed = models.Select(m => Completed(cluster.Cluster, m)).ToList();
        output.WriteLine($"{passages} passages: {string.Join(" and ", completed)} written by the two model silos");

        Assert.Equal(passages, completed.Sum());
        // Players land on all three silos (Orleans places them), and those on a model silo are written locally while it
        // has free rows, so the split is not even; but each model silo must take a real share of the burst.
        Assert.All(completed, c => Assert.True(c >= passages / 10, $"one model silo wrote only {c} of {passages}"));
    }
}
