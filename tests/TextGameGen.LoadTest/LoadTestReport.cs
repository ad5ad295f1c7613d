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
    int PassagesLost,
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

    /// <summary>Passages whose last word ends a sentence (. ! ? or an ellipsis, then closing quotes).</summary>
    public int PassagesEndingSentence => Passages.Count(p => SentenceEnds.EndsSentence(p.Text));

    /// <summary>How many passages each generator and version wrote.</summary>
    public IReadOnlyDictionary<string, int> WrittenBy => Passages.GroupBy(p => $"{p.Generator} {p.ModelVersion}").OrderBy(g => g.Key, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Count());

    public override string ToString()
    {
        var sb = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        sb.AppendLine(c, $"clients {Clients}, actions sent {ActionsSent}, acknowledged {Acknowledged}, passages complete {PassagesComplete}, lost {PassagesLost}, errors {Errors}, disconnects {Disconnects}");
        sb.AppendLine(c, $"acknowledgement ms: p50 {AckP50Ms:F2}, p99 {AckP99Ms:F2}, max {AckMaxMs:F2}");
        sb.AppendLine(c, $"time to first token (client-side) ms: p50 {FirstTokenP50Ms:F0}, p99 {FirstTokenP99Ms:F0}");
        if (PassagesWritten > 0)
            sb.AppendLine(c, $"model passages {PassagesWritten}: {PassagesEndingSentence} end a sentence ({100.0 * PassagesEndingSentence / PassagesWritten:F1}%); written by {string.Join(", ", WrittenBy.Select(w => $"{w.Key} ({w.Value})"))}");
        sb.Append(c, $"passage tokens {TokensReceived} in {Seconds:F1} s = {TokensPerSecond:F1} tokens/s, streamed in {PieceMessages} messages");
        foreach (var e in ErrorSamples) sb.AppendLine().Append("  error: ").Append(e);
        return sb.ToString();
    }

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        double rank = p / 100.0 * (sorted.Length - 1);
        int lo = (int)Math.Floor(rank), hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}
