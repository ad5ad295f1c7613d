namespace TextGameGen.Pipeline.Evaluation;

/// <summary>
/// Whose names a set of passages uses: the share that name someone from the books the model learnt from whom the
/// context did not give (a "Dorothy" in a village whose people are others), and the share that use the player's name.
/// </summary>
public sealed record NameMetrics(double BookNames, double PlayerNamed)
{
    /// <param name="passages">Each passage's kept text with the names its context gave.</param>
    /// <param name="bookNames">The books' names (the models' <c>names.txt</c>).</param>
    /// <param name="playerName">The player's name in the prompts.</param>
    public static NameMetrics Measure(IReadOnlyList<(string Text, IReadOnlyList<string> Known)> passages, IReadOnlyCollection<string> bookNames, string playerName)
    {
        var names = bookNames.ToHashSet(StringComparer.Ordinal);
        int foreign = 0, named = 0;
        foreach (var (text, known) in passages)
        {
            var words = Words(text);
            if (words.Any(w => names.Contains(w) && !known.Contains(w))) foreign++;
            if (words.Contains(playerName)) named++;
        }
        int n = Math.Max(1, passages.Count);
        return new NameMetrics(foreign / (double)n, named / (double)n);
    }

    /// <summary>Words as written (case kept), possessives cut: "Dorothy’s" is "Dorothy".</summary>
    private static List<string> Words(string text) =>
        [.. System.Text.RegularExpressions.Regex.Matches(text, @"[A-Za-z]+").Select(m => m.Value)];
}
