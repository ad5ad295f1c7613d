using System.Diagnostics;
using Microsoft.Data.Sqlite;
using TextGameGen.Grains.Game;
using Xunit.Abstractions;

namespace TextGameGen.Grains.Tests;

/// <summary>
/// Constant-cost turns: a player's state keeps the recent turns and the rest go to the turn log, so what a turn writes
/// does not grow with the story. Sizes (characters of JSON) are read from the SQLite file the silo writes; times are printed, not asserted.
/// </summary>
public sealed class TurnLogTests(ITestOutputHelper output) : IAsyncLifetime
{
    private GameCluster _game = null!;

    public async Task InitializeAsync() => _game = await GameCluster.StartAsync();

    public async Task DisposeAsync() => await _game.DisposeAsync();

    private IPlayerGrain Player(string id) => _game.Grains.GetGrain<IPlayerGrain>(id);

    [Fact]
    public async Task Turn_2000_writes_as_much_as_turn_10_a_long_story_joins_with_a_small_state_and_earlier_story_pages_through_every_turn()
    {
        var p = Player("long-story");
        await p.JoinAsync("Lena", "w1");
        WriteFigure? at10 = null, at2000 = null;
        var times = new List<double>();
        for (int turn = 1; turn <= 2000; turn++)
        {
            if (turn is 10 or 2000) await p.WhenIdleAsync(); // the log is written after the acknowledgement: the last turn's move first
            long logBefore = turn is 10 or 2000 ? await LogBytesAsync("long-story") : 0;
            long start = Stopwatch.GetTimestamp();
            var ack = await p.SubmitAsync($"t-{turn}", turn % 2 == 0 ? "inventory" : "look");
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            Assert.True(ack.Accepted, ack.Error);
            Assert.Equal(turn, ack.Seq);
            if (turn is 10 or 2000)
            {
                await p.WhenIdleAsync();
                var figure = new WriteFigure((await GameCluster.StoredStateOf(_game.DatabasePath, "long-story")).Length, await LogBytesAsync("long-story") - logBefore);
                if (turn == 10) at10 = figure; else at2000 = figure;
            }
        }
        output.WriteLine($"turn 10: state {at10!.StateBytes} B + log {at10.LogBytes} B; turn 2000: state {at2000!.StateBytes} B + log {at2000.LogBytes} B");
        output.WriteLine($"ack time, median of turns 1-20: {Median(times[..20]):F2} ms; of turns 1981-2000: {Median(times[^20..]):F2} ms");
        Assert.InRange((double)at2000.Total / at10.Total, 0.8, 1.2);

        // A player with 10 turns beside one with 2,000: the same size of state to read on joining.
        var shortStory = Player("short-story");
        await shortStory.JoinAsync("Sam", "w1");
        for (int turn = 1; turn <= 10; turn++) Assert.True((await shortStory.SubmitAsync($"t-{turn}", turn % 2 == 0 ? "inventory" : "look")).Accepted);
        long longState = (await GameCluster.StoredStateOf(_game.DatabasePath, "long-story")).Length;
        long shortState = (await GameCluster.StoredStateOf(_game.DatabasePath, "short-story")).Length;
        Assert.InRange((double)longState / shortState, 0.8, 1.2);
        long joinStart = Stopwatch.GetTimestamp();
        var view = await p.JoinAsync("Lena", "w1");
        output.WriteLine($"state read on join: 2,000 turns {longState} B, 10 turns {shortState} B; join took {Stopwatch.GetElapsedTime(joinStart).TotalMilliseconds:F1} ms");
        Assert.True(view.Story.Count <= 10, $"the view carries the recent turns only, got {view.Story.Count}");
        Assert.True(view.EarlierBefore > 1);

        // Earlier story, a page at a time, back to the first turn: every turn once, in order.
        var seen = new List<int>(view.Story.Select(t => t.Seq));
        int before = view.EarlierBefore;
        bool more = true;
        while (more)
        {
            var page = await p.GetEarlierStoryAsync(before, 100);
            Assert.NotEmpty(page.Turns);
            seen.InsertRange(0, page.Turns.Select(t => t.Seq));
            (before, more) = (page.NextBefore, page.HasMore);
        }
        Assert.Equal(Enumerable.Range(1, 2000), seen);
        var first = (await p.GetEarlierStoryAsync(3, 2)).Turns;
        Assert.Equal(["t-1", "t-2"], first.Select(t => t.Id));
        Assert.Equal("look", first[0].PlayerText);
    }

    [Fact]
    public async Task A_turn_still_being_written_stays_in_the_state_until_it_is_settled()
    {
        var p = Player("slow-writer");
        await p.JoinAsync("Wren", "w1");
        Assert.True((await p.SubmitAsync("t-0", "do open the door")).Accepted);
        for (int turn = 1; turn <= 12; turn++) Assert.True((await p.SubmitAsync($"t-{turn}", "inventory")).Accepted);
        await p.WhenIdleAsync();
        for (int turn = 13; turn <= 14; turn++) Assert.True((await p.SubmitAsync($"t-{turn}", "inventory")).Accepted);
        var passage = (await p.GetEarlierStoryAsync(2, 1)).Turns.Single();
        Assert.Equal(PassageStatus.Complete, passage.Status); // logged with its finished passage, not while pending
        Assert.NotEmpty(passage.Text);
    }

    private sealed record WriteFigure(long StateBytes, long LogBytes)
    {
        public long Total => StateBytes + LogBytes;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private async Task<long> LogBytesAsync(string playerId)
    {
        await using var db = new SqliteConnection($"Data Source={_game.DatabasePath}");
        await db.OpenAsync();
        await using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(SUM(length(data)), 0) FROM turn_log WHERE player_id = $id";
        cmd.Parameters.AddWithValue("$id", playerId);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
