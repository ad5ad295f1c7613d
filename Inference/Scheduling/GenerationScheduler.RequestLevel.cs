namespace TextGameGen.Inference.Scheduling;

/// <summary>
/// Request-level batching, the baselines the benchmarks compare continuous batching with: serial (one request at a
/// time, as the original Flask server did) and static (gather up to a batch, run it to completion). Reached only in
/// those modes; the server runs <see cref="BatchingMode.Continuous"/>.
/// </summary>
public sealed partial class GenerationScheduler
{
    private void AdmitStatic()
    {
        int size = _options.Mode == BatchingMode.Serial ? 1 : _options.MaxBatchSize;
        var batch = new List<ScheduledRequest>();
        lock (_gate)
        {
            if (_waiting.Count == 0) return;
            if (_waiting.Count < size && _waiting.TryPeek(out var oldest) && oldest.MillisecondsSinceSubmit < _options.StaticBatchDelay.TotalMilliseconds)
            {
                Monitor.Exit(_gate);
                try { Thread.Sleep(1); } finally { Monitor.Enter(_gate); }
                return;
            }
            while (batch.Count < size && _waiting.TryDequeue(out var r, out _)) batch.Add(r);
        }
        PrefillAndJoin(batch);
    }

    private void ReleaseBatch()
    {
        _cache?.Dispose();
        _cache = null;
        _running.Clear();
        _runningCount = 0;
    }
}
