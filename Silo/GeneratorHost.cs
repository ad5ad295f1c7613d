using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TextGameGen.Grains.Generation;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Registry;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Scheduling;
using TextGameGen.Inference.Tokenization;

namespace TextGameGen.Silo;

/// <summary>
/// Loads generators into the catalog and replaces them without downtime: the new version's session and scheduler
/// are ready before the swap; the old scheduler gets no new requests, drains, and is then disposed.
/// </summary>
public sealed partial class GeneratorHost(GeneratorCatalog catalog, IOptions<InferenceOptions> options, ILogger<GeneratorHost> logger) : IAsyncDisposable
{
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(50);
    private readonly ConcurrentDictionary<GenerationScheduler, IDisposable> _sessions = new();
    private readonly ConcurrentBag<Task> _drains = [];

    /// <summary>Loads a model directory as <paramref name="name"/> at <paramref name="version"/>, replacing what was there.</summary>
    public LoadedGenerator Load(string name, string modelPath, string version)
    {
        var o = options.Value;
        var dir = ModelDirectory.Open(modelPath);
        var settings = new SessionSettings { Device = SessionSettings.ParseDevice(o.Device), IntraOpThreads = o.IntraOpThreads, Nice = o.Nice };
        var (decoder, device) = OpenDecoder(dir, settings, o);
        var scheduler = new GenerationScheduler(decoder, StoryTokenizer.Shared, new SchedulerOptions
        {
            Mode = o.Mode,
            MaxBatchSize = o.MaxBatchSize,
            MaxQueueLength = o.MaxQueueLength,
            MaxPrefillTokensPerStep = o.MaxPrefillTokensPerStep,
            MaxKvTokens = o.MaxKvTokens,
            ContextLength = dir.Config.Context,
            LoopNice = o.Nice,
        });
        _sessions[scheduler] = (IDisposable)decoder;
        var previous = catalog.Set(name, scheduler, version);
        LogLoaded(logger, name, version, modelPath, device);
        if (previous is not null) _drains.Add(DrainAsync(previous));
        catalog.TryGetLoaded(name, out var loaded);
        return loaded!;
    }

    /// <summary>The slot layout on CPU when asked for and the model file is ours; else the Optimum layout.</summary>
    private (IBatchDecoder Decoder, string Device) OpenDecoder(ModelDirectory dir, SessionSettings settings, InferenceOptions o)
    {
        if (string.Equals(o.KvLayout, "slots", StringComparison.OrdinalIgnoreCase))
        {
            if (settings.Device != ExecutionDevice.Cpu)
                LogDeviceFallback(logger, "The slot KV layout runs on CPU only; this generator uses the Optimum layout on the device.");
            else if (SlotBatchDecoder.TryOpen(dir.ModelPath, dir.Config, o.MaxBatchSize + 1, dir.Config.Context + 1, settings) is { } slots)
                return (slots, "cpu, slot KV cache");
            else
                LogDeviceFallback(logger, $"{dir.ModelPath} was not written by this project; it runs in the Optimum KV layout.");
        }
        var session = Gpt2Session.Open(dir.ModelPath, settings, m => LogDeviceFallback(logger, m));
        return (session, session.ActiveDevice.ToString().ToLowerInvariant());
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
            if (presets.Active(generator) is { } active)
            {
                var p = active.Preset;
                catalog.SetPreset(generator, active.Version, new TextGameGen.Grains.StorySampler
                {
                    Temperature = p.Temperature, TopK = p.TopK, TopP = p.TopP, RepetitionPenalty = p.RepetitionPenalty, RepetitionPenaltyRange = p.RepetitionPenaltyRange,
                });
            }
            else
            {
                catalog.SetPreset(generator, null, null);
            }
            if (registry.Production(generator) is not { } version) continue;
            if (catalog.TryGetLoaded(generator, out var loaded) && loaded!.Version == version) continue;
            Load(generator, registry.ProductionPath(generator)!, version);
        }
    }

    /// <summary>Waits until nothing runs or waits on the old scheduler, then disposes it and its session.</summary>
    private async Task DrainAsync(LoadedGenerator old)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (DateTime.UtcNow < deadline)
        {
            var counts = old.Scheduler.Counts;
            if (counts.Running == 0 && counts.Waiting == 0 && counts.Submitted == counts.Ended) break;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Generator {Name} {Version} drained and unloaded")]
    private static partial void LogDrained(ILogger logger, string name, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void LogDeviceFallback(ILogger logger, string message);
}
