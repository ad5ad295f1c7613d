using System.Text.Json;
using TextGameGen.Grains.Game;

namespace TextGameGen.Storage;

/// <summary>
/// Players' older turns in the <c>turn_log</c> table: one row per turn, keyed by player and position, the turn as JSON.
/// Turns move here after the player's state that holds them is written (<c>StoryArchive</c>, off the acknowledgement's
/// path), and the state drops them at its next write once this write has completed. So this commit is durable (it
/// waits for its flush): a commit acknowledged before its flush could be lost to a crash of the database server after
/// the state had dropped its turns.
/// </summary>
public sealed class SqlTurnLog(GameDatabase database) : ITurnLog
{
    public async Task WriteAsync(string playerId, IReadOnlyList<StoryTurn> turns)
    {
        if (turns.Count == 0) return;
        var rows = turns.Select(t => (t.Seq, Data: database.JsonValue(JsonSerializer.SerializeToUtf8Bytes(t, StorageJson.Options)))).ToList();
        await database.WriteAsync(async (_, transaction) =>
        {
            foreach (var (seq, data) in rows)
            {
                await using var upsert = GameDatabase.Command(transaction, """
                    INSERT INTO turn_log (player_id, seq, data) VALUES (@player, @seq, CAST(@data AS TEXT))
                    ON CONFLICT (player_id, seq) DO UPDATE SET data = excluded.data
                    """, ("@player", playerId), ("@seq", seq), ("@data", data));
                await upsert.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            return rows.Count;
        }).ConfigureAwait(false);
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
