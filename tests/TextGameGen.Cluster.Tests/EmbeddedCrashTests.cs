using Microsoft.AspNetCore.SignalR.Client;
using TextGameGen.Grains.Game;

namespace TextGameGen.Cluster.Tests;

/// <summary>
/// The embedded default with its SQLite file, killed outright (no shutdown, nothing flushed by the program) right
/// after acknowledging turns: every acknowledged turn is there when it starts again. Run with the default commit
/// setting (<c>Synchronous=Normal</c>: a commit returns once the operating system has the log) and with <c>Full</c>.
/// </summary>
public sealed class EmbeddedCrashTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("Full")]
    public async Task Every_acknowledged_turn_is_there_after_the_process_is_killed(string? synchronous)
    {
        var database = Path.Combine(Path.GetTempPath(), $"tgg-crash-{Guid.NewGuid():N}.db");
        string[] settings = synchronous is null ? [] : [$"--TextGameGen:Storage:Synchronous={synchronous}"];
        await using var server = await FrontEndProcess.StartEmbeddedAsync(database, settings);
        await using var ann = await HubPlayer.SignInAsync(server.Address, "Ann");
        var (hub, _) = await ann.ConnectAsync(server.Address);

        // Game verbs the rules answer without the model, so each acknowledgement is the last thing before the kill.
        string[] verbs = ["look", "take bucket", "inventory", "drop bucket", "look"];
        var acknowledged = new List<string>();
        for (int i = 1; i <= 15; i++) // within the hub's burst of messages
        {
            var ack = await hub.InvokeAsync<TurnAck>("Act", $"t-{i}", verbs[i % verbs.Length]);
            Assert.True(ack.Accepted, ack.Error);
            acknowledged.Add(ack.TurnId);
        }
        await server.KillAsync();

        await server.RestartAsync();
        var (again, view) = await ann.ConnectAsync(server.Address);
        var story = new List<StoryTurn>(view.Story);
        for (int before = view.EarlierBefore; before > 0;)
        {
            var earlier = await again.InvokeAsync<EarlierStory>("Earlier", before);
            story.InsertRange(0, earlier.Turns);
            before = earlier.HasMore ? earlier.NextBefore : 0;
        }
        var stored = story.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        Assert.All(acknowledged, id => Assert.Contains(id, stored));
        // The cookie from before the crash still signs Ann in: its keys are kept beside the database, not in a home folder.
        Assert.NotEmpty(Directory.GetFiles(TextGameGen.WebFront.Hosting.ClusterHosting.KeysFolder(database), "key-*.xml"));
    }
}
