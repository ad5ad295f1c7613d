using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using TextGameGen.Grains.Game;

namespace TextGameGen.WebFront.Tests;

/// <summary>A saturated storyteller (one batch row): players see their place in line, and a passage waiting when its player leaves is taken out of line.</summary>
public sealed class QueueTests(OneRowGameServer server) : IClassFixture<OneRowGameServer>
{
    [Fact]
    public async Task Waiting_players_are_told_their_place_and_a_passage_waiting_when_its_player_leaves_leaves_the_line_and_is_written_on_return()
    {
        var crowd = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => TestPlayer.ConnectAsync(server.Address, $"Queue {i}")));
        var leaver = await TestPlayer.ConnectAsync(server.Address, "Leaver");
        try
        {
            foreach (var p in crowd.Append(leaver)) await p.JoinAsync();
            await Task.WhenAll(crowd.Select((p, i) => p.ActAsync($"q{i}", "do walk to the well")));
            var ack = await leaver.ActAsync("leave-1", "do walk to the well");
            Assert.True(ack.Accepted);
            await TestPlayer.Until(() => leaver.Events.Any(e => e.Kind == PlayerEventKind.Queued && e.TurnId == "leave-1"), "the leaver told its place in line");
            var told = leaver.Events.First(e => e.Kind == PlayerEventKind.Queued).Text;
            Assert.Matches(@"^The storyteller is busy: you are (next|\d+(st|nd|rd|th) in line)", told);
            await leaver.Hub.StopAsync(); // leaves while the passage waits

            foreach (var (p, i) in crowd.Select((p, i) => (p, i))) await p.PassageAsync($"q{i}");
            var grains = server.App.Services.GetRequiredService<IGrainFactory>();
            var away = (await grains.GetGrain<IPlayerGrain>(leaver.PlayerId).GetViewAsync()).Story.Single(t => t.Id == "leave-1");
            Assert.Equal(PassageStatus.Pending, away.Status); // out of line, not lost, not written for nobody
            Assert.Contains(crowd, p => p.Events.Any(e => e.Kind == PlayerEventKind.Queued)); // others waited too

            await using var back = await leaver.NewConnectionAsync();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            PlayerView view;
            while ((view = await back.InvokeAsync<PlayerView>("Join")).Story.Single(t => t.Id == "leave-1").Status != PassageStatus.Complete)
            {
                Assert.True(DateTime.UtcNow < deadline, "the passage was not written after the player came back");
                await Task.Delay(250);
            }
            Assert.NotEmpty(view.Story.Single(t => t.Id == "leave-1").Text);
        }
        finally
        {
            await Task.WhenAll(crowd.Append(leaver).Select(p => p.DisposeAsync().AsTask()));
        }
    }
}
