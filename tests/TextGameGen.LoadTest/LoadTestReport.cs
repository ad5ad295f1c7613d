using System.Globalization;
using System.Text;

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

    public override string ToString()
    {
        var sb = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        sb.AppendLine(c, $"clients {Clients}, actions sent {ActionsSent}, acknowledged {Acknowledged}, passages complete {PassagesComplete}, lost {PassagesLost}, errors {Errors}, disconnects {Disconnects}");
        sb.AppendLine(c, $"acknowledgement ms: p50 {AckP50Ms:F2}, p99 {AckP99Ms:F2}, max {AckMaxMs:F2}");
        sb.AppendLine(c, $"time to first token (client-side) ms: p50 {FirstTokenP50Ms:F0}, p99 {FirstTokenP99Ms:F0}");
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
