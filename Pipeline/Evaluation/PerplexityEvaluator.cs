using System.Diagnostics;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Runtime;

namespace TextGameGen.Pipeline.Evaluation;

/// <summary>Perplexity over a set of lines, and how long it took.</summary>
public sealed record PerplexityResult(double Perplexity, double MeanNegativeLogLikelihood, long PredictedTokens, int Lines, double Seconds);

/// <summary>
/// Measures perplexity through the serving path: each line is fed token by token through the same session and
/// decode steps the scheduler uses (prefill of the first token, then one KV-cache step per token), rows batched.
/// Each line is scored on its own (no context from other lines); lines longer than the context are cut.
/// </summary>
public static class PerplexityEvaluator
{
    public static PerplexityResult Evaluate(Gpt2Session session, IReadOnlyList<string> lines, int contextLength, int batchSize = 16,
        CancellationToken cancellationToken = default, Action<int>? linesDone = null) =>
        Evaluate(session, lines.Select(l => StoryTokenizer.Shared.Encode(l)).ToList(), contextLength, batchSize, cancellationToken, linesDone);

    /// <summary>Perplexity over token-id sequences (each predicts its tokens after the first).</summary>
    public static PerplexityResult Evaluate(Gpt2Session session, IReadOnlyList<int[]> tokenSequences, int contextLength, int batchSize = 16,
        CancellationToken cancellationToken = default, Action<int>? linesDone = null)
    {
        var sequences = tokenSequences.Where(s => s.Length >= 2).Select(s => s.Length > contextLength ? s[..contextLength] : s)
            .OrderBy(s => s.Length).ToList();
        var clock = Stopwatch.StartNew();
        double nll = 0;
        long predicted = 0;
        int vocab = session.VocabularySize;
        for (int start = 0; start < sequences.Count; start += batchSize)
        {
            var batch = sequences.GetRange(start, Math.Min(batchSize, sequences.Count - start));
            var logits = new float[batch.Count * vocab];
            using var cache = session.Prefill(batch.Select(s => (IReadOnlyList<int>)new[] { s[0] }).ToList(), logits, cancellationToken);
            int longest = batch.Max(s => s.Length);
            var tokens = new int[batch.Count];
            for (int t = 1; t < longest; t++)
            {
                for (int r = 0; r < batch.Count; r++)
                {
                    if (t >= batch[r].Length) { tokens[r] = StoryTokens.EndOfTextId; continue; }
                    nll -= LogSoftmaxAt(logits.AsSpan(r * vocab, vocab), batch[r][t]);
                    predicted++;
                    tokens[r] = batch[r][t];
                }
                if (t + 1 < longest) session.Decode(cache, tokens, logits, cancellationToken);
            }
            linesDone?.Invoke(start + batch.Count);
        }
        if (predicted == 0) throw new InvalidDataException("No line has two tokens or more: there is nothing to measure perplexity on.");
        double mean = predicted > 0 ? nll / predicted : double.NaN;
        return new PerplexityResult(Math.Exp(mean), mean, predicted, sequences.Count, clock.Elapsed.TotalSeconds);
    }

    /// <summary>log softmax(logits)[target], computed stably in double precision.</summary>
    public static double LogSoftmaxAt(ReadOnlySpan<float> logits, int target)
    {
        float max = float.NegativeInfinity;
        foreach (var l in logits) max = MathF.Max(max, l);
        double sum = 0;
        foreach (var l in logits) sum += Math.Exp(l - max);
        return logits[target] - max - Math.Log(sum);
    }
}
