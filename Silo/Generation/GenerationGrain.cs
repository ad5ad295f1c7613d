using System.Runtime.CompilerServices;
using Orleans.Concurrency;
using Orleans.Runtime;
using TextGameGen.Contracts.Generation;
using TextGameGen.Grains;

namespace TextGameGen.Silo.Generation;

/// <summary>
/// The generation entry point on every silo: leases a generator on the silo <see cref="GeneratorRouter"/> chooses (this
/// one when it can, else a serving silo with free rows, through that silo's <see cref="ISiloGeneratorsGrain"/>) and
/// streams the passage from where the lease is held. One reentrant activation per silo: the calls that continue a
/// streamed response must reach the activation that holds its enumerator. A silo that dies mid-passage ends the
/// passage as failed, with a message saying so, rather than leaving it hanging.
/// </summary>
[StatelessWorker(1)]
[Reentrant]
public sealed class GenerationGrain(GeneratorCatalog catalog, GeneratorRouter router) : Grain, IGenerationGrain
{
    public async Task<GeneratorLease?> LeaseAsync(string generator, string? samplerPreset = null)
    {
        foreach (var silo in await router.PlanAsync(generator))
        {
            if (silo == router.Local)
            {
                if (catalog.Lease(generator, samplerPreset) is { } local) return local with { Silo = silo.ToParsableString() };
                continue;
            }
            try
            {
                if (await GrainFactory.GetGrain<ISiloGeneratorsGrain>(silo.ToParsableString()).LeaseAsync(generator, samplerPreset) is { } remote)
                {
                    router.NoteLease(silo);
                    return remote;
                }
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                router.Forget(silo); // it left, or is leaving: the next one in the plan
            }
        }
        return null;
    }

    public Task<IReadOnlyDictionary<string, string>> GetGeneratorsAsync() => router.AllGeneratorsAsync();

    public IAsyncEnumerable<GenerationChunk> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default) =>
        request.Lease.Silo is { } held && held != router.Local.ToParsableString()
            ? RemoteAsync(held, request, cancellationToken)
            : LocalGeneration.StreamAsync(catalog, request, cancellationToken);

    private async IAsyncEnumerable<GenerationChunk> RemoteAsync(string silo, GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = GrainFactory.GetGrain<ISiloGeneratorsGrain>(silo).GenerateAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                GenerationChunk chunk;
                try
                {
                    if (!await stream.MoveNextAsync()) yield break;
                    chunk = stream.Current;
                }
                catch (Exception ex) when (ex is OrleansException or TimeoutException)
                {
                    router.Forget(SiloAddress.FromParsableString(silo));
                    chunk = GenerationChunk.Ended(GenerationOutcome.Lost, $"The server writing this passage went away ({ex.GetType().Name}); type retry to have it written again.");
                }
                yield return chunk;
                if (chunk.IsFinal) yield break;
            }
        }
        finally
        {
            await stream.DisposeAsync().AsTask().ContinueWith(_ => { }, TaskScheduler.Default); // a dead silo's stream may fail to close
        }
    }
}
