using System.Text.RegularExpressions;

namespace TextGameGen.Pipeline.Corpus;

/// <summary>
/// The character and place names of a corpus: words that are capitalised inside sentences (not only at their start)
/// and almost never written in lower case, seen often enough to be the books' own ("Dorothy", "Mowgli", "Gretel"; not
/// "King", which is "king" as often, nor "I" or "Monday"). Written beside a model as <c>names.txt</c>, so the game can
/// keep the books' people out of a world that has its own (<c>SamplerSettings.ForeignNamePenalty</c>).
/// </summary>
public static partial class CorpusNames
{
    [GeneratedRegex(@"[A-Za-z][a-z]+(?:['’][a-z]+)?")]
    private static partial Regex WordPattern();

    /// <param name="lines">Corpus lines (tags and end tokens are removed here).</param>
    /// <param name="minCount">Times a name must be seen capitalised inside a sentence.</param>
    /// <param name="maxLowercaseShare">At most this share of its uses in lower case ("king" rules "King" out).</param>
    /// <param name="max">The most frequent names kept.</param>
    public static IReadOnlyList<string> Extract(IEnumerable<string> lines, int minCount = 20, double maxLowercaseShare = 0.02, int max = 400)
    {
        var inside = new Dictionary<string, int>(StringComparer.Ordinal);
        var lower = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var raw in lines)
        {
            var line = Untag(raw);
            foreach (Match m in WordPattern().Matches(line))
            {
                var word = StripPossessive(m.Value);
                if (char.IsLower(word[0]))
                {
                    lower[word] = lower.GetValueOrDefault(word) + 1;
                    continue;
                }
                if (!StartsSentence(line, m.Index)) inside[word] = inside.GetValueOrDefault(word) + 1;
            }
        }
        return [.. inside
            .Where(p => p.Value >= minCount && p.Key.Length >= 3 && !NotNames.Contains(p.Key))
            .Where(p =>
            {
                int lowered = lower.GetValueOrDefault(p.Key.ToLowerInvariant());
                return lowered <= maxLowercaseShare * (lowered + p.Value);
            })
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(max)
            .Select(p => p.Key)];
    }

    /// <summary>Extracts the names of <paramref name="trainFile"/> and writes them beside the model as <c>names.txt</c>.</summary>
    public static IReadOnlyList<string> WriteFor(string modelDirectory, string trainFile)
    {
        var names = Extract(File.ReadLines(trainFile));
        Inference.Packaging.ModelDirectory.WriteNames(modelDirectory, names,
            $"The character names of the corpus this model learnt from ({Path.GetFileName(trainFile)}), found by 'tgg model names':\n" +
            "capitalised inside sentences at least 20 times and in lower case at most 2% of the time. The game keeps them out of\n" +
            "passages unless the context gives them (SamplerSettings.ForeignNamePenalty, TextGameGen:Game:ForeignNamePenalty).");
        return names;
    }

    private static string Untag(string line) => line.Replace("<|action|>", " ").Replace("<|dialogue|>", " ").Replace("<|quest|>", " ").Replace("<|endoftext|>", " ");

    private static string StripPossessive(string word)
    {
        int apostrophe = word.IndexOfAny(['\'', '’']);
        return apostrophe > 0 ? word[..apostrophe] : word;
    }

    /// <summary>True at the start of the line or after sentence punctuation, an opening quote or a dash (with spaces between).</summary>
    private static bool StartsSentence(string line, int index)
    {
        int i = index - 1;
        while (i >= 0 && (char.IsWhiteSpace(line[i]) || line[i] is '"' or '“' or '‘' or '\'' or '(' or '[')) i--;
        return i < 0 || line[i] is '.' or '!' or '?' or ':' or ';' or '—' or '-' or '…';
    }

    /// <summary>Capitalised words inside sentences that are not people or places of a book.</summary>
    private static readonly HashSet<string> NotNames = new(StringComparer.Ordinal)
    {
        "Mr", "Mrs", "Miss", "Sir", "Madam", "Lady", "Lord", "God", "Heaven", "Heavens", "Christ", "Christian", "Christmas", "Bible",
        "English", "England", "French", "France", "German", "Latin", "Europe", "London",
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
        "January", "February", "March", "April", "June", "July", "August", "September", "October", "November", "December",
        "Project", "Gutenberg", "Chapter", "Book", "Part", "Volume",
    };
}
