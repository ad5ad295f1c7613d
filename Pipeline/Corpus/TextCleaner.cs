using System.Text;
using System.Text.RegularExpressions;

namespace TextGameGen.Pipeline.Corpus;

/// <summary>
/// Cleans a plain-text book: Project Gutenberg header and footer (when present), chapter headings and tables of
/// contents, illustration markers, words broken by end-of-line hyphens, redundant whitespace, repeated lines.
/// Paragraphs (blank-line separated) come out as single lines.
/// </summary>
public static partial class TextCleaner
{
    public static IReadOnlyList<string> Paragraphs(string text)
    {
        text = text.Replace("\r\n", "\n").Replace('\r', '\n').TrimStart('\uFEFF');
        text = StripGutenbergFrame(text);
        text = Illustration().Replace(text, " ");
        text = BrokenHyphen().Replace(text, "$1$2");
        var paragraphs = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var block in BlankLines().Split(text))
        {
            var lines = block.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            if (lines.Count == 0 || lines.All(IsHeading)) continue;
            string paragraph = Whitespace().Replace(string.Join(' ', lines.Where(l => !IsHeading(l))), " ").Trim();
            if (paragraph.Length == 0 || !seen.Add(paragraph)) continue;
            paragraphs.Add(paragraph);
        }
        return paragraphs;
    }

    private static string StripGutenbergFrame(string text)
    {
        var start = GutenbergStart().Match(text);
        if (start.Success) text = text[(start.Index + start.Length)..];
        var end = GutenbergEnd().Match(text);
        if (end.Success) text = text[..end.Index];
        return text;
    }

    /// <summary>Chapter headings, table-of-contents lines and all-capital titles.</summary>
    private static bool IsHeading(string line) =>
        ChapterHeading().IsMatch(line) || RomanNumeral().IsMatch(line) || ContentsLine().IsMatch(line) ||
        (line.Length < 60 && line.Any(char.IsLetter) && line == line.ToUpperInvariant() && !line.Any(c => c is '"' or '“' or '”'));

    [GeneratedRegex(@"\*\*\*\s*START OF (THE|THIS) PROJECT GUTENBERG[^\n]*\n", RegexOptions.IgnoreCase)]
    private static partial Regex GutenbergStart();

    [GeneratedRegex(@"\*\*\*\s*END OF (THE|THIS) PROJECT GUTENBERG", RegexOptions.IgnoreCase)]
    private static partial Regex GutenbergEnd();

    [GeneratedRegex(@"\[Illustration[^\]]*\]", RegexOptions.IgnoreCase)]
    private static partial Regex Illustration();

    [GeneratedRegex(@"(\p{L})-\n\s*(\p{Ll})")]
    private static partial Regex BrokenHyphen();

    [GeneratedRegex(@"\n\s*\n")]
    private static partial Regex BlankLines();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^(CHAPTER|Chapter)\s+([0-9]+|[IVXLCDM]+)\b.*$")]
    private static partial Regex ChapterHeading();

    [GeneratedRegex(@"^[IVXLCDM]+\.?$")]
    private static partial Regex RomanNumeral();

    [GeneratedRegex(@"^.{1,80}\s{3,}\d+$")]
    private static partial Regex ContentsLine();
}
