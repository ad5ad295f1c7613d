namespace TextGameGen.Grains.Game.Players;

/// <summary>
/// Keeps a player's state small: turns beyond the recent <see cref="GameOptions.RecentTurns"/> move to the
/// <see cref="ITurnLog"/> once settled (a passage pending or being written stays, and so does every turn after it).
/// The log is written after the state, off the acknowledgement's path (<see cref="StartMove"/>), and a turn leaves the
/// state only at the state's next write once the log holds it (<see cref="DropLogged"/>): a crash in between leaves a
/// turn in both places, never in neither, and a turn costs one storage write before it is acknowledged, not two.
/// "Earlier story" reads them back a page at a time.
/// </summary>
public sealed class StoryArchive(ITurnLog log, string playerId, int recentTurns)
{
    public const int MaxPage = 100;

    private int _loggedThrough;
    private Task _moving = Task.CompletedTask;

    /// <summary>The log write under way (completed when none is); it never throws (a failed write is tried again later).</summary>
    public Task Moving => _moving;

    /// <summary>Removes from <paramref name="state"/> the oldest turns the log already holds; call before writing the state.</summary>
    public void DropLogged(PlayerState state)
    {
        int n = 0;
        while (n < state.Turns.Count && state.Turns[n].Seq <= _loggedThrough) n++;
        if (n > 0) state.Turns.RemoveRange(0, n);
    }

    /// <summary>
    /// Starts writing the settled turns beyond the recent ones to the log (copies of them; nothing when a write is
    /// under way). They leave the state at a later <see cref="DropLogged"/>. <paramref name="failed"/> hears of a
    /// failed write; its turns stay in the state and are written at the next start.
    /// </summary>
    public void StartMove(PlayerState state, Action<Exception> failed)
    {
        if (!_moving.IsCompleted) return;
        int excess = state.Turns.Count - recentTurns;
        int settled = 0;
        while (settled < excess && state.Turns[settled].Status is not (PassageStatus.Pending or PassageStatus.Generating)) settled++;
        var turns = state.Turns.GetRange(0, settled).Where(t => t.Seq > _loggedThrough).Select(t => t.Clone()).ToList();
        if (turns.Count == 0) return;
        _moving = MoveAsync(turns, failed);
    }

    private async Task MoveAsync(List<StoryTurn> turns, Action<Exception> failed)
    {
        try
        {
            await log.WriteAsync(playerId, turns);
            _loggedThrough = Math.Max(_loggedThrough, turns[^1].Seq);
        }
        catch (Exception ex)
        {
            failed(ex);
        }
    }

    /// <summary>
    /// Up to <paramref name="count"/> turns before position <paramref name="beforeSeq"/>, oldest first: from the log for
    /// positions before the recent turns, from the state for the rest. Turns taken back or replaced are left out.
    /// </summary>
    public async Task<EarlierStory> ReadBeforeAsync(PlayerState state, int beforeSeq, int count)
    {
        if (count < 1 || count > MaxPage) throw new ArgumentException($"A page of earlier story is 1 to {MaxPage} turns.");
        int firstKept = state.Turns.Count > 0 ? state.Turns[0].Seq : int.MaxValue;
        var fromState = state.Turns.Where(t => t.Seq < beforeSeq).TakeLast(count).Select(t => t.Clone()).ToList();
        var turns = fromState;
        if (fromState.Count < count && Math.Min(beforeSeq, firstKept) > 1)
        {
            var fromLog = await log.ReadBeforeAsync(playerId, Math.Min(beforeSeq, firstKept), count - fromState.Count);
            turns = [.. fromLog, .. fromState];
        }
        int next = turns.Count > 0 ? turns[0].Seq : 1;
        return new EarlierStory([.. turns.Where(t => !t.Hidden)], next, HasMore: next > 1);
    }
}
