using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Grains.Game;

namespace TextGameGen.Storage;

/// <summary>Players' ratings in the <c>feedback</c> table, each with the passage, generator, model version, sampler settings and seed.</summary>
public sealed class SqlFeedbackStore(GameDatabase database) : IFeedbackStore
{
    public async Task AddAsync(PassageFeedback f)
    {
        var sampler = f.Sampler is null ? null : JsonSerializer.Serialize(f.Sampler, StorageJson.Options);
        await database.WriteAsync(async (_, transaction) =>
        {
            await using var command = GameDatabase.Command(transaction, """
                INSERT INTO feedback (at, player_id, turn_id, rating, comment, kind, passage_tag, text, model_version, sampler, seed, generator)
                VALUES (@at, @player, @turn, @rating, @comment, @kind, @tag, @text, @version, @sampler, @seed, @generator)
                """,
                ("@at", f.At.ToString("O", CultureInfo.InvariantCulture)), ("@player", f.PlayerId), ("@turn", f.TurnId), ("@rating", f.Rating),
                ("@comment", f.Comment), ("@kind", f.Kind.ToString().ToLowerInvariant()), ("@tag", f.PassageTag), ("@text", f.Text),
                ("@version", f.ModelVersion), ("@sampler", sampler), ("@seed", f.Seed), ("@generator", f.Generator));
            return await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<PassageFeedback> ReadLatestAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = GameDatabase.Command(connection, """
            SELECT f.at, f.player_id, f.turn_id, f.rating, f.comment, f.kind, f.passage_tag, f.text, f.model_version, f.sampler, f.seed, f.generator
            FROM feedback f
            JOIN (SELECT MAX(id) AS id FROM feedback GROUP BY player_id, turn_id) latest ON latest.id = f.id
            ORDER BY f.id
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            yield return new PassageFeedback(reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4),
                Enum.TryParse<TurnKind>(reader.GetString(5), ignoreCase: true, out var kind) ? kind : TurnKind.Do, reader.GetString(6), reader.GetString(7),
                Text(8), Text(9) is { } sampler ? JsonSerializer.Deserialize<SamplerSettings>(sampler, StorageJson.Options) : null,
                reader.IsDBNull(10) ? null : reader.GetInt32(10), DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture), Text(11));
        }
    }
}
