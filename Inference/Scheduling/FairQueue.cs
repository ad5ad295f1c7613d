namespace TextGameGen.Inference.Scheduling;

/// <summary>
/// The scheduler's waiting requests, served by priority and, within a priority, fairly across submitters (start-time
/// fair queueing): a submitter's requests take successive rounds, starting no earlier than the round being served, so
/// one player with fifty requests waiting has one served per round while twenty players with one each are served in
/// the first rounds. Requests without a submitter are each their own. Not thread-safe: the scheduler holds its lock.
/// </summary>
internal sealed class FairQueue
{
    private readonly PriorityQueue<ScheduledRequest, Key> _queue = new();
    private readonly Dictionary<string, long> _lastRound = new(StringComparer.Ordinal);
    private long _servingRound;

    /// <summary>Admission order: priority first (lower first), then round, then arrival.</summary>
    public readonly record struct Key(int Priority, long Round, long Sequence) : IComparable<Key>
    {
        public int CompareTo(Key other) => (Priority, Round, Sequence).CompareTo((other.Priority, other.Round, other.Sequence));
    }

    public int Count => _queue.Count;

    public void Enqueue(ScheduledRequest request)
    {
        long round = _servingRound;
        if (request.Submitter is { } who)
        {
            if (_lastRound.TryGetValue(who, out var last)) round = Math.Max(round, last + 1);
            _lastRound[who] = round;
        }
        _queue.Enqueue(request, new Key((int)request.Priority, round, request.Sequence));
    }

    /// <summary>Takes out the requests <paramref name="remove"/> says (called once for each), keeping the others' places and rounds.</summary>
    public void RemoveAll(Predicate<ScheduledRequest> remove)
    {
        if (_queue.Count == 0) return;
        var kept = _queue.UnorderedItems.Where(x => !remove(x.Element)).ToList();
        if (kept.Count == _queue.Count) return;
        _queue.Clear();
        _queue.EnqueueRange(kept);
    }

    public bool TryPeek(out ScheduledRequest request) => _queue.TryPeek(out request!, out _);

    public bool TryDequeue(out ScheduledRequest request, out Key key)
    {
        if (!_queue.TryDequeue(out request!, out key)) return false;
        _servingRound = Math.Max(_servingRound, key.Round);
        if (_lastRound.Count > 2 * _queue.Count + 64) Forget();
        return true;
    }

    public ScheduledRequest Dequeue() => TryDequeue(out var r, out _) ? r : throw new InvalidOperationException("The queue is empty.");

    /// <summary>The waiting requests in the order they will be admitted (for places in line).</summary>
    public List<ScheduledRequest> InOrder() => [.. _queue.UnorderedItems.OrderBy(x => x.Priority).Select(x => x.Element)];

    /// <summary>Submitters whose last round is behind the one served would start at the served round anyway.</summary>
    private void Forget()
    {
        foreach (var who in _lastRound.Where(p => p.Value < _servingRound).Select(p => p.Key).ToList()) _lastRound.Remove(who);
    }
}
