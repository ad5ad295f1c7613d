using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using TextGameGen.Contracts.Generation;
using TextGameGen.Grains;
using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Silo.Generation;

/// <summary>A generation on this silo's scheduler: the lease redeemed, the request checked, the stream pieces joined within the stream interval.</summary>
public static class LocalGeneration
{
    public static async IAsyncEnumerable<GenerationChunk> StreamAsync(GeneratorCatalog catalog, GenerationRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (request.Lease.QueueFull)
        {
            // Counted as busy when leased (GeneratorCatalog.Lease).
            yield return GenerationChunk.Ended(GenerationOutcome.Busy, GenerationScheduler.QueueFullMessage);
            yield break;
        }
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
        await foreach (var e in loaded.Scheduler.GenerateAsync(request.Prompt, request.Sampler, request.Priority, request.Deadline, request.Submitter, cancellationToken))
        {
            if (e.Place is { } place)
            {
                yield return GenerationChunk.Waiting(place, e.WaitSeconds);
                continue;
            }
            pending.Append(e.Text);
            if (!e.IsFinal && (pending.Length == 0 || (interval > TimeSpan.Zero && lastSent != 0 && Stopwatch.GetElapsedTime(lastSent) < interval))) continue;
            lastSent = Stopwatch.GetTimestamp();
            var text = pending.ToString();
            pending.Clear();
            yield return new GenerationChunk(text, e.TokenCount, e.Outcome, e.Finish, e.Error);
        }
    }

    /// <summary>Batch rows a generator could start now: rows not running less requests already waiting.</summary>
    public static int FreeRows(LoadedGenerator generator)
    {
        var counts = generator.Scheduler.Counts;
        return generator.Scheduler.Options.MaxBatchSize - counts.Running - counts.Waiting;
    }
}
