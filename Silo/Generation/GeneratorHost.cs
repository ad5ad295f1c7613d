using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Packaging;
using TextGameGen.Inference.Registry;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Sampling;
using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Silo.Generation;

/// <summary>
/// Loads generators into the catalog and replaces them without downtime: the new version's session and scheduler
/// are ready before the swap; the old scheduler gets no new requests, drains, and is then disposed.
/// </summary>
public sealed partial class GeneratorHost(GeneratorCatalog catalog, IOptions<InferenceOptions> options, ILogger<GeneratorHost> logger) : IAsyncDisposable
{
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(50);
    private readonly ConcurrentDictionary<GenerationScheduler, IDisposable> _sessions = new();
    private readonly ConcurrentBag<Task> _drains = [];
    private readonly HashSet<(string Generator, string Version)> _failed = [];

    /// <summary>Loads a model directory as <paramref name="name"/> at <paramref name="version"/>, replacing what was there.</summary>
    public LoadedGenerator Load(string name, string modelPath, string version)
    {
        var o = options.Value;
        var dir = ModelDirectory.Open(modelPath);
        var settings = new SessionSettings { Device = SessionSettings.ParseDevice(o.Device), IntraOpThreads = o.IntraOpThreads, Nice = o.Nice, AllowSpinning = o.AllowSpinning };
        var opened = BatchDecoders.Open(dir, settings, o.KvLayout, o.Scheduler.MaxBatchSize + 1, m => LogDeviceFallback(logger, m), (long)o.PrefixCacheMiB << 20);
        var scheduler = new GenerationScheduler(opened.Decoder, StoryTokenizer.Shared, o.Scheduler with { ContextLength = dir.Config.Context, LoopNice = o.Nice })
        {
            Names = ForeignNames.Build(dir.Names, StoryTokenizer.Shared),
        };
        if (opened.Decoder is SlotBatchDecoder { Prefixes: { } prefixes }) PrefixCacheMetrics.Register(scheduler.Metrics.Meter, prefixes);
        _sessions[scheduler] = opened.Resource;
        var previous = catalog.Set(name, scheduler, version);
        LogLoaded(logger, name, version, modelPath, opened.Description);
        if (previous is not null) _drains.Add(DrainAsync(previous));
        return catalog.Find(name)!;
    }

    /// <summary>
    /// Loads every generator whose production version in the registry differs from the loaded one, and takes each
    /// generator's active sampler preset.
    /// </summary>
    public void SyncWithRegistry(ModelRegistry registry)
    {
        var presets = new SamplerPresetRegistry(registry.Root);
        foreach (var generator in registry.Generators())
        {
            catalog.SetPresets(generator, presets.Active(generator)?.Version, presets.List(generator).ToDictionary(p => p.Version, p => p.Sampler));
            if (registry.Production(generator) is not { } version) continue;
            if (catalog.Find(generator) is { } loaded && loaded.Name == generator && loaded.Version == version) continue;
            if (_failed.Contains((generator, version))) continue; // tried: waits for another promotion or a rollback
            try
            {
                Load(generator, registry.ProductionPath(generator)!, version);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A version ONNX Runtime (or our reader) refuses never stops the server: the version already serving goes on.
                _failed.Add((generator, version));
                LogLoadFailed(logger, generator, version, ex.Message);
                try
                {
                    registry.RecordLoadFailure(generator, version, ex.Message);
                }
                catch (IOException io)
                {
                    LogLoadFailed(logger, generator, version, "and the failure could not be recorded in the registry: " + io.Message);
                }
            }
        }
    }

    /// <summary>Waits until nothing runs or waits on the old scheduler, then disposes it and its session.</summary>
    private async Task DrainAsync(LoadedGenerator old)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (DateTime.UtcNow < deadline)
        {
            var counts = old.Scheduler.Counts;
            if (counts.Running == 0 && counts.Waiting == 0 && counts.Submitted == counts.Ended && catalog.OpenLeases(old) == 0) break;
            await Task.Delay(DrainPoll).ConfigureAwait(false);
        }
        await old.Scheduler.DisposeAsync().ConfigureAwait(false);
        if (_sessions.TryRemove(old.Scheduler, out var session)) session.Dispose();
        LogDrained(logger, old.Name, old.Version);
    }

    /// <summary>Completes when every replaced generator has drained.</summary>
    public Task WhenDrained() => Task.WhenAll(_drains);

    public async ValueTask DisposeAsync()
    {
        await WhenDrained().ConfigureAwait(false);
        foreach (var (scheduler, session) in _sessions)
        {
            await scheduler.DisposeAsync().ConfigureAwait(false);
            session.Dispose();
        }
        _sessions.Clear();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Generator {Name} {Version} loaded from {Path} on {Device}")]
    private static partial void LogLoaded(ILogger logger, string name, string version, string path, string device);

    [LoggerMessage(Level = LogLevel.Error, Message = "Generator {Name} {Version} could not be loaded; the version already serving goes on: {Message}")]
    private static partial void LogLoadFailed(ILogger logger, string name, string version, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Generator {Name} {Version} drained and unloaded")]
    private static partial void LogDrained(ILogger logger, string name, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void LogDeviceFallback(ILogger logger, string message);
}
