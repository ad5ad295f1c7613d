using TextGameGen.Contracts.Generation;

namespace TextGameGen.Inference.Scheduling;

/// <summary>
/// A piece of streamed text; <c>TokenCount</c> is the number of tokens generated so far. The last event of a request has <see cref="Outcome"/> set (and, when completed,
/// <see cref="Finish"/>); <see cref="Error"/> explains a failure.
/// </summary>
public sealed record GenerationEvent(string Text, int TokenCount, GenerationOutcome? Outcome = null, FinishReason? Finish = null, string? Error = null)
{
    public bool IsFinal => Outcome is not null;

    /// <summary>Set on an event that only tells a waiting request its place in line (1: next), with the estimated wait when known.</summary>
    public int? Place { get; init; }
    public double? WaitSeconds { get; init; }
}
