using TextGameGen.Grains;

namespace TextGameGen.Silo.Generation;

/// <summary>
/// The generators of one silo, reachable from any silo: keyed by that silo's address and always placed on it
/// (<see cref="OnNamedSiloPlacement"/>). The routing grain on each silo leases and generates through it when the
/// passage is written on another silo than the caller's.
/// </summary>
[Alias("TextGameGen.ISiloGeneratorsGrain")]
public interface ISiloGeneratorsGrain : IGrainWithStringKey
{
    [Alias("Lease")]
    Task<GeneratorLease?> LeaseAsync(string generator, string? samplerPreset);

    [Alias("Generate")]
    IAsyncEnumerable<GenerationChunk> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default);
}

/// <summary>What one model-serving silo reports each second: its generators with their free batch rows and queue.</summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.SiloGenerators")]
public sealed record SiloGenerators(
    [property: Id(0)] SiloAddress Silo,
    [property: Id(1)] IReadOnlyList<GeneratorLoad> Generators,
    [property: Id(2)] DateTime ReportedUtc);

[GenerateSerializer, Immutable, Alias("TextGameGen.GeneratorLoad")]
public sealed record GeneratorLoad(
    [property: Id(0)] string Name,
    [property: Id(1)] string Version,
    [property: Id(2)] int FreeRows,
    [property: Id(3)] int Queued,
    [property: Id(4)] int Running = 0,
    [property: Id(5)] double TokensPerSecond = 0,
    [property: Id(6)] double FirstTokenP50Ms = double.NaN,
    [property: Id(7)] double FirstTokenP99Ms = double.NaN,
    [property: Id(8)] long Completed = 0,
    [property: Id(9)] long Busy = 0,
    [property: Id(10)] long Failed = 0);

/// <summary>The cluster's model-serving silos and their load, as last reported (in memory: rebuilt within a second if its silo dies).</summary>
[Alias("TextGameGen.IGeneratorDirectoryGrain")]
public interface IGeneratorDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("Report")]
    Task ReportAsync(SiloGenerators report);

    [Alias("Get")]
    Task<IReadOnlyList<SiloGenerators>> GetAsync();
}
