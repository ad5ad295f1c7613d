using TextGameGen.Grains.Game;

namespace TextGameGen.Grains.Tests;

/// <summary>
/// A player's write fails (injected in front of the real SQLite storage): the turn is refused with a clear message and
/// everything it did is undone; a finished passage whose write fails is written again until stored, and its end sent.
/// </summary>
public sealed class StorageFaultTests : IAsyncLifetime
{
    private GameCluster _game = null!;

    public async Task InitializeAsync() => _game = await GameCluster.StartAsync(faultyStorage: true);

    public async Task DisposeAsync() => await _game.DisposeAsync();

    private async Task<IPlayerGrain> Join(string id)
    {
        var p = _game.Grains.GetGrain<IPlayerGrain>(id);
        await p.JoinAsync("P " + id, "w1");
        return p;
    }

    private IRoomGrain Room(string id) => _game.Grains.GetGrain<IRoomGrain>($"w1/{id}");

    private async Task<TurnAck> FailingOnce(IPlayerGrain p, string turnId, string command)
    {
        int failedBefore = _game.Faults.Failed;
        _game.Faults.Failures = 1;
        var ack = await p.SubmitAsync(turnId, command);
        Assert.Equal(failedBefore + 1, _game.Faults.Failed); // the turn's write was the one that failed
        return ack;
    }

    private static void AssertRefusedAsNotStored(TurnAck ack)
    {
        Assert.False(ack.Accepted);
        Assert.Contains("could not store your turn", ack.Error);
    }

    [Fact]
    public async Task A_take_whose_write_fails_puts_the_item_back_and_leaves_the_inventory_as_it_was()
    {
        var p = await Join("taker");
        Assert.Contains("lantern", (await Room("square").GetViewAsync()).Items);

        AssertRefusedAsNotStored(await FailingOnce(p, "t-1", "take lantern"));

        Assert.Contains("lantern", (await Room("square").GetViewAsync()).Items);
        Assert.Empty((await p.GetViewAsync()).Inventory);
        Assert.Empty((await p.GetViewAsync()).Story);
        Assert.True((await p.SubmitAsync("t-1", "take lantern")).Accepted); // the same turn id later: applied now, once
        Assert.Equal(["lantern"], (await p.GetViewAsync()).Inventory);
        Assert.DoesNotContain("lantern", (await Room("square").GetViewAsync()).Items);
    }

    [Fact]
    public async Task A_go_whose_write_fails_leaves_the_player_where_they_were()
    {
        var p = await Join("walker");
        AssertRefusedAsNotStored(await FailingOnce(p, "t-1", "go north"));

        var view = await p.GetViewAsync();
        Assert.Equal("square", view.Room!.Id);
        Assert.Contains("P walker", (await Room("square").GetViewAsync()).Present);
        Assert.DoesNotContain("P walker", (await Room("forest-edge").GetViewAsync()).Present);
    }

    [Fact]
    public async Task A_retry_or_undo_whose_write_fails_leaves_the_story_as_it_was()
    {
        var p = await Join("teller");
        Assert.True((await p.SubmitAsync("t-1", "do sing a song")).Accepted);
        await p.WhenIdleAsync();
        var before = (await p.GetViewAsync()).Story.Select(t => (t.Id, t.Text, t.Hidden, t.Status)).ToList();

        AssertRefusedAsNotStored(await FailingOnce(p, "t-2", "retry"));
        await p.WhenIdleAsync();
        Assert.Equal(before, (await p.GetViewAsync()).Story.Select(t => (t.Id, t.Text, t.Hidden, t.Status)).ToList());

        AssertRefusedAsNotStored(await FailingOnce(p, "t-3", "undo"));
        Assert.Equal(before, (await p.GetViewAsync()).Story.Select(t => (t.Id, t.Text, t.Hidden, t.Status)).ToList());
    }

    [Fact]
    public async Task A_finished_passage_whose_write_fails_is_stored_on_a_later_try_and_its_end_is_sent()
    {
        var p = await Join("writer");
        var observer = new RecordingObserver();
        var reference = _game.Grains.CreateObjectReference<IPlayerObserver>(observer);
        await p.SubscribeAsync(reference);
        // Fail the first two writes that hold the finished passage.
        _game.Faults.FailWhen = s => s.Turns.Any(t => t.Id == "t-1" && t.Status == PassageStatus.Complete);
        _game.Faults.Failures = 2;

        Assert.True((await p.SubmitAsync("t-1", "do open the chest")).Accepted);
        await RecordingObserver.Until(() => observer.Events.Any(e => e.Kind == PlayerEventKind.PassageEnd && e.TurnId == "t-1"), "the passage's end");

        Assert.Equal(2, _game.Faults.Failed);
        var end = observer.Events.Last(e => e.Kind == PlayerEventKind.PassageEnd);
        Assert.Equal(PassageStatus.Complete, end.Turn!.Status);
        // Read back from the database: the passage was stored.
        var stored = System.Text.Json.JsonSerializer.Deserialize<PlayerState>(await GameCluster.StoredStateOf(_game.DatabasePath, "writer"), TextGameGen.Storage.StorageJson.Options)!;
        Assert.Equal(PassageStatus.Complete, stored.Turns.Single(t => t.Id == "t-1").Status);
    }
}
