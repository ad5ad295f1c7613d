using System.Diagnostics;

namespace TextGameGen.Inference.Scheduling;

/// <summary>
/// Where the scheduler's loop spends its time: inside ONNX Runtime (prefill, chunked prefill and decode runs) and
/// outside it (sampling, moving rows' keys and values between slots as rows end and join, admission, streaming). Idle iterations count too: they take microseconds (the
/// loop waits for work before it iterates, outside the timed part).
/// </summary>
public sealed class StepTimings
{
    private long _iterations, _decodeSteps, _loopTicks, _onnxTicks, _samplingTicks, _rowMoveTicks;

    public void Iteration(long ticks, bool decoded)
    {
        Interlocked.Increment(ref _iterations);
        if (decoded) Interlocked.Increment(ref _decodeSteps);
        Interlocked.Add(ref _loopTicks, ticks);
    }

    public void Onnx(long ticks) => Interlocked.Add(ref _onnxTicks, ticks);
    public void Sampling(long ticks) => Interlocked.Add(ref _samplingTicks, ticks);

    /// <summary>Time spent closing the gaps finished rows leave and moving joined rows into place (the cache's own copies).</summary>
    public void RowMoves(long ticks) => Interlocked.Add(ref _rowMoveTicks, ticks);

    public StepTimingsSnapshot Read() => new(Interlocked.Read(ref _iterations), Interlocked.Read(ref _decodeSteps),
        Ms(Interlocked.Read(ref _loopTicks)), Ms(Interlocked.Read(ref _onnxTicks)), Ms(Interlocked.Read(ref _samplingTicks)),
        Ms(Interlocked.Read(ref _rowMoveTicks)));

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}

/// <summary>Totals since the scheduler started; <see cref="Minus"/> gives a window's.</summary>
public sealed record StepTimingsSnapshot(long Iterations, long DecodeSteps, double LoopMs, double OnnxMs, double SamplingMs, double RowMovesMs)
{
    public double OutsideMs => LoopMs - OnnxMs;
    /// <summary>Share of the loop's working time spent outside ONNX Runtime.</summary>
    public double OutsideShare => LoopMs > 0 ? OutsideMs / LoopMs : 0;
    public double LoopMsPerStep => DecodeSteps > 0 ? LoopMs / DecodeSteps : 0;

    public StepTimingsSnapshot Minus(StepTimingsSnapshot earlier) => new(Iterations - earlier.Iterations, DecodeSteps - earlier.DecodeSteps,
        LoopMs - earlier.LoopMs, OnnxMs - earlier.OnnxMs, SamplingMs - earlier.SamplingMs, RowMovesMs - earlier.RowMovesMs);
}
