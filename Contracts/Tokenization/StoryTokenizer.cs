using Microsoft.ML.Tokenizers;

namespace TextGameGen.Contracts.Tokenization;

/// <summary>GPT-2 byte-pair encoding with the story tokens as special tokens. Thread-safe; create once.</summary>
public sealed class StoryTokenizer
{
    private static readonly Lazy<StoryTokenizer> s_shared = new(() => new StoryTokenizer());
    private readonly TiktokenTokenizer _tokenizer;

    private StoryTokenizer()
    {
        var extra = StoryTokens.All.Where(kv => kv.Key != StoryTokens.EndOfText).ToDictionary(kv => kv.Key, kv => kv.Value);
        _tokenizer = TiktokenTokenizer.CreateForModel("gpt2", extra);
    }

    /// <summary>The process-wide instance (the vocabulary is large; build it once).</summary>
    public static StoryTokenizer Shared => s_shared.Value;

    /// <summary>Encodes text; special-token strings in it become their ids.</summary>
    public int[] Encode(string text) => _tokenizer.EncodeToIds(text).ToArray();

    /// <summary>Decodes ids to text; special tokens are kept as their strings.</summary>
    public string Decode(IEnumerable<int> ids) => _tokenizer.Decode(ids) ?? string.Empty;

    public int CountTokens(string text) => _tokenizer.CountTokens(text);

    public static bool IsSpecial(int id) => id >= StoryTokens.EndOfTextId && id <= StoryTokens.QuestId;
}
