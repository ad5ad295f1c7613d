using System.Numerics;

namespace TextGameGen.Pipeline.Training;

/// <summary>Settings of the optimiser and its learning-rate schedule.</summary>
public sealed record TrainingSettings
{
    public float LearningRate { get; init; } = 3e-4f;
    public float WeightDecay { get; init; } = 0.1f;
    public float Beta1 { get; init; } = 0.9f;
    public float Beta2 { get; init; } = 0.95f;
    public float Epsilon { get; init; } = 1e-8f;
    public int WarmupSteps { get; init; } = 10;
    public int TotalSteps { get; init; } = 1000;
    public float MinLearningRateRatio { get; init; } = 0.1f;
    public float GradientClip { get; init; } = 1f;

    /// <summary>Linear warmup, then cosine decay to <see cref="MinLearningRateRatio"/> of the peak.</summary>
    public float LearningRateAt(int step)
    {
        if (step < WarmupSteps) return LearningRate * (step + 1) / WarmupSteps;
        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps));
        double ratio = MinLearningRateRatio + (1 - MinLearningRateRatio) * 0.5 * (1 + Math.Cos(Math.PI * progress));
        return (float)(LearningRate * ratio);
    }
}

/// <summary>AdamW with gradient clipping by global norm; weight decay on matrices and embeddings only.</summary>
public sealed class AdamW(TrainingModel model, TrainingSettings settings)
{
    private readonly Dictionary<string, float[]> _m = model.Parameters.ToDictionary(kv => kv.Key, kv => new float[kv.Value.Length]);
    private readonly Dictionary<string, float[]> _v = model.Parameters.ToDictionary(kv => kv.Key, kv => new float[kv.Value.Length]);
    private int _step;

    public int Step => _step;

    public const string StateFile = "optimizer.safetensors";

    /// <summary>Writes the moments (m.NAME, v.NAME) and the step, with <paramref name="metadata"/>, so training can resume exactly.</summary>
    public void Save(string path, IReadOnlyDictionary<string, string> metadata)
    {
        var tensors = new List<Inference.Model.NamedTensor>();
        foreach (var (name, values) in model.Parameters)
        {
            tensors.Add(new Inference.Model.NamedTensor("m." + name, [values.Length], _m[name]));
            tensors.Add(new Inference.Model.NamedTensor("v." + name, [values.Length], _v[name]));
        }
        var meta = new Dictionary<string, string>(metadata) { ["step"] = _step.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        Inference.Checkpoints.SafetensorsFile.Write(path, tensors, meta);
    }

    /// <summary>Reads what <see cref="Save"/> wrote; returns its metadata.</summary>
    public IReadOnlyDictionary<string, string> Load(string path)
    {
        var tensors = Inference.Checkpoints.SafetensorsFile.Read(path, out var metadata).ToDictionary(t => t.Name);
        foreach (var (name, values) in model.Parameters)
        {
            if (!tensors.TryGetValue("m." + name, out var m) || !tensors.TryGetValue("v." + name, out var v) || m.Data.Length != values.Length || v.Data.Length != values.Length)
                throw new InvalidDataException($"'{path}' has no optimizer state for {name} of this shape.");
            m.Data.CopyTo(_m[name], 0);
            v.Data.CopyTo(_v[name], 0);
        }
        _step = int.Parse(metadata["step"], System.Globalization.CultureInfo.InvariantCulture);
        return metadata;
    }

    /// <summary>Applies one update; returns the gradient norm before clipping. A gradient that is not finite is refused before anything changes.</summary>
    public double Update()
    {
        var chunks = _chunks ??= Chunks();
        var sums = new double[chunks.Length];
        Parallel.For(0, chunks.Length, c =>
        {
            var (key, start, length, _) = chunks[c];
            var g = model.Gradients[key].AsSpan(start, length);
            sums[c] = System.Numerics.Tensors.TensorPrimitives.SumOfSquares(g);
        });
        double norm = Math.Sqrt(sums.Sum());
        if (!double.IsFinite(norm)) throw new InvalidDataException($"The gradient norm is {norm} at step {_step + 1}; no update was applied.");
        float clip = norm > settings.GradientClip ? (float)(settings.GradientClip / norm) : 1f;
        float lr = settings.LearningRateAt(_step);
        _step++;
        float b1Correction = 1f - MathF.Pow(settings.Beta1, _step);
        float b2Correction = 1f - MathF.Pow(settings.Beta2, _step);
        float beta1 = settings.Beta1, beta2 = settings.Beta2, epsilon = settings.Epsilon, weightDecay = settings.WeightDecay;
        Parallel.For(0, chunks.Length, c =>
        {
            var (key, start, length, decay) = chunks[c];
            var p = model.Parameters[key];
            var g = model.Gradients[key];
            var m = _m[key];
            var v = _v[key];
            float wd = decay ? weightDecay : 0f;
            UpdateChunk(p.AsSpan(start, length), g.AsSpan(start, length), m.AsSpan(start, length), v.AsSpan(start, length),
                clip, lr, beta1, beta2, b1Correction, b2Correction, epsilon, wd);
        });
        return norm;
    }

    /// <summary>The AdamW update of one chunk, a vector of values at a time.</summary>
    private static void UpdateChunk(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float clip, float lr,
        float beta1, float beta2, float b1Correction, float b2Correction, float epsilon, float wd)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vClip = new Vector<float>(clip);
            var vB1 = new Vector<float>(beta1);
            var vB1c = new Vector<float>(1 - beta1);
            var vB2 = new Vector<float>(beta2);
            var vB2c = new Vector<float>(1 - beta2);
            var vInvB1 = new Vector<float>(1 / b1Correction);
            var vInvB2 = new Vector<float>(1 / b2Correction);
            var vEps = new Vector<float>(epsilon);
            var vLr = new Vector<float>(lr);
            var vWd = new Vector<float>(wd);
            for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var grad = new Vector<float>(g[i..]) * vClip;
                var mi = vB1 * new Vector<float>(m[i..]) + vB1c * grad;
                var vi = vB2 * new Vector<float>(v[i..]) + vB2c * grad * grad;
                var pi = new Vector<float>(p[i..]);
                var update = mi * vInvB1 / (Vector.SquareRoot(vi * vInvB2) + vEps);
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                (pi - vLr * (update + vWd * pi)).CopyTo(p[i..]);
            }
        }
        for (; i < p.Length; i++)
        {
            float grad = g[i] * clip;
            m[i] = beta1 * m[i] + (1 - beta1) * grad;
            v[i] = beta2 * v[i] + (1 - beta2) * grad * grad;
            float update = m[i] / b1Correction / (MathF.Sqrt(v[i] / b2Correction) + epsilon);
            p[i] -= lr * (update + wd * p[i]);
        }
    }

    private (string Key, int Start, int Length, bool Decay)[]? _chunks;

    /// <summary>The parameters cut into pieces of at most 64K values, so the update spreads over every core even for the embedding.</summary>
    private (string Key, int Start, int Length, bool Decay)[] Chunks()
    {
        const int Size = 1 << 16;
        var list = new List<(string, int, int, bool)>();
        foreach (var (key, values) in model.Parameters)
        {
            bool decay = key.EndsWith(".weight", StringComparison.Ordinal) && !key.Contains("ln_", StringComparison.Ordinal);
            for (int start = 0; start < values.Length; start += Size) list.Add((key, start, Math.Min(Size, values.Length - start), decay));
        }
        return [.. list];
    }
}
