namespace TextGameGen.Inference.Scheduling;

/// <summary>How requests share forward passes.</summary>
public enum BatchingMode
{
    /// <summary>One request at a time, as the original Flask server did.</summary>
    Serial,

    /// <summary>Request-level batching: gather up to the batch size or a short delay, run the batch to completion.</summary>
    Static,

    /// <summary>Iteration-level batching: requests join after their prefill and leave the moment they finish.</summary>
    Continuous,
}

/// <summary>Limits and policies of a <see cref="GenerationScheduler"/>.</summary>
public sealed record SchedulerOptions
{
    public BatchingMode Mode { get; init; } = BatchingMode.Continuous;

    /// <summary>Rows decoded together at most.</summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>Waiting requests at most; past it new requests are answered "busy" at once.</summary>
    public int MaxQueueLength { get; init; } = 256;

    /// <summary>Cached token slots (rows x longest row, padding counted) the running batch may hold.</summary>
    public int MaxKvTokens { get; init; } = 64 * 1024;

    /// <summary>Prompt tokens prefilled between two decode steps; longer prompts are prefilled in chunks.</summary>
    public int MaxPrefillTokensPerStep { get; init; } = 512;

    /// <summary>Admit newcomers when waiting >= ratio x running (TGI's waiting_served_ratio)...</summary>
    public double WaitingServedRatio { get; init; } = 0.3;

    /// <summary>...or when requests have waited this many decode steps.</summary>
    public int MaxWaitingSteps { get; init; } = 4;

    /// <summary>Static mode: how long to wait for a batch to fill.</summary>
    public TimeSpan StaticBatchDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Deadline for requests that bring none.</summary>
    public TimeSpan DefaultDeadline { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Linux nice value of the decode loop's thread (0 normal). See <see cref="Runtime.ThreadNiceness"/>.</summary>
    public int LoopNice { get; init; }

    /// <summary>The model's context length: prompt plus new tokens never exceed it.</summary>
    public int ContextLength { get; init; } = 1024;

    public void Validate()
    {
        if (MaxBatchSize < 1) throw new ArgumentException("MaxBatchSize must be at least 1.");
        if (MaxQueueLength < 0) throw new ArgumentException("MaxQueueLength must not be negative.");
        if (MaxPrefillTokensPerStep < 1) throw new ArgumentException("MaxPrefillTokensPerStep must be at least 1.");
        if (MaxKvTokens < 1) throw new ArgumentException("MaxKvTokens must be at least 1.");
        if (ContextLength < 2) throw new ArgumentException("ContextLength must be at least 2.");
    }
}
