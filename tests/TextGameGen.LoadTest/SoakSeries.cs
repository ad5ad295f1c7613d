using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace TextGameGen.LoadTest;

/// <summary>One interval of a soak run: what the clients saw, what the server reports about itself.</summary>
public sealed record SoakPoint(
    double Minute,
    double AckP50Ms,
    double AckP99Ms,
    double ServerAckP50Ms,
    double ServerAckP99Ms,
    double FirstTokenP50Ms,
    double FirstTokenP99Ms,
    int PassagesCompleted,
    int PassagesBusy,
    int PassagesFailed,
    int Errors,
    int ConnectedClients,
    double ServerRssMiB,
    double ServerGcHeapMiB,
    double ThreadPoolQueue,
    double DatabaseMiB,
    double ServerGcPauseMs = double.NaN,
    double ServerGcCollections = double.NaN)
{
    /// <summary>Passages answered "busy" per passage ended in this interval.</summary>
    public double BusyShare => PassagesCompleted + PassagesBusy + PassagesFailed is var n and > 0 ? (double)PassagesBusy / n : 0;
}

/// <summary>
/// The per-interval series of a soak (<c>tgg-load --duration</c>): the clients' events are cut at each tick into
/// acknowledgement and first-token percentiles and passage counts; the server's own figures come from its GM-only
/// acknowledgement times and its Prometheus <c>/metrics</c> (working set, GC heap, thread-pool queue, and the garbage
/// collector's pause time and collections in the interval: a pause holds every acknowledgement in flight).
/// </summary>
public sealed class SoakSeries(IReadOnlyList<Uri> frontEnds, ServerAckReader? serverAcks, string? databasePath, Func<int> connectedClients)
{
    private readonly Lock _gate = new();
    private readonly List<double> _acks = [], _firstTokens = [];
    private int _completed, _busy, _failed, _errors;
    private readonly HttpClient _http = new();
    private double _gcPauseSecondsBefore = double.NaN, _gcCollectionsBefore = double.NaN;

    public List<SoakPoint> Points { get; } = [];

    public void Ack(double ms) { lock (_gate) _acks.Add(ms); }
    public void FirstToken(double ms) { lock (_gate) _firstTokens.Add(ms); }
    public void Completed() => Interlocked.Increment(ref _completed);
    public void Busy() => Interlocked.Increment(ref _busy);
    public void Failed() => Interlocked.Increment(ref _failed);
    public void Error() => Interlocked.Increment(ref _errors);

    /// <summary>Reads the server's counters at the start of the first interval (its GC pauses are then counted from there).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var (_, _, _, gcPauseSeconds, gcCollections) = await ServerFiguresAsync(cancellationToken);
        (_gcPauseSecondsBefore, _gcCollectionsBefore) = (gcPauseSeconds, gcCollections);
    }

    /// <summary>Closes the interval ending now (<paramref name="minute"/> minutes into the run) and adds its point.</summary>
    public async Task TickAsync(double minute, CancellationToken cancellationToken)
    {
        double[] acks, firstTokens;
        lock (_gate)
        {
            acks = [.. _acks];
            firstTokens = [.. _firstTokens];
            _acks.Clear();
            _firstTokens.Clear();
        }
        var server = serverAcks is null ? [] : await serverAcks.TakeWindowAsync(cancellationToken);
        var (rss, heap, queue, gcPauseSeconds, gcCollections) = await ServerFiguresAsync(cancellationToken);
        double pauseMs = (gcPauseSeconds - _gcPauseSecondsBefore) * 1000, collections = gcCollections - _gcCollectionsBefore;
        (_gcPauseSecondsBefore, _gcCollectionsBefore) = (gcPauseSeconds, gcCollections);
        double db = databasePath is not null && File.Exists(databasePath)
            ? (new FileInfo(databasePath).Length + (File.Exists(databasePath + "-wal") ? new FileInfo(databasePath + "-wal").Length : 0)) / 1048576.0
            : double.NaN;
        Points.Add(new SoakPoint(Math.Round(minute, 2), LoadTestReport.Percentile(acks, 50), LoadTestReport.Percentile(acks, 99),
            LoadTestReport.Percentile(server, 50), LoadTestReport.Percentile(server, 99),
            LoadTestReport.Percentile(firstTokens, 50), LoadTestReport.Percentile(firstTokens, 99),
            Interlocked.Exchange(ref _completed, 0), Interlocked.Exchange(ref _busy, 0), Interlocked.Exchange(ref _failed, 0), Interlocked.Exchange(ref _errors, 0),
            connectedClients(), rss, heap, queue, db, pauseMs, collections));
    }

    /// <summary>
    /// The front ends' working set, GC heap, GC pause seconds and collections since their start (summed) and thread-pool
    /// queue (largest), from their /metrics.
    /// </summary>
    private async Task<(double RssMiB, double HeapMiB, double Queue, double GcPauseSeconds, double GcCollections)> ServerFiguresAsync(CancellationToken cancellationToken)
    {
        double rss = 0, heap = 0, queue = 0, pause = 0, collections = 0;
        foreach (var frontEnd in frontEnds)
        {
            try
            {
                var text = await _http.GetStringAsync(new Uri(frontEnd, "/metrics"), cancellationToken);
                rss += Sum(text, "dotnet_process_memory_working_set_bytes") / 1048576.0;
                heap += Sum(text, "dotnet_gc_last_collection_heap_size_bytes") / 1048576.0;
                queue = Math.Max(queue, Sum(text, "dotnet_thread_pool_queue_length"));
                pause += Sum(text, "dotnet_gc_pause_time_seconds_total");
                collections += Sum(text, "dotnet_gc_collections_total");
            }
            catch (HttpRequestException)
            {
                return (double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
            }
        }
        return (rss, heap, queue, pause, collections);
    }

    /// <summary>The sum of a Prometheus series' samples over its labels.</summary>
    public static double Sum(string exposition, string name) => Regex.Matches(exposition, $@"^{Regex.Escape(name)}(\{{[^}}]*\}})? (\S+)", RegexOptions.Multiline)
        .Sum(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
}
