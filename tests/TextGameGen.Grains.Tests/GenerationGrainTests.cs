using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class GenerationGrainTests(ClusterFixture fixture)
{
    private IGenerationGrain Grain => fixture.Cluster.Client.GetGrain<IGenerationGrain>(0);

    private static int[] Prompt(int i) => StoryTokenizer.Shared.Encode($"<|action|>Player {i} opens door number {i * 7}.");

    private static SamplerSettings Sampler(int i, int maxNewTokens = 16) => new() { Seed = 1000 + i, MaxNewTokens = maxNewTokens };

    private async Task<GenerationRequest> Request(int i, int maxNewTokens = 16) =>
        new(await Grain.LeaseAsync(GeneratorLease.DefaultGenerator) ?? throw new InvalidOperationException("no generator"), Prompt(i), Sampler(i, maxNewTokens));

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
        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(async i => await Read(Grain.GenerateAsync(await Request(i)))));

        // Each stream equals the same request run alone, outside the cluster, one at a time.
        await using var alone = new GenerationScheduler(TestGenerators.Session.Value, StoryTokenizer.Shared,
            new SchedulerOptions { Mode = BatchingMode.Serial, ContextLength = 128 });
        for (int i = 0; i < 32; i++)
        {
            var expected = new System.Text.StringBuilder();
            await foreach (var e in alone.GenerateAsync(Prompt(i), Sampler(i))) expected.Append(e.Text);
            Assert.Equal(expected.ToString(), results[i].Text);
            Assert.Equal(GenerationOutcome.Completed, results[i].Last.Outcome);
        }
        Assert.True(results.Select(r => r.Text).Distinct().Count() > 16);
    }

    [Fact]
    public async Task ALeaseNamesTheVersionAndContextAndIsUsedOnce()
    {
        var lease = await Grain.LeaseAsync("default");
        Assert.NotNull(lease);
        Assert.Equal("test-v1", lease.Version);
        Assert.Equal(128, lease.ContextLength);
        var request = new GenerationRequest(lease, Prompt(1), Sampler(1));
        Assert.Equal(GenerationOutcome.Completed, (await Read(Grain.GenerateAsync(request))).Last.Outcome);
        var again = await Read(Grain.GenerateAsync(request));
        Assert.Equal(GenerationOutcome.Failed, again.Last.Outcome);
        Assert.Contains("lease the generator again", again.Last.Error);
    }

    [Fact]
    public async Task ACallerThatCancelsFreesItsRow()
    {
        long cancelledBefore = fixture.Scheduler.Counts.Cancelled;
        using var cts = new CancellationTokenSource();
        var request = await Request(99, maxNewTokens: 120);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var c in Grain.GenerateAsync(request, cts.Token))
                if (c.TokenCount >= 3) cts.Cancel();
        });

        await WaitFor(() => fixture.Scheduler.Counts.Cancelled > cancelledBefore);
        Assert.Equal(cancelledBefore + 1, fixture.Scheduler.Counts.Cancelled);
        Assert.Equal(0, fixture.Scheduler.Counts.Running);
    }

    [Fact]
    public async Task ACallerThatStopsReadingFreesItsRow()
    {
        long cancelledBefore = fixture.Scheduler.Counts.Cancelled;
        await foreach (var c in Grain.GenerateAsync(await Request(98, maxNewTokens: 120)))
            if (c.TokenCount >= 3) break;

        await WaitFor(() => fixture.Scheduler.Counts.Cancelled > cancelledBefore);
        Assert.Equal(cancelledBefore + 1, fixture.Scheduler.Counts.Cancelled);
    }

    [Fact]
    public async Task BadSamplerSettingsFailWithAMessageAndUnknownGeneratorsHaveNoLease()
    {
        var lease = await Grain.LeaseAsync("default");
        var bad = await Read(Grain.GenerateAsync(new GenerationRequest(lease!, Prompt(0), new SamplerSettings { TopP = 2 })));

        Assert.Equal(GenerationOutcome.Failed, bad.Last.Outcome);
        Assert.Contains("top_p", bad.Last.Error);
        Assert.Null(await Grain.LeaseAsync("nope"));
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !condition() && DateTime.UtcNow < deadline;) await Task.Delay(10);
    }
}
