using System.Diagnostics.Metrics;
using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Pipeline.Benchmarks;

/// <summary>Listens to the scheduler's batch-size histogram to build the batch-size distribution of a run.</summary>
internal sealed class BatchSizeRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<int, long> _counts = [];

    public BatchSizeRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == InferenceMetrics.MeterName && instrument.Name == "tgg.scheduler.batch_size")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>((_, value, _, _) => { lock (_counts) _counts[value] = _counts.GetValueOrDefault(value) + 1; });
        _listener.Start();
    }

    public IReadOnlyDictionary<int, long> Snapshot()
    {
        lock (_counts) return new SortedDictionary<int, long>(_counts);
    }

    public void Dispose() => _listener.Dispose();
}
