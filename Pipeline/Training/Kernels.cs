using TextGameGen.Inference.Numerics;

namespace TextGameGen.Pipeline.Training;

/// <summary>
/// The trainer's layers, each forward beside its backward (in the manner of llm.c), over flat row-major arrays.
/// Loops over rows run in parallel; inner loops use the SIMD helpers in <see cref="VectorMath"/>.
/// </summary>
internal static class Kernels
{
    public const float LayerNormEpsilon = 1e-5f;

    /// <summary>out[n, oc] = inp[n, ic] . weight[ic, oc] + bias[oc] (weights in Conv1D layout [in, out]).</summary>
    public static void MatMulForward(float[] output, float[] input, float[] weight, float[]? bias, int n, int ic, int oc)
    {
        for (int row = 0; row < n; row++)
        {
            var o = output.AsSpan(row * oc, oc);
            if (bias is null) o.Clear(); else bias.AsSpan().CopyTo(o);
        }
        Gemm.NN(output, input, weight, n, oc, ic);
    }

    /// <summary>The tied LM head: logits[n, v] = inp[n] . wte[v] (wte is [V, C]).</summary>
    public static void LmHeadForward(float[] logits, float[] input, float[] wte, int n, int c, int vocab)
    {
        Array.Clear(logits, 0, n * vocab);
        Gemm.NT(logits, input, wte, n, vocab, c);
    }

    /// <summary>dinp += dlogits . wte; dwte += dlogits^T . inp.</summary>
    public static void LmHeadBackward(float[] dinp, float[] dwte, float[] dlogits, float[] input, float[] wte, int n, int c, int vocab)
    {
        Gemm.NN(dinp, dlogits, wte, n, c, vocab);
        Gemm.TN(dwte, dlogits, input, vocab, c, n);
    }

    /// <summary>dinp += dout . weight^T; dweight += inp^T . dout; dbias += sum(dout).</summary>
    public static void MatMulBackward(float[] dinp, float[] dweight, float[]? dbias, float[] dout, float[] inp, float[] weight, int n, int ic, int oc)
    {
        Gemm.NT(dinp, dout, weight, n, ic, oc);
        Gemm.TN(dweight, inp, dout, ic, oc, n);
        if (dbias is not null)
            for (int row = 0; row < n; row++) Axpy(dbias, 1f, dout.AsSpan(row * oc, oc));
    }

    public static void LayerNormForward(float[] output, float[] mean, float[] rstd, float[] input, float[] weight, float[] bias, int n, int c)
    {
        Parallel.For(0, n, row =>
        {
            var x = input.AsSpan(row * c, c);
            double m = 0, v = 0;
            foreach (var value in x) m += value;
            m /= c;
            foreach (var value in x) v += (value - m) * (value - m);
            v /= c;
            float s = (float)(1.0 / Math.Sqrt(v + LayerNormEpsilon));
            for (int i = 0; i < c; i++) output[row * c + i] = (float)(x[i] - m) * s * weight[i] + bias[i];
            mean[row] = (float)m;
            rstd[row] = s;
        });
    }

    public static void LayerNormBackward(float[] dinp, float[] dweight, float[] dbias, float[] dout, float[] input, float[] weight, float[] mean, float[] rstd, int n, int c)
    {
        var dw = new double[c];
        var db = new double[c];
        for (int row = 0; row < n; row++)
        {
            double dnormMean = 0, dnormNormMean = 0;
            for (int i = 0; i < c; i++)
            {
                float norm = (input[row * c + i] - mean[row]) * rstd[row];
                float dnorm = weight[i] * dout[row * c + i];
                dnormMean += dnorm;
                dnormNormMean += dnorm * norm;
            }
            dnormMean /= c;
            dnormNormMean /= c;
            for (int i = 0; i < c; i++)
            {
                float norm = (input[row * c + i] - mean[row]) * rstd[row];
                float dnorm = weight[i] * dout[row * c + i];
                db[i] += dout[row * c + i];
                dw[i] += norm * dout[row * c + i];
                dinp[row * c + i] += (float)((dnorm - dnormMean - norm * dnormNormMean) * rstd[row]);
            }
        }
        for (int i = 0; i < c; i++) { dweight[i] += (float)dw[i]; dbias[i] += (float)db[i]; }
    }

