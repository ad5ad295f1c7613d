using System.CommandLine;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Pipeline.Corpus;
using TextGameGen.Pipeline.Output;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg corpus build</c>.</summary>
internal static class CorpusCommands
{
    public static Command Create() => new("corpus", "Prepare training data") { BuildCommand() };

    private static Command BuildCommand()
    {
        var inputs = new Option<string[]>("--input") { Description = "a book (.txt), a dialogue export (.tsv) or a folder of them; repeatable", Required = true, AllowMultipleArgumentsPerToken = true };
        var heldOut = new Option<string[]>("--held-out") { Description = "an earlier corpus's held-out.sha256: its dev and test lines stay in dev and test here, never in train; repeatable", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "directory for train.txt, dev.txt, test.txt and manifest.json", Required = true };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var split = new Option<string>("--split") { DefaultValueFactory = _ => "90,5,5", Description = "train,dev,test percentages" };
        var command = new Command("build", "Clean, sentence-split, tag, deduplicate and split a corpus") { inputs, output, seed, split, heldOut };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            var raw = parse.GetValue(split)!.Split(',').Select(s => int.TryParse(s, out var v) ? v : -1).ToArray();
            if (raw.Length != 3) throw new ArgumentException($"--split needs three percentages, like 90,5,5 (got '{parse.GetValue(split)}').");
            var settings = new CorpusSettings(parse.GetValue(seed), raw[0], raw[1], raw[2]) { HeldOutFiles = parse.GetValue(heldOut) ?? [] };
            var manifest = CorpusBuilder.Build(parse.GetValue(inputs)!, parse.GetValue(output)!, settings);
            var table = TableWriter.With("split", "#lines", "#tokens", "#action", "#dialogue", "#quest");
            foreach (var (name, split) in manifest.Splits)
                table.Row(name, split.Lines, split.Tokens, split.Tags[StoryTokens.Action], split.Tags[StoryTokens.Dialogue], split.Tags[StoryTokens.Quest]);
            table.Write();
            return 0;
        }));
        return command;
    }
}
