using TextGameGen.Contracts.Generation;

namespace TextGameGen.Grains;

/// <summary>
/// A piece of a streamed passage; <see cref="TokenCount"/> is the number of tokens generated so far. The last chunk
/// has <see cref="Outcome"/> set (and <see cref="Finish"/> when completed, <see cref="Error"/> when not).
/// </summary>
[GenerateSerializer, Immutable, Alias("TextGameGen.GenerationChunk")]
public sealed record GenerationChunk(
    [property: Id(0)] string Text,
    [property: Id(1)] int TokenCount,
    [property: Id(2)] GenerationOutcome? Outcome = null,
    [property: Id(3)] FinishReason? Finish = null,
    [property: Id(4)] string? Error = null,
    [property: Id(5)] int? Place = null,
    [property: Id(6)] double? WaitSeconds = null)
{
    public bool IsFinal => Outcome is not null;

    /// <summary>A chunk that only tells a waiting request its place in line (1: next) and the estimated wait.</summary>
    public static GenerationChunk Waiting(int place, double? waitSeconds) => new("", 0, Place: place, WaitSeconds: waitSeconds);

    /// <summary>A final chunk for a request that could not start.</summary>
    public static GenerationChunk Ended(GenerationOutcome outcome, string error) => new("", 0, outcome, Error: error);
}
