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

    [Fact]
    public async Task A_soak_keeps_players_acting_for_its_duration_and_records_a_point_per_interval_with_the_servers_own_figures()
    {
        using var acks = new ServerAckReader([server.Address], GameServerFixture.GmKeyValue);
        await acks.SignInAsync(default);
        var report = await LoadTestRunner.RunAsync([server.Address], new LoadTestOptions
        {
            Clients = 8,
            Think = TimeSpan.FromMilliseconds(200),
            RampUp = TimeSpan.FromSeconds(1),
            Duration = TimeSpan.FromSeconds(16),
            SeriesInterval = TimeSpan.FromSeconds(4),
            OnMeasuring = () => acks.ResetAsync(default),
            CreateSeries = connected => new SoakSeries([server.Address], acks, null, connected),
        });
        output.WriteLine(report.ToString());
        Assert.Equal(0, report.Errors);
        Assert.Equal(0, report.AcknowledgedTurnsMissing);
        Assert.True(report.ActionsSent > 8 * 5, $"{report.ActionsSent} actions in 16 s"); // they kept acting, not 5 each
        Assert.InRange(report.Series.Count, 4, 5);
        Assert.All(report.Series, p =>
        {
            Assert.Equal(8, p.ConnectedClients);
            Assert.True(p.ServerRssMiB > 10); // from its /metrics
            Assert.True(p.ServerGcPauseMs >= 0 && p.ServerGcCollections >= 0, $"GC {p.ServerGcCollections} collections, {p.ServerGcPauseMs} ms paused"); // counted from the run's start
        });
        // The intervals of the acting phase (a last, partial one may hold only passages still being written).
        // Every interval of the acting phase has acknowledgements (they come in milliseconds); passages take
        // longer, and on a slow machine the first interval may end before the first one does, so they are
        // asserted for the acting phase after its first interval.
        var acting = report.Series.Where(p => p.Minute <= 16.5 / 60).ToList();
        Assert.All(acting, p => Assert.False(double.IsNaN(p.ServerAckP99Ms))); // read from the server's GM-only acknowledgement times
        Assert.All(acting.Skip(1), p => Assert.True(p.PassagesCompleted > 0, $"no passage completed in the interval ending at minute {p.Minute}"));
        Assert.InRange(report.Series.Sum(p => p.PassagesCompleted), report.PassagesComplete / 2, report.PassagesComplete); // game verbs end without a passage event
        var png = Path.Combine(Path.GetTempPath(), $"tgg-soak-{Guid.NewGuid():N}.png");
        SoakChart.Save(png, "soak test", report.Series);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, File.ReadAllBytes(png)[..4]);
        File.Delete(png);
    }
}
