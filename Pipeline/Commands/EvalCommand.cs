using System.CommandLine;
using System.Text.Json;
using TextGameGen.Pipeline.Evaluation;
using TextGameGen.Pipeline.Output;

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
        var json = ModelOptions.Json();
        var command = new Command("eval", "Perplexity through the same ONNX session and decode steps the server uses; 'eval passages': readability of the game's passages")
        {
            model, data, baseline, maxLines, device, json, EvalPassagesCommand.Create(),
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.Guard(() =>
        {
            if (parse.GetValue(maxLines) < 0) throw new ArgumentException("--max-lines must be 0 (all) or positive.");
            var models = new[] { parse.GetValue(model)! }.Concat(parse.GetValue(baseline) is { } b ? [b] : Array.Empty<string>()).ToList();
            var results = new List<FilePerplexity>();
            foreach (var dir in models)
            {
                results.AddRange(LongTask.Run($"eval {dir}", sink =>
                    ModelEvaluation.Evaluate(dir, parse.GetValue(data)!, parse.GetValue(maxLines), ModelOptions.Session(parse.GetValue(device)!), sink, cancellationToken)));
            }
            var table = TableWriter.With("model", "data", "#lines", "#tokens", "#perplexity", "#seconds");
            foreach (var r in results)
                table.Row(r.Model, Path.GetFileName(r.Data), r.Result.Lines, r.Result.PredictedTokens, r.Result.Perplexity.ToString("F2"), r.Result.Seconds.ToString("F1"));
            table.Write();
            if (parse.GetValue(json) is { } path)
                File.WriteAllText(path, JsonSerializer.Serialize(results.Select(r => new { model = r.Model, data = Path.GetFileName(r.Data), r.Result.Lines, r.Result.PredictedTokens, r.Result.Perplexity, r.Result.MeanNegativeLogLikelihood, r.Result.Seconds }),
                    new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }));
        return command;
    }
}
