using TextGameGen.Silo.Hosting;
using Xunit.Abstractions;

namespace TextGameGen.Cluster.Tests;

/// <summary>The game's PostgreSQL server goes away for 10 s while players act (killed, then started again on its data).</summary>
public sealed class StorageOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private PostgresServer _postgres = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _postgres = await PostgresServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task During_a_storage_outage_turns_are_refused_clearly_nothing_unstored_is_acknowledged_and_service_comes_back()
    {
        await using var cluster = await RedisGameCluster.StartAsync(_redis, StateStore.Postgres, _postgres.ConnectionString, silos: 2);
        var players = new ActingPlayers(cluster.Grains, 20, "outage");
        await players.JoinAllAsync();
        using var acting = new CancellationTokenSource();
        var act = players.ActUntilAsync(acting.Token, TimeSpan.FromMilliseconds(200));
        await Task.Delay(TimeSpan.FromSeconds(2));

        await _postgres.KillAsync();
        var down = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(10));
        int refusedDuringOutage = players.NotStored.Count;
        await _postgres.RestartAsync();
        var up = DateTime.UtcNow;
        await Wait.UntilAsync(() => players.RecoveryAfter(up) is not null, TimeSpan.FromSeconds(30), "every player to act again after the outage");
        var recovery = players.RecoveryAfter(up)!.Value;
        await acting.CancelAsync();
        await act;

        await players.WaitForPassagesToEndAsync(TimeSpan.FromSeconds(60));
        var (acked, missing, doubled) = await players.ReadBackAsync();
        output.WriteLine($"outage {(up - down).TotalSeconds:F0} s: {refusedDuringOutage} turns refused as not stored (\"{players.NotStored.FirstOrDefault()}\"); " +
            $"{acked} acknowledged in all; every player acting again {recovery.TotalSeconds:F1} s after the server came back");

        Assert.True(refusedDuringOutage > 0, "no turn was refused during the outage");
        Assert.All(players.NotStored, m => Assert.Contains("could not store your turn", m));
        Assert.Equal(0, missing);
        Assert.Equal(0, doubled);
    }
}
