using System.Text.Json;
using TextGameGen.Grains.Game;

namespace TextGameGen.Storage;

/// <summary>
/// Players' older turns in the <c>turn_log</c> table: one row per turn, keyed by player and position, the turn as JSON.
/// Turns move here just before the player's state is written without them, so this commit does not wait for its own
/// flush to disk: the state's durable commit right after flushes both (one flush per turn, not two). Should the
/// machine lose power in between, the state still holds the turns (the next move writes them again).
/// </summary>
public sealed class SqlTurnLog(GameDatabase database) : ITurnLog
{
    public async Task WriteAsync(string playerId, IReadOnlyList<StoryTurn> turns)
    {
        if (turns.Count == 0) return;
        using var writing = await database.EnterWriteAsync().ConfigureAwait(false);
        await using var connection = await database.OpenAsync().ConfigureAwait(false);
        await using var transaction = await database.BeginDeferredFlushAsync(connection).ConfigureAwait(false);
        foreach (var turn in turns)
        {
            await using var upsert = GameDatabase.Command(connection, """
                INSERT INTO turn_log (player_id, seq, data) VALUES (@player, @seq, @data)
                ON CONFLICT (player_id, seq) DO UPDATE SET data = excluded.data
                """, ("@player", playerId), ("@seq", turn.Seq), ("@data", JsonSerializer.Serialize(turn, StorageJson.Options)));
            upsert.Transaction = transaction;
            await upsert.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        await transaction.CommitAsync().ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<StoryTurn>> ReadBeforeAsync(string playerId, int beforeSeq, int count)
    {
        await using var connection = await database.OpenAsync().ConfigureAwait(false);
        await using var command = GameDatabase.Command(connection,
            "SELECT data FROM turn_log WHERE player_id = @player AND seq < @before ORDER BY seq DESC LIMIT @count",
            ("@player", playerId), ("@before", beforeSeq), ("@count", Math.Max(0, count)));
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var turns = new List<StoryTurn>();
        while (await reader.ReadAsync().ConfigureAwait(false))
            turns.Add(JsonSerializer.Deserialize<StoryTurn>(reader.GetString(0), StorageJson.Options)
                ?? throw new InvalidDataException($"A stored turn of player {playerId} is null."));
        turns.Reverse();
        return turns;
    }
}
