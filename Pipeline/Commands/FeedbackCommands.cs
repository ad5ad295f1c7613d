using System.CommandLine;
using TextGameGen.Pipeline.Feedback;
using TextGameGen.Storage;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg feedback export</c>: players' ratings out of the game's database, as corpus input.</summary>
internal static class FeedbackCommands
{
    public static Command Create() => new("feedback", "Players' ratings of passages") { Export() };

    private static Command Export()
    {
        var db = new Option<string>("--db") { DefaultValueFactory = _ => "data/textgamegen.db", Description = "the game's SQLite database (TextGameGen:Storage:Database)" };
        var output = new Option<string>("--out") { Required = true, Description = "folder for feedback.jsonl, liked.txt and liked-quests.tsv" };
        var command = new Command("export", "Every rating to feedback.jsonl; passages rated up to liked.txt and liked-quests.tsv, which tgg corpus build takes as input") { db, output };
        command.SetAction((parse, cancellationToken) => CommandErrors.Guard(async () =>
        {
            var store = new SqlFeedbackStore(new SqliteGameDatabase(parse.GetValue(db)!, mustExist: true));
            var result = await FeedbackExporter.ExportAsync(store, parse.GetValue(output)!, cancellationToken);
            Console.WriteLine($"{result.Ratings} ratings ({result.Liked} up, {result.Disliked} down; {result.LikedQuests} quest lines) written to {result.Directory}");
            Console.WriteLine($"next: tgg corpus build --input {Path.Combine(result.Directory, "liked.txt")} {Path.Combine(result.Directory, "liked-quests.tsv")} ... --out DIR");
            return 0;
        }));
        return command;
    }
}
