using System.CommandLine;
using System.Text.Json;
using TextGameGen.Grains.Game.World;
using TextGameGen.Pipeline.Evaluation;
using TextGameGen.Pipeline.Output;

namespace TextGameGen.Pipeline.Commands;

/// <summary>
/// <c>tgg eval passages</c>: the readability of the passages a model writes in the game, beside a baseline: the same
/// fixed first turns (<see cref="PassageScenarios"/>) and seeds, the game's context and sampler, the server's scheduler.
/// </summary>
internal static class EvalPassagesCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model directory", Required = true };
        var baseline = new Option<string?>("--baseline") { Description = "a second model directory, written beside it from the same prompts and seeds" };
        var world = new Option<string>("--world") { DefaultValueFactory = _ => "worlds/fantasy.json", Description = "the world file whose rooms, memory and author's note the prompts use" };
        var seeds = new Option<int>("--seeds") { DefaultValueFactory = _ => 10, Description = "seeds per prompt (20 prompts: 10 seeds make 200 passages)" };
        var samples = new Option<int>("--samples") { DefaultValueFactory = _ => 10, Description = "passages shown side by side (seed 1 of the first prompts)" };
        var before = new Option<bool>("--before") { Description = "also write them as the server did before passages ended at sentences (48 tokens, kept as written)" };
        var batched = new Option<bool>("--batched") { Description = "write the passages continuously batched, as the server does: faster, but not the same on every run (default: one at a time, repeatable)" };
        var push = new Option<float?>("--sentence-end-push") { Description = $"the sentence-end push of the game's rules (default {PassageRules.Now.Sampler.SentenceEndPush}, the server's; 0: off)" };
        var namePenalty = new Option<float?>("--foreign-name-penalty") { Description = $"the game's penalty on the books' names the context does not give (default {PassageRules.Now.Sampler.ForeignNamePenalty}, the server's; 0: off)" };
        var device = ModelOptions.Device();
        var json = ModelOptions.Json();
        var command = new Command("passages", "Passage readability in the game (sentence ends, repeated 3-grams, distinct-2, length, the books' names) from fixed prompts and seeds, beside a baseline")
        {
            model, baseline, world, seeds, samples, before, batched, push, namePenalty, device, json,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.Guard(async () =>
        {
            int seedCount = parse.GetValue(seeds), sampleCount = parse.GetValue(samples);
            if (seedCount < 1) throw new ArgumentException("--seeds must be at least 1.");
            string worldPath = parse.GetValue(world)!;
            var definition = WorldFiles.Read(worldPath, Path.GetFileNameWithoutExtension(worldPath));
            var models = (parse.GetValue(baseline) is { } b ? new[] { b } : []).Append(parse.GetValue(model)!).ToList();
            var now = parse.GetValue(push) is { } p ? PassageRules.Now with { Sampler = PassageRules.Now.Sampler with { SentenceEndPush = p } } : PassageRules.Now;
            if (parse.GetValue(namePenalty) is { } np) now = now with { Sampler = now.Sampler with { ForeignNamePenalty = np } };
            if (now.Sampler.Validate() is { } invalid) throw new ArgumentException(invalid);
            var rules = parse.GetValue(before) ? new[] { PassageRules.Before, now } : [now];
            var scenarios = PassageScenarios.Default;
            var runs = new List<(string Model, PassageRules Rules, IReadOnlyList<WrittenPassage> Passages)>();
            foreach (var dir in models)
                foreach (var r in rules)
                {
                    var written = await LongTask.RunAsync($"{Label(dir)} ({r.Name})", sink => PassageWriting.WriteAsync(dir, definition, scenarios, seedCount, r,
                        ModelOptions.Session(parse.GetValue(device)!), sink, parse.GetValue(batched), cancellationToken));
                    runs.Add((Label(dir), r, written));
                }

            Console.WriteLine($"{scenarios.Count} first turns in '{definition.Title}' x {seedCount} seeds, the game's sampler (temperature {now.Sampler.Temperature}, top-k {now.Sampler.TopK}, top-p {now.Sampler.TopP}, repetition penalty {now.Sampler.RepetitionPenalty}, sentence-end push {now.Sampler.SentenceEndPush}, foreign-name penalty {now.Sampler.ForeignNamePenalty})");
            // The books' names: every evaluated model's names.txt together, so old and new are counted against the same list.
            var bookNames = models.SelectMany(Inference.Packaging.ModelDirectory.ReadNames).ToHashSet(StringComparer.Ordinal);
            if (bookNames.Count > 0) Console.WriteLine($"book names: the {bookNames.Count} of the models' names.txt; the player is {PassageWriting.PlayerName}");
            var table = TableWriter.With("model", "passages", "#count", "#ending a sentence", "#repeated 3-grams", "#distinct-2", "#mean words", "#empty", "#book names", "#player named");
            var measured = runs.Select(r => (Readability: PassageMetrics.Measure([.. r.Passages.Select(p => p.Kept)]),
                Names: NameMetrics.Measure([.. r.Passages.Select(p => (p.Kept, p.KnownNames))], bookNames, PassageWriting.PlayerName))).ToList();
            foreach (var (run, (m, n)) in runs.Zip(measured))
            {
                table.Row(run.Model, run.Rules.Name, m.Passages, $"{m.EndingSentence:P1}", $"{m.Repeated3Grams:P1}", $"{m.Distinct2:F3}", $"{m.MeanWords:F1}", $"{m.Empty:P1}",
                    bookNames.Count > 0 ? $"{n.BookNames:P1}" : "n/a", $"{n.PlayerNamed:P1}");
            }
            table.Write();

            Console.WriteLine();
            var shown = runs.Where(r => r.Rules == rules[^1]).ToList();
            var side = TableWriter.With(["turn", .. shown.Select(r => r.Model)]);
            foreach (var scenario in scenarios.Take(sampleCount))
                side.Row([scenario.Command, .. shown.Select(r => r.Passages.First(p => p.Scenario == scenario && p.Seed == 1).Kept.ReplaceLineEndings(" "))]);
            side.Write();

            if (parse.GetValue(json) is { } path)
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(runs.Zip(measured, (r, m) => new
                {
                    model = r.Model, rules = r.Rules.Name, metrics = m.Readability, names = m.Names,
                    passages = r.Passages.Select(p => new { room = p.Scenario.Room, command = p.Scenario.Command, seed = p.Seed, raw = p.Raw, kept = p.Kept, tokens = p.Tokens, finish = p.Finish?.ToString() }),
                }), new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
            return 0;
        }));
        return command;
    }

    /// <summary>"fantasy/v2" for models/fantasy/v2: the generator and version when the path has them.</summary>
    private static string Label(string dir)
    {
        var full = Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar);
        return Path.GetFileName(Path.GetDirectoryName(full)) + "/" + Path.GetFileName(full);
    }
}
