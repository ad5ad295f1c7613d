using TextGameGen.Inference.Packaging;
using TextGameGen.Inference.Runtime;
using TextGameGen.Pipeline.Output;
using TextGameGen.Pipeline.Text;

namespace TextGameGen.Pipeline.Evaluation;

/// <summary>A model's perplexity on one file of tagged lines.</summary>
public sealed record FilePerplexity(string Model, string Data, PerplexityResult Result);

/// <summary>
/// The one evaluation: a model directory's perplexity on files of tagged lines through the serving path, used by
/// <c>tgg eval</c>, <c>tgg registry add --dev</c> and <c>tgg pipeline run</c>.
/// </summary>
public static class ModelEvaluation
{
    public static IReadOnlyList<FilePerplexity> Evaluate(string modelDirectory, IReadOnlyList<string> dataFiles, int maxLines = 0,
        SessionSettings? settings = null, IProgressSink? progress = null, CancellationToken cancellationToken = default)
    {
        var dir = ModelDirectory.Open(modelDirectory);
        var data = dataFiles.Select(f => (File: f, Lines: Utf8Text.ReadLines(f, maxLines))).ToList();
        using var session = Gpt2Session.Open(dir.ModelPath, settings, m => progress?.Line(m));
        double total = data.Sum(d => d.Lines.Count), done = 0;
        var results = new List<FilePerplexity>();
        foreach (var (file, lines) in data)
        {
            double before = done;
            var result = PerplexityEvaluator.Evaluate(session, lines, dir.Config.Context, cancellationToken: cancellationToken,
                linesDone: n => progress?.Report(before + n, total, Path.GetFileName(file)));
            done += lines.Count;
            results.Add(new FilePerplexity(modelDirectory, file, result));
        }
        return results;
    }
}
