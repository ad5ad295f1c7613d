using TextGameGen.Grains.Game;
using TextGameGen.Silo.Hosting;

namespace TextGameGen.Cluster.Tests;

public sealed class ProbeTests(StoreServers servers) : IClassFixture<StoreServers>
{
    [Fact]
    public async Task Three_silos_on_redis_play()
    {
        await using var cluster = await RedisGameCluster.StartAsync(servers.Redis, StateStore.Redis);
        var p = cluster.Grains.GetGrain<IPlayerGrain>("probe-1");
        await p.JoinAsync("Probe", "keep");
        var ack = await p.SubmitAsync("t-1", "do look around");
        Assert.True(ack.Accepted, ack.Error);
        Assert.Equal(3, cluster.Cluster.GetActiveSilos().Count());
    }
}

