using TextGameGen.Inference.Generation;
using TextGameGen.Inference.Sampling;
using TextGameGen.Inference.Tokenization;

namespace TextGameGen.Inference.Tests;

public sealed class TextGeneratorTests
{
    private static TextGenerator Generator() => new(TestModels.TinySession, StoryTokenizer.Shared, 128);

    private static async Task<(string Text, List<GenerationDelta> Deltas)> Collect(SamplerSettings settings, string prompt = "<|action|>You open the door")
    {
        var deltas = new List<GenerationDelta>();
        await foreach (var d in Generator().GenerateAsync(prompt, settings)) deltas.Add(d);
        return (string.Concat(deltas.Select(d => d.Text)), deltas);
    }

    [Fact]
    public async Task TheSameSeedGivesTheSameText()
    {
        var settings = new SamplerSettings { Seed = 1234, MaxNewTokens = 24 };
        var (first, _) = await Collect(settings);
        var (second, _) = await Collect(settings);
        var (other, _) = await Collect(settings with { Seed = 4321 });

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task GenerationStopsAtMaxNewTokensAndSaysWhy()
    {
        var (_, deltas) = await Collect(SamplerSettings.Greedy with { MaxNewTokens = 10 });

        Assert.Equal(FinishReason.Length, deltas[^1].Finish);
        Assert.Equal(10, deltas[^1].TokenCount);
        Assert.All(deltas[..^1], d => Assert.Null(d.Finish));
    }

    [Fact]
    public async Task AStopStringEndsTheTextBeforeIt()
    {
        var settings = new SamplerSettings { Seed = 5, MaxNewTokens = 40 };
        var (full, _) = await Collect(settings);
        Assert.True(full.Length > 6);
        string stop = full.Substring(full.Length / 2, 2);

        var (cut, deltas) = await Collect(settings with { StopStrings = [stop] });

        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], cut);
        Assert.Equal(FinishReason.StopString, deltas[^1].Finish);
    }

    [Fact]
    public async Task CancellationEndsTheGenerationWithinOneStep()
    {
        using var cts = new CancellationTokenSource();
        int received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var d in Generator().GenerateAsync("<|action|>", new SamplerSettings { Seed = 1, MaxNewTokens = 500, StopStrings = [] }, cts.Token))
            {
                received = d.TokenCount;
                if (received >= 3) cts.Cancel();
            }
        });
        Assert.InRange(received, 3, 4);
    }

    [Fact]
    public void ALongPromptKeepsItsNewestTokens()
    {
        var ids = Enumerable.Range(0, 200).ToArray();
        var fitted = TextGenerator.FitPrompt(ids, maxNewTokens: 28, contextLength: 128);

        Assert.Equal(100, fitted.Length);
        Assert.Equal(199, fitted[^1]);
    }

    [Fact]
    public void TheStopFilterHoldsBackAPossibleStopStringAndLetsItGoWhenItIsNot()
    {
        var filter = new StopStringFilter(["THE END"]);
        Assert.Equal("Once upon a ", filter.Push("Once upon a THE"));
        Assert.Equal("", filter.Push(" EN"));
        Assert.Equal("THE ENtrance", filter.Push("trance"));
        Assert.Equal(" and ", filter.Push(" and THE END."));
        Assert.True(filter.Stopped);
    }
}
