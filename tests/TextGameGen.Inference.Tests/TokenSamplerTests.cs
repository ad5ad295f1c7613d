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

    [Fact]
    public void InSteadyStateAStepAllocatesNothing()
    {
        // The game's settings over the real vocabulary: penalty over the last 64 tokens, temperature, top-k 40, top-p.
        var sampler = new TokenSampler(new SamplerSettings { Seed = 3 });
        var random = new Random(5);
        var logits = new float[50260];
        var pristine = new float[logits.Length];
        for (int i = 0; i < pristine.Length; i++) pristine[i] = (float)(random.NextDouble() * 20 - 10);
        var history = new List<int>(capacity: 512);
        for (int i = 0; i < 64; i++) history.Add(random.Next(pristine.Length));
        for (int step = 0; step < 50; step++) // warm-up: buffers grow to their size once
        {
            pristine.CopyTo(logits, 0);
            history[step % 64] = sampler.Next(logits, history);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 0; step < 200; step++)
        {
            pristine.CopyTo(logits, 0);
            history[step % 64] = sampler.Next(logits, history);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void TheSameSeedDrawsTheSameTokensWhenTheSamplerIsReused()
    {
        var logits = new float[1000];
        var random = new Random(9);
        for (int i = 0; i < logits.Length; i++) logits[i] = (float)random.NextDouble() * 8;
        int[] Draw()
        {
            var sampler = new TokenSampler(new SamplerSettings { Seed = 11 });
            var history = new List<int>();
            for (int i = 0; i < 100; i++) history.Add(sampler.Next((float[])logits.Clone(), history));
            return [.. history];
        }
        Assert.Equal(Draw(), Draw());
    }
}
