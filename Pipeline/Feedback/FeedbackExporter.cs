using System.Text;
using System.Text.Json;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Grains.Game;

namespace TextGameGen.Pipeline.Feedback;

/// <summary>What an export wrote.</summary>
public sealed record FeedbackExport(int Ratings, int Liked, int Disliked, int LikedQuests, string Directory);

/// <summary>
/// Exports players' ratings from the game's feedback store: every rating to <c>feedback.jsonl</c> (passage, comment,
/// generator, model version, sampler settings, seed), and the passages rated up as corpus input that
/// <c>tgg corpus build</c> takes: narration and speech (speech in quotes, so the tagger marks it as dialogue) in
/// <c>liked.txt</c>, quest-giver lines in <c>liked-quests.tsv</c> (a <c>content</c> column). Only a passage's latest
/// rating counts.
/// </summary>
public static class FeedbackExporter
{
    public static async Task<FeedbackExport> ExportAsync(IFeedbackStore store, string outDirectory, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(outDirectory);
        int ratings = 0, liked = 0, disliked = 0, quests = 0;
        await using var jsonl = new StreamWriter(Path.Combine(outDirectory, "feedback.jsonl"), false, new UTF8Encoding(false));
        await using var text = new StreamWriter(Path.Combine(outDirectory, "liked.txt"), false, new UTF8Encoding(false));
        await using var tsv = new StreamWriter(Path.Combine(outDirectory, "liked-quests.tsv"), false, new UTF8Encoding(false));
        await tsv.WriteLineAsync("content");
        await foreach (var f in store.ReadLatestAsync(cancellationToken))
        {
            ratings++;
            var passage = f.Text.Trim();
            await jsonl.WriteLineAsync(JsonSerializer.Serialize(FeedbackRow.From(f), FeedbackJson.Lines.FeedbackRow));
            if (f.Rating < 0)
            {
                disliked++;
                continue;
            }
            if (passage.Length == 0) continue;
            liked++;
            var oneLine = string.Join(' ', passage.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            if (f.PassageTag == StoryTokens.Quest)
            {
                quests++;
                await tsv.WriteLineAsync(oneLine.Replace('\t', ' '));
            }
            else
            {
                await text.WriteLineAsync(f.PassageTag == StoryTokens.Dialogue && !oneLine.StartsWith('"') ? $"\"{oneLine}\"" : oneLine);
                await text.WriteLineAsync();
            }
        }
        return new FeedbackExport(ratings, liked, disliked, quests, outDirectory);
    }
}
