using System.Diagnostics.Metrics;

namespace TextGameGen.Inference.Scheduling;

/// <summary>The inference meter: latencies, batch shape and outcomes of the scheduler.</summary>
public sealed class InferenceMetrics : IDisposable
{
    public const string MeterName = "TextGameGen.Inference";
    private readonly Meter _meter;

    public InferenceMetrics(Func<int> running, Func<int> waiting, IMeterFactory? factory = null)
    {
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        QueueTime = _meter.CreateHistogram<double>("tgg.generation.queue_time", "ms", "Time from submission to the start of prefill");
        TimeToFirstToken = _meter.CreateHistogram<double>("tgg.generation.time_to_first_token", "ms");
        TimePerOutputToken = _meter.CreateHistogram<double>("tgg.generation.time_per_output_token", "ms");
        EndToEnd = _meter.CreateHistogram<double>("tgg.generation.end_to_end", "ms");
        BatchSize = _meter.CreateHistogram<int>("tgg.scheduler.batch_size", "{rows}", "Rows in each decode step");
        TokensPerStep = _meter.CreateHistogram<int>("tgg.scheduler.tokens_per_step", "{tokens}");
        PaddingRatio = _meter.CreateHistogram<double>("tgg.scheduler.padding_ratio", null, "Padding slots over all KV slots in a decode step");
        Outcomes = _meter.CreateCounter<long>("tgg.generation.outcomes", "{requests}", "Ended requests by outcome");
        PromptTokens = _meter.CreateHistogram<int>("tgg.generation.prompt_tokens", "{tokens}", "Prompt length of each request at the start of its prefill");
        GeneratedTokens = _meter.CreateCounter<long>("tgg.generation.generated_tokens", "{tokens}", "Tokens written (its rate is the generator's tokens/s)");
        _meter.CreateObservableGauge("tgg.scheduler.running", running, "{requests}");
        _meter.CreateObservableGauge("tgg.scheduler.waiting", waiting, "{requests}");
    }

    /// <summary>This scheduler's meter (each scheduler has its own, under the same name).</summary>
    public Meter Meter => _meter;

    public Histogram<double> QueueTime { get; }
    public Histogram<double> TimeToFirstToken { get; }
    public Histogram<double> TimePerOutputToken { get; }
    public Histogram<double> EndToEnd { get; }
    public Histogram<int> BatchSize { get; }
    public Histogram<int> TokensPerStep { get; }
    public Histogram<double> PaddingRatio { get; }
    public Counter<long> Outcomes { get; }
    public Histogram<int> PromptTokens { get; }
    public Counter<long> GeneratedTokens { get; }
    /// <summary>Tokens written and recent times to first token, for the GM's server view.</summary>
    public LiveFigures Live { get; } = new();

    public void Dispose() => _meter.Dispose();
}
