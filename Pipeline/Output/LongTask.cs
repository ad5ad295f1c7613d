using System.Diagnostics;
using Spectre.Console;

namespace TextGameGen.Pipeline.Output;

/// <summary>Where a long task reports how far it is.</summary>
public interface IProgressSink
{
    /// <summary><paramref name="done"/> of <paramref name="total"/> units, with a short status (loss, tokens/s...).</summary>
    void Report(double done, double total, string status = "");

    /// <summary>A line of its own (a dev loss, a stage's result), kept above the bar on a terminal.</summary>
    void Line(string text);
}

/// <summary>A sink that counts steps: each message is one more of <paramref name="total"/> (benchmarks that report per measurement).</summary>
public sealed class StepCounter(IProgressSink sink, double total)
{
    private double _done;

    public void Advance(string status)
    {
        _done = Math.Min(total, _done + 1);
        sink.Report(_done, total, status);
    }
}

/// <summary>
/// Runs a long command's work with a live progress bar (elapsed time and time left) on a terminal, and plain lines when
/// output is redirected: a status line at most every second there, so logs and tests read what happened.
/// </summary>
public static class LongTask
{
    public static T Run<T>(string description, Func<IProgressSink, T> work)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive) return work(new PlainLines(description));
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: 1);
                result = work(new Bar(task, description));
                task.Value = task.MaxValue;
            });
        return result;
    }

    public static void Run(string description, Action<IProgressSink> work) => Run(description, sink => { work(sink); return 0; });

    /// <summary>Asynchronous work (the bar is drawn while it runs; the work's own awaits run on the thread pool).</summary>
    public static Task<T> RunAsync<T>(string description, Func<IProgressSink, Task<T>> work) =>
        Task.Run(() => Run(description, sink => work(sink).GetAwaiter().GetResult()));

    private sealed class Bar(ProgressTask task, string description) : IProgressSink
    {
        public void Report(double done, double total, string status = "")
        {
            task.MaxValue = Math.Max(total, 1e-9);
            task.Value = Math.Min(done, task.MaxValue);
            task.Description = Markup.Escape(status.Length > 0 ? $"{description}: {status}" : description);
        }

        public void Line(string text) => AnsiConsole.WriteLine(text);
    }

    private sealed class PlainLines(string description) : IProgressSink
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan? _lastLine;

        /// <summary>A line at most every second (and the last one), so quick steps do not flood a log.</summary>
        public void Report(double done, double total, string status = "")
        {
            if (done < total && _lastLine is { } last && _clock.Elapsed - last < TimeSpan.FromSeconds(1)) return;
            _lastLine = _clock.Elapsed;
            double share = total > 0 ? done / total : 0;
            var left = share > 0 ? TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds * (1 - share) / share) : TimeSpan.Zero;
            Console.WriteLine($"{description} {done:0.##}/{total:0.##}{(status.Length > 0 ? " " + status : "")} ({_clock.Elapsed:hh\\:mm\\:ss} elapsed, {left:hh\\:mm\\:ss} left)");
        }

        public void Line(string text) => Console.WriteLine(text);
    }
}
