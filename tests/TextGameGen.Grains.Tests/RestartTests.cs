using TextGameGen.Grains.Game;

namespace TextGameGen.Grains.Tests;

public sealed class RestartTests
{
    [Fact]
    public async Task Every_acknowledged_turn_is_still_there_after_the_silo_stops_and_starts_again()
    {
        var path = GameCluster.NewDatabasePath();
        var acknowledged = new List<string>();
        await using (var first = await GameCluster.StartAsync(path))
        {
            var p = first.Grains.GetGrain<IPlayerGrain>("restart");
            await p.JoinAsync("Rita", "w-restart");
            foreach (var (id, command) in new[] { ("t1", "do climb the wall"), ("t2", "take rope"), ("t3", "say hello there"), ("t4", "go north") })
            {
                var ack = await p.SubmitAsync(id, command);
                Assert.True(ack.Accepted, ack.Error);
                acknowledged.Add(id);
            }
            await p.WhenIdleAsync();
            await first.Grains.GetGrain<IWorldGrain>("w-restart").RaiseEventAsync("The bells ring.", "gm");
        }

        await using var second = await GameCluster.StartAsync(path);
        var again = second.Grains.GetGrain<IPlayerGrain>("restart");
        var view = await again.GetViewAsync();
        Assert.Equal(acknowledged, view.Story.Where(t => t.Kind != TurnKind.World).Select(t => t.Id));
        Assert.Contains("rope", view.Inventory);
        Assert.Equal("forest-edge", view.Room!.Id);
        Assert.Single(await second.Grains.GetGrain<IWorldGrain>("w-restart").GetRecentEventsAsync(5));
        // Passages acknowledged but unfinished when the silo stopped are written after the restart.
        await again.WhenIdleAsync();
        Assert.All((await again.GetViewAsync()).Story, t => Assert.NotEqual(PassageStatus.Pending, t.Status));
    }
}
