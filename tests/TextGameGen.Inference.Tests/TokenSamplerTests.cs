using TextGameGen.Contracts.Sampling;
using TextGameGen.Inference.Sampling;

namespace TextGameGen.Inference.Tests;

public sealed class TokenSamplerTests
{
    private static float[] Logits(params float[] values) => values;

    [Fact]
    public void GreedyPicksTheLargestLogit() =>
        Assert.Equal(2, new TokenSampler(SamplerSettings.Greedy).Next(Logits(0.1f, 1f, 3f, 2f), []));

    [Fact]
    public void RepetitionPenaltyTurnsGreedyAwayFromARepeatedToken()
    {
        var settings = SamplerSettings.Greedy with { RepetitionPenalty = 2f };
        Assert.Equal(3, new TokenSampler(settings).Next(Logits(0.1f, 1f, 3f, 2f), [2]));
    }

    [Fact]
    public void RepetitionPenaltyOnlyLooksAtItsRange()
    {
        var settings = SamplerSettings.Greedy with { RepetitionPenalty = 2f, RepetitionPenaltyRange = 1 };
        Assert.Equal(2, new TokenSampler(settings).Next(Logits(0.1f, 1f, 3f, 2f), [2, 0]));
    }

    [Fact]
    public void TopKOneIsGreedy()
    {
        var settings = new SamplerSettings { Temperature = 1.5f, TopK = 1, TopP = 1, RepetitionPenalty = 1, Seed = 3 };
        for (int i = 0; i < 20; i++) Assert.Equal(1, new TokenSampler(settings with { Seed = i }).Next(Logits(0f, 5f, 4.9f), []));
    }

    [Fact]
    public void TopPKeepsOnlyTheNucleus()
    {
        // Token 0 holds ~88% of the mass: with top_p 0.5 nothing else can be drawn.
        var settings = new SamplerSettings { Temperature = 1, TopK = 0, TopP = 0.5f, RepetitionPenalty = 1 };
        for (int i = 0; i < 50; i++)
            Assert.Equal(0, new TokenSampler(settings with { Seed = i }).Next(Logits(4f, 2f, 1f, 0f, -1f), []));
    }

    [Fact]
    public void TheSameSeedGivesTheSameDraws()
    {
        var settings = new SamplerSettings { Temperature = 1, TopK = 0, TopP = 1, RepetitionPenalty = 1, Seed = 99 };
        var flat = Enumerable.Repeat(0f, 1000).ToArray();
        int[] Draw() { var s = new TokenSampler(settings); return Enumerable.Range(0, 30).Select(_ => s.Next((float[])flat.Clone(), [])).ToArray(); }

        Assert.Equal(Draw(), Draw());
        Assert.True(Draw().Distinct().Count() > 10);
    }

    [Theory]
    [InlineData("temperature", -1f, 0, 1f, 1f, 10)]
    [InlineData("top_k", 1f, -3, 1f, 1f, 10)]
    [InlineData("top_p", 1f, 0, 0f, 1f, 10)]
    [InlineData("repetition_penalty", 1f, 0, 1f, 0.5f, 10)]
    [InlineData("max_new_tokens", 1f, 0, 1f, 1f, 0)]
    public void SettingsOutOfRangeAreRefusedNamingTheSetting(string name, float temperature, int topK, float topP, float penalty, int maxNew)
    {
        var settings = new SamplerSettings { Temperature = temperature, TopK = topK, TopP = topP, RepetitionPenalty = penalty, MaxNewTokens = maxNew };
        var error = Assert.Throws<ArgumentException>(() => new TokenSampler(settings));
        Assert.StartsWith(name, error.Message);
    }
}
