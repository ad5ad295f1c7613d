using Microsoft.AspNetCore.SignalR.Client;
using TextGameGen.Grains.Game;
using TextGameGen.Silo.Hosting;

namespace TextGameGen.Cluster.Tests;

/// <summary>Two front end processes of one Redis cluster: one sign-in works on both, and a room's players hear each other across them.</summary>
public sealed class FrontEndTests(StoreServers servers) : IClassFixture<StoreServers>
{
    [Fact]
    public async Task A_cookie_from_one_front_end_plays_on_the_other_and_room_actions_reach_players_on_both()
    {
        await using var cluster = await RedisGameCluster.StartAsync(servers.Redis, StateStore.Redis, silos: 2);
        await using var a = await FrontEndProcess.StartAsync(servers.Redis, cluster);
        await using var b = await FrontEndProcess.StartAsync(servers.Redis, cluster);

        // Signed in on A, playing on B with the same cookie: the same story on both.
        await using var ann = await HubPlayer.SignInAsync(a.Address, "Ann");
        var (annOnB, viewOnB) = await ann.ConnectAsync(b.Address);
        var ack = await annOnB.InvokeAsync<TurnAck>("Act", "t-1", "do knock on the hall door");
        Assert.True(ack.Accepted, ack.Error);
        var (_, viewOnA) = await ann.ConnectAsync(a.Address);
        Assert.Equal(viewOnB.PlayerId, viewOnA.PlayerId);
        Assert.Contains(viewOnA.Story, t => t.Id == "t-1");

        // Bob on A, Cid on B, both in the yard: what Bob does reaches Cid through the other front end, and back.
        await using var bob = await HubPlayer.SignInAsync(a.Address, "Bob");
        var (bobHub, _) = await bob.ConnectAsync(a.Address);
        await using var cid = await HubPlayer.SignInAsync(b.Address, "Cid");
        var (cidHub, _) = await cid.ConnectAsync(b.Address);
        Assert.True((await bobHub.InvokeAsync<TurnAck>("Act", "t-1", "do wave at the groom")).Accepted);
        await Wait.UntilAsync(() => cid.Events.Any(e => e.Kind == PlayerEventKind.Room && e.Activities!.Any(a => a.Text.Contains("wave at the groom", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(20), "Bob's action to reach Cid on the other front end");
        Assert.True((await cidHub.InvokeAsync<TurnAck>("Act", "t-1", "say hello Bob")).Accepted);
        await Wait.UntilAsync(() => bob.Events.Any(e => e.Kind == PlayerEventKind.Room && e.Activities!.Any(a => a.Text.Contains("hello Bob", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(20), "Cid's words to reach Bob on the other front end");
    }
}
