using System.Diagnostics;
using TextGameGen.Contracts.Generation;
using TextGameGen.Inference.Runtime;

namespace TextGameGen.Inference.Scheduling;

/// <summary>What every batching mode shares: ending expired and cancelled requests, prefill and join, decode one step.</summary>
public sealed partial class GenerationScheduler
{
    private void DropEndedWaiting(DateTime now)
    {
        lock (_gate)
        {
            _waiting.RemoveAll(r =>
            {
                if (r.CancellationToken.IsCancellationRequested) return End(r, GenerationOutcome.Cancelled) || true;
                if (r.IsExpired(now)) return End(r, GenerationOutcome.TimedOut, error: "The request's deadline passed before it could start.") || true;
                return false;
            });
        }
    }

    /// <summary>Ends cancelled and expired rows; in continuous mode they also leave the batch now.</summary>
    private void DropEndedRunning(DateTime now)
    {
        foreach (var r in _running.Concat(_prefilling))
        {
            if (r.IsFinished) continue;
            if (r.CancellationToken.IsCancellationRequested) End(r, GenerationOutcome.Cancelled);
            else if (r.IsExpired(now)) End(r, GenerationOutcome.TimedOut, error: "The request's deadline passed during generation.");
        }
        _prefilling.RemoveAll(r => r.IsFinished);
        if (_options.Mode == BatchingMode.Continuous) RemoveFinishedRows();
        else if (_running.Count > 0 && _running.All(r => r.IsFinished)) ReleaseBatch();
    }

    private void PrefillAndJoin(List<ScheduledRequest> batch)
    {
        foreach (var r in batch)
        {
            r.PrefillStartedAt = Stopwatch.GetTimestamp();
            Metrics.QueueTime.Record(r.MillisecondsSinceSubmit);
            Metrics.PromptTokens.Record(r.History.Count);
        }
        var logits = LogitsBuffer(batch.Count);
        IBatchKv cache;
        try
        {
            long onnx = Stopwatch.GetTimestamp();
            cache = _decoder.Prefill(batch.Select(r => (IReadOnlyList<int>)r.Prompt).ToList(), logits, _stopping.Token);
            Timings.Onnx(Stopwatch.GetTimestamp() - onnx);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            // A failed prefill fails its own requests only; the running batch is untouched.
            foreach (var r in batch) End(r, GenerationOutcome.Failed, error: $"Generation failed: {ex.Message}");
            return;
        }
        Metrics.TokensPerStep.Record(batch.Sum(r => r.Prompt.Length));
        int v = _decoder.VocabularySize;
        for (int i = 0; i < batch.Count; i++)
            batch[i].Accept(logits.AsSpan(i * v, v), _options.ContextLength, Metrics);
        if (_options.Mode == BatchingMode.Continuous)
        {
            var keep = Enumerable.Range(0, batch.Count).Where(i => !batch[i].IsFinished).ToList();
            if (keep.Count == 0) { cache.Dispose(); return; }
            if (keep.Count < batch.Count)
            {
                long moves = Stopwatch.GetTimestamp();
                keep = [.. _decoder.KeepRowsInAnyOrder(cache, keep)];
                Timings.RowMoves(Stopwatch.GetTimestamp() - moves);
            }
            batch = keep.Select(i => batch[i]).ToList();
        }
        Join(cache, batch);
    }

    /// <summary>
    /// The loop's one logits buffer, grown to <paramref name="rows"/> rows when needed: prefill, chunked prefill and
    /// decode take turns on this thread and each reads its logits before the next runs, so one buffer serves them all
    /// (a fresh array per prefill would be a large-object allocation each time, and gen-2 collections pause the server).
    /// </summary>
    private float[] LogitsBuffer(int rows)
    {
        int needed = rows * _decoder.VocabularySize;
        if (_logits.Length < needed) _logits = new float[Math.Max(needed, _logits.Length * 2)];
        return _logits;
    }

    private void Join(IBatchKv cache, List<ScheduledRequest> requests)
    {
        if (_cache is null) _cache = cache;
        else
        {
            long moves = Stopwatch.GetTimestamp();
            _decoder.AppendRows(_cache, cache);
            Timings.RowMoves(Stopwatch.GetTimestamp() - moves);
        }
        _running.AddRange(requests);
        _runningCount = _running.Count;
    }

    /// <summary>Samples row <paramref name="i"/> of the step's logits and streams its text (on the loop thread or a helper).</summary>
    private void AcceptRow(int i)
    {
        var r = _running[i];
        int v = _decoder.VocabularySize;
        if (!r.IsFinished) r.Accept(_logits.AsSpan(i * v, v), _options.ContextLength, Metrics);
    }

    private void DecodeStep()
    {
        var cache = _cache!;
        int rows = _running.Count;
        LogitsBuffer(rows);
        if (_tokens.Length < rows) _tokens = new int[Math.Max(rows, 2 * _tokens.Length)];
        var tokens = _tokens.AsSpan(0, rows);
        for (int i = 0; i < rows; i++) tokens[i] = _running[i].LastToken;
        Metrics.BatchSize.Record(rows);
        Metrics.TokensPerStep.Record(rows);
        Metrics.PaddingRatio.Record(cache.PaddingRatio);
        long onnx = Stopwatch.GetTimestamp();
        _decoder.Decode(cache, tokens, _logits, _stopping.Token);
        long sampling = Stopwatch.GetTimestamp();
        Timings.Onnx(sampling - onnx);
        _stepRows.For(rows, _acceptRow);
        Timings.Sampling(Stopwatch.GetTimestamp() - sampling);
        // Finished rows leave at once in continuous mode; a static batch runs to completion.
        if (_options.Mode == BatchingMode.Continuous) RemoveFinishedRows();
        else if (_running.All(r => r.IsFinished)) ReleaseBatch();
    }
}
