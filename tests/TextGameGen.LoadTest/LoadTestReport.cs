using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using TextGameGen.Contracts.Generation;

namespace TextGameGen.LoadTest;

/// <summary>What a load run measured, as the clients saw it.</summary>
public sealed record LoadTestReport(
    int Clients,
    int ActionsSent,
    int Acknowledged,
    int PassagesComplete,
    int PassagesIncomplete,
    int Errors,
    int Disconnects,
    double AckP50Ms,
    double AckP99Ms,
    double AckMaxMs,
    double FirstTokenP50Ms,
    double FirstTokenP99Ms,
    long TokensReceived,
    long PieceMessages,
    double Seconds,
    IReadOnlyList<string> ErrorSamples)
{
    public double TokensPerSecond => Seconds > 0 ? TokensReceived / Seconds : 0;

    /// <summary>The model's passages the players received while measuring.</summary>
    [JsonIgnore] public IReadOnlyList<ReceivedPassage> Passages { get; init; } = [];

    public int PassagesWritten => Passages.Count;

    /// <summary>Acknowledged turns that were not in the player's stored story when read back after the run (must be 0).</summary>
    public int AcknowledgedTurnsMissing { get; init; }
    /// <summary>Of <see cref="PassagesIncomplete"/> (acknowledged, not complete): those that never ended at all; the rest ended visibly failed.</summary>
    public int PassagesHung { get; init; }
    public int FrontEnds { get; init; } = 1;
    /// <summary>When the fault was done, errors first and last seen (seconds after measuring started).</summary>
    public double? FaultAtSeconds { get; init; }
    public double? FirstErrorSeconds { get; init; }
    public double? LastErrorSeconds { get; init; }
    /// <summary>The errors grouped by kind (the message without player names, numbers and addresses), most first.</summary>
    public IReadOnlyDictionary<string, int> ErrorKinds { get; init; } = new Dictionary<string, int>();
    /// <summary>Errors (refused, failed, timed out or thrown actions) per action sent.</summary>
    public double ErrorShare => ActionsSent > 0 ? (double)Errors / ActionsSent : 0;
    /// <summary>Marked room actions (commands with {mark}): delivered to how many of the others, and how fast.</summary>
    public RoomDeliveryFigures? RoomDeliveries { get; init; }
    /// <summary>A soak's series, one point per interval (empty unless the run had a duration).</summary>
    public IReadOnlyList<SoakPoint> Series { get; init; } = [];
    /// <summary>Acknowledgements that took over a second, and when the last of them arrived.</summary>
    public int SlowAcks { get; init; }
    public double? LastSlowAckSeconds { get; init; }
    /// <summary>From the fault to the last error or the last acknowledgement slower than a second: how long players noticed it.</summary>
    public double? RecoverySeconds => FaultAtSeconds is { } at ? Math.Max(0, Math.Max(LastErrorSeconds ?? at, LastSlowAckSeconds ?? at) - at) : null;

    /// <summary>Passages whose last word ends a sentence (. ! ? or an ellipsis, then closing quotes).</summary>
    public int PassagesEndingSentence => Passages.Count(p => SentenceEnds.EndsSentence(p.Text));

    /// <summary>How many passages each generator and version wrote.</summary>
    public IReadOnlyDictionary<string, int> WrittenBy => Passages.GroupBy(p => $"{p.Generator} {p.ModelVersion}").OrderBy(g => g.Key, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Count());

    public override string ToString()
    {
        var sb = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        sb.AppendLine(c, $"clients {Clients}, actions sent {ActionsSent}, acknowledged {Acknowledged}, passages complete {PassagesComplete}, not complete {PassagesIncomplete}, errors {Errors}, disconnects {Disconnects}");
        sb.AppendLine(c, $"acknowledged turns missing from the stored stories when read back: {AcknowledgedTurnsMissing}; passages that never ended {PassagesHung}; front ends {FrontEnds}; error share {100 * ErrorShare:F2}%");
        if (FaultAtSeconds is { } fault)
            sb.AppendLine(c, $"fault at {fault:F1} s: {Errors} errors ({(Errors > 0 ? $"from {FirstErrorSeconds:F1} s to {LastErrorSeconds:F1} s" : "none")}), {SlowAcks} acknowledgements slower than 1 s (the last at {LastSlowAckSeconds?.ToString("F1", c) ?? "-"} s); back to normal {RecoverySeconds:F1} s after the fault");
        sb.AppendLine(c, $"acknowledgement ms: p50 {AckP50Ms:F2}, p99 {AckP99Ms:F2}, max {AckMaxMs:F2}");
        sb.AppendLine(c, $"time to first token (client-side) ms: p50 {FirstTokenP50Ms:F0}, p99 {FirstTokenP99Ms:F0}");
        if (RoomDeliveries is { } rooms) sb.AppendLine(rooms.ToString());
        if (PassagesWritten > 0)
            sb.AppendLine(c, $"model passages {PassagesWritten}: {PassagesEndingSentence} end a sentence ({100.0 * PassagesEndingSentence / PassagesWritten:F1}%); written by {string.Join(", ", WrittenBy.Select(w => $"{w.Key} ({w.Value})"))}");
        sb.Append(c, $"passage tokens {TokensReceived} in {Seconds:F1} s = {TokensPerSecond:F1} tokens/s, streamed in {PieceMessages} messages");
        foreach (var (kind, count) in ErrorKinds.Take(8)) sb.AppendLine().Append(c, $"  {count} x {kind}");
        return sb.ToString();
    }

    public static IReadOnlyDictionary<string, int> KindsOf(IEnumerable<string> errors) => errors
        .Select(e => System.Text.RegularExpressions.Regex.Replace(e.Split('\n')[0], @"^load\d+ |[0-9a-f]{8,}|\d+(\.\d+)*", "#"))
        .Select(e => e.Length > 160 ? e[..160] + "..." : e)
        .GroupBy(e => e).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count());

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        double rank = p / 100.0 * (sorted.Length - 1);
        int lo = (int)Math.Floor(rank), hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}
