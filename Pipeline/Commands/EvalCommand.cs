using System.CommandLine;
using System.Text.Json;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Runtime;
using TextGameGen.Pipeline.Evaluation;

namespace TextGameGen.Pipeline.Commands;

/// <summary><c>tgg eval</c>: perplexity on a split through the serving path, optionally beside a baseline model.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "model directory", Required = true };
        var data = new Option<string[]>("--data") { Description = "tagged lines (dev.txt, test.txt); repeatable", Required = true, AllowMultipleArgumentsPerToken = true };
        var baseline = new Option<string?>("--baseline") { Description = "a second model directory measured on the same data" };
        var maxLines = new Option<int>("--max-lines") { DefaultValueFactory = _ => 0, Description = "use only the first N lines of each file (0 = all)" };
        var device = ModelOptions.Device();
        var json = new Option<string?>("--json") { Description = "write the results as JSON here" };
        var command = new Command("eval", "Perplexity through the same ONNX session and decode steps the server uses") { model, data, baseline, maxLines, device, json };
        command.SetAction(parse => CommandErrors.Guard(() =>
        {
            var results = new List<object>();
            var models = new[] { parse.GetValue(model) }.Concat(parse.GetValue(baseline) is { } b ? [b] : Array.Empty<string>()).ToList();
            Console.WriteLine("| model | data | lines | tokens | perplexity | seconds |");
            Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: |");
            foreach (var dirPath in models)
            {
                var dir = ModelDirectory.Open(dirPath!);
                using var session = Gpt2Session.Open(dir.ModelPath, ModelOptions.Session(parse.GetValue(device)!), m => Console.Error.WriteLine(m));
                foreach (var file in parse.GetValue(data)!)
                {
                    if (!File.Exists(file)) throw new FileNotFoundException($"Data file '{file}' does not exist.");
                    var lines = File.ReadAllLines(file).Where(l => l.Length > 0);
                    if (parse.GetValue(maxLines) > 0) lines = lines.Take(parse.GetValue(maxLines));
                    var r = PerplexityEvaluator.Evaluate(session, lines.ToList(), dir.Config.Context);
                    Console.WriteLine($"| {dirPath} | {Path.GetFileName(file)} | {r.Lines} | {r.PredictedTokens} | {r.Perplexity:F2} | {r.Seconds:F1} |");
                    results.Add(new { model = dirPath, data = Path.GetFileName(file), r.Lines, r.PredictedTokens, r.Perplexity, r.MeanNegativeLogLikelihood, r.Seconds });
                }
            }
            if (parse.GetValue(json) is { } path) File.WriteAllText(path, JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }));
        return command;
    }
}
