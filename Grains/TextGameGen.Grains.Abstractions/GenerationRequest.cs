namespace TextGameGen.Grains;

/// <summary>Sampler settings as they travel between grains (mapped to the inference engine's settings on the silo).</summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.StorySampler")]
public sealed record StorySampler
{
    [Id(0)] public float Temperature { get; init; } = 0.8f;
    [Id(1)] public int TopK { get; init; } = 40;
    [Id(2)] public float TopP { get; init; } = 0.95f;
    [Id(3)] public float RepetitionPenalty { get; init; } = 1.1f;
    [Id(4)] public int RepetitionPenaltyRange { get; init; } = 64;
    [Id(5)] public int MaxNewTokens { get; init; } = 64;
    [Id(6)] public string[] StopStrings { get; init; } = [];
    [Id(7)] public int? Seed { get; init; }
}

/// <summary>
/// One generation: a prompt, how to sample, how urgent and how long it may take. With a
/// <see cref="CoalesceInterval"/>, the first piece is streamed at once and later pieces are joined and streamed at most
/// once per interval (fewer grain messages when the caller does not need every token separately).
/// </summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.GenerationRequest")]
public sealed record GenerationRequest(
    [property: Id(0)] string Prompt,
    [property: Id(1)] StorySampler Sampler,
    [property: Id(2)] bool Background = false,
    [property: Id(3)] TimeSpan? Deadline = null,
    [property: Id(4)] string Generator = GenerationRequest.DefaultGenerator,
    [property: Id(5)] TimeSpan? CoalesceInterval = null)
{
    public const string DefaultGenerator = "default";
}

/// <summary>
/// A piece of a streamed passage; <see cref="TokenCount"/> is the number of tokens generated so far. The last chunk has <see cref="Outcome"/> set: completed, cancelled, busy,
/// timed_out or failed (with <see cref="Error"/>), and the model version that wrote the passage.
/// </summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.GenerationChunk")]
public sealed record GenerationChunk(
    [property: Id(0)] string Text,
    [property: Id(1)] int TokenCount,
    [property: Id(2)] string? Outcome = null,
    [property: Id(3)] string? Finish = null,
    [property: Id(4)] string? Error = null,
    [property: Id(5)] string? ModelVersion = null)
{
    public bool IsFinal => Outcome is not null;
}
