using TextGameGen.Contracts.Generation;

namespace TextGameGen.Grains.Game.Story;

/// <summary>
/// What a passage looks like when it is kept: no stray closing quote or punctuation at its start; ended at a sentence
/// (a trailing fragment after the last complete sentence is cut, and without any sentence end it is cut at the last
/// whole word); an opening quote left open at the end is closed.
/// </summary>
public static class PassageText
{
    public static string Finish(string raw, FinishReason? finish)
    {
        var text = TrimStart(raw.Trim());
        if (text.Length == 0) return text;
        if (finish != FinishReason.SentenceEnd && !EndsSentence(text)) text = CutFragment(text, finish == FinishReason.Length);
        return CloseQuote(text).Trim();
    }

    public static bool EndsSentence(string text) => SentenceEnds.EndsSentence(text);

    /// <summary>Leading punctuation that belongs to a sentence before the passage: , . ; : ! ? ) ] and closing quotes.</summary>
    private static string TrimStart(string text)
    {
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            bool closingStraightQuote = c is '"' or '\'' && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1]) || char.IsPunctuation(text[i + 1]));
            if (c is ',' or '.' or ';' or ':' or '!' or '?' or ')' or ']' or '”' or '’' || closingStraightQuote || char.IsWhiteSpace(c)) i++;
            else break;
        }
        return text[i..];
    }

    /// <summary>Up to the last sentence end; with none, up to the last whole word when the text was cut short.</summary>
    private static string CutFragment(string text, bool cutShort)
    {
        for (int i = text.Length - 1; i > 0; i--)
        {
            if (SentenceEnds.IsTerminal(text[i]))
            {
                int end = i + 1;
                while (end < text.Length && SentenceEnds.IsCloser(text[end])) end++;
                if (end == text.Length || SentenceEnds.StartsNext(text[end])) return text[..end];
            }
        }
        if (!cutShort) return text;
        int space = text.LastIndexOf(' ');
        return space > 0 ? text[..space].TrimEnd(',', ';', ':', '-') : text;
    }

    /// <summary>
    /// Closes a quote the passage opened and did not close: straight or curly double, or a curly single one (older
    /// editions quote speech with ‘ ’; a ’ followed by a letter is an apostrophe, not a close).
    /// </summary>
    private static string CloseQuote(string text)
    {
        if (text.Count(c => c == '"') % 2 == 1) return text + "\"";
        if (text.Count(c => c == '“') > text.Count(c => c == '”')) return text + "”";
        int open = text.LastIndexOf('‘');
        if (open >= 0 && !Enumerable.Range(open + 1, text.Length - open - 1).Any(i => text[i] == '’' && (i + 1 == text.Length || !char.IsLetter(text[i + 1]))))
            return text + "’";
        return text;
    }
}
