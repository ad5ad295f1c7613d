namespace TextGameGen.Grains;

/// <summary>
/// The batching grain: a stateless worker on every silo that leases a generator and forwards generations to that
/// generator's continuous-batching scheduler, streaming the passage back. Cancelling, or abandoning the stream, frees
/// the request's row.
/// </summary>
[Alias("TextGameGen.IGenerationGrain")]
public interface IGenerationGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Holds the generator a passage will be written with, with the sampler preset of that version (null or unknown:
    /// the generator's active preset); null when no generator is served under that name.
    /// </summary>
    [Alias("Lease")]
    Task<GeneratorLease?> LeaseAsync(string generator, string? samplerPreset = null);

    /// <summary>The generators this silo serves, with their versions.</summary>
    [Alias("Generators")]
    Task<IReadOnlyDictionary<string, string>> GetGeneratorsAsync();

    /// <summary>Streams a passage from the leased generator; the lease ends with it.</summary>
    [Alias("Generate")]
    IAsyncEnumerable<GenerationChunk> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default);
}
