namespace TextGameGen.Pipeline.Evaluation;

/// <summary>
/// Readability figures of a set of passages: the share ending in sentence punctuation, the share of word 3-grams that
/// repeat within their passage (loops), distinct-2 (unique word pairs over all pairs, across passages: variety), mean
/// length in words, and the share left empty.
/// </summary>
public sealed record PassageMetrics(int Passages, double EndingSentence, double Repeated3Grams, double Distinct2, double MeanWords, double Empty)
{
    public static PassageMetrics Measure(IReadOnlyList<string> passages)
    {
        long trigrams = 0, repeated = 0, bigrams = 0, words = 0;
        var distinct = new HashSet<(string, string)>();
        foreach (var passage in passages)
        {
            var w = Words(passage);
            words += w.Length;
            var counts = new Dictionary<(string, string, string), int>();
            for (int i = 0; i + 2 < w.Length; i++)
            {
                var key = (w[i], w[i + 1], w[i + 2]);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
            trigrams += counts.Values.Sum();
            repeated += counts.Values.Where(c => c > 1).Sum();
            for (int i = 0; i + 1 < w.Length; i++)
            {
                bigrams++;
                distinct.Add((w[i], w[i + 1]));
            }
        }
        int n = Math.Max(1, passages.Count);
        return new PassageMetrics(passages.Count,
            passages.Count(p => Contracts.Generation.SentenceEnds.EndsSentence(p)) / (double)n,
            trigrams == 0 ? 0 : repeated / (double)trigrams,
            bigrams == 0 ? 0 : distinct.Count / (double)bigrams,
            words / (double)n,
            passages.Count(p => p.Trim().Length == 0) / (double)n);
    }

    /// <summary>Lowercased words without the punctuation around them.</summary>
    public static string[] Words(string text) =>
        [.. text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(t => t.Trim('"', '\'', '“', '”', '‘', '’', ',', '.', '!', '?', ';', ':', '(', ')', '-').ToLowerInvariant())
            .Where(t => t.Length > 0)];
}
