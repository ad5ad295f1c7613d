using System.Collections.Concurrent;
using System.Diagnostics;
using TextGameGen.Grains.Game;

namespace TextGameGen.Cluster.Tests;

/// <summary>
/// Players acting against a cluster through its client, as front ends do: each sends turns one after another with its
/// own turn ids; a turn that failed (exception, or refused) is sent once more with the same id, as the browser does.
/// Records every acknowledged turn id, so a test can read them all back from storage afterwards.
/// </summary>
public sealed class ActingPlayers(IGrainFactory grains, int count, string prefix)
{
    private static readonly string[] Commands = ["do look around", "look", "take bucket", "drop bucket", "say who goes there?", "go in", "go out", "inventory"];

    public ConcurrentDictionary<string, ConcurrentBag<string>> Acknowledged { get; } = new();
    private readonly ConcurrentDictionary<string, ConcurrentBag<DateTime>> _ackTimes = new();
    public long Failures;
    /// <summary>Turns refused because they could not be stored (during a storage outage), with the message given.</summary>
    public ConcurrentBag<string> NotStored { get; } = [];
    public long Sent;
    private readonly ConcurrentDictionary<string, int> _nextTurn = new();

    public IEnumerable<string> Ids => Enumerable.Range(0, count).Select(i => $"{prefix}-{i}");

    public IPlayerGrain Player(string id) => grains.GetGrain<IPlayerGrain>(id);

    /// <summary>Joins that failed and were tried again, with their errors (a test prints them).</summary>
    public ConcurrentBag<string> JoinRetries { get; } = [];

    /// <summary>
    /// Every player joins, all at once. A join that fails is tried again after a second, twice at most, as the page does
    /// when its join fails: 50 first reads of state at once on two cores have been seen to exceed a storage client's
    /// connect timeout once (an NpgsqlException at join); that is not what the fault tests measure, and a third failure
    /// still fails the test.
    /// </summary>
    public async Task JoinAllAsync() => await Task.WhenAll(Ids.Select(async id =>
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await Player(id).JoinAsync("P " + id, "keep");
                return;
            }
            catch (Exception ex) when (attempt < 3)
            {
                JoinRetries.Add($"{id} (attempt {attempt}): {ex.GetType().Name}: {ex.Message}");
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }));

    /// <summary>Every player sends turns until <paramref name="stop"/>, pausing <paramref name="pause"/> between them.</summary>
    public Task ActUntilAsync(CancellationToken stop, TimeSpan pause) => Task.WhenAll(Ids.Select(async (id, i) =>
    {
        var random = new Random(i + 1000 * _nextTurn.GetValueOrDefault(id));
        while (!stop.IsCancellationRequested)
        {
            // Turn ids are never reused across calls: the server recognises a repeated id among a player's recent turns.
            string turnId = $"t{_nextTurn.AddOrUpdate(id, 0, (_, n) => n + 1)}";
            var command = Commands[random.Next(Commands.Length)];
            if (!await TryAsync(id, turnId, command) && !stop.IsCancellationRequested)
            {
                await Task.Delay(500, CancellationToken.None);
                await TryAsync(id, turnId, command); // once more, same id: applied at most once
            }
            await Task.Delay(pause, CancellationToken.None);
        }
    }));

    /// <summary>Sends one turn; true when it was acknowledged (stored).</summary>
    public async Task<bool> TryAsync(string playerId, string turnId, string command)
    {
        Interlocked.Increment(ref Sent);
        try
        {
            var ack = await Player(playerId).SubmitAsync(turnId, command).WaitAsync(TimeSpan.FromSeconds(15));
            if (ack.Accepted)
            {
                Acknowledged.GetOrAdd(playerId, _ => []).Add(turnId);
                _ackTimes.GetOrAdd(playerId, _ => []).Add(DateTime.UtcNow);
                return true;
            }
            if (ack.Error?.Contains("could not store", StringComparison.Ordinal) == true) NotStored.Add(ack.Error);
            return IsGameRefusal(ack.Error); // "there is no bucket here" is an answer, not a failure
        }
        catch (Exception)
        {
            Interlocked.Increment(ref Failures);
            return false;
        }
    }

    private static bool IsGameRefusal(string? error) => error is not null && !error.Contains("could not store", StringComparison.Ordinal);

    /// <summary>How long after <paramref name="faultUtc"/> the last player had a turn acknowledged again (null: someone never did).</summary>
    public TimeSpan? RecoveryAfter(DateTime faultUtc)
    {
        var firsts = Ids.Select(id => _ackTimes.GetValueOrDefault(id)?.Where(t => t > faultUtc).DefaultIfEmpty(DateTime.MaxValue).Min() ?? DateTime.MaxValue).ToList();
        return firsts.Any(f => f == DateTime.MaxValue) ? null : firsts.Max() - faultUtc;
    }

    /// <summary>How long until every player has a turn acknowledged again (a new one each try).</summary>
    public async Task<TimeSpan> TimeUntilEveryoneActsAsync(TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Ids.Select(async id =>
        {
            for (int n = 0; ; n++)
            {
                if (await TryAsync(id, $"r{n}", "look")) return;
                if (clock.Elapsed > limit) throw new TimeoutException($"{id} could not act for {limit.TotalSeconds:F0} s after the fault.");
                await Task.Delay(250);
            }
        }));
        return clock.Elapsed;
    }

    /// <summary>Waits until no player has a passage pending or being written (every one ended: complete, failed or cancelled).</summary>
    public async Task WaitForPassagesToEndAsync(TimeSpan limit)
    {
        await Wait.UntilAsync(async () =>
        {
            var views = await Task.WhenAll(Ids.Select(id => Player(id).GetViewAsync()));
            return views.All(v => v.Story.All(t => t.Status is not (PassageStatus.Pending or PassageStatus.Generating)));
        }, limit, "every passage to end");
    }

    /// <summary>
    /// Each acknowledged turn id, and how many times it appears in the player's story as read back from storage: every
    /// idle activation is collected first, so the views come from freshly read state, not from memory.
    /// </summary>
    public async Task<(int Acked, int Missing, int Doubled)> ReadBackAsync()
    {
        await grains.GetGrain<Orleans.Runtime.IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        int acked = 0, missing = 0, doubled = 0;
        foreach (var id in Ids)
        {
            var stored = (await WholeStoryAsync(Player(id))).GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.Count());
            doubled += stored.Values.Count(c => c > 1);
            foreach (var turnId in Acknowledged.GetValueOrDefault(id) ?? [])
            {
                acked++;
                if (!stored.ContainsKey(turnId)) missing++;
            }
        }
        return (acked, missing, doubled);
    }

    /// <summary>The recent turns and, paged back through the turn log, every earlier one.</summary>
    private static async Task<List<StoryTurn>> WholeStoryAsync(IPlayerGrain player)
    {
        var view = await player.GetViewAsync();
        var turns = new List<StoryTurn>(view.Story);
        for (int before = view.EarlierBefore; before > 1;)
        {
            var page = await player.GetEarlierStoryAsync(before, 100);
            turns.InsertRange(0, page.Turns);
            before = page.HasMore ? page.NextBefore : 0;
        }
        return turns;
    }
}
