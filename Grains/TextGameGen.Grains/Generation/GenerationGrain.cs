using System.Runtime.CompilerServices;
using Orleans.Concurrency;
using TextGameGen.Inference.Sampling;
using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Grains.Generation;

/// <summary>
/// Forwards to this silo's scheduler. One reentrant activation per silo: the calls that continue a streamed
/// response must reach the activation that holds its enumerator, which several stateless-worker activations
/// would not guarantee. Forwarding is cheap; the batching happens in the scheduler. Call it from grains (calls from
/// grains stay on their silo).
/// </summary>
[StatelessWorker(1)]
[Reentrant]
public sealed class GenerationGrain(GeneratorCatalog catalog) : Grain, IGenerationGrain
{
    public async IAsyncEnumerable<GenerationChunk> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!catalog.TryGetLoaded(request.Generator, out var loaded) || loaded is null)
        {
            yield return new GenerationChunk("", 0, "failed", Error: $"Unknown generator '{request.Generator}'. Known: {string.Join(", ", catalog.Names)}.");
            yield break;
        }
        var settings = ToSettings(request.Sampler);
        if (settings.Validate() is { } error)
        {
            yield return new GenerationChunk("", 0, "failed", Error: error);
            yield break;
        }
        var priority = request.Background ? GenerationPriority.Background : GenerationPriority.Interactive;
        // The scheduler is taken once: if a new version is promoted meanwhile, this request still finishes on the old one.
        var interval = request.CoalesceInterval ?? TimeSpan.Zero;
        var pending = new System.Text.StringBuilder();
        long lastSent = 0;
        await foreach (var e in loaded.Scheduler.GenerateAsync(request.Prompt, settings, priority, request.Deadline, cancellationToken))
        {
            if (!e.IsFinal && interval > TimeSpan.Zero)
            {
                pending.Append(e.Text);
                if (lastSent != 0 && System.Diagnostics.Stopwatch.GetElapsedTime(lastSent) < interval) continue;
                lastSent = System.Diagnostics.Stopwatch.GetTimestamp();
                yield return new GenerationChunk(pending.ToString(), e.TokenCount);
                pending.Clear();
                continue;
            }
            var text = pending.Length > 0 ? pending.Append(e.Text).ToString() : e.Text;
            pending.Clear();
            yield return new GenerationChunk(text, e.TokenCount, e.Outcome is { } o ? OutcomeName(o) : null,
                e.Finish?.ToString().ToLowerInvariant(), e.Error, e.IsFinal ? loaded.Version : null);
        }
    }

    public Task<GeneratorInfo?> DescribeAsync(string generator)
    {
        if (!catalog.TryGetLoaded(generator, out var loaded) || loaded is null) return Task.FromResult<GeneratorInfo?>(null);
        var preset = catalog.PresetOf(loaded.Name);
        return Task.FromResult<GeneratorInfo?>(new GeneratorInfo(loaded.Name, loaded.Version, loaded.Scheduler.Options.ContextLength, preset?.Sampler, preset?.Version));
    }

    public static string OutcomeName(GenerationOutcome outcome) => outcome switch
    {
        GenerationOutcome.TimedOut => "timed_out",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    public static SamplerSettings ToSettings(StorySampler s) => new()
    {
        Temperature = s.Temperature,
        TopK = s.TopK,
        TopP = s.TopP,
        RepetitionPenalty = s.RepetitionPenalty,
        RepetitionPenaltyRange = s.RepetitionPenaltyRange,
        MaxNewTokens = s.MaxNewTokens,
        StopStrings = s.StopStrings,
        Seed = s.Seed,
    };
}
