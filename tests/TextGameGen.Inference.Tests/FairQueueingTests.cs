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
    // On the slower test model: three of these hold the one row for seconds while 70 requests join the line.
    private static readonly SamplerSettings Long = SamplerSettings.Greedy with { MaxNewTokens = 600, IgnoreEndOfText = true };

    [Fact]
    public async Task One_player_firing_50_requests_beside_20_players_firing_one_each_lets_the_20_finish_first_and_places_match_the_real_order()
    {
        // One row, told of every change of place: the line is exactly the order of admission.
        await using var scheduler = new GenerationScheduler(TestModels.SlowSession, StoryTokenizer.Shared,
            new SchedulerOptions { ContextLength = 1024, MaxBatchSize = 1, PlacesInterval = TimeSpan.Zero });
        var prompt = TestModels.RandomTokens(4, seed: 3);
        var started = new ConcurrentQueue<string>();
        var places = new ConcurrentDictionary<string, int>();
        // Every place each request was told, in order, and the last one told before its first token (each list has one writer).
        var told = new ConcurrentDictionary<string, List<int>>();
        var placeWhenStarted = new ConcurrentDictionary<string, int>();

        async Task Run(string name, string? submitter, SamplerSettings settings, GenerationPriority priority = GenerationPriority.Interactive)
        {
            var mine = told.GetOrAdd(name, _ => []);
            bool first = true;
            await foreach (var e in scheduler.GenerateAsync(prompt, settings, priority, submitter: submitter))
            {
                if (e.Place is { } place)
                {
                    lock (mine) { mine.Add(place); places[name] = place; }
                    continue;
                }
                if (first)
                {
                    lock (mine) placeWhenStarted[name] = mine.Count > 0 ? mine[^1] : 0;
                    started.Enqueue(name);
                    first = false;
                }
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
        // With each place, how many places that request had been told by then.
        Dictionary<string, (int Place, int ToldSoFar)> snapshot;
        while (true)
        {
            await Until(() => places.Count == 70 && places.Values.Distinct().Count() == 70 && places.Values.Max() == 70);
            snapshot = places.Keys.ToDictionary(n => n, n => { var l = told[n]; lock (l) return (l[^1], l.Count); });
            await Task.Delay(15);
            if (snapshot.Values.Select(v => v.Place).Distinct().Count() == 70 && snapshot.All(p => places[p.Key] == p.Value.Place)) break;
        }
        Assert.True(started.Count(n => n.StartsWith("blocker")) <= 3 && started.All(n => n.StartsWith("blocker")), "the line was admitted before the snapshot");
        await Task.WhenAll(all.Concat(blockers));

        // The places shown were the real order of admission. Each request read its own stream, so the order in which the
        // test's readers saw first tokens says nothing; what each stream told does: from the snapshot on, every request's
        // place only went down, and it was 1 (next) when it started. Had any request been admitted out of the order shown,
        // either it started at a place above 1, or the scheduler re-ranked the line and a request behind saw its place rise.
        foreach (var (name, (place, toldSoFar)) in snapshot)
        {
            var afterSnapshot = told[name].Skip(toldSoFar - 1).ToList();
            Assert.True(afterSnapshot.Zip(afterSnapshot.Skip(1)).All(p => p.Second < p.First), $"{name}: places told {string.Join(", ", afterSnapshot)}");
            Assert.Equal(1, placeWhenStarted[name]);
        }
        // The 20 finish first: with one row, the order of admission is the order of finishing, and in the line shown the
        // greedy player has at most one passage among the first 21 (its first one joined before the 20).
        var line = snapshot.OrderBy(p => p.Value.Place).Select(p => p.Key).ToList();
        int lastOfTwenty = line.FindLastIndex(n => n.StartsWith("player"));
        Assert.True(line.Take(lastOfTwenty + 1).Count(n => n.StartsWith("greedy")) <= 1, string.Join(", ", line.Take(25)));
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
