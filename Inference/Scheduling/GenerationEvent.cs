using TextGameGen.Inference.Generation;

namespace TextGameGen.Inference.Scheduling;

/// <summary>How a request ended. Every request ends in exactly one of these.</summary>
public enum GenerationOutcome
{
    Completed,
    Cancelled,
    /// <summary>The queue was full; answered at once, nothing was generated.</summary>
    Busy,
    /// <summary>The request's deadline passed, waiting or running.</summary>
    TimedOut,
    Failed,
}

/// <summary>Interactive requests (a player waiting) are admitted before background ones; FIFO within a priority.</summary>
public enum GenerationPriority
{
    Interactive = 0,
    Background = 1,
}

/// <summary>
/// A piece of streamed text; <c>TokenCount</c> is the number of tokens generated so far. The last event of a request has <see cref="Outcome"/> set (and, when completed,
/// <see cref="Finish"/>); <see cref="Error"/> explains a failure.
/// </summary>
public sealed record GenerationEvent(string Text, int TokenCount, GenerationOutcome? Outcome = null, FinishReason? Finish = null, string? Error = null)
{
    public bool IsFinal => Outcome is not null;
}
