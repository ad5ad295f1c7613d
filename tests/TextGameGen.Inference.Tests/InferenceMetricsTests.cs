using System.Diagnostics.Metrics;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Contracts.Tokenization;
using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Inference.Tests;

public sealed class InferenceMetricsTests
{
    /// <summary>Records what one scheduler's meter emits (other tests' schedulers share the meter name, not the meter).</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        public Dictionary<string, int> Seen { get; } = [];
        public List<string> Outcomes { get; } = [];

        public Recorder(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, l) => { if (ReferenceEquals(instrument.Meter, meter)) l.EnableMeasurementEvents(instrument); };
            _listener.SetMeasurementEventCallback<double>((i, _, tags, _) => Record(i, tags));
            _listener.SetMeasurementEventCallback<int>((i, _, tags, _) => Record(i, tags));
            _listener.SetMeasurementEventCallback<long>((i, _, tags, _) => Record(i, tags));
            _listener.Start();
        }

        private void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (Seen) Seen[instrument.Name] = Seen.GetValueOrDefault(instrument.Name) + 1;
            foreach (var tag in tags) if (tag.Key == "outcome") lock (Outcomes) Outcomes.Add((string)tag.Value!);
        }

        public void Observe() => _listener.RecordObservableInstruments();

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public async Task TheSchedulerReportsLatenciesBatchSizesAndOutcomes()
    {
        await using var scheduler = new GenerationScheduler(TestModels.TinySession, StoryTokenizer.Shared, new SchedulerOptions { ContextLength = 128 });
        using var recorder = new Recorder(scheduler.Metrics.Meter);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(async i =>
        {
            await foreach (var _ in scheduler.GenerateAsync(StoryTokenizer.Shared.Encode($"<|action|>{i}"), SamplerSettings.Greedy with { MaxNewTokens = 5 })) { }
        }));
        recorder.Observe();

        foreach (var name in new[] { "tgg.generation.queue_time", "tgg.generation.time_to_first_token", "tgg.generation.time_per_output_token",
                     "tgg.generation.end_to_end", "tgg.scheduler.batch_size", "tgg.scheduler.tokens_per_step", "tgg.scheduler.padding_ratio",
                     "tgg.scheduler.running", "tgg.scheduler.waiting" })
            Assert.True(recorder.Seen.ContainsKey(name), $"{name} was not recorded");
        Assert.Equal(["completed", "completed", "completed"], recorder.Outcomes);
    }

    [Fact]
    public async Task ABusyAnswerIsCountedByOutcome()
    {
        // Queue bound 0: every request is answered busy at once.
        await using var scheduler = new GenerationScheduler(TestModels.TinySession, StoryTokenizer.Shared, new SchedulerOptions { ContextLength = 128, MaxQueueLength = 0 });
        using var recorder = new Recorder(scheduler.Metrics.Meter);
        await foreach (var _ in scheduler.GenerateAsync(StoryTokenizer.Shared.Encode("busy"), SamplerSettings.Greedy)) { }

        Assert.Equal(["busy"], recorder.Outcomes);
    }
}
