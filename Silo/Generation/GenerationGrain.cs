using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Orleans.Concurrency;
using TextGameGen.Contracts.Generation;
using TextGameGen.Grains;

namespace TextGameGen.Silo.Generation;

/// <summary>
/// Leases this silo's generators and forwards generations to their schedulers. One reentrant activation per silo: the
/// calls that continue a streamed response must reach the activation that holds its enumerator, which several
/// stateless-worker activations would not guarantee. Forwarding is cheap; the batching happens in the scheduler.
/// Call it from grains (calls from grains stay on their silo).
/// </summary>
[StatelessWorker(1)]
[Reentrant]
public sealed class GenerationGrain(GeneratorCatalog catalog) : Grain, IGenerationGrain
{
    public Task<GeneratorLease?> LeaseAsync(string generator, string? samplerPreset = null) => Task.FromResult(catalog.Lease(generator, samplerPreset));

    public Task<IReadOnlyDictionary<string, string>> GetGeneratorsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(catalog.All.ToDictionary(g => g.Name, g => g.Version));

    public async IAsyncEnumerable<GenerationChunk> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (catalog.Redeem(request.Lease) is not { } loaded)
        {
            yield return GenerationChunk.Ended(GenerationOutcome.Failed,
                $"The lease on {request.Lease.Generator} {request.Lease.Version} is unknown here or expired; lease the generator again.");
            yield break;
        }
        if (request.Sampler.Validate() is { } error)
        {
            yield return GenerationChunk.Ended(GenerationOutcome.Failed, error);
            yield break;
        }
        // Pieces that arrive within the stream interval are joined, so a passage crosses grain boundaries as a few
        // messages a second rather than one per token. (Nothing else joins them.)
        var interval = request.StreamInterval ?? TimeSpan.Zero;
        var pending = new StringBuilder();
        long lastSent = 0;
        await foreach (var e in loaded.Scheduler.GenerateAsync(request.Prompt, request.Sampler, request.Priority, request.Deadline, cancellationToken))
        {
            pending.Append(e.Text);
            if (!e.IsFinal && (pending.Length == 0 || (interval > TimeSpan.Zero && lastSent != 0 && Stopwatch.GetElapsedTime(lastSent) < interval))) continue;
            lastSent = Stopwatch.GetTimestamp();
            var text = pending.ToString();
            pending.Clear();
            yield return new GenerationChunk(text, e.TokenCount, e.Outcome, e.Finish, e.Error);
        }
    }
}
