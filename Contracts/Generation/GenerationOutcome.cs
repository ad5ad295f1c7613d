namespace TextGameGen.Contracts.Generation;

/// <summary>How a generation request ended. Every request ends in exactly one of these.</summary>
[GenerateSerializer, Alias("TextGameGen.GenerationOutcome")]
public enum GenerationOutcome
{
    Completed,
    Cancelled,
    /// <summary>The queue was full (or nothing could serve the request now); answered at once, nothing was generated. Retry later.</summary>
    Busy,
    /// <summary>The request's deadline passed, waiting or running.</summary>
    TimedOut,
    Failed,
    /// <summary>The server writing it went away (its silo died or left) before the end; it can be written again elsewhere.</summary>
    Lost,
}
