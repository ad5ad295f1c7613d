using System.Diagnostics;
using TextGameGen.Inference.Model;
using TextGameGen.Pipeline.Training;

namespace TextGameGen.Pipeline.Benchmarks;

/// <summary>What one training step costs at a shape, batch and sequence length.</summary>
public sealed record TrainStepResult(string Shape, long Parameters, int Batch, int Sequence, int Threads, double MedianStepSeconds, double MeanStepSeconds, double TokensPerSecond, double GflopsPerSecond);

/// <summary>
/// Times training steps of our trainer (forward, backward, AdamW update) on random tokens with seeded random weights,
/// after warm-up steps. FLOPs are counted as llm.c and nanoGPT do: 6 x parameters x tokens for the matrix multiplies
/// and 12 x layers x width x sequence x tokens for attention.
/// </summary>
public static class TrainStepBenchmark
{
    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    public static TrainStepResult Run(string shapeName, int batch, int seq, int steps, int warmup, int seed, Action<string>? progress = null)
    {
        var config = Gpt2Config.FromShapeName(shapeName);
        seq = Math.Min(seq, config.Context);
        var model = new TrainingModel(Gpt2Weights.CreateRandom(config, seed));
        var optimizer = new AdamW(model, new TrainingSettings { TotalSteps = warmup + steps, WarmupSteps = 1 });
        var random = new Random(seed);
        var inputs = new int[batch * seq];
        var targets = new int[batch * seq];
        var times = new List<double>();
        for (int step = 0; step < warmup + steps; step++)
        {
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = random.Next(50257);
                targets[i] = random.Next(50257);
            }
            long start = Stopwatch.GetTimestamp();
            model.ZeroGradients();
            long zeroed = Stopwatch.GetTimestamp();
            double loss = model.Forward(inputs, targets, batch, seq);
            long forward = Stopwatch.GetTimestamp();
            model.Backward();
            long backward = Stopwatch.GetTimestamp();
            optimizer.Update();
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (step >= warmup) times.Add(seconds);
            progress?.Invoke($"step {step + 1}/{warmup + steps}{(step < warmup ? " (warm-up)" : "")}: {seconds * 1000:F0} ms (zero {Ms(start, zeroed):F0}, forward {Ms(zeroed, forward):F0}, backward {Ms(forward, backward):F0}, update {Stopwatch.GetElapsedTime(backward).TotalMilliseconds:F0}), loss {loss:F3}");
        }
        double median = Stats.Median(times);
        double tokens = batch * seq;
        double flops = 6.0 * config.ParameterCount * tokens + 12.0 * config.Layers * config.Width * seq * tokens;
        return new TrainStepResult(shapeName, config.ParameterCount, batch, seq, Environment.ProcessorCount, median, times.Average(), tokens / median, flops / median / 1e9);
    }
}
