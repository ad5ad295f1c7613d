using System.Diagnostics;
using TextGameGen.Inference.Runtime;

namespace TextGameGen.Pipeline.Benchmarks;

/// <summary>
/// One measured configuration of the decode benchmark. <see cref="PeakFraction"/> is the median over repetitions of
/// achieved FLOP/s divided by the matrix-multiply peak read just before that repetition (NaN without peak readings).
/// </summary>
internal sealed record DecodeResult(string Variant, int Batch, double TokensPerSecond, double MillisecondsPerStep, double FlopsPerSecond, double PeakFraction);

/// <summary>
/// Decode throughput at several batch sizes over a fixed-length past: every row's prompt is prefilled (untimed),
/// then a number of single-token steps are timed. Variants and batch sizes are interleaved within each
/// repetition so a noisy machine affects them alike; medians are reported. When given a way to read the
/// matrix-multiply peak, it reads it before each repetition, and each repetition's FLOP/s is set against that reading.
/// </summary>
internal sealed class DecodeBenchmark(int pastLength, int steps, int repetitions, long matMulParameters)
{
    public IReadOnlyList<DecodeResult> Run(IReadOnlyList<(string Name, Gpt2Session Session)> variants, IReadOnlyList<int> batches, Action<string> progress) =>
        Run(variants.Select(v => (v.Name, (Func<int, int, double>)((batch, seed) => TimeSteps(v.Session, batch, seed)))).ToList(), batches, progress);

    /// <summary>Runs variants given as "time this many decode steps at this batch size" functions.</summary>
    public IReadOnlyList<DecodeResult> Run(IReadOnlyList<(string Name, Func<int, int, double> TimeSteps)> variants, IReadOnlyList<int> batches, Action<string> progress,
        Func<double>? readPeak = null)
    {
        var samples = new Dictionary<(string, int), List<(double Seconds, double Peak)>>();
        for (int rep = 0; rep < repetitions + 1; rep++)
        {
            double peak = rep > 0 && readPeak is not null ? readPeak() : double.NaN;
            if (!double.IsNaN(peak)) progress($"rep {rep}/{repetitions} matrix-multiply peak: {peak / 1e9:F1} GFLOP/s");
            foreach (var (name, timeSteps) in variants)
            {
                foreach (int batch in batches)
                {
                    double seconds = timeSteps(batch, rep * 1000 + batch);
                    if (rep == 0) continue; // warm-up
                    if (!samples.TryGetValue((name, batch), out var list)) samples[(name, batch)] = list = [];
                    list.Add((seconds, peak));
                    progress($"rep {rep}/{repetitions} {name} batch {batch}: {batch * steps / seconds:F1} tok/s");
                }
            }
        }
        return samples.Select(kv =>
        {
            int batch = kv.Key.Item2;
            double seconds = Stats.Median(kv.Value.Select(s => s.Seconds));
            double tokensPerSecond = batch * steps / seconds;
            double fraction = Stats.Median(kv.Value.Select(s => Flops(batch, s.Seconds) / s.Peak));
            return new DecodeResult(kv.Key.Item1, batch, tokensPerSecond, seconds / steps * 1000, Flops(batch, seconds), fraction);
        }).ToList();
    }

    /// <summary>Achieved FLOP/s: two per matrix-multiply parameter per token.</summary>
    private double Flops(int batch, double seconds) => 2.0 * matMulParameters * batch * steps / seconds;

    /// <summary>The same measurement over a slot-cache session: rows prefilled into slots, then timed steps.</summary>
    public double TimeSlotSteps(SlotKvSession session, int batch, int seed)
    {
        var random = new Random(seed);
        var logits = new float[batch * session.VocabularySize];
        while (session.ActiveRows > 0) session.RemoveRow(session.ActiveRows - 1);
        for (int b = 0; b < batch; b++) session.AddRow(Enumerable.Range(0, pastLength).Select(_ => random.Next(50257)).ToArray(), logits);
        var tokens = new int[batch];
        var sw = Stopwatch.StartNew();
        for (int s = 0; s < steps; s++)
        {
            for (int b = 0; b < batch; b++) tokens[b] = random.Next(50257);
            session.Decode(tokens, logits);
        }
        return sw.Elapsed.TotalSeconds;
    }

    public double TimeSession(Gpt2Session session, int batch, int seed) => TimeSteps(session, batch, seed);

    private double TimeSteps(Gpt2Session session, int batch, int seed)
    {
        var random = new Random(seed);
        var prompts = Enumerable.Range(0, batch).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, pastLength).Select(_ => random.Next(50257)).ToArray()).ToList();
        var logits = new float[batch * session.VocabularySize];
        using var cache = session.Prefill(prompts, logits);
        var tokens = new int[batch];
        var sw = Stopwatch.StartNew();
        for (int s = 0; s < steps; s++)
        {
            for (int b = 0; b < batch; b++) tokens[b] = random.Next(50257);
            session.Decode(cache, tokens, logits);
        }
        return sw.Elapsed.TotalSeconds;
    }
}
