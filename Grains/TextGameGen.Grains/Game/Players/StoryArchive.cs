namespace TextGameGen.Grains.Game.Players;

/// <summary>
/// Keeps a player's state small: turns beyond the recent <see cref="GameOptions.RecentTurns"/> move to the
/// <see cref="ITurnLog"/> once settled (a passage pending or being written stays, and so does every turn after it),
/// written there before the state that no longer holds them, so a crash in between leaves a turn in both places,
/// never in neither. "Earlier story" reads them back a page at a time.
/// </summary>
public sealed class StoryArchive(ITurnLog log, string playerId, int recentTurns)
{
    public const int MaxPage = 100;

    /// <summary>Moves the settled turns beyond the recent ones from <paramref name="state"/> to the log.</summary>
    public async Task MoveSettledTurnsAsync(PlayerState state)
    {
        int excess = state.Turns.Count - recentTurns;
        int settled = 0;
        while (settled < excess && state.Turns[settled].Status is not (PassageStatus.Pending or PassageStatus.Generating)) settled++;
        if (settled == 0) return;
        await log.WriteAsync(playerId, state.Turns.GetRange(0, settled));
        state.Turns.RemoveRange(0, settled);
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
