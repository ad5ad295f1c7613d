namespace TextGameGen.Inference.Model;

/// <summary>
/// The weights of a GPT-2 model, named and laid out as Hugging Face's <c>GPT2Model</c> stores them
/// (Conv1D weights are <c>[in, out]</c>; the LM head is tied to <c>wte</c>).
/// </summary>
public sealed class Gpt2Weights
{
    private readonly Dictionary<string, NamedTensor> _tensors;

    public Gpt2Weights(Gpt2Config config, IEnumerable<NamedTensor> tensors)
    {
        config.Validate();
        Config = config;
        _tensors = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var (name, shape) in ExpectedShapes(config))
        {
            if (!_tensors.TryGetValue(name, out var t))
                throw new InvalidDataException($"Weight '{name}' is missing.");
            if (!t.Shape.SequenceEqual(shape))
                throw new InvalidDataException($"Weight '{name}' has shape [{string.Join(",", t.Shape)}], expected [{string.Join(",", shape)}].");
        }
    }

    public Gpt2Config Config { get; }

    public IReadOnlyCollection<NamedTensor> Tensors => _tensors.Values;

    public NamedTensor this[string name] => _tensors[name];

    public NamedTensor Layer(int layer, string suffix) => _tensors[$"h.{layer}.{suffix}"];

    /// <summary>Every tensor GPT-2 has, with its shape, in a stable order.</summary>
    public static IEnumerable<(string Name, int[] Shape)> ExpectedShapes(Gpt2Config c)
    {
        int w = c.Width;
        yield return ("wte.weight", [c.VocabularySize, w]);
        yield return ("wpe.weight", [c.Context, w]);
        for (int i = 0; i < c.Layers; i++)
        {
            string p = $"h.{i}.";
            yield return (p + "ln_1.weight", [w]);
            yield return (p + "ln_1.bias", [w]);
            yield return (p + "attn.c_attn.weight", [w, 3 * w]);
            yield return (p + "attn.c_attn.bias", [3 * w]);
            yield return (p + "attn.c_proj.weight", [w, w]);
            yield return (p + "attn.c_proj.bias", [w]);
            yield return (p + "ln_2.weight", [w]);
            yield return (p + "ln_2.bias", [w]);
            yield return (p + "mlp.c_fc.weight", [w, 4 * w]);
            yield return (p + "mlp.c_fc.bias", [4 * w]);
            yield return (p + "mlp.c_proj.weight", [4 * w, w]);
            yield return (p + "mlp.c_proj.bias", [w]);
        }
        yield return ("ln_f.weight", [w]);
        yield return ("ln_f.bias", [w]);
    }

    /// <summary>
    /// Seeded random initialisation in GPT-2's scheme: N(0, 0.02) for weights and embeddings,
    /// N(0, 0.02/sqrt(2*layers)) for the residual projections, zero biases, unit layer-norm gains.
    /// </summary>
    public static Gpt2Weights CreateRandom(Gpt2Config config, int seed)
    {
        config.Validate();
        var shapes = ExpectedShapes(config).ToArray();
        var tensors = new NamedTensor[shapes.Length];
        float residualStd = 0.02f / MathF.Sqrt(2f * config.Layers);
        Parallel.For(0, shapes.Length, i =>
        {
            var (name, shape) = shapes[i];
            var t = new NamedTensor(name, shape);
            if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                // zero
            }
            else if (name.Contains("ln_", StringComparison.Ordinal))
            {
                Array.Fill(t.Data, 1f);
            }
            else
            {
                float std = name.EndsWith("c_proj.weight", StringComparison.Ordinal) ? residualStd : 0.02f;
                // Each tensor's generator from the seed and its index alone (HashCode.Combine would differ per process).
                FillNormal(t.Data, std, new Random(unchecked(seed * 1_000_003 + i)));
            }
            tensors[i] = t;
        });
        return new Gpt2Weights(config, tensors);
    }

    private static void FillNormal(float[] data, float std, Random random)
    {
        for (int i = 0; i < data.Length; i += 2)
        {
            // Box-Muller: two normals from two uniforms.
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            data[i] = (float)(r * Math.Cos(2 * Math.PI * u2)) * std;
            if (i + 1 < data.Length) data[i + 1] = (float)(r * Math.Sin(2 * Math.PI * u2)) * std;
        }
    }
}
