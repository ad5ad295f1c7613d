using TextGameGen.Contracts.Generation;
using TextGameGen.Contracts.Sampling;

namespace TextGameGen.Grains;

/// <summary>
/// One generation on a leased generator: the prompt as token ids (tokenized once, by the caller that built it), how
/// to sample, how urgent it is and how long it may take. With a <see cref="StreamInterval"/>, the first piece is
/// streamed at once and later pieces are joined and streamed at most once per interval (the only place pieces are
/// joined: fewer grain messages when the caller does not need every token separately). A <see cref="Submitter"/> (the
/// player) is served fairly beside others and told its place in line while it waits.
/// </summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.GenerationRequest")]
public sealed record GenerationRequest(
    [property: Id(0)] GeneratorLease Lease,
    [property: Id(1)] int[] Prompt,
    [property: Id(2)] SamplerSettings Sampler,
    [property: Id(3)] GenerationPriority Priority = GenerationPriority.Interactive,
    [property: Id(4)] TimeSpan? Deadline = null,
    [property: Id(5)] TimeSpan? StreamInterval = null,
    [property: Id(6)] string? Submitter = null);
