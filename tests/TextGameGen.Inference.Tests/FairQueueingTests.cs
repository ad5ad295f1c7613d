using System.Collections.Concurrent;
using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Inference.Tests;

/// <summary>Fair queueing under overload: requests are served fairly across submitters, and each is told its true place in line.</summary>
public sealed class FairQueueingTests
{
    private static readonly SamplerSettings Short = SamplerSettings.Greedy with { MaxNewTokens = 2 };
    private static readonly SamplerSettings Long = SamplerSettings.Greedy with { MaxNewTokens = 110, IgnoreEndOfText = true };

    [Fact]
    public async Task One_player_firing_50_requests_beside_20_players_firing_one_each_lets_the_20_finish_first_and_places_match_the_real_order()
    {
        // One row, told of every change of place: the line is exactly the order of admission.
        await using var scheduler = new GenerationScheduler(TestModels.TinySession, StoryTokenizer.Shared,
            new SchedulerOptions { ContextLength = 128, MaxBatchSize = 1, PlacesInterval = TimeSpan.Zero });
        var prompt = TestModels.RandomTokens(4, seed: 3);
        var started = new ConcurrentQueue<string>();
        var finished = new ConcurrentQueue<string>();
        var places = new ConcurrentDictionary<string, int>();

        async Task Run(string name, string? submitter, SamplerSettings settings, GenerationPriority priority = GenerationPriority.Interactive)
        {
            bool first = true;
            await foreach (var e in scheduler.GenerateAsync(prompt, settings, priority, submitter: submitter))
            {
                if (e.Place is { } place) { places[name] = place; continue; }
                if (first) { started.Enqueue(name); first = false; }
                if (e.IsFinal) finished.Enqueue(name);
            }
        }

        // Three long GM-priority requests hold the only row while the line forms.
        var blockers = Enumerable.Range(0, 3).Select(i => Run($"blocker-{i}", null, Long, GenerationPriority.WorldEvent)).ToList();
        await Until(() => !started.IsEmpty);
        var all = new List<Task>();
        for (int i = 0; i < 50; i++) all.Add(Run($"greedy-{i}", "greedy", Short));
        for (int i = 0; i < 20; i++) all.Add(Run($"player-{i}", $"player-{i}", Short));
        // A snapshot of the places told while the blockers still run: 1..70, each once, and settled (the scheduler tells
        // the changes of one pass one after another; a snapshot in the middle of a pass can look complete and be stale).
        Dictionary<string, int> snapshot;
        while (true)
        {
            await Until(() => places.Count == 70 && places.Values.Distinct().Count() == 70 && places.Values.Max() == 70);
            snapshot = new Dictionary<string, int>(places);
            await Task.Delay(15);
            if (snapshot.All(p => places[p.Key] == p.Value)) break;
        }
        Assert.True(started.Count(n => n.StartsWith("blocker")) <= 3 && started.All(n => n.StartsWith("blocker")), "the line was admitted before the snapshot");
        await Task.WhenAll(all.Concat(blockers));

        // The 20 finish first: the greedy player has at most one passage served in the rounds the 20 take.
        var order = finished.Where(n => !n.StartsWith("blocker")).ToList();
        int lastOfTwenty = order.FindLastIndex(n => n.StartsWith("player"));
        Assert.True(order.Take(lastOfTwenty + 1).Count(n => n.StartsWith("greedy")) <= 1, string.Join(", ", order.Take(25)));
        // The places shown were the real order of admission.
        var admitted = started.Where(n => !n.StartsWith("blocker")).ToList();
        Assert.Equal(snapshot.OrderBy(p => p.Value).Select(p => p.Key), admitted);
        // Requests without a submitter (benchmarks, tools) are never told a place.
        Assert.DoesNotContain(places.Keys, n => n.StartsWith("blocker"));
    }

    private static async Task Until(Func<bool> condition, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met");
            await Task.Delay(2);
        }
    }
}
