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

    /// <summary>
    /// Admit newcomers when waiting >= ratio x running (TGI's waiting_served_ratio)... 0 admits at every step: with the
    /// bundled model in a closed-loop benchmark that gave TTFT p50 16 against 169 ms, but in the game (32 players, 1 s
    /// between actions) it did not beat 0.3, and with small-124M it cost 10% of tokens/s (docs/benchmarks.md,
    /// "Admission at every step").
    /// </summary>
    public double WaitingServedRatio { get; init; } = 0.3;

    /// <summary>...or when requests have waited this many decode steps.</summary>
    public int MaxWaitingSteps { get; init; } = 4;

    /// <summary>Static mode: how long to wait for a batch to fill.</summary>
    public TimeSpan StaticBatchDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// A waiting request with a submitter is told its place in line when it joins, and a changed place at most this
    /// often (zero: at every change).
    /// </summary>
    public TimeSpan PlacesInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Deadline for requests that bring none.</summary>
    public TimeSpan DefaultDeadline { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Linux nice value of the decode loop's thread (0 normal). See <see cref="Runtime.ThreadNiceness"/>.</summary>
    public int LoopNice { get; init; }

    /// <summary>
    /// Threads beside the loop's that take rows of a decode step's sampling (null: none on a machine of 2 cores or fewer,
    /// else one per further core, at most 7). On a 2-core VM none was best: the other core's threads sleep through each
    /// ONNX Runtime run and wake too late to help (see <see cref="StepRows"/>).
    /// </summary>
    public int? SamplingHelpers { get; init; }

    /// <summary>The model's context length: prompt plus new tokens never exceed it.</summary>
    public int ContextLength { get; init; } = 1024;

    /// <summary>The first setting out of range, as "Name must ...", or null.</summary>
    public string? Problem()
    {
        if (!Enum.IsDefined(Mode)) return $"Mode must be Serial, Static or Continuous (got {Mode}).";
        if (MaxBatchSize is < 1 or > 4096) return $"MaxBatchSize must be between 1 and 4096 (got {MaxBatchSize}).";
        if (MaxQueueLength < 0) return $"MaxQueueLength must not be negative (got {MaxQueueLength}).";
        if (MaxPrefillTokensPerStep < 1) return $"MaxPrefillTokensPerStep must be at least 1 (got {MaxPrefillTokensPerStep}).";
        if (MaxKvTokens < 1) return $"MaxKvTokens must be at least 1 (got {MaxKvTokens}).";
        if (ContextLength < 2) return $"ContextLength must be at least 2 (got {ContextLength}).";
        if (WaitingServedRatio < 0 || MaxWaitingSteps < 0) return "WaitingServedRatio and MaxWaitingSteps must not be negative.";
        if (SamplingHelpers is < 0 or > 64) return $"SamplingHelpers must be between 0 and 64 (got {SamplingHelpers}).";
        if (DefaultDeadline <= TimeSpan.Zero) return $"DefaultDeadline must be positive (got {DefaultDeadline}).";
        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (Problem() is { } problem) throw new ArgumentException(problem);
    }
}
