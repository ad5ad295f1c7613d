namespace TextGameGen.Grains.Game.Story;

/// <summary>
/// Tells when a passage nearly repeats the previous one: the Dice similarity of their word bigrams (word unigrams
/// for very short passages), case and punctuation ignored (punctuation separates words). 1 means the same words in the same order.
/// </summary>
public static class LoopGuard
{
    public static double Similarity(string a, string b)
    {
        var wa = Words(a);
        var wb = Words(b);
        if (wa.Count == 0 || wb.Count == 0) return wa.Count == wb.Count ? 1 : 0;
        var ga = Grams(wa, wa.Count < 3 || wb.Count < 3 ? 1 : 2);
        var gb = Grams(wb, wa.Count < 3 || wb.Count < 3 ? 1 : 2);
        int common = 0;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var g in ga) counts[g] = counts.GetValueOrDefault(g) + 1;
        foreach (var g in gb)
        {
            if (counts.TryGetValue(g, out int c) && c > 0)
            {
                counts[g] = c - 1;
                common++;
            }
        }
        return 2.0 * common / (ga.Count + gb.Count);
    }

    public static bool IsRepeat(string passage, string previous, double threshold) =>
        previous.Length > 0 && passage.Length > 0 && Similarity(passage, previous) >= threshold;

    /// <summary>Runs of letters and digits, lower-cased (punctuation and markup separate words).</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0) start = i;
            else if (!inWord && start >= 0)
            {
                words.Add(text[start..i].ToLowerInvariant());
                start = -1;
            }
        }
        return words;
    }

    private static List<string> Grams(List<string> words, int n)
    {
        var grams = new List<string>(words.Count);
        for (int i = 0; i + n <= words.Count; i++) grams.Add(n == 1 ? words[i] : words[i] + " " + words[i + 1]);
        return grams;
    }
}
