using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using TextGameGen.Inference.Tokenization;

namespace TextGameGen.Pipeline.Feedback;

/// <summary>What an export wrote.</summary>
public sealed record FeedbackExport(int Ratings, int Liked, int Disliked, int LikedQuests, string Directory);

/// <summary>
/// Exports players' ratings from the game's SQLite database: every rating to <c>feedback.jsonl</c> (passage, comment,
/// model version, sampler settings, seed), and the passages rated up as corpus input that <c>tgg corpus build</c>
/// takes: narration and speech (speech in quotes, so the tagger marks it as dialogue) in <c>liked.txt</c>, quest-giver
/// lines in <c>liked-quests.tsv</c> (a <c>content</c> column). Only a passage's latest rating counts.
/// </summary>
public static class FeedbackExporter
{
    public static FeedbackExport Export(string databasePath, string outDirectory)
    {
        if (!File.Exists(databasePath)) throw new FileNotFoundException($"No game database at '{databasePath}'.");
        Directory.CreateDirectory(outDirectory);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT f.at, f.player_id, f.turn_id, f.rating, f.comment, f.kind, f.passage_tag, f.text, f.model_version, f.sampler, f.seed
            FROM feedback f
            JOIN (SELECT MAX(id) AS id FROM feedback GROUP BY player_id, turn_id) latest ON latest.id = f.id
            ORDER BY f.id
            """;
        SqliteDataReader reader;
        try
        {
            reader = command.ExecuteReader();
        }
        catch (SqliteException ex) when (ex.Message.Contains("no such table", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"'{databasePath}' has no feedback table: is it the game's database?", ex);
        }
        int ratings = 0, liked = 0, disliked = 0, quests = 0;
        using (reader)
        using (var jsonl = new StreamWriter(Path.Combine(outDirectory, "feedback.jsonl"), false, new UTF8Encoding(false)))
        using (var text = new StreamWriter(Path.Combine(outDirectory, "liked.txt"), false, new UTF8Encoding(false)))
        using (var tsv = new StreamWriter(Path.Combine(outDirectory, "liked-quests.tsv"), false, new UTF8Encoding(false)))
        {
            tsv.WriteLine("content");
            while (reader.Read())
            {
                ratings++;
                int rating = reader.GetInt32(3);
                string tag = reader.GetString(6), passage = reader.GetString(7).Trim();
                var row = new JsonObject
                {
                    ["at"] = reader.GetString(0),
                    ["player"] = reader.GetString(1),
                    ["turn"] = reader.GetString(2),
                    ["rating"] = rating,
                    ["comment"] = reader.GetString(4),
                    ["kind"] = reader.GetString(5),
                    ["tag"] = tag,
                    ["text"] = passage,
                    ["modelVersion"] = reader.IsDBNull(8) ? null : reader.GetString(8),
                    ["sampler"] = reader.IsDBNull(9) ? null : JsonNode.Parse(reader.GetString(9)),
                    ["seed"] = reader.IsDBNull(10) ? null : reader.GetInt32(10),
                };
                jsonl.WriteLine(row.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                if (rating < 0)
                {
                    disliked++;
                    continue;
                }
                if (passage.Length == 0) continue;
                liked++;
                var oneLine = string.Join(' ', passage.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                if (tag == StoryTokens.Quest)
                {
                    quests++;
                    tsv.WriteLine(oneLine.Replace('\t', ' '));
                }
                else
                {
                    text.WriteLine(tag == StoryTokens.Dialogue && !oneLine.StartsWith('"') ? $"\"{oneLine}\"" : oneLine);
                    text.WriteLine();
                }
            }
        }
        return new FeedbackExport(ratings, liked, disliked, quests, outDirectory);
    }
}
