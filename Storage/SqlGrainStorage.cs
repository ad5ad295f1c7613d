using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Orleans.Storage;

namespace TextGameGen.Storage;

/// <summary>
/// Orleans grain storage in a <see cref="GameDatabase"/>: one row per grain and state, the state as JSON, and an
/// integer ETag that every write checks and bumps, so a stale write (two activations of one grain, say) fails with
/// <see cref="InconsistentStateException"/> instead of overwriting newer state.
/// </summary>
public sealed class SqlGrainStorage(GameDatabase database) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await database.OpenAsync().ConfigureAwait(false);
        await using var command = GameDatabase.Command(connection, "SELECT data, etag FROM grain_state WHERE grain_id = @id AND state_name = @name",
            ("@id", grainId.ToString()), ("@name", stateName));
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        if (!await reader.ReadAsync().ConfigureAwait(false))
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        grainState.State = JsonSerializer.Deserialize<T>(reader.GetString(0), StorageJson.Options)
            ?? throw new InvalidDataException($"Stored state of {grainId} ({stateName}) is null.");
        grainState.ETag = reader.GetInt64(1).ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = database.JsonValue(JsonSerializer.SerializeToUtf8Bytes(grainState.State, StorageJson.Options));
        var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        var id = grainId.ToString();
        var etag = grainState.ETag;
        long next = await database.WriteAsync(async (_, transaction) =>
        {
            if (etag is null)
            {
                await using var insert = GameDatabase.Command(transaction,
                    "INSERT INTO grain_state (grain_id, state_name, data, etag, updated_at) VALUES (@id, @name, CAST(@data AS TEXT), 1, @now)",
                    ("@id", id), ("@name", stateName), ("@data", data), ("@now", now));
                try
                {
                    await insert.ExecuteNonQueryAsync().ConfigureAwait(false);
                }
                catch (DbException ex) when (database.IsDuplicateKey(ex))
                {
                    throw new InconsistentStateException($"State of {grainId} ({stateName}) was stored by someone else meanwhile.", "(exists)", "(none)", ex);
                }
                return 1L;
            }
            long expected = long.Parse(etag, CultureInfo.InvariantCulture);
            await using var update = GameDatabase.Command(transaction,
                "UPDATE grain_state SET data = CAST(@data AS TEXT), etag = etag + 1, updated_at = @now WHERE grain_id = @id AND state_name = @name AND etag = @etag",
                ("@id", id), ("@name", stateName), ("@data", data), ("@now", now), ("@etag", expected));
            if (await update.ExecuteNonQueryAsync().ConfigureAwait(false) != 1)
                throw new InconsistentStateException($"State of {grainId} ({stateName}) changed since it was read (ETag {expected}).", "(changed)", etag);
            return expected + 1;
        }).ConfigureAwait(false);
        grainState.ETag = next.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var id = grainId.ToString();
        var etag = grainState.ETag;
        await database.WriteAsync(async (_, transaction) =>
        {
            await using var command = etag is null
                ? GameDatabase.Command(transaction, "DELETE FROM grain_state WHERE grain_id = @id AND state_name = @name", ("@id", id), ("@name", stateName))
                : GameDatabase.Command(transaction, "DELETE FROM grain_state WHERE grain_id = @id AND state_name = @name AND etag = @etag",
                    ("@id", id), ("@name", stateName), ("@etag", long.Parse(etag, CultureInfo.InvariantCulture)));
            if (await command.ExecuteNonQueryAsync().ConfigureAwait(false) == 0 && etag is not null)
                throw new InconsistentStateException($"State of {grainId} ({stateName}) changed since it was read.", "(changed)", etag);
            return true;
        }).ConfigureAwait(false);
        grainState.ETag = null;
        grainState.RecordExists = false;
    }
}
