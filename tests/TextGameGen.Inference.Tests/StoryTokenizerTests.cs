using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Generation;

namespace TextGameGen.Inference.Tests;

public sealed class StoryTokenizerTests
{
    private readonly StoryTokenizer _tokenizer = StoryTokenizer.Shared;

    [Theory]
    [InlineData("Hello world", new[] { 15496, 995 })]
    [InlineData("Hello, world!", new[] { 15496, 11, 995, 0 })]
    [InlineData(" the", new[] { 262 })]
    [InlineData("<|endoftext|>", new[] { 50256 })]
    public void KnownGpt2IdsAreProduced(string text, int[] ids) => Assert.Equal(ids, _tokenizer.Encode(text));

    [Fact]
    public void StoryTokensHaveTheirOwnIds()
    {
        var ids = _tokenizer.Encode("<|action|>You enter the cave.<|endoftext|><|dialogue|>\"Halt!\"<|quest|>");

        Assert.Equal(StoryTokens.ActionId, ids[0]);
        Assert.Contains(StoryTokens.EndOfTextId, ids);
        Assert.Contains(StoryTokens.DialogueId, ids);
        Assert.Equal(StoryTokens.QuestId, ids[^1]);
        Assert.Equal(50257, StoryTokens.ActionId);
        Assert.Equal(50258, StoryTokens.DialogueId);
        Assert.Equal(50259, StoryTokens.QuestId);
    }

    [Theory]
    [InlineData("The dragon said: \"Who goes there?\"")]
    [InlineData("<|dialogue|>Ünïcödé, emoji 🐉 and 日本語<|endoftext|>")]
    [InlineData("  leading spaces\nand\ttabs  ")]
    public void TextRoundTrips(string text) => Assert.Equal(text, _tokenizer.Decode(_tokenizer.Encode(text)));

    [Fact]
    public void StreamingDecodeNeverShowsHalfACharacter()
    {
        const string text = "A dragon 🐉 and 日本語 appear.";
        var decoder = new IncrementalDecoder(_tokenizer);
        var pieces = _tokenizer.Encode(text).Select(decoder.Push).ToList();
        pieces.Add(decoder.Flush());

        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD'));
        Assert.Equal(text, string.Concat(pieces));
    }
}
