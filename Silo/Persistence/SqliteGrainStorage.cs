using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using Orleans.Storage;

namespace TextGameGen.Silo.Persistence;

/// <summary>
/// Orleans grain storage in a SQLite file: one row per grain and state, the state as JSON, and an integer ETag that
/// every write checks and bumps, so a stale write (two activations of one grain, say) fails with
/// <see cref="InconsistentStateException"/> instead of overwriting newer state.
/// </summary>
public sealed class SqliteGrainStorage(SqliteDatabase database) : IGrainStorage
{
    /// <summary>Web defaults, enums by name, and text kept readable in the database (it is never embedded in a page).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await database.OpenAsync().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT data, etag FROM grain_state WHERE grain_id = $id AND state_name = $name";
        command.Parameters.AddWithValue("$id", grainId.ToString());
        command.Parameters.AddWithValue("$name", stateName);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        if (!await reader.ReadAsync().ConfigureAwait(false))
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        grainState.State = JsonSerializer.Deserialize<T>(reader.GetString(0), Json)
            ?? throw new InvalidDataException($"Stored state of {grainId} ({stateName}) is null.");
        grainState.ETag = reader.GetInt64(1).ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = JsonSerializer.Serialize(grainState.State, Json);
        await using var connection = await database.OpenAsync().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("$id", grainId.ToString());
        command.Parameters.AddWithValue("$name", stateName);
        command.Parameters.AddWithValue("$data", data);
        command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        long next;
        if (grainState.ETag is null)
        {
            command.CommandText = "INSERT INTO grain_state (grain_id, state_name, data, etag, updated_at) VALUES ($id, $name, $data, 1, $now)";
            try
            {
                await command.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 19) // constraint: someone stored it first
            {
                throw new InconsistentStateException($"State of {grainId} ({stateName}) was stored by someone else meanwhile.", "(exists)", "(none)", ex);
            }
            next = 1;
        }
        else
        {
            long expected = long.Parse(grainState.ETag, CultureInfo.InvariantCulture);
            command.CommandText = "UPDATE grain_state SET data = $data, etag = etag + 1, updated_at = $now WHERE grain_id = $id AND state_name = $name AND etag = $etag";
            command.Parameters.AddWithValue("$etag", expected);
            if (await command.ExecuteNonQueryAsync().ConfigureAwait(false) != 1)
                throw new InconsistentStateException($"State of {grainId} ({stateName}) changed since it was read (ETag {expected}).", "(changed)", grainState.ETag);
            next = expected + 1;
        }
        grainState.ETag = next.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await database.OpenAsync().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM grain_state WHERE grain_id = $id AND state_name = $name" + (grainState.ETag is null ? "" : " AND etag = $etag");
        command.Parameters.AddWithValue("$id", grainId.ToString());
        command.Parameters.AddWithValue("$name", stateName);
        if (grainState.ETag is not null) command.Parameters.AddWithValue("$etag", long.Parse(grainState.ETag, CultureInfo.InvariantCulture));
        if (await command.ExecuteNonQueryAsync().ConfigureAwait(false) == 0 && grainState.ETag is not null)
            throw new InconsistentStateException($"State of {grainId} ({stateName}) changed since it was read.", "(changed)", grainState.ETag);
        grainState.ETag = null;
        grainState.RecordExists = false;
    }
}
