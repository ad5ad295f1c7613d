using TextGameGen.Contracts.Tokenization;

namespace TextGameGen.Inference.Generation;

/// <summary>
/// Turns a growing list of token ids into text deltas. A BPE piece can end in the middle of a UTF-8
/// character; such a tail decodes to U+FFFD and is held back until the following piece completes it.
/// </summary>
public sealed class IncrementalDecoder(StoryTokenizer tokenizer)
{
    private const char Replacement = '\uFFFD';
    private const int MaxHeldTokens = 4;
    private readonly List<int> _pending = [];

    /// <summary>Adds a token; returns the text it completes (possibly empty).</summary>
    public string Push(int id)
    {
        _pending.Add(id);
        string text = tokenizer.Decode(_pending);
        // A UTF-8 character spans at most 4 bytes, so after 4 tokens an FFFD is a real one.
        if (text.Length > 0 && text[^1] == Replacement && _pending.Count < MaxHeldTokens) return string.Empty;
        _pending.Clear();
        return text;
    }

    /// <summary>Whatever is still held back at the end of a generation.</summary>
    public string Flush()
    {
        if (_pending.Count == 0) return string.Empty;
        string text = tokenizer.Decode(_pending);
        _pending.Clear();
        return text;
    }
}
