using System.Text.Json;
using TextGameGen.Grains.Game;

namespace TextGameGen.Storage;

/// <summary>Players' older turns in the <c>turn_log</c> table: one row per turn, keyed by player and position, the turn as JSON.</summary>
public sealed class SqlTurnLog(GameDatabase database) : ITurnLog
{
    public async Task WriteAsync(string playerId, IReadOnlyList<StoryTurn> turns)
    {
        if (turns.Count == 0) return;
        await using var connection = await database.OpenAsync().ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
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
