using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Inference.Tests;

public sealed class GenerationSchedulerTests
{
    private static GenerationScheduler Scheduler(BatchingMode mode, Func<SchedulerOptions, SchedulerOptions>? tweak = null)
    {
        var options = new SchedulerOptions { Mode = mode, ContextLength = 128, MaxBatchSize = 8 };
        return new GenerationScheduler(TestModels.TinySession, StoryTokenizer.Shared, tweak is null ? options : tweak(options));
    }

    private static async Task<(string Text, GenerationEvent Last)> Run(GenerationScheduler scheduler, int[] prompt, SamplerSettings settings,
        TimeSpan? deadline = null, CancellationToken cancellationToken = default)
    {
        var text = new System.Text.StringBuilder();
        GenerationEvent? last = null;
        await foreach (var e in scheduler.GenerateAsync(prompt, settings, deadline: deadline, cancellationToken: cancellationToken))
        {
            text.Append(e.Text);
            last = e;
        }
        return (text.ToString(), last!);
    }

    private static readonly int[][] Prompts = Enumerable.Range(0, 6).Select(i => TestModels.RandomTokens(3 + 5 * i, seed: 100 + i)).ToArray();

    private static SamplerSettings SettingsFor(int i) => i % 2 == 0
        ? SamplerSettings.Greedy with { MaxNewTokens = 6 + 7 * i }
        : new SamplerSettings { Seed = 40 + i, MaxNewTokens = 6 + 7 * i, StopStrings = [] };

    [Fact]
    public async Task OutputIsTheSameAloneInAStaticBatchOrJoiningAContinuousBatchMidFlight()
    {
        var alone = new List<string>();
        await using (var serial = Scheduler(BatchingMode.Serial))
            for (int i = 0; i < Prompts.Length; i++) alone.Add((await Run(serial, Prompts[i], SettingsFor(i))).Text);

        await using var staticScheduler = Scheduler(BatchingMode.Static, o => o with { StaticBatchDelay = TimeSpan.FromMilliseconds(50) });
        var staticResults = await Task.WhenAll(Prompts.Select((p, i) => Run(staticScheduler, p, SettingsFor(i))));

        // Continuous: requests arrive while others are decoding, so they join a running batch of other lengths.
        await using var continuous = Scheduler(BatchingMode.Continuous);
        var tasks = new List<Task<(string, GenerationEvent)>>();
        for (int i = 0; i < Prompts.Length; i++)
        {
            tasks.Add(Run(continuous, Prompts[i], SettingsFor(i)));
            await Task.Delay(15);
        }
        var continuousResults = await Task.WhenAll(tasks);

        Assert.Equal(alone, staticResults.Select(r => r.Text));
        Assert.Equal(alone, continuousResults.Select(r => r.Item1));
        Assert.All(continuousResults, r => Assert.Equal(GenerationOutcome.Completed, r.Item2.Outcome));
        Assert.Equal(Prompts.Length, continuous.Counts.Completed);
    }

    [Fact]
    public async Task ALongPromptPrefilledInChunksGivesTheSameOutput()
    {
        var prompt = TestModels.RandomTokens(70, seed: 5);
        var settings = SamplerSettings.Greedy with { MaxNewTokens = 12 };
        await using var whole = Scheduler(BatchingMode.Continuous);
        await using var chunked = Scheduler(BatchingMode.Continuous, o => o with { MaxPrefillTokensPerStep = 16 });

        Assert.Equal((await Run(whole, prompt, settings)).Text, (await Run(chunked, prompt, settings)).Text);
    }

    [Fact]
    public async Task PastTheQueueBoundCallersAreToldBusyAtOnceAndTheCountsAddUp()
    {
        await using var scheduler = Scheduler(BatchingMode.Continuous, o => o with { MaxQueueLength = 4, MaxBatchSize = 2 });
        var settings = SamplerSettings.Greedy with { MaxNewTokens = 30 };
        var runs = Enumerable.Range(0, 40).Select(i => Run(scheduler, Prompts[i % Prompts.Length], settings)).ToList();
        var results = await Task.WhenAll(runs);

        var busy = results.Where(r => r.Last.Outcome == GenerationOutcome.Busy).ToList();
        Assert.NotEmpty(busy);
        Assert.All(busy, r => { Assert.Equal("", r.Text); Assert.Contains("queue is full", r.Last.Error); });
        var counts = scheduler.Counts;
        Assert.Equal(40, counts.Submitted);
        Assert.Equal(counts.Submitted, counts.Ended);
        Assert.Equal(busy.Count, counts.Busy);
        Assert.Equal(40 - busy.Count, counts.Completed);
    }

