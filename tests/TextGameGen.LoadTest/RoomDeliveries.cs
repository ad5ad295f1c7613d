using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TextGameGen.LoadTest;

/// <summary>
/// How long a room action takes to reach the others present: a command with <c>{mark}</c> gets a unique mark
/// (<c>#c12-3#</c>) when sent; every player who sees a room event carrying a mark records when. Per action: the time
/// from sending it to its delivery to the last of the others, and how many of them got it.
/// </summary>
public sealed partial class RoomDeliveries(Stopwatch clock)
{
    public const string Placeholder = "{mark}";
    private readonly ConcurrentDictionary<string, Entry> _marks = new(StringComparer.Ordinal);
    private long _next;

    private sealed class Entry(double sentMs)
    {
        public readonly double SentMs = sentMs;
        public int Count;
        public double LastMs;
    }

    /// <summary>The command with a fresh mark in place of <see cref="Placeholder"/>, recorded as sent now.</summary>
    public string Mark(string command)
    {
        if (!command.Contains(Placeholder, StringComparison.Ordinal)) return command;
        var id = $"m{Interlocked.Increment(ref _next)}";
        _marks[id] = new Entry(clock.Elapsed.TotalMilliseconds);
        return command.Replace(Placeholder, $"#{id}#", StringComparison.Ordinal);
    }

    /// <summary>A room event reached a player.</summary>
    public void Received(string text)
    {
        var match = MarkPattern().Match(text);
        if (!match.Success || !_marks.TryGetValue(match.Groups[1].Value, out var entry)) return;
        double now = clock.Elapsed.TotalMilliseconds;
        lock (entry)
        {
            entry.Count++;
            entry.LastMs = Math.Max(entry.LastMs, now);
        }
    }

    /// <summary>Forgets what was sent so far (after a warm-up).</summary>
    public void Reset() => _marks.Clear();

    /// <summary>The figures, given how many others each action should have reached.</summary>
    public RoomDeliveryFigures Summarize(int expectedReceivers)
    {
        var entries = _marks.Values.ToList();
        var toLast = entries.Where(e => e.Count > 0).Select(e => e.LastMs - e.SentMs).ToList();
        return new RoomDeliveryFigures(entries.Count, expectedReceivers, entries.Sum(e => (long)e.Count), entries.Count(e => e.Count >= expectedReceivers),
            LoadTestReport.Percentile(toLast, 50), LoadTestReport.Percentile(toLast, 99), toLast.Count > 0 ? toLast.Max() : double.NaN);
    }

    [GeneratedRegex("#(m[0-9]+)#")]
    private static partial Regex MarkPattern();
}

/// <summary>Room actions sent, deliveries made (of actions x expected receivers), and the time to the last receiver.</summary>
public sealed record RoomDeliveryFigures(int Actions, int ExpectedReceivers, long Deliveries, int ActionsReachingAll, double ToLastP50Ms, double ToLastP99Ms, double ToLastMaxMs)
{
    public override string ToString() =>
        $"room deliveries: {Actions} marked actions x {ExpectedReceivers} others: {Deliveries} of {(long)Actions * ExpectedReceivers} delivered, {ActionsReachingAll} actions reached all; " +
        $"from sending to the last receiver p50 {ToLastP50Ms:F1} ms, p99 {ToLastP99Ms:F1} ms, max {ToLastMaxMs:F1} ms";
}
