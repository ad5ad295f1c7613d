namespace TextGameGen.WebFront.Hubs;

/// <summary>
/// The acknowledgement times this front end measured since the last reset (hub entry to stored turn, in ms), kept so a
/// load test or an operator can read exact percentiles from outside the process. Bounded: past
/// <see cref="Capacity"/> values a random one is replaced (reservoir sampling), so memory stays fixed on a long run.
/// </summary>
public sealed class AckTimes
{
    public const int Capacity = 200_000;

    private readonly Lock _lock = new();
    private readonly List<double> _values = [];
    private long _seen;
    private DateTimeOffset _since = DateTimeOffset.UtcNow;

    public void Record(double milliseconds)
    {
        lock (_lock)
        {
            _seen++;
            if (_values.Count < Capacity) _values.Add(milliseconds);
            else if (Random.Shared.NextInt64(_seen) is var slot && slot < Capacity) _values[(int)slot] = milliseconds;
        }
    }

    /// <summary>What was measured since the last reset; with <paramref name="reset"/> the next read starts from now.</summary>
    public AckTimesSnapshot Read(bool reset)
    {
        lock (_lock)
        {
            var values = _values.ToArray();
            var snapshot = new AckTimesSnapshot(Environment.MachineName + ":" + Environment.ProcessId, _since, _seen, values);
            if (reset)
            {
                _values.Clear();
                _seen = 0;
                _since = DateTimeOffset.UtcNow;
            }
            return snapshot;
        }
    }
}

/// <summary>A front end's acknowledgement times since <paramref name="Since"/>: <paramref name="Count"/> seen, <paramref name="ValuesMs"/> kept.</summary>
public sealed record AckTimesSnapshot(string FrontEnd, DateTimeOffset Since, long Count, double[] ValuesMs);
