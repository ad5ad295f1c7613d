using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Generation;
using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Inference.Tests;

/// <summary>One request at a time through the scheduler (what tgg generate does): seeds, limits, stop strings, cancellation.</summary>
public sealed class SingleRequestTests
{
    private static GenerationScheduler Scheduler() =>
        new(TestModels.TinySession, StoryTokenizer.Shared, new SchedulerOptions { MaxBatchSize = 1, ContextLength = 128 });

    private static async Task<(string Text, List<GenerationEvent> Events)> Collect(SamplerSettings settings, string prompt = "<|action|>You open the door")
    {
        await using var scheduler = Scheduler();
        var events = new List<GenerationEvent>();
        await foreach (var e in scheduler.GenerateAsync(StoryTokenizer.Shared.Encode(prompt), settings)) events.Add(e);
        return (string.Concat(events.Select(d => d.Text)), events);
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
        var (_, events) = await Collect(SamplerSettings.Greedy with { MaxNewTokens = 10 });

        Assert.Equal(GenerationOutcome.Completed, events[^1].Outcome);
        Assert.Equal(FinishReason.Length, events[^1].Finish);
        Assert.Equal(10, events[^1].TokenCount);
        Assert.All(events[..^1], d => Assert.Null(d.Outcome));
    }

    [Fact]
    public async Task AStopStringEndsTheTextBeforeIt()
    {
        var settings = new SamplerSettings { Seed = 5, MaxNewTokens = 40 };
        var (full, _) = await Collect(settings);
        Assert.True(full.Length > 6);
        string stop = full.Substring(full.Length / 2, 2);

        var (cut, events) = await Collect(settings with { StopStrings = [stop] });

        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], cut);
        Assert.Equal(FinishReason.StopString, events[^1].Finish);
    }

    [Fact]
    public async Task CancellationEndsTheRequestAsCancelledAndFreesItsRow()
    {
        await using var scheduler = Scheduler();
        using var cts = new CancellationTokenSource();
        int received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in scheduler.GenerateAsync(StoryTokenizer.Shared.Encode("<|action|>"), new SamplerSettings { Seed = 1, MaxNewTokens = 500, IgnoreEndOfText = true }, cancellationToken: cts.Token))
            {
                received = e.TokenCount;
                if (received >= 3) cts.Cancel();
            }
        });
        // The row is given back and the request counted as cancelled, long before its 500 tokens.
        for (int i = 0; i < 200 && scheduler.Counts.Ended == 0; i++) await Task.Delay(10);
        var counts = scheduler.Counts;
        Assert.Equal(1, counts.Cancelled);
        Assert.Equal(0, counts.Running);
        Assert.InRange(received, 3, 499);
    }

    [Fact]
    public void ALongPromptKeepsItsNewestTokens()
    {
        var ids = Enumerable.Range(0, 200).ToArray();
        var fitted = PromptWindow.Fit(ids, maxNewTokens: 28, contextLength: 128);

        Assert.Equal(100, fitted.Length);
        Assert.Equal(199, fitted[^1]);
        Assert.Equal([StoryTokens.EndOfTextId], PromptWindow.Fit([], 10, 128));
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
