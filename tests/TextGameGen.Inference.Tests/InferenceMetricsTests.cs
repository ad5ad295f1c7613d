using System.Diagnostics.Metrics;
using TextGameGen.Inference.Sampling;
using TextGameGen.Inference.Scheduling;
using TextGameGen.Inference.Tokenization;

namespace TextGameGen.Inference.Tests;

public sealed class InferenceMetricsTests
{
    [Fact]
    public async Task TheSchedulerReportsLatenciesBatchSizesAndOutcomes()
    {
        var seen = new Dictionary<string, int>();
        var outcomes = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == InferenceMetrics.MeterName) l.EnableMeasurementEvents(instrument); };
        void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            lock (seen) seen[instrument.Name] = seen.GetValueOrDefault(instrument.Name) + 1;
            foreach (var tag in tags) if (tag.Key == "outcome") lock (outcomes) outcomes.Add((string)tag.Value!);
        }
        listener.SetMeasurementEventCallback<double>((i, _, tags, _) => Record(i, tags));
        listener.SetMeasurementEventCallback<int>((i, _, tags, _) => Record(i, tags));
        listener.SetMeasurementEventCallback<long>((i, _, tags, _) => Record(i, tags));
        listener.Start();

        await using (var scheduler = new GenerationScheduler(TestModels.TinySession, StoryTokenizer.Shared, new SchedulerOptions { ContextLength = 128, MaxQueueLength = 0 }))
        {
            // Queue bound 0: every request is answered busy, so this one never runs.
            await foreach (var _ in scheduler.GenerateAsync("busy", SamplerSettings.Greedy)) { }
        }
        await using (var scheduler = new GenerationScheduler(TestModels.TinySession, StoryTokenizer.Shared, new SchedulerOptions { ContextLength = 128 }))
        {
            await Task.WhenAll(Enumerable.Range(0, 3).Select(async i =>
            {
                await foreach (var _ in scheduler.GenerateAsync($"<|action|>{i}", SamplerSettings.Greedy with { MaxNewTokens = 5 })) { }
            }));
            listener.RecordObservableInstruments();
        }

        foreach (var name in new[] { "tgg.generation.queue_time", "tgg.generation.time_to_first_token", "tgg.generation.time_per_output_token",
                     "tgg.generation.end_to_end", "tgg.scheduler.batch_size", "tgg.scheduler.tokens_per_step", "tgg.scheduler.padding_ratio",
                     "tgg.scheduler.running", "tgg.scheduler.waiting" })
            Assert.True(seen.ContainsKey(name), $"{name} was not recorded");
        Assert.Equal(1, outcomes.Count(o => o == "busy"));
        Assert.Equal(3, outcomes.Count(o => o == "completed"));
    }
}
