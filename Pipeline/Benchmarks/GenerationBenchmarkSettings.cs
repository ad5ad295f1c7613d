using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Pipeline.Benchmarks;

/// <summary>Settings of <c>tgg bench generate</c>.</summary>
internal sealed record GenerationBenchmarkSettings
{
    public int[] Players { get; init; } = [1, 4, 16, 32, 64];
    public int Repetitions { get; init; } = 3;
    public int SweepPrefillBudget { get; init; } = 512;
    /// <summary>The continuous scheduler's admission: newcomers wait for this share of the running rows, or this many steps (the server's defaults).</summary>
    public double WaitingServedRatio { get; init; } = new SchedulerOptions().WaitingServedRatio;
    public int MaxWaitingSteps { get; init; } = new SchedulerOptions().MaxWaitingSteps;
    /// <summary>Sweep with a shared opening: also run kept openings with newcomers admitted at every step.</summary>
    public bool CompareEveryStepAdmission { get; init; }
    public BatchingMode[] Modes { get; init; } = [BatchingMode.Serial, BatchingMode.Static, BatchingMode.Continuous];
    public int PromptTokens { get; init; } = 64;
    public int NewTokens { get; init; } = 64;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);
    public int MaxBatchSize { get; init; } = 64;
    public double ArrivalsPerSecond { get; init; } = 4;
    public int ShortTokens { get; init; } = 16;
    public int LongTokens { get; init; } = 256;
    public int BurstPlayers { get; init; } = 200;
    public int BurstTokens { get; init; } = 16;
    public int QueueBound { get; init; } = 256;
    public TimeSpan BurstDeadline { get; init; } = TimeSpan.FromMinutes(5);
    public int InterferenceStreams { get; init; } = 16;
    public int LongPromptTokens { get; init; } = 900;
    public TimeSpan LongPromptEvery { get; init; } = TimeSpan.FromSeconds(2);
    public int PrefillBudget { get; init; } = 128;
    /// <summary>Sweep: tokens every prompt opens with (as every game context opens with its world's memory); 0: none.</summary>
    public int SharedPrefixTokens { get; init; }
    /// <summary>Bytes of kept prompts for the sweep's "continuous-slots-prefix" variant (run when prompts share an opening).</summary>
    public long PrefixCacheBytes { get; init; } = 64L << 20;
    public int ContextLength { get; init; } = 1024;
}