    [Fact]
    public async Task AskingWhetherTheLineIsFullRefusesOnlyWhenItIsAndCountsTheRefusalAsBusy()
    {
        await using var room = Scheduler(BatchingMode.Continuous, o => o with { MaxQueueLength = 4 });
        Assert.False(room.RefuseIfFull());
        Assert.Equal(0, room.Counts.Submitted);

        await using var full = Scheduler(BatchingMode.Continuous, o => o with { MaxQueueLength = 0 });
        Assert.True(full.RefuseIfFull());
        var counts = full.Counts;
        Assert.Equal(1, counts.Submitted);
        Assert.Equal(1, counts.Busy);
        Assert.Equal(counts.Submitted, counts.Ended);
        var refused = await Run(full, Prompts[0], SamplerSettings.Greedy); // what a request would have been told
        Assert.Equal(GenerationOutcome.Busy, refused.Last.Outcome);
        Assert.Equal(GenerationScheduler.QueueFullMessage, refused.Last.Error);
    }

    [Fact]
    public async Task ARequestPastItsDeadlineEndsTimedOut()
    {
        // The one row is taken; the late request's deadline (one tick) passes before any row could be its.
        await using var scheduler = Scheduler(BatchingMode.Continuous, o => o with { MaxBatchSize = 1 });
        var blocker = Run(scheduler, Prompts[0], SamplerSettings.Greedy with { MaxNewTokens = 100, IgnoreEndOfText = true });
        var late = await Run(scheduler, Prompts[1], SamplerSettings.Greedy, deadline: TimeSpan.FromTicks(1));
        Assert.Equal(GenerationOutcome.Completed, (await blocker).Last.Outcome);

        Assert.Equal(GenerationOutcome.TimedOut, late.Last.Outcome);
        Assert.Equal(1, scheduler.Counts.TimedOut);
        Assert.Equal(scheduler.Counts.Submitted, scheduler.Counts.Ended);
    }

    [Fact]
    public async Task CancellingMidGenerationEndsThatRowAloneAndItsNeighbourGoesOn()
    {
        await using var scheduler = Scheduler(BatchingMode.Continuous);
        using var cts = new CancellationTokenSource();
        var other = Run(scheduler, Prompts[2], SamplerSettings.Greedy with { MaxNewTokens = 100, IgnoreEndOfText = true });
        int seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in scheduler.GenerateAsync(Prompts[3], SamplerSettings.Greedy with { MaxNewTokens = 100, IgnoreEndOfText = true }, cancellationToken: cts.Token))
            {
                seen = e.TokenCount;
                if (seen >= 5) cts.Cancel();
            }
        });

        var neighbour = await other;
        Assert.Equal(GenerationOutcome.Completed, neighbour.Last.Outcome);
        Assert.Equal(100, neighbour.Last.TokenCount);
        await WaitFor(() => scheduler.Counts is { Ended: 2, Running: 0 }); // the rows leave just after their last token
        var counts = scheduler.Counts;
        Assert.Equal(1, counts.Cancelled);
        Assert.Equal(1, counts.Completed);
        Assert.Equal(0, counts.Running);
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !condition() && DateTime.UtcNow < deadline;) await Task.Delay(5);
    }

    [Fact]
    public async Task InteractiveRequestsAreAdmittedBeforeBackgroundOnes()
    {
        await using var scheduler = new GenerationScheduler(TestModels.SlowSession, StoryTokenizer.Shared,
            new SchedulerOptions { Mode = BatchingMode.Serial, ContextLength = 1024, MaxBatchSize = 8 });
        // The scenario needs both requests waiting behind a blocker that holds the only slot. The blocker writes 600
        // tokens on the slower model, a second or more; should it still end before both are queued (a very busy
        // machine), the scenario is set up again rather than judged.
        for (int attempt = 1; ; attempt++)
        {
            var order = new List<string>();
            var blockerStarted = new TaskCompletionSource();
            var blocker = Task.Run(async () =>
            {
                await foreach (var e in scheduler.GenerateAsync(Prompts[0], SamplerSettings.Greedy with { MaxNewTokens = 600, IgnoreEndOfText = true }))
                    blockerStarted.TrySetResult();
            });
            await blockerStarted.Task;
            async Task Track(string name, GenerationPriority priority)
            {
                await foreach (var e in scheduler.GenerateAsync(Prompts[1], SamplerSettings.Greedy with { MaxNewTokens = 2 }, priority))
                    if (e.IsFinal) lock (order) order.Add(name);
            }
            var background = Track("background", GenerationPriority.Background);
            var interactive = Track("interactive", GenerationPriority.Interactive);
            bool bothWaited = scheduler.WaitingCount == 2 && !blocker.IsCompleted;
            await Task.WhenAll(blocker, background, interactive);
            if (!bothWaited && attempt < 20) continue;

            Assert.True(bothWaited, "the blocker ended before both requests were queued, 20 times");
            Assert.Equal(["interactive", "background"], order);
            return;
        }
    }
}
