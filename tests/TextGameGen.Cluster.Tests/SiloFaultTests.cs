using Orleans.Runtime;
using TextGameGen.Silo.Hosting;
using Xunit.Abstractions;

namespace TextGameGen.Cluster.Tests;

/// <summary>
/// Orleans-style fault tests on a 3-silo cluster with membership in Redis: a silo killed (not stopped) while 50 players
/// act, and silos stopped and started over and over; state in Redis or PostgreSQL.
/// </summary>
public sealed class SiloFaultTests(StoreServers servers, ITestOutputHelper output) : IClassFixture<StoreServers>
{
    public static TheoryData<StateStore> Stores => [StateStore.Redis, StateStore.Postgres];

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Killing_the_silo_holding_most_players_loses_no_acknowledged_turn_and_everyone_plays_again_within_30_s(StateStore store)
    {
        await using var cluster = await RedisGameCluster.StartAsync(servers.Redis, store, servers.Postgres.ConnectionString);
        var players = new ActingPlayers(cluster.Grains, 50, $"kill-{store}");
        await players.JoinAllAsync();
        foreach (var retry in players.JoinRetries) output.WriteLine("join tried again: " + retry);
        using (var warm = new CancellationTokenSource(TimeSpan.FromSeconds(4))) await players.ActUntilAsync(warm.Token, TimeSpan.FromMilliseconds(200));

        // The silo with the most player activations.
        var stats = await cluster.Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        var busiest = stats.Where(s => s.GrainType.Contains("PlayerGrain", StringComparison.Ordinal)).GroupBy(s => s.SiloAddress)
            .OrderByDescending(g => g.Sum(s => s.ActivationCount)).First();
        var victim = cluster.Cluster.GetActiveSilos().Single(s => s.SiloAddress.Equals(busiest.Key));
        output.WriteLine($"killing {victim.Name} ({busiest.Sum(s => s.ActivationCount)} of 50 players)");

        using var acting = new CancellationTokenSource();
        var act = players.ActUntilAsync(acting.Token, TimeSpan.FromMilliseconds(200));
        await Task.Delay(1000);
        var killed = DateTime.UtcNow;
        await cluster.Cluster.KillSiloAsync(victim);
        await Wait.UntilAsync(() => players.RecoveryAfter(killed) is not null, TimeSpan.FromSeconds(30), "every player to act again after the kill");
        var recovery = players.RecoveryAfter(killed)!.Value;
        await Task.Delay(TimeSpan.FromSeconds(2));
        await acting.CancelAsync();
        await act;

        await players.WaitForPassagesToEndAsync(TimeSpan.FromSeconds(60));
        var (acked, missing, doubled) = await players.ReadBackAsync();
        output.WriteLine($"{players.Sent} turns sent, {acked} acknowledged, {players.Failures} failed attempts; every player acting again {recovery.TotalSeconds:F1} s after the kill");

        Assert.True(acked > 100, $"only {acked} turns were acknowledged");
        Assert.Equal(0, missing);
        Assert.Equal(0, doubled);
        Assert.True(recovery < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Silos_stopped_and_started_for_60_s_lose_no_acknowledged_turn_and_apply_none_twice()
    {
        await using var cluster = await RedisGameCluster.StartAsync(servers.Redis, StateStore.Redis);
        var players = new ActingPlayers(cluster.Grains, 50, "churn");
        await players.JoinAllAsync();
        using var acting = new CancellationTokenSource();
        var act = players.ActUntilAsync(acting.Token, TimeSpan.FromMilliseconds(250));
        var end = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        int churns = 0;
        while (DateTime.UtcNow < end)
        {
            await Task.Delay(TimeSpan.FromSeconds(4));
            // One secondary silo leaves (stopped, so its grains deactivate and write back), a new one joins.
            var secondary = cluster.Cluster.SecondarySilos.FirstOrDefault(s => s.IsActive);
            if (secondary is not null) await cluster.Cluster.StopSiloAsync(secondary);
            await cluster.Cluster.StartAdditionalSiloAsync();
            churns++;
        }
        await acting.CancelAsync();
        await act;
        await players.WaitForPassagesToEndAsync(TimeSpan.FromSeconds(60));
        var (acked, missing, doubled) = await players.ReadBackAsync();
        output.WriteLine($"{churns} silo changes; {players.Sent} turns sent, {acked} acknowledged, {players.Failures} failed attempts");

        Assert.True(acked > 500, $"only {acked} turns were acknowledged");
        Assert.Equal(0, missing);
        Assert.Equal(0, doubled);
    }
}
