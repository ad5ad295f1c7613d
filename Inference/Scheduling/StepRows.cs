using System.Runtime.ExceptionServices;
using TextGameGen.Inference.Runtime;

namespace TextGameGen.Inference.Scheduling;

/// <summary>
/// Runs one decode step's per-row work (sampling, streaming) on the scheduler's loop thread, with helper threads taking
/// rows while they are awake. The loop thread never waits for a helper to wake up, only for the rows a helper has
/// taken. <see cref="Parallel.For(int, int, Action{int})"/>, used before, waits for every worker it starts, and right
/// after a long ONNX Runtime run the other cores' threads are asleep: on a 2-core VM sampling 32 rows of GPT-2 124M
/// took 4-7 ms a step that way against about 1 ms on the loop thread alone. There helpers gained 0.2-0.3 ms of sampling
/// and cost the next decode about as much or more (a helper woken late runs beside ONNX Runtime's threads), so a
/// machine of 2 cores has none by default (docs/benchmarks.md, "The work around the step, again"; <c>tgg bench sampling</c>).
/// Not reentrant: the loop thread is its only caller.
/// </summary>
public sealed class StepRows : IDisposable
{
    private readonly Thread[] _helpers;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly int _nice;
    // The step number (high 32 bits) and the next row to take (low 32): a helper takes a row with one compare-exchange,
    // so a helper that wakes up after its step ended finds a newer step number and takes nothing.
    private long _word;
    private int _rows;
    private Action<int> _body = _ => { };
    private int _done;
    private ExceptionDispatchInfo? _failure;
    private volatile bool _stopping;

    /// <param name="helpers">Helper threads (0: the loop thread does every row).</param>
    /// <param name="nice">The helpers' Linux nice value (the loop thread's own).</param>
    public StepRows(int helpers, int nice = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(helpers);
        _nice = nice;
        _helpers = new Thread[helpers];
        for (int i = 0; i < helpers; i++)
        {
            _helpers[i] = new Thread(Help) { IsBackground = true, Name = $"tgg-step-rows-{i}" };
            _helpers[i].Start();
        }
    }

    /// <summary>None on a machine of 2 cores or fewer; else one per core beyond the loop thread's, at most 7.</summary>
    public static int HelpersForThisMachine => Environment.ProcessorCount <= 2 ? 0 : Math.Min(Environment.ProcessorCount - 1, 7);

    /// <summary>Runs <paramref name="body"/> for rows 0 to <paramref name="rows"/> - 1, each once; returns when all have run.</summary>
    public void For(int rows, Action<int> body)
    {
        if (rows <= 0) return;
        _body = body;
        _rows = rows;
        _failure = null;
        Volatile.Write(ref _done, 0);
        long step = (Volatile.Read(ref _word) >> 32) + 1;
        Interlocked.Exchange(ref _word, step << 32); // publishes the fields above to helpers that read this step
        int asleep = _helpers.Length - _wake.CurrentCount;
        if (rows > 1 && asleep > 0) _wake.Release(Math.Min(asleep, rows - 1));
        TakeRows(step);
        var spinner = new SpinWait();
        while (Volatile.Read(ref _done) < rows) spinner.SpinOnce(sleep1Threshold: -1); // rows a helper took and is running
        _failure?.Throw();
    }

    private void TakeRows(long step)
    {
        while (true)
        {
            long word = Volatile.Read(ref _word);
            if (word >> 32 != step) return;
            int row = (int)word;
            if (row >= _rows) return;
            if (Interlocked.CompareExchange(ref _word, word + 1, word) != word) continue;
            try
            {
                _body(row);
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(ex), null);
            }
            Interlocked.Increment(ref _done);
        }
    }

    private void Help()
    {
        ThreadNiceness.SetCurrentThread(_nice);
        while (true)
        {
            _wake.Wait();
            if (_stopping) return;
            TakeRows(Volatile.Read(ref _word) >> 32);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        if (_helpers.Length > 0) _wake.Release(_helpers.Length);
        foreach (var helper in _helpers) helper.Join();
        _wake.Dispose();
    }
}
