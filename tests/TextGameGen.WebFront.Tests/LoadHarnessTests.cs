using TextGameGen.LoadTest;
using Xunit.Abstractions;

namespace TextGameGen.WebFront.Tests;

public sealed class LoadHarnessTests(TinyGameServer server, ITestOutputHelper output) : IClassFixture<TinyGameServer>
{
    [Fact]
    public async Task Fifty_clients_times_five_actions_every_action_acknowledged_every_passage_complete_nothing_lost()
    {
        var report = await LoadTestRunner.RunAsync([server.Address], new LoadTestOptions
        {
            Clients = 50,
            ActionsPerClient = 5,
            Think = TimeSpan.FromMilliseconds(100),
            RampUp = TimeSpan.FromSeconds(1),
        });
        output.WriteLine(report.ToString());
        Assert.Equal(250, report.ActionsSent);
        Assert.Equal(250, report.Acknowledged);
        Assert.Equal(250, report.PassagesComplete);
        Assert.Equal(0, report.PassagesIncomplete);
        Assert.Equal(0, report.AcknowledgedTurnsMissing); // every acknowledged turn read back from the stored stories
        Assert.Equal(0, report.Errors);
        Assert.Equal(0, report.Disconnects);
        Assert.True(report.TokensReceived > 0);
        Assert.InRange(report.PassagesWritten, 1, 250); // look and inventory are answered by the game, not the model
        Assert.Equal(report.PassagesWritten, report.WrittenBy.Values.Sum());
        Assert.All(report.WrittenBy.Keys, k => Assert.Matches(@"^\S+ \S+$", k)); // every passage names its generator and version
    }
}
