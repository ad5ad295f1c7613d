namespace TextGameGen.Inference.Scheduling;

/// <summary>
/// What an operator's live view reads from a scheduler, cheaply and without a metrics pipeline: tokens written so far
/// (a rate comes from two reads) and the time to first token of the last <see cref="Window"/> requests.
/// </summary>
public sealed class LiveFigures
{
    public const int Window = 256;

    private readonly Lock _gate = new();
    private readonly double[] _firstTokenMs = new double[Window];
    private int _count;
    private long _tokens;

    public long Tokens => Interlocked.Read(ref _tokens);

    public void Token() => Interlocked.Increment(ref _tokens);

    public void FirstToken(double milliseconds)
    {
        lock (_gate) _firstTokenMs[_count++ % Window] = milliseconds;
    }

    /// <summary>The p50 and p99 time to first token over the window (NaN before any request).</summary>
    public (double P50, double P99) FirstTokenPercentiles()
    {
        double[] values;
        lock (_gate) values = _firstTokenMs[..Math.Min(_count, Window)];
        if (values.Length == 0) return (double.NaN, double.NaN);
        Array.Sort(values);
        return (values[(int)Math.Round(0.50 * (values.Length - 1))], values[(int)Math.Round(0.99 * (values.Length - 1))]);
    }
}
