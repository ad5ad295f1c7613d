using TextGameGen.Grains.Generation;
using TextGameGen.Inference.Scheduling;
using TextGameGen.Inference.Tokenization;

namespace TextGameGen.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class GenerationGrainTests(ClusterFixture fixture)
{
    private IGenerationGrain Grain => fixture.Cluster.Client.GetGrain<IGenerationGrain>(0);

    private static GenerationRequest Request(int i, int maxNewTokens = 16) =>
        new($"<|action|>Player {i} opens door number {i * 7}.", new StorySampler { Seed = 1000 + i, MaxNewTokens = maxNewTokens });

    private static async Task<(string Text, GenerationChunk Last)> Read(IAsyncEnumerable<GenerationChunk> stream)
    {
        var text = new System.Text.StringBuilder();
        GenerationChunk? last = null;
        await foreach (var c in stream) { text.Append(c.Text); last = c; }
        return (text.ToString(), last!);
    }

    [Fact]
    public async Task ThirtyTwoConcurrentCallersGetThirtyTwoCorrectIndependentStreams()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Read(Grain.GenerateAsync(Request(i)))));

        // Each stream equals the same request run alone, outside the cluster, one at a time.
        await using var alone = new GenerationScheduler(ClusterFixture.Session.Value, StoryTokenizer.Shared,
            new SchedulerOptions { Mode = BatchingMode.Serial, ContextLength = 128 });
        for (int i = 0; i < 32; i++)
        {
            var (expected, _) = await ReadEvents(alone.GenerateAsync(Request(i).Prompt, GenerationGrain.ToSettings(Request(i).Sampler)));
            Assert.Equal(expected, results[i].Text);
            Assert.Equal("completed", results[i].Last.Outcome);
        }
        Assert.True(results.Select(r => r.Text).Distinct().Count() > 16);
    }

    private static async Task<(string, GenerationEvent)> ReadEvents(IAsyncEnumerable<GenerationEvent> stream)
    {
        var text = new System.Text.StringBuilder();
        GenerationEvent? last = null;
        await foreach (var e in stream) { text.Append(e.Text); last = e; }
        return (text.ToString(), last!);
    }

    [Fact]
    public async Task ACallerThatCancelsFreesItsRow()
    {
        var scheduler = ClusterFixture.Scheduler.Value;
        long cancelledBefore = scheduler.Counts.Cancelled;
        using var cts = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var c in Grain.GenerateAsync(Request(99, maxNewTokens: 120), cts.Token))
                if (c.TokenCount >= 3) cts.Cancel();
        });

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (scheduler.Counts.Cancelled == cancelledBefore && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(cancelledBefore + 1, scheduler.Counts.Cancelled);
    }

    [Fact]
    public async Task ACallerThatStopsReadingFreesItsRow()
    {
        var scheduler = ClusterFixture.Scheduler.Value;
        long cancelledBefore = scheduler.Counts.Cancelled;
        await foreach (var c in Grain.GenerateAsync(Request(98, maxNewTokens: 120)))
            if (c.TokenCount >= 3) break;

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (scheduler.Counts.Cancelled == cancelledBefore && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(cancelledBefore + 1, scheduler.Counts.Cancelled);
    }

    [Fact]
    public async Task BadSamplerSettingsAndUnknownGeneratorsFailWithAMessage()
    {
        var bad = await Read(Grain.GenerateAsync(new GenerationRequest("hi", new StorySampler { TopP = 2 })));
        var unknown = await Read(Grain.GenerateAsync(new GenerationRequest("hi", new StorySampler(), Generator: "nope")));

        Assert.Equal("failed", bad.Last.Outcome);
        Assert.Contains("top_p", bad.Last.Error);
        Assert.Equal("failed", unknown.Last.Outcome);
        Assert.Contains("Unknown generator 'nope'", unknown.Last.Error);
    }
}
