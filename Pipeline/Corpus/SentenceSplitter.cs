using System.Text.RegularExpressions;

namespace TextGameGen.Pipeline.Corpus;

/// <summary>
/// A rule-based sentence splitter for fiction: ends a sentence at . ! ? (and closing quotes or brackets after them)
/// when the next word starts a sentence, but not after abbreviations, initials or decimal numbers, and not inside
/// dialogue that goes on ("Stop!" he cried.).
/// </summary>
public static partial class SentenceSplitter
{
    private static readonly HashSet<string> s_abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "st", "prof", "rev", "gen", "col", "capt", "lt", "sgt", "sr", "jr", "mt", "ft",
        "vs", "etc", "no", "vol", "ch", "fig", "p", "pp", "e.g", "i.e", "viz", "cf", "approx", "dept", "esq", "hon",
    };

    public static IReadOnlyList<string> Split(string paragraph)
    {
        var sentences = new List<string>();
        int start = 0;
        foreach (Match m in Boundary().Matches(paragraph))
        {
            int end = m.Index + m.Groups["end"].Length;
            if (!IsBoundary(paragraph, m.Index, end)) continue;
            Add(paragraph[start..end]);
            start = end;
        }
        Add(paragraph[start..]);
        return sentences;

        void Add(string s)
        {
            s = s.Trim();
            if (s.Length > 0) sentences.Add(s);
        }
    }

    private static bool IsBoundary(string text, int punctuation, int end)
    {
        int next = end;
        while (next < text.Length && char.IsWhiteSpace(text[next])) next++;
        if (next >= text.Length) return false;
        char following = text[next];
        // The next sentence starts with a capital, a digit or an opening quote.
        if (!(char.IsUpper(following) || char.IsDigit(following) || following is '"' or '“' or '‘' or '\'' or '(' or '['))
            return false;
        if (text[punctuation] != '.') return true;
        // A period after an abbreviation or a single-letter initial does not end the sentence.
        int wordStart = punctuation;
        while (wordStart > 0 && (char.IsLetter(text[wordStart - 1]) || text[wordStart - 1] == '.')) wordStart--;
        string word = text[wordStart..punctuation];
        if (word.Length == 1 && char.IsUpper(word[0])) return false;
        if (s_abbreviations.Contains(word)) return false;
        return true;
    }

    /// <summary>Sentence-final punctuation, repeated (?! …) and followed by closing quotes or brackets.</summary>
    [GeneratedRegex(@"(?<end>[.!?]+[""”’')\]]*)(?=\s)")]
    private static partial Regex Boundary();
}
