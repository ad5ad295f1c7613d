using System.Buffers;
using System.Numerics.Tensors;

namespace TextGameGen.Pipeline.Training;

/// <summary>
/// The trainer's layers other than attention, each forward beside its backward (in the manner of llm.c), over flat
/// row-major arrays. Matrix multiplies go to <see cref="MatMuls"/>; element-wise work uses
/// <see cref="TensorPrimitives"/> and is spread over the cores in chunks of rows.
/// </summary>
internal static class Kernels
{
    public const float LayerNormEpsilon = 1e-5f;
    private const float GeluScale = 0.7978845608028654f, GeluCubic = 0.044715f;
    private const int ChunkFloats = 1 << 14;

    /// <summary>out[n, oc] = inp[n, ic] . weight[ic, oc] + bias[oc] (weights in Conv1D layout [in, out]).</summary>
    public static void MatMulForward(float[] output, float[] input, float[] weight, float[]? bias, int n, int ic, int oc)
    {
        if (bias is null)
        {
            MatMuls.Shared.Gemm(output, input, weight, n, oc, ic);
            return;
        }
        for (int row = 0; row < n; row++) bias.CopyTo(output, row * oc);
        MatMuls.Shared.Gemm(output, input, weight, n, oc, ic, accumulate: true);
    }

    /// <summary>dinp += dout . weight^T; dweight += inp^T . dout; dbias += sum(dout).</summary>
    public static void MatMulBackward(float[] dinp, float[] dweight, float[]? dbias, float[] dout, float[] inp, float[] weight, int n, int ic, int oc)
    {
        MatMuls.Shared.Gemm(dinp, dout, weight, n, ic, oc, transB: true, accumulate: true);
        MatMuls.Shared.Gemm(dweight, inp, dout, ic, oc, n, transA: true, accumulate: true);
        if (dbias is not null)
            for (int row = 0; row < n; row++) TensorPrimitives.Add(dbias, dout.AsSpan(row * oc, oc), dbias);
    }

    /// <summary>The tied LM head: logits[n, v] = inp[n] . wte[v] (wte is [V, C]).</summary>
    public static void LmHeadForward(float[] logits, float[] input, float[] wte, int n, int c, int vocab) =>
        MatMuls.Shared.Gemm(logits, input, wte, n, vocab, c, transB: true);

    /// <summary>dinp += dlogits . wte; dwte += dlogits^T . inp.</summary>
    public static void LmHeadBackward(float[] dinp, float[] dwte, float[] dlogits, float[] input, float[] wte, int n, int c, int vocab)
    {
        MatMuls.Shared.Gemm(dinp, dlogits, wte, n, c, vocab, accumulate: true);
        MatMuls.Shared.Gemm(dwte, dlogits, input, vocab, c, n, transA: true, accumulate: true);
    }

    /// <summary>
    /// Softmax in place, the row's maximum subtracted first: TensorPrimitives.SoftMax exponentiates the raw values, and a
    /// logit above about 88 overflows float's exp to infinity, which turns the row into NaN (a run once died so at step 684).
    /// </summary>
    public static void StableSoftmax(Span<float> row)
    {
        TensorPrimitives.Subtract(row, TensorPrimitives.Max(row), row);
        TensorPrimitives.SoftMax(row, row);
    }

    /// <summary>Softmax of each row of logits in place; returns each row's cross-entropy against its target.</summary>
    public static double[] SoftmaxCrossEntropy(float[] logits, int[] targets, int n, int vocab)
    {
        var losses = new double[n];
        Parallel.For(0, n, i =>
        {
            var row = logits.AsSpan((int)((long)i * vocab), vocab);
            StableSoftmax(row);
            losses[i] = -Math.Log(Math.Max(row[targets[i]], 1e-30f));
        });
        return losses;
    }

    /// <summary>Turns softmax probabilities into the gradient of the mean cross-entropy, in place: (p - onehot) / n.</summary>
    public static void CrossEntropyBackward(float[] probabilities, int[] targets, int n, int vocab)
    {
        float scale = 1f / n;
        Parallel.For(0, n, i =>
        {
            var row = probabilities.AsSpan((int)((long)i * vocab), vocab);
            TensorPrimitives.Multiply(row, scale, row);
            row[targets[i]] -= scale;
        });
    }

