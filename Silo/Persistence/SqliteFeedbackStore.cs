using System.Globalization;
using System.Text.Json;
using TextGameGen.Grains;
using TextGameGen.Grains.Game;

namespace TextGameGen.Silo.Persistence;

/// <summary>Players' ratings in the <c>feedback</c> table, each with the passage, model version, sampler settings and seed.</summary>
public sealed class SqliteFeedbackStore(SqliteDatabase database) : IFeedbackStore
{
    public async Task AddAsync(PassageFeedback f)
    {
        await using var connection = await database.OpenAsync().ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO feedback (at, player_id, turn_id, rating, comment, kind, passage_tag, text, model_version, sampler, seed)
            VALUES ($at, $player, $turn, $rating, $comment, $kind, $tag, $text, $version, $sampler, $seed)
            """;
        command.Parameters.AddWithValue("$at", f.At.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$player", f.PlayerId);
        command.Parameters.AddWithValue("$turn", f.TurnId);
        command.Parameters.AddWithValue("$rating", f.Rating);
        command.Parameters.AddWithValue("$comment", f.Comment);
        command.Parameters.AddWithValue("$kind", f.Kind);
        command.Parameters.AddWithValue("$tag", f.PassageTag);
        command.Parameters.AddWithValue("$text", f.Text);
        command.Parameters.AddWithValue("$version", (object?)f.ModelVersion ?? DBNull.Value);
        command.Parameters.AddWithValue("$sampler", f.Sampler is null ? DBNull.Value : JsonSerializer.Serialize(f.Sampler, SqliteGrainStorage.Json));
        command.Parameters.AddWithValue("$seed", (object?)f.Seed ?? DBNull.Value);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
