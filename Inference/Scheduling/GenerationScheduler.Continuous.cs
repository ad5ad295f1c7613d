using System.Diagnostics;
using TextGameGen.Contracts.Generation;

namespace TextGameGen.Inference.Scheduling;

/// <summary>
/// Continuous (iteration-level) batching, what the server runs: newcomers are admitted when enough of them wait
/// (or have waited long enough), prefilled together and joined to the running batch; long prompts are prefilled in
/// chunks between decode steps; finished rows leave after every step.
/// </summary>
public sealed partial class GenerationScheduler
{
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
            while (_running.Count + _prefilling.Count + batch.Count < _options.MaxBatchSize && _waiting.TryPeek(out var next))
            {
                int length = next.Prompt.Length;
                if (length > _options.MaxPrefillTokensPerStep)
                {
                    // A long prompt is prefilled in chunks between decode steps, one at a time.
                    if (_prefilling.Count > 0 || batch.Count > 0 || !FitsKv(length + next.Settings.MaxNewTokens, 0)) break;
                    _waiting.Dequeue();
                    _admissions.Admitted();
                    StartChunkedPrefill(next);
                    break;
                }
                // The prefill budget counts padding: rows are padded to the longest prompt in the batch. And a prompt
                // much longer or shorter than the others waits for a batch of its own rather than pad them all.
                int padded = (batch.Count + 1) * Math.Max(longest, length);
                bool mismatched = batch.Count > 0 && (length > 2 * longest || 2 * length < longest);
                if (padded > budget || mismatched || !FitsKv(Math.Max(longest, length), batch.Count + 1)) break;
                _waiting.Dequeue();
                _admissions.Admitted();
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
        Metrics.PromptTokens.Record(request.History.Count);
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
                long onnx = Stopwatch.GetTimestamp();
                _decoder.Extend(r.PartialCache!, r.Prompt[r.PrefilledTokens..(r.PrefilledTokens + chunk)], logits, _stopping.Token);
                Timings.Onnx(Stopwatch.GetTimestamp() - onnx);
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

    private void RemoveFinishedRows()
    {
        if (_cache is null || _running.All(r => !r.IsFinished)) return;
        var keep = Enumerable.Range(0, _running.Count).Where(i => !_running[i].IsFinished).ToList();
        if (keep.Count == 0) { ReleaseBatch(); return; }
        // The rows' order is the layout's to choose (sampling is per row): the slot layout fills each gap with a later row.
        long moves = Stopwatch.GetTimestamp();
        var order = _decoder.KeepRowsInAnyOrder(_cache, keep);
        Timings.RowMoves(Stopwatch.GetTimestamp() - moves);
        var kept = order.Select(i => _running[i]).ToList();
        _running.Clear();
        _running.AddRange(kept);
        _runningCount = _running.Count;
    }
}
