using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace TextGameGen.Silo.Generation;

/// <summary>
/// Tells the generator directory, every second, which generators this silo serves and how many batch rows each has
/// free. The first report waits for the host to have started (the silo among it): before that Orleans has no active
/// silo to place the directory on, and would log each attempt's retries.
/// </summary>
public sealed partial class GeneratorLoadReporter(
    GeneratorCatalog catalog, ILocalSiloDetails silo, IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<GeneratorLoadReporter> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await StartedAsync(lifetime.ApplicationStarted, stoppingToken)) return;
        using var timer = new PeriodicTimer(Interval);
        bool failing = false;
        do
        {
            var generators = catalog.All;
            if (generators.Count == 0) continue;
            try
            {
                await grains.GetGrain<IGeneratorDirectoryGrain>(0).ReportAsync(new SiloGenerators(silo.SiloAddress, [.. generators.Select(Load)], DateTime.UtcNow));
                failing = false;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The silo is still starting, or the directory's silo just died: the next report goes through.
                if (!failing) LogReportFailed(logger, ex.Message);
                failing = true;
            }
        }
        while (await NextAsync(timer, stoppingToken));
    }

    private readonly Dictionary<string, (long Tokens, long Timestamp)> _last = [];

    /// <summary>A generator's load and live figures; tokens/s over the time since this generator's previous report.</summary>
    private GeneratorLoad Load(LoadedGenerator g)
    {
        var counts = g.Scheduler.Counts;
        var live = g.Scheduler.Metrics.Live;
        long tokens = live.Tokens, now = System.Diagnostics.Stopwatch.GetTimestamp();
        string key = g.Name + " " + g.Version;
        double rate = _last.TryGetValue(key, out var last) ? (tokens - last.Tokens) / System.Diagnostics.Stopwatch.GetElapsedTime(last.Timestamp, now).TotalSeconds : 0;
        _last[key] = (tokens, now);
        var (p50, p99) = live.FirstTokenPercentiles();
        return new GeneratorLoad(g.Name, g.Version, LocalGeneration.FreeRows(g), counts.Waiting, counts.Running, rate, p50, p99, counts.Completed, counts.Busy, counts.Failed + counts.TimedOut);
    }

    /// <summary>True once the host has started; false when it stops first.</summary>
    private static async Task<bool> StartedAsync(CancellationToken started, CancellationToken stop)
    {
        var whenStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = started.Register(() => whenStarted.TrySetResult());
        try
        {
            await whenStarted.Task.WaitAsync(stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<bool> NextAsync(PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stop);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not report this silo's generators yet: {Message}")]
    private static partial void LogReportFailed(ILogger logger, string message);
}
