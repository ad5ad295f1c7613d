namespace TextGameGen.Grains;

/// <summary>
/// The batching grain: a stateless worker on every silo that forwards to that silo's continuous-batching
/// scheduler and streams the passage back. Cancelling, or abandoning the stream, frees the request's row.
/// </summary>
[Alias("TextGameGen.IGenerationGrain")]
public interface IGenerationGrain : IGrainWithIntegerKey
{
    [Alias("Generate")]
    IAsyncEnumerable<GenerationChunk> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>The generator a request with this name would use, or null when none is loaded under it.</summary>
    [Alias("Describe")]
    Task<GeneratorInfo?> DescribeAsync(string generator);
}
