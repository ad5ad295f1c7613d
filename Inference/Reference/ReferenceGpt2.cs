using System.Numerics.Tensors;
using TextGameGen.Inference.Model;

namespace TextGameGen.Inference.Reference;

/// <summary>
/// GPT-2's forward pass in plain C#, without ONNX Runtime: the correctness oracle for the ONNX graphs
/// and the trainer. Clear rather than fast.
/// </summary>
public sealed class ReferenceGpt2(Gpt2Weights weights)
{
    private readonly Gpt2Config _c = weights.Config;

    /// <summary>Logits for every position of one sequence, <c>[tokens.Length, vocabulary]</c>.</summary>
    public float[] Forward(ReadOnlySpan<int> tokens)
    {
        int s = tokens.Length, w = _c.Width;
        if (s == 0 || s > _c.Context) throw new ArgumentException($"Sequence length must be 1..{_c.Context}.");
        var x = new float[s * w];
        var wte = weights["wte.weight"].Data;
        var wpe = weights["wpe.weight"].Data;
        for (int t = 0; t < s; t++)
            for (int i = 0; i < w; i++)
                x[t * w + i] = wte[(long)tokens[t] * w + i] + wpe[t * w + i];

        for (int layer = 0; layer < _c.Layers; layer++)
        {
            var ln1 = LayerNorm(x, s, weights.Layer(layer, "ln_1.weight").Data, weights.Layer(layer, "ln_1.bias").Data);
            var qkv = Linear(ln1, s, w, weights.Layer(layer, "attn.c_attn.weight").Data, weights.Layer(layer, "attn.c_attn.bias").Data, 3 * w);
            var attn = CausalSelfAttention(qkv, s);
            var proj = Linear(attn, s, w, weights.Layer(layer, "attn.c_proj.weight").Data, weights.Layer(layer, "attn.c_proj.bias").Data, w);
            for (int i = 0; i < x.Length; i++) x[i] += proj[i];
            var ln2 = LayerNorm(x, s, weights.Layer(layer, "ln_2.weight").Data, weights.Layer(layer, "ln_2.bias").Data);
            var fc = Linear(ln2, s, w, weights.Layer(layer, "mlp.c_fc.weight").Data, weights.Layer(layer, "mlp.c_fc.bias").Data, 4 * w);
            for (int i = 0; i < fc.Length; i++) fc[i] = Gelu(fc[i]);
            var mlp = Linear(fc, s, 4 * w, weights.Layer(layer, "mlp.c_proj.weight").Data, weights.Layer(layer, "mlp.c_proj.bias").Data, w);
            for (int i = 0; i < x.Length; i++) x[i] += mlp[i];
        }
        var h = LayerNorm(x, s, weights["ln_f.weight"].Data, weights["ln_f.bias"].Data);
        return LmHead(h, s);
    }

    /// <summary>GELU, tanh approximation (GPT-2's "gelu_new").</summary>
    public static float Gelu(float x) =>
        0.5f * x * (1f + MathF.Tanh(0.7978845608028654f * (x + 0.044715f * x * x * x)));

    private float[] LayerNorm(float[] x, int s, float[] gamma, float[] beta)
    {
        int w = _c.Width;
        var y = new float[x.Length];
        for (int t = 0; t < s; t++)
        {
            var row = x.AsSpan(t * w, w);
            double mean = 0, variance = 0;
            foreach (var v in row) mean += v;
            mean /= w;
            foreach (var v in row) variance += (v - mean) * (v - mean);
            variance /= w;
            float inv = (float)(1.0 / Math.Sqrt(variance + Gpt2Config.LayerNormEpsilon));
            for (int i = 0; i < w; i++) y[t * w + i] = (float)(row[i] - mean) * inv * gamma[i] + beta[i];
        }
        return y;
    }

    /// <summary>y[s, n] = x[s, k] * W[k, n] + b[n].</summary>
    private static float[] Linear(float[] x, int s, int k, float[] weight, float[] bias, int n)
    {
        var y = new float[s * n];
        Parallel.For(0, s, t =>
        {
            var outRow = y.AsSpan(t * n, n);
            bias.AsSpan().CopyTo(outRow);
            for (int i = 0; i < k; i++) TensorPrimitives.MultiplyAdd(weight.AsSpan(i * n, n), x[t * k + i], outRow, outRow);
        });
        return y;
    }

    private float[] CausalSelfAttention(float[] qkv, int s)
    {
        int w = _c.Width, heads = _c.Heads, d = _c.HeadDim;
        float scale = 1f / MathF.Sqrt(d);
        var y = new float[s * w];
        Parallel.For(0, heads, h =>
        {
            var scores = new float[s];
            for (int t = 0; t < s; t++)
            {
                var q = qkv.AsSpan(t * 3 * w + h * d, d);
                float max = float.NegativeInfinity;
                for (int u = 0; u <= t; u++)
                {
                    var key = qkv.AsSpan(u * 3 * w + w + h * d, d);
                    float dot = 0;
                    for (int i = 0; i < d; i++) dot += q[i] * key[i];
                    scores[u] = dot * scale;
                    max = MathF.Max(max, scores[u]);
                }
                float sum = 0;
                for (int u = 0; u <= t; u++) { scores[u] = MathF.Exp(scores[u] - max); sum += scores[u]; }
                var outSpan = y.AsSpan(t * w + h * d, d);
                for (int u = 0; u <= t; u++)
                {
                    var v = qkv.AsSpan(u * 3 * w + 2 * w + h * d, d);
                    float p = scores[u] / sum;
                    for (int i = 0; i < d; i++) outSpan[i] += p * v[i];
                }
            }
        });
        return y;
    }

    private float[] LmHead(float[] h, int s)
    {
        int w = _c.Width, vocab = _c.VocabularySize;
        var wte = weights["wte.weight"].Data;
        var logits = new float[(long)s * vocab];
        Parallel.For(0, vocab, v =>
        {
            var row = wte.AsSpan((int)((long)v * w), w);
            for (int t = 0; t < s; t++)
                logits[(long)t * vocab + v] = TensorPrimitives.Dot(h.AsSpan(t * w, w), row);
        });
        return logits;
    }
}
