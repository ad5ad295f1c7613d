using System.Text.RegularExpressions;

namespace TextGameGen.Pipeline.Corpus;

/// <summary>
/// Cleans a plain-text book into paragraphs of story prose, one per line. What real Project Gutenberg editions hold
/// and a story model should not learn is removed: the Gutenberg frame (<c>*** START OF</c> / <c>*** END OF</c> lines,
/// old "SMALL PRINT" headers without them, "End of the Project Gutenberg EBook" lines), chapter headings, title lines
/// and tables of contents, verse and other lists of short lines, footnotes and their markers, bracketed editorial
/// notes (<c>[Sidenote: ...]</c>, <c>[Illustration]</c>, <c>[From the Portuguese.]</c>), <c>_underscore italics_</c>
/// marks, runs of dashes and separator lines, words broken by end-of-line hyphens, repeated paragraphs.
/// </summary>
public static partial class TextCleaner
{
    /// <summary>Lines shorter than this are "short" (prose in these editions wraps at about 70 characters).</summary>
    private const int ShortLine = 60;

    /// <summary>A bracketed note longer than this is left alone (it is more likely prose with a stray bracket).</summary>
    private const int LongestNote = 600;

    public static IReadOnlyList<string> Paragraphs(string text)
    {
        text = text.Replace("\r\n", "\n").Replace('\r', '\n').TrimStart('\uFEFF');
        text = StripGutenbergFrame(text);
        // Footnotes' text first (found by their markers), then every bracketed note, innermost first, so a note inside
        // a note ([Illustration: ... [See p. 16.]]) goes with it.
        text = string.Join("\n\n", BlankLines().Split(text).Where(block => !IsFootnote(block.TrimStart())));
        for (int pass = 0; pass < 3; pass++) text = BracketedNote().Replace(text, " ");
        var paragraphs = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var block in BlankLines().Split(text))
        {
            var lines = Lines(block);
            if (lines.Count == 0 || IsList(lines)) continue;
            string paragraph = CleanInline(string.Join('\n', lines.Where(l => !IsHeading(l))));
            paragraph = Whitespace().Replace(paragraph, " ").Trim();
            if (!HasProse(paragraph) || !seen.Add(paragraph)) continue;
            paragraphs.Add(paragraph);
        }
        return paragraphs;
    }

    private static List<string> Lines(string block) => [.. block.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];

    /// <summary>Inside a paragraph: italics marks, broken words, dash runs.</summary>
    private static string CleanInline(string text)
    {
        text = UnderscoreItalics().Replace(text, "$1");
        text = text.Replace("_", "");
        text = BrokenHyphen().Replace(text, "$1$2");
        text = DashRun().Replace(text, "--");
        return text;
    }

    /// <summary>The text between the Gutenberg frame's start and end, whichever form they take in this edition.</summary>
    private static string StripGutenbergFrame(string text)
    {
        var start = GutenbergStart().Match(text);
        if (start.Success) text = text[(start.Index + start.Length)..];
        else if (OldHeaderEnd().Match(text) is { Success: true } old) text = text[(old.Index + old.Length)..];
        var end = GutenbergEnd().Match(text);
        if (end.Success) text = text[..end.Index];
        return text;
    }

    /// <summary>Chapter headings, roman numerals, table-of-contents lines, all-capital titles, lines without letters.</summary>
    private static bool IsHeading(string line) =>
        ChapterHeading().IsMatch(line) || RomanNumeral().IsMatch(line) || ContentsLine().IsMatch(line) || !line.Any(char.IsLetterOrDigit) ||
        (line.Length < ShortLine && line.Any(char.IsLetter) && line == line.ToUpperInvariant() && !line.Any(c => c is '"' or '“' or '”'));

    /// <summary>
    /// Several short lines, most not ending a sentence: a table of contents, an index or verse. Prose paragraphs wrap
    /// near 70 characters, so all but their last line are long.
    /// </summary>
    private static bool IsList(List<string> lines)
    {
        if (lines.Count < 2 || lines.Any(l => l.Length >= ShortLine)) return false;
        int ended = lines.Count(l => SentenceEnd().IsMatch(l));
        return ended * 2 < lines.Count;
    }

    private static bool IsFootnote(string block) => FootnoteStart().IsMatch(block);

    /// <summary>
    /// Something to learn from: letters, and either punctuation that ends or joins sentences, or enough length (a short
    /// line without any is a title, a caption or a stray heading).
    /// </summary>
    private static bool HasProse(string paragraph) =>
        paragraph.Any(char.IsLetter) && (paragraph.Length >= ShortLine || paragraph.Any(c => c is '.' or '!' or '?' or ':' or ';'));

    // *** START OF THE PROJECT GUTENBERG EBOOK ... *** (also "***START OF" and "THIS PROJECT").
    [GeneratedRegex(@"\*\*\*\s*START OF (THE|THIS) PROJECT GUTENBERG[^\n]*\n", RegexOptions.IgnoreCase)]
    private static partial Regex GutenbergStart();

    // Old editions end their header with the "small print" licence: *END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*...
    [GeneratedRegex(@"\*END\*?\s*THE SMALL PRINT[^\n]*\n", RegexOptions.IgnoreCase)]
    private static partial Regex OldHeaderEnd();

    // *** END OF ... ***, or the "End of (the) Project Gutenberg('s) EBook/Etext of ..." line that precedes it.
    [GeneratedRegex(@"(\*\*\*\s*END OF (THE|THIS) PROJECT GUTENBERG|^\s*End of (the |this )?Project Gutenberg)", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex GutenbergEnd();

    // [Illustration], [Sidenote: ...], [1], [*], [FN#2], [From the Portuguese.]: a few lines at most, inner ones first.
    [GeneratedRegex(@"\[[^\[\]]{0,600}\]")]
    private static partial Regex BracketedNote();

    // A paragraph that is a footnote's text (it starts with its marker) or a transcriber's correction note.
    [GeneratedRegex(@"^(\[(\d+|\*+|FN#\d+|Footnote[^\]]*)\]|Footnote\b|FOOTNOTES?:?\s*$|Transcriber|Pg\.\s*\d+|Page\s+\d+,)", RegexOptions.IgnoreCase)]
    private static partial Regex FootnoteStart();

    [GeneratedRegex(@"(?<![\p{L}\p{N}])_([^_\n]+)_(?![\p{L}\p{N}])")]
    private static partial Regex UnderscoreItalics();

    [GeneratedRegex(@"-{3,}")]
    private static partial Regex DashRun();

    [GeneratedRegex(@"[.!?][""”’')\]]*$")]
    private static partial Regex SentenceEnd();

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