    public static void LayerNormForward(float[] output, float[] mean, float[] rstd, float[] input, float[] weight, float[] bias, int n, int c)
    {
        ForRows(n, c, (first, last) =>
        {
            for (int row = first; row < last; row++)
            {
                var x = input.AsSpan(row * c, c);
                var y = output.AsSpan(row * c, c);
                float m = TensorPrimitives.Sum(x) / c;
                TensorPrimitives.Subtract(x, m, y);
                float s = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(y) / c + LayerNormEpsilon);
                TensorPrimitives.Multiply(y, s, y);
                TensorPrimitives.MultiplyAdd(y, weight, bias, y);
                mean[row] = m;
                rstd[row] = s;
            }
        });
    }

    public static void LayerNormBackward(float[] dinp, float[] dweight, float[] dbias, float[] dout, float[] input, float[] weight, float[] mean, float[] rstd, int n, int c)
    {
        // One partial sum per chunk of rows, added up in chunk order: the same result whichever thread ran which chunk.
        int rowsPerChunk = RowsPerChunk(c);
        var partials = new (float[] Dw, float[] Db)[(n + rowsPerChunk - 1) / rowsPerChunk];
        ForRows(n, c, (first, last) =>
        {
            var dw = new float[c];
            var db = new float[c];
            var norm = new float[c];
            var dnorm = new float[c];
            for (int row = first; row < last; row++)
            {
                var dy = dout.AsSpan(row * c, c);
                TensorPrimitives.Subtract(input.AsSpan(row * c, c), mean[row], norm);
                TensorPrimitives.Multiply(norm, rstd[row], norm);
                TensorPrimitives.Multiply(weight, dy, dnorm);
                float dnormMean = TensorPrimitives.Sum(dnorm) / c;
                float dnormNormMean = TensorPrimitives.Dot(dnorm, norm) / c;
                TensorPrimitives.Add(db, dy, db);
                TensorPrimitives.MultiplyAdd(norm, dy, dw, dw);
                // dinp += (dnorm - dnormMean - norm * dnormNormMean) * rstd
                TensorPrimitives.MultiplyAdd(norm, -dnormNormMean, dnorm, dnorm);
                TensorPrimitives.Subtract(dnorm, dnormMean, dnorm);
                var dx = dinp.AsSpan(row * c, c);
                TensorPrimitives.MultiplyAdd(dnorm, rstd[row], dx, dx);
            }
            partials[first / rowsPerChunk] = (dw, db);
        });
        foreach (var (dw, db) in partials)
        {
            TensorPrimitives.Add(dweight, dw, dweight);
            TensorPrimitives.Add(dbias, db, dbias);
        }
    }

    /// <summary>GELU, tanh approximation (GPT-2's): 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).</summary>
    public static void GeluForward(float[] output, float[] input)
    {
        ForChunks(input.Length, (start, length) =>
        {
            var x = input.AsSpan(start, length);
            var y = output.AsSpan(start, length);
            Inner(x, y);
            TensorPrimitives.Tanh(y, y);
            TensorPrimitives.Add(y, 1f, y);
            TensorPrimitives.Multiply(y, x, y);
            TensorPrimitives.Multiply(y, 0.5f, y);
        });
    }

    /// <summary>dinp += gelu'(x) . dout, with gelu'(x) = 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2).</summary>
    public static void GeluBackward(float[] dinp, float[] input, float[] dout)
    {
        ForChunks(input.Length, (start, length) =>
        {
            var x = input.AsSpan(start, length);
            var rented = ArrayPool<float>.Shared.Rent(3 * length);
            var t = rented.AsSpan(0, length);
            var slope = rented.AsSpan(length, length);
            var sech2 = rented.AsSpan(2 * length, length);
            Inner(x, t);
            TensorPrimitives.Tanh(t, t);
            // slope = 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3c x^2)
            TensorPrimitives.Multiply(x, x, slope);
            TensorPrimitives.Multiply(slope, 3 * GeluCubic * GeluScale, slope);
            TensorPrimitives.Add(slope, GeluScale, slope);
            TensorPrimitives.Multiply(slope, x, slope);
            TensorPrimitives.Multiply(slope, 0.5f, slope);
            TensorPrimitives.Multiply(t, t, sech2);
            TensorPrimitives.Subtract(1f, sech2, sech2);
            TensorPrimitives.Multiply(slope, sech2, slope);
            // + 0.5 (1 + t)
            TensorPrimitives.Add(t, 1f, t);
            TensorPrimitives.MultiplyAdd(t, 0.5f, slope, slope);
            var dx = dinp.AsSpan(start, length);
            TensorPrimitives.MultiplyAdd(slope, dout.AsSpan(start, length), dx, dx);
            ArrayPool<float>.Shared.Return(rented);
        });
    }

    /// <summary>sqrt(2/pi) (x + 0.044715 x^3), into <paramref name="y"/>.</summary>
    private static void Inner(ReadOnlySpan<float> x, Span<float> y)
    {
        TensorPrimitives.Multiply(x, x, y);
        TensorPrimitives.Multiply(y, GeluCubic, y);
        TensorPrimitives.Add(y, 1f, y);
        TensorPrimitives.Multiply(y, x, y);
        TensorPrimitives.Multiply(y, GeluScale, y);
    }

    private static int RowsPerChunk(int c) => Math.Max(1, ChunkFloats / Math.Max(1, c));

    /// <summary>Runs <paramref name="body"/> over [first, last) ranges of rows of about <see cref="ChunkFloats"/> values, in parallel.</summary>
    public static void ForRows(int n, int c, Action<int, int> body)
    {
        int rowsPerChunk = RowsPerChunk(c);
        int chunks = (n + rowsPerChunk - 1) / rowsPerChunk;
        Parallel.For(0, chunks, k => body(k * rowsPerChunk, Math.Min(n, (k + 1) * rowsPerChunk)));
    }

    private static void ForChunks(int length, Action<int, int> body)
    {
        int chunks = (length + ChunkFloats - 1) / ChunkFloats;
        Parallel.For(0, chunks, k => body(k * ChunkFloats, Math.Min(ChunkFloats, length - k * ChunkFloats)));
    }
}
