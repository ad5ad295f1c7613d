using Orleans.Concurrency;
using TextGameGen.Grains;

namespace TextGameGen.Silo.Generation;

/// <summary>This silo's generators for callers on other silos (see <see cref="ISiloGeneratorsGrain"/>).</summary>
[OnNamedSiloPlacement]
[Reentrant]
public sealed class SiloGeneratorsGrain(GeneratorCatalog catalog) : Grain, ISiloGeneratorsGrain
{
    public Task<GeneratorLease?> LeaseAsync(string generator, string? samplerPreset) =>
        Task.FromResult(catalog.Lease(generator, samplerPreset) is { } lease ? lease with { Silo = this.GetPrimaryKeyString() } : null);

    public IAsyncEnumerable<GenerationChunk> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default) =>
        LocalGeneration.StreamAsync(catalog, request, cancellationToken);
}
