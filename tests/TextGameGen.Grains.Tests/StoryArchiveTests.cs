using TextGameGen.Grains.Game;
using TextGameGen.Grains.Game.Players;
using TextGameGen.Storage;

namespace TextGameGen.Grains.Tests;

/// <summary>
/// Older turns leave the player's state for the turn log after the state is written (off the acknowledgement's
/// path), and only once the log holds them: never in neither place, whatever the log does meanwhile. The log is the
/// real SQLite one, behind a gate the test opens.
/// </summary>
public sealed class StoryArchiveTests : IAsyncLifetime
{
    private readonly TempGameDatabase _file = new("archive");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _file.DisposeAsync().AsTask();

    /// <summary>The real log, whose writes wait for <see cref="Open"/> and fail while <see cref="Failing"/>.</summary>
    private sealed class GatedLog(ITurnLog inner) : ITurnLog
    {
        private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool Failing { get; set; }

        public void Open() => _gate.TrySetResult();

        public void Close() => _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task WriteAsync(string playerId, IReadOnlyList<StoryTurn> turns)
        {
            await _gate.Task;
            if (Failing) throw new IOException("the disk is full");
            await inner.WriteAsync(playerId, turns);
        }

        public Task<IReadOnlyList<StoryTurn>> ReadBeforeAsync(string playerId, int beforeSeq, int count) => inner.ReadBeforeAsync(playerId, beforeSeq, count);
    }

    private static PlayerState StateWith(int turns) => new()
    {
        Turns = [.. Enumerable.Range(1, turns).Select(i => new StoryTurn { Id = $"t{i}", Seq = i, Status = PassageStatus.Complete })],
    };

    [Fact]
    public async Task Turns_leave_the_state_only_once_the_log_holds_them_and_a_failed_log_write_keeps_them()
    {
        var log = new GatedLog(new SqlTurnLog(_file.Database));
        var archive = new StoryArchive(log, "p1", recentTurns: 8);
        var state = StateWith(12);
        var errors = new List<Exception>();

        archive.StartMove(state, errors.Add);
        Assert.False(archive.Moving.IsCompleted);
        archive.DropLogged(state); // the log write is still under way: nothing leaves
        Assert.Equal(12, state.Turns.Count);
        archive.StartMove(state, errors.Add); // one write at a time
        log.Open();
        await archive.Moving;
        Assert.Equal(12, state.Turns.Count); // the state changes only at its next write
        archive.DropLogged(state);
        Assert.Equal(Enumerable.Range(5, 8), state.Turns.Select(t => t.Seq));
        Assert.Equal(Enumerable.Range(1, 4), (await log.ReadBeforeAsync("p1", 5, 100)).Select(t => t.Seq));

        // The log fails: the turns stay in the state and go at the next move.
        state.Turns.AddRange(Enumerable.Range(13, 3).Select(i => new StoryTurn { Id = $"t{i}", Seq = i, Status = PassageStatus.Complete }));
        log.Failing = true;
        archive.StartMove(state, errors.Add);
        await archive.Moving;
        Assert.Equal("the disk is full", Assert.Single(errors).Message);
        archive.DropLogged(state);
        Assert.Equal(11, state.Turns.Count);
        log.Failing = false;
        archive.StartMove(state, errors.Add);
        await archive.Moving;
        archive.DropLogged(state);
        Assert.Equal(Enumerable.Range(8, 8), state.Turns.Select(t => t.Seq));
        Assert.Equal(Enumerable.Range(1, 7), (await log.ReadBeforeAsync("p1", 8, 100)).Select(t => t.Seq));
    }

    [Fact]
    public async Task A_turn_still_waiting_for_its_passage_and_every_turn_after_it_stay()
    {
        var log = new GatedLog(new SqlTurnLog(_file.Database));
        log.Open();
        var archive = new StoryArchive(log, "p2", recentTurns: 2);
        var state = StateWith(6);
        state.Turns[2].Status = PassageStatus.Pending;
        archive.StartMove(state, _ => { });
        await archive.Moving;
        archive.DropLogged(state);
        Assert.Equal([3, 4, 5, 6], state.Turns.Select(t => t.Seq));
    }
}
