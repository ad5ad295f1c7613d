using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Inference.Tests;

/// <summary>Measures process memory, so it runs alone: other tests allocating at the same time would blur it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "memory measurement";
}

[Collection(MemoryMeasurementCollection.Name)]
public sealed class SchedulerMemoryTests
{
    private static readonly int[][] Prompts = Enumerable.Range(0, 6).Select(i => TestModels.RandomTokens(3 + 5 * i, seed: 100 + i)).ToArray();

    private static async Task Collect(GenerationScheduler scheduler, int[] prompt, SamplerSettings settings)
    {
        await foreach (var _ in scheduler.GenerateAsync(prompt, settings)) { }
    }

    [Fact]
    public async Task MemoryStaysFlatOverALongFlood()
    {
        await using var scheduler = new GenerationScheduler(TestModels.TinySession, StoryTokenizer.Shared,
            new SchedulerOptions { ContextLength = 128, MaxBatchSize = 8, MaxQueueLength = 16 });
        var settings = new SamplerSettings { Seed = 1, MaxNewTokens = 8 };
        async Task Flood(int n) => await Task.WhenAll(Enumerable.Range(0, n).Select(i => Collect(scheduler, Prompts[i % Prompts.Length], settings)));

        await Flood(100);
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        long before = GC.GetTotalMemory(true);
        for (int round = 0; round < 5; round++) await Flood(100);
        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();
        long after = GC.GetTotalMemory(true);

        Assert.Equal(scheduler.Counts.Submitted, scheduler.Counts.Ended);
        Assert.True(after - before < 8 * 1024 * 1024, $"managed memory grew by {(after - before) / 1024} KiB");
    }

}