    private const float GeluScale = 0.7978845608028654f;

    public static void GeluForward(float[] output, float[] input)
    {
        for (int i = 0; i < input.Length; i++)
        {
            float x = input[i];
            output[i] = 0.5f * x * (1f + MathF.Tanh(GeluScale * (x + 0.044715f * x * x * x)));
        }
    }

    public static void GeluBackward(float[] dinp, float[] input, float[] dout)
    {
        for (int i = 0; i < input.Length; i++)
        {
            float x = input[i];
            float cube = 0.044715f * x * x * x;
            float t = MathF.Tanh(GeluScale * (x + cube));
            float sech2 = 1f - t * t;
            float grad = 0.5f * (1f + t) + x * 0.5f * sech2 * GeluScale * (1f + 3f * 0.044715f * x * x);
            dinp[i] += grad * dout[i];
        }
    }

    /// <summary>
    /// Causal self-attention. qkv is [B, T, 3C]; output [B, T, C]; att keeps the softmax probabilities [B, H, T, T].
    /// </summary>
    public static void AttentionForward(float[] output, float[] att, float[] qkv, int b, int t, int c, int heads)
    {
        int d = c / heads;
        float scale = 1f / MathF.Sqrt(d);
        Parallel.For(0, b * heads, bh =>
        {
            int bi = bh / heads, h = bh % heads;
            for (int i = 0; i < t; i++)
            {
                var q = qkv.AsSpan((bi * t + i) * 3 * c + h * d, d);
                var row = att.AsSpan(((bi * heads + h) * t + i) * t, t);
                float max = float.NegativeInfinity;
                for (int j = 0; j <= i; j++)
                {
                    row[j] = Dot(q, qkv.AsSpan((bi * t + j) * 3 * c + c + h * d, d)) * scale;
                    max = MathF.Max(max, row[j]);
                }
                float sum = 0;
                for (int j = 0; j <= i; j++) { row[j] = MathF.Exp(row[j] - max); sum += row[j]; }
                for (int j = 0; j <= i; j++) row[j] /= sum;
                row[(i + 1)..].Clear();
                var o = output.AsSpan((bi * t + i) * c + h * d, d);
                o.Clear();
                for (int j = 0; j <= i; j++) Axpy(o, row[j], qkv.AsSpan((bi * t + j) * 3 * c + 2 * c + h * d, d));
            }
        });
    }

    public static void AttentionBackward(float[] dqkv, float[] dout, float[] qkv, float[] att, int b, int t, int c, int heads)
    {
        int d = c / heads;
        float scale = 1f / MathF.Sqrt(d);
        Parallel.For(0, b * heads, bh =>
        {
            int bi = bh / heads, h = bh % heads;
            var datt = new float[t];
            for (int i = 0; i < t; i++)
            {
                var row = att.AsSpan(((bi * heads + h) * t + i) * t, t);
                var dO = dout.AsSpan((bi * t + i) * c + h * d, d);
                // Through out = att . v
                for (int j = 0; j <= i; j++)
                {
                    datt[j] = Dot(dO, qkv.AsSpan((bi * t + j) * 3 * c + 2 * c + h * d, d));
                    Axpy(dqkv.AsSpan((bi * t + j) * 3 * c + 2 * c + h * d, d), row[j], dO);
                }
                // Through the softmax
                float dot = 0;
                for (int j = 0; j <= i; j++) dot += row[j] * datt[j];
                var q = qkv.AsSpan((bi * t + i) * 3 * c + h * d, d);
                var dq = dqkv.AsSpan((bi * t + i) * 3 * c + h * d, d);
                for (int j = 0; j <= i; j++)
                {
                    float dpre = row[j] * (datt[j] - dot) * scale;
                    Axpy(dq, dpre, qkv.AsSpan((bi * t + j) * 3 * c + c + h * d, d));
                    Axpy(dqkv.AsSpan((bi * t + j) * 3 * c + c + h * d, d), dpre, q);
                }
            }
        });
    }

    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => VectorMath.Dot(a, b);

    /// <summary>y += a * x.</summary>
    public static void Axpy(Span<float> y, float a, ReadOnlySpan<float> x) => VectorMath.Axpy(y, a, x);
}
