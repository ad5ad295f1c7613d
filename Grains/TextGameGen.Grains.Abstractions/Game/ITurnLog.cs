namespace TextGameGen.Grains.Game;

/// <summary>
/// Where the older turns of each player's story are kept (the game's database: a table in SQLite and PostgreSQL, a
/// sorted set per player in Redis). A player grain's state keeps only its recent turns, so a turn's write costs the
/// same at turn 10 and at turn 5,000; turns leave the state for this log once settled. A turn is keyed by player
/// and position, so writing one again (after a crash between the log and the state) replaces it.
/// </summary>
public interface ITurnLog
{
    /// <summary>Stores the turns (inserting or replacing each by player and <see cref="StoryTurn.Seq"/>).</summary>
    Task WriteAsync(string playerId, IReadOnlyList<StoryTurn> turns);

    /// <summary>The newest <paramref name="count"/> turns before position <paramref name="beforeSeq"/>, oldest first.</summary>
    Task<IReadOnlyList<StoryTurn>> ReadBeforeAsync(string playerId, int beforeSeq, int count);
}
