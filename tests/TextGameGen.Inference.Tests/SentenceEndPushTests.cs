using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Sampling;

namespace TextGameGen.Inference.Tests;

public sealed class SentenceEndPushTests
{
    [Fact]
    public void PastTheMinimumEachTokenRaisesTheSentenceEndsFurtherUntilOneIsChosen()
    {
        // Token 1 stands for "."; it trails token 0 by 2.5. Minimum 2, push 1: tokens 3, 4, 5 add 1, 2, 3.
        var settings = SamplerSettings.Greedy with { StopAtSentenceEndAfter = 2, SentenceEndPush = 1f };
        var sampler = new TokenSampler(settings, sentenceEnds: new SentenceEndVocabulary(ends: [1], closers: []));
        var chosen = Enumerable.Range(0, 5).Select(_ => sampler.Next(new float[] { 2.5f, 0f, -1f }, [])).ToArray();
        Assert.Equal([0, 0, 0, 0, 1], chosen);
    }

    [Fact]
    public void WithoutAMinimumOrWithoutAPushNothingIsRaised()
    {
        foreach (var settings in new[] { SamplerSettings.Greedy with { SentenceEndPush = 3f }, SamplerSettings.Greedy with { StopAtSentenceEndAfter = 1 } })
        {
            var sampler = new TokenSampler(settings, sentenceEnds: new SentenceEndVocabulary(ends: [1], closers: []));
            Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal(0, sampler.Next(new float[] { 2.5f, 0f }, [])));
        }
    }

    [Fact]
    public void WithThePushOnTheTextEndsOnlyAfterAWholeSentenceClosingQuotesIncluded()
    {
        const int endOfText = StoryTokens.EndOfTextId;
        var settings = SamplerSettings.Greedy with { StopAtSentenceEndAfter = 50, SentenceEndPush = 0.1f };
        var sampler = new TokenSampler(settings, new SentenceEndVocabulary(ends: [1], closers: [2]));
        float[] Logits(int favourite, float endOfTextLogit = 10)
        {
            var logits = new float[endOfText + 1];
            logits[endOfText] = endOfTextLogit;
            logits[favourite] = 5;
            return logits;
        }
        Assert.Equal(3, sampler.Next(Logits(3), [])); // mid-sentence (nothing written yet): the end of text is refused
        Assert.Equal(1, sampler.Next(Logits(1, 0), [])); // "."
        Assert.Equal(2, sampler.Next(Logits(2, 0), [])); // a closing quote: the sentence stays ended
        Assert.Equal(endOfText, sampler.Next(Logits(3), []));

        var again = new TokenSampler(settings, new SentenceEndVocabulary(ends: [1], closers: [2]));
        Assert.Equal(1, again.Next(Logits(1, 0), []));
        Assert.Equal(3, again.Next(Logits(3, 0), [])); // a word after the period starts a new sentence
        Assert.Equal(3, again.Next(Logits(3), []));

        var off = new TokenSampler(SamplerSettings.Greedy, new SentenceEndVocabulary(ends: [1], closers: [2]));
        Assert.Equal(endOfText, off.Next(Logits(3), []));
    }

    [Theory]
    [InlineData(".", true)]
    [InlineData(" ...", true)]
    [InlineData("!\"", true)]
    [InlineData("?’", true)]
    [InlineData(".)", true)]
    [InlineData(" Mr.", false)]
    [InlineData(",", false)]
    [InlineData("\"", false)]
    [InlineData(" ", false)]
    public void OnlyTerminalPunctuationWithClosersEndsASentenceAlone(string piece, bool ends) =>
        Assert.Equal(ends, SentenceEndVocabulary.EndsASentenceAlone(piece));

    [Fact]
    public void GptTwosVocabularyGivesThePeriodAndQuotedEndsButNotAbbreviations()
    {
        var tokenizer = StoryTokenizer.Shared;
        int Single(string text) => Assert.Single(tokenizer.Encode(text));
        var vocabulary = SentenceEndVocabulary.Gpt2;
        Assert.True(vocabulary.EndsSentence(Single(".")));
        Assert.True(vocabulary.EndsSentence(Single("?\"")));
        Assert.True(vocabulary.OnlyCloses(Single("\"")));
        // "’" is two byte tokens in GPT-2, neither a character alone: they leave the state as it was.
        Assert.All(tokenizer.Encode("’"), id => Assert.True(vocabulary.IsPartial(id)));
        Assert.False(vocabulary.EndsSentence(Single(" Mr")));
        Assert.All(vocabulary.Ends, id => Assert.True(SentenceEndVocabulary.EndsASentenceAlone(tokenizer.Decode([id]))));
        Assert.InRange(vocabulary.Ends.Count, 10, 200);
    }

    [Theory]
    [InlineData(-0.5f)]
    [InlineData(float.NaN)]
    [InlineData(6f)]
    public void APushOutOfRangeIsRefusedNamingIt(float push)
    {
        var error = Assert.Throws<ArgumentException>(() => new TokenSampler(new SamplerSettings { SentenceEndPush = push }));
        Assert.StartsWith("sentence_end_push", error.Message);
    }
}
