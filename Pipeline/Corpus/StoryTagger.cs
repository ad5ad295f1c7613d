using TextGameGen.Contracts.Tokenization;

namespace TextGameGen.Pipeline.Corpus;

/// <summary>
/// Tags sentences for training: quoted speech is dialogue, the rest narration; dialogue exports are quest lines.
/// Quotation state carries across the sentences of a paragraph, so the second sentence of a long speech is
/// dialogue too. A closing single quote followed by a letter is an apostrophe, not the end of speech.
/// </summary>
public static class StoryTagger
{
    /// <summary>One tag per sentence of a paragraph.</summary>
    public static IReadOnlyList<string> TagParagraph(IReadOnlyList<string> sentences)
    {
        var tags = new List<string>(sentences.Count);
        bool open = false;
        foreach (var sentence in sentences)
        {
            bool speech = open;
            for (int i = 0; i < sentence.Length; i++)
            {
                char c = sentence[i];
                bool opening = c == '“' || (c == '‘' && (i == 0 || !char.IsLetter(sentence[i - 1]))) || (c == '"' && !open);
                bool closing = c == '”' || (c == '’' && (i + 1 == sentence.Length || !char.IsLetter(sentence[i + 1])) && open) || (c == '"' && open);
                if (opening) { open = true; speech = true; }
                else if (closing) open = false;
            }
            tags.Add(speech ? StoryTokens.Dialogue : StoryTokens.Action);
        }
        return tags;
    }

    /// <summary>One training line: the tag, the text, then <c>&lt;|endoftext|&gt;</c>.</summary>
    public static string Line(string tag, string text) => $"{tag}{text}{StoryTokens.EndOfText}";
}
