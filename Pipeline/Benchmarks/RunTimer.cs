using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace TextGameGen.Pipeline.Benchmarks;

/// <summary>Times whole ONNX Runtime runs of a one-input, one-output graph.</summary>
internal static class RunTimer
{
    /// <summary>Median seconds of <paramref name="repetitions"/> runs, after two untimed warm-ups.</summary>
    public static double MedianSeconds(InferenceSession session, string inputName, OrtValue input, string outputName, int repetitions)
    {
        using var runOptions = new RunOptions();
        var times = new List<double>();
        for (int r = 0; r < repetitions + 2; r++)
        {
            var sw = Stopwatch.StartNew();
            using var outputs = session.Run(runOptions, [inputName], [input], [outputName]);
            sw.Stop();
            if (r >= 2) times.Add(sw.Elapsed.TotalSeconds);
        }
        return Stats.Median(times);
    }
}
