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

    /// <summary>Applies one update; returns the gradient norm before clipping.</summary>
    public double Update()
    {
        double norm = Math.Sqrt(model.Gradients.Values.Sum(g => g.Sum(x => (double)x * x)));
        float clip = norm > settings.GradientClip ? (float)(settings.GradientClip / norm) : 1f;
        float lr = settings.LearningRateAt(_step);
        _step++;
        float b1Correction = 1f - MathF.Pow(settings.Beta1, _step);
        float b2Correction = 1f - MathF.Pow(settings.Beta2, _step);
        Parallel.ForEach(model.Parameters, kv =>
        {
            var p = kv.Value;
            var g = model.Gradients[kv.Key];
            var m = _m[kv.Key];
            var v = _v[kv.Key];
            bool decay = kv.Key.EndsWith(".weight", StringComparison.Ordinal) && !kv.Key.Contains("ln_", StringComparison.Ordinal);
            for (int i = 0; i < p.Length; i++)
            {
                float grad = g[i] * clip;
                m[i] = settings.Beta1 * m[i] + (1 - settings.Beta1) * grad;
                v[i] = settings.Beta2 * v[i] + (1 - settings.Beta2) * grad * grad;
                float update = m[i] / b1Correction / (MathF.Sqrt(v[i] / b2Correction) + settings.Epsilon);
                p[i] -= lr * (update + (decay ? settings.WeightDecay * p[i] : 0f));
            }
        });
        return norm;
    }
}
