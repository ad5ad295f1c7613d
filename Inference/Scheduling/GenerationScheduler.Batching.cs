using TextGameGen.Contracts.Generation;
using System.Diagnostics;
using TextGameGen.Inference.Runtime;

namespace TextGameGen.Inference.Scheduling;

/// <summary>The decode loop's batch management: admission, prefill, join, decode and leave.</summary>
public sealed partial class GenerationScheduler
{
    private void DropEndedWaiting(DateTime now)
    {
        lock (_gate)
        {
            if (_waiting.Count == 0) return;
            var kept = new List<(ScheduledRequest, (int, long))>();
            while (_waiting.TryDequeue(out var r, out var priority))
            {
                if (r.CancellationToken.IsCancellationRequested) End(r, GenerationOutcome.Cancelled);
                else if (r.IsExpired(now)) End(r, GenerationOutcome.TimedOut, error: "The request's deadline passed before it could start.");
                else kept.Add((r, priority));
            }
            foreach (var (r, p) in kept) _waiting.Enqueue(r, p);
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

    private void RemoveFinishedRows()
    {
        if (_cache is null || _running.All(r => !r.IsFinished)) return;
        var keep = Enumerable.Range(0, _running.Count).Where(i => !_running[i].IsFinished).ToList();
        if (keep.Count == 0) { ReleaseBatch(); return; }
        _decoder.KeepRows(_cache, keep);
        var kept = keep.Select(i => _running[i]).ToList();
        _running.Clear();
        _running.AddRange(kept);
        _runningCount = _running.Count;
    }

    private void ReleaseBatch()
    {
        _cache?.Dispose();
        _cache = null;
        _running.Clear();
        _runningCount = 0;
    }

    private void AdmitContinuous()
    {
        int budget = _options.MaxPrefillTokensPerStep;
        budget -= ContinueChunkedPrefills(budget);

        int waiting = WaitingCount;
        if (waiting == 0) return;
        bool admit = _running.Count == 0 || waiting >= _options.WaitingServedRatio * _running.Count || _stepsSinceAdmission >= _options.MaxWaitingSteps;
        if (!admit) { _stepsSinceAdmission++; return; }

        var batch = new List<ScheduledRequest>();
        int longest = 0;
        lock (_gate)
        {
            while (_running.Count + _prefilling.Count + batch.Count < _options.MaxBatchSize && _waiting.TryPeek(out var next, out _))
            {
                int length = next.Prompt.Length;
                if (length > _options.MaxPrefillTokensPerStep)
                {
                    // A long prompt is prefilled in chunks between decode steps, one at a time.
                    if (_prefilling.Count > 0 || batch.Count > 0 || !FitsKv(length + next.Settings.MaxNewTokens, 0)) break;
                    _waiting.Dequeue();
                    StartChunkedPrefill(next);
                    break;
                }
                // The prefill budget counts padding: rows are padded to the longest prompt in the batch. And a prompt
                // much longer or shorter than the others waits for a batch of its own rather than pad them all.
                int padded = (batch.Count + 1) * Math.Max(longest, length);
                bool mismatched = batch.Count > 0 && (length > 2 * longest || 2 * length < longest);
                if (padded > budget || mismatched || !FitsKv(Math.Max(longest, length), batch.Count + 1)) break;
                _waiting.Dequeue();
                batch.Add(next);
                longest = Math.Max(longest, length);
            }
        }
        if (batch.Count == 0 && _prefilling.Count == 0) return;
        _stepsSinceAdmission = 0;
        if (batch.Count > 0) PrefillAndJoin(batch);
    }

    /// <summary>Would the running batch plus <paramref name="newRows"/> rows of <paramref name="newLength"/> tokens fit the KV budget?</summary>
    private bool FitsKv(int newLength, int newRows)
    {
        int rows = _running.Count + _prefilling.Count + newRows;
        int length = Math.Max(_cache?.Length ?? 0, newLength) + 1;
        return _decoder.CanHold(rows, length) && (rows <= 1 || (long)rows * length <= _options.MaxKvTokens);
    }

    private void StartChunkedPrefill(ScheduledRequest request)
    {
        request.PrefillStartedAt = Stopwatch.GetTimestamp();
        Metrics.QueueTime.Record(request.MillisecondsSinceSubmit);
        request.PartialCache = _decoder.EmptyCache();
        request.PrefilledTokens = 0;
        _prefilling.Add(request);
    }

    /// <summary>Prefills the next chunk of each long prompt within the budget; returns the tokens used.</summary>
    private int ContinueChunkedPrefills(int budget)
    {
        int used = 0;
        foreach (var r in _prefilling.ToList())
        {
            int chunk = Math.Min(budget - used, r.Prompt.Length - r.PrefilledTokens);
            if (chunk <= 0) break;
            var logits = LogitsBuffer(1);
            try
            {
                _decoder.Extend(r.PartialCache!, r.Prompt[r.PrefilledTokens..(r.PrefilledTokens + chunk)], logits, _stopping.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
            {
                _prefilling.Remove(r);
                End(r, GenerationOutcome.Failed, error: $"Generation failed: {ex.Message}");
                continue;
            }
            r.PrefilledTokens += chunk;
            used += chunk;
            Metrics.TokensPerStep.Record(chunk);
            if (r.PrefilledTokens < r.Prompt.Length) continue;
            _prefilling.Remove(r);
            var cache = r.PartialCache!;
            r.PartialCache = null;
            if (r.Accept(logits.AsSpan(0, _decoder.VocabularySize), _options.ContextLength, Metrics)) cache.Dispose();
            else Join(cache, [r]);
        }
        return used;
    }

    private void AdmitStatic()
    {
        int size = _options.Mode == BatchingMode.Serial ? 1 : _options.MaxBatchSize;
        var batch = new List<ScheduledRequest>();
        lock (_gate)
        {
            if (_waiting.Count == 0) return;
            if (_waiting.Count < size && _waiting.TryPeek(out var oldest, out _) && oldest.MillisecondsSinceSubmit < _options.StaticBatchDelay.TotalMilliseconds)
            {
                Monitor.Exit(_gate);
                try { Thread.Sleep(1); } finally { Monitor.Enter(_gate); }
                return;
            }
            while (batch.Count < size && _waiting.TryDequeue(out var r, out _)) batch.Add(r);
        }
        PrefillAndJoin(batch);
    }

    private void PrefillAndJoin(List<ScheduledRequest> batch)
    {
        foreach (var r in batch)
        {
            r.PrefillStartedAt = Stopwatch.GetTimestamp();
            Metrics.QueueTime.Record(r.MillisecondsSinceSubmit);
        }
        var logits = LogitsBuffer(batch.Count);
        IBatchKv cache;
        try
        {
            cache = _decoder.Prefill(batch.Select(r => (IReadOnlyList<int>)r.Prompt).ToList(), logits, _stopping.Token);
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
            if (keep.Count < batch.Count) _decoder.KeepRows(cache, keep);
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
        else _decoder.AppendRows(_cache, cache);
        _running.AddRange(requests);
        _runningCount = _running.Count;
    }

    private void DecodeStep()
    {
        var cache = _cache!;
        int rows = _running.Count, v = _decoder.VocabularySize;
        LogitsBuffer(rows);
        var tokens = new int[rows];
        for (int i = 0; i < rows; i++) tokens[i] = _running[i].LastToken;
        Metrics.BatchSize.Record(rows);
        Metrics.TokensPerStep.Record(rows);
        Metrics.PaddingRatio.Record(cache.PaddingRatio);
        _decoder.Decode(cache, tokens, _logits, _stopping.Token);
        Parallel.For(0, rows, i =>
        {
            var r = _running[i];
            if (!r.IsFinished) r.Accept(_logits.AsSpan(i * v, v), _options.ContextLength, Metrics);
        });
        // Finished rows leave at once in continuous mode; a static batch runs to completion.
        if (_options.Mode == BatchingMode.Continuous) RemoveFinishedRows();
        else if (_running.All(r => r.IsFinished)) ReleaseBatch();
    }
}
