using System.Diagnostics.Metrics;

namespace TextGameGen.Storage;

/// <summary>
/// The storage meter (<c>TextGameGen.Storage</c>): how long a durable write waits for and takes its commit, and how many
/// writes share one commit (SQLite's group commit). Every acknowledged turn waits for one such write, so its
/// time is part of the acknowledgement's.
/// </summary>
public static class StorageMetrics
{
    public const string MeterName = "TextGameGen.Storage";
    private static readonly Meter s_meter = new(MeterName);

    /// <summary>From a write joining the line to its commit on disk (milliseconds).</summary>
    public static readonly Histogram<double> WriteDuration = s_meter.CreateHistogram("tgg.storage.write.duration", "ms",
        "A durable write from joining the group commit's line to its commit on disk",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 100, 250, 1000] });

    /// <summary>Writes carried by each commit.</summary>
    public static readonly Histogram<int> CommitWrites = s_meter.CreateHistogram("tgg.storage.commit.writes", "{write}",
        "Writes that shared one commit", advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
}
