using System.Diagnostics;
using TextGameGen.Contracts.Sampling;
using TextGameGen.Inference.Model;
using TextGameGen.Inference.Onnx;
using TextGameGen.Inference.Runtime;
using TextGameGen.Inference.Sampling;
using TextGameGen.Inference.Scheduling;

namespace TextGameGen.Pipeline.Benchmarks;

/// <summary>One way of running a step's per-row sampling, and what it cost: its own time and the next decode step's.</summary>
public sealed record SamplingWayResult(string Way, int Steps, double SamplingMs, double NextDecodeMs)
{
    public double StepMs => SamplingMs + NextDecodeMs;
}

/// <summary>
/// Decode steps on the slot layout with the rows sampled between them, each step's way of sampling drawn at random
/// from those compared (so the machine's drift falls on all alike): the loop thread alone, the loop thread with
/// helpers (<see cref="StepRows"/>), and <see cref="Parallel.For(int, int, Action{int})"/>. A way is charged its own time
/// and the next decode step's, since threads it woke can still be running beside ONNX Runtime then.
/// </summary>
public sealed class SamplingBenchmark : IDisposable
{
    private const int PromptTokens = 64;
    private readonly SlotBatchDecoder _decoder;
    private readonly int _rows, _vocabulary, _maxLength;
    private readonly float[] _logits;
    private readonly TokenSampler[] _samplers;
    private readonly List<int>[] _histories;
    private IBatchKv _cache;

    public SamplingBenchmark(Gpt2Config config, int rows, int maxLength = 512)
    {
        _rows = rows;
        _maxLength = Math.Min(maxLength, config.Context);
        _decoder = SlotBatchDecoder.Create(Gpt2Weights.CreateRandom(config, seed: 1), WeightFormat.Float, rows + 1, _maxLength);
        _vocabulary = _decoder.VocabularySize;
        _logits = new float[rows * _vocabulary];
        // The game's sampler: temperature, top-k 40, top-p 0.95, repetition penalty over the last 64 tokens.
        _samplers = [.. Enumerable.Range(0, rows).Select(r => new TokenSampler(new SamplerSettings { Seed = r, MaxNewTokens = _maxLength, IgnoreEndOfText = true }))];
        _histories = [.. Enumerable.Range(0, rows).Select(_ => new List<int>())];
        _cache = Restart();
    }

    /// <summary>Runs <paramref name="steps"/> decode steps; returns one result per way, in the order given.</summary>
    public IReadOnlyList<SamplingWayResult> Run(IReadOnlyList<(string Name, Action<int, Action<int>> For)> ways, int steps, int seed = 5)
    {
        var sampling = new double[ways.Count];
        var nextDecode = new double[ways.Count];
        var counts = new int[ways.Count];
        var tokens = new int[_rows];
        var random = new Random(seed);
        Action<int> sampleRow = SampleRow;
        int previous = -1;
        for (int step = 0; step < steps; step++)
        {
            if (_histories[0].Count >= _maxLength - 1) { _cache.Dispose(); _cache = Restart(); previous = -1; }
            for (int r = 0; r < _rows; r++) tokens[r] = _histories[r][^1];
            long start = Stopwatch.GetTimestamp();
            _decoder.Decode(_cache, tokens, _logits);
            if (previous >= 0) nextDecode[previous] += Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            int way = random.Next(ways.Count);
            start = Stopwatch.GetTimestamp();
            ways[way].For(_rows, sampleRow);
            sampling[way] += Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            counts[way]++;
            previous = way;
        }
        return [.. ways.Select((w, i) => new SamplingWayResult(w.Name, counts[i], counts[i] == 0 ? 0 : sampling[i] / counts[i], counts[i] == 0 ? 0 : nextDecode[i] / counts[i]))];
    }

    private void SampleRow(int row)
    {
        int token = _samplers[row].Next(_logits.AsSpan(row * _vocabulary, _vocabulary), _histories[row]);
        _histories[row].Add(token);
    }

    private IBatchKv Restart()
    {
        var prompts = new List<IReadOnlyList<int>>();
        for (int r = 0; r < _rows; r++)
        {
            _histories[r].Clear();
            for (int i = 0; i < PromptTokens; i++) _histories[r].Add((i * 7919 + r * 104_729) % 50_000);
            prompts.Add([.. _histories[r]]);
        }
        return _decoder.Prefill(prompts, _logits);
    }

    public void Dispose()
    {
        _cache.Dispose();
        _decoder.Dispose();
    }
}
